// Who may run code under `runt up` (issue 9, finding H1): a user with only an API key who opens
// a new notebook owns it, but the operator's runt up starts no kernel for it, whoever opens it,
// until the operator allows that user runtimes; the browser says why. Kernels never see runt's
// tokens in their environment. Real runt up, real ipykernel, headless chromium.
// Usage: node --experimental-websocket up_runtimes.e2e.mjs RUNT_BINARY BUILD_DIR
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rawSocket } from '../../tests/conformance/server.mjs'
import { checker, launchBrowser, screenshotDir, sleep, startUp, until } from './harness.mjs'

const [runt, buildDir] = process.argv.slice(2)
const shots = screenshotDir(buildDir)
const t = checker('runt up runtimes')
const dataDir = mkdtempSync(join(tmpdir(), 'runt-up-runtimes-'))
const marker = join(dataDir, 'bob-code-ran')
const token = (...args) => spawnSync(runt, ['token', ...args, '--data', dataDir], { encoding: 'utf8' })
const waitFor = async (fn, ms = 60_000) => {
  const end = Date.now() + ms
  for (;;) { const v = await fn(); if (v || Date.now() > end) return v; await sleep(100) }
}

let up, browser
const sockets = []
try {
  const bobKey = token('create', '--user', 'bob').stdout.trim()
  // Secrets runt itself reads from the environment: none may reach a kernel.
  up = await startUp(runt, { dataDir, env: { RUNT_TOKEN: 'secret-from-env', RUNT_API_KEY: 'runt_secret', AUTH_TOKEN: 'secret-auth' } })
  const sync = `ws://127.0.0.1:${up.port}/livestore`
  const api = async (key, path, init = {}) => {
    const r = await fetch(`${up.origin}${path}`, { ...init, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } })
    return { status: r.status, body: path.endsWith('/events') ? await r.text() : await r.json().catch(() => null) }
  }
  const events = async (id) => (await api(up.token, `/api/notebooks/${id}/events`)).body.split('\n').filter(Boolean).map((l) => JSON.parse(l))
  const has = async (id, name) => (await events(id)).some((e) => e.name === name)
  // Opens a notebook's sync socket and waits until the server has handled the opening (a pull answered).
  const open = async (key, id) => {
    const socket = await rawSocket(sync, key, id)
    socket.send({ _tag: 'WSMessage.PullReq', requestId: 'open' })
    await socket.next((m) => m._tag === 'WSMessage.PullRes')
    sockets.push(socket)
    return socket
  }

  // --- Bob opens a new notebook id: he owns it, and runt up starts no kernel for it.
  await open(bobKey, 'bobs')
  const mine = (await api(bobKey, '/api/notebooks')).body.find((n) => n.id === 'bobs')
  t.ok('bob owns the notebook he opened', mine?.ownerId === 'bob' && mine.role === 'owner', JSON.stringify(mine))
  let refused = (await api(bobKey, '/api/notebooks/bobs')).body.runtimeRefused
  t.ok('no runtime starts for it, and the API says why', refused?.reason === 'not-allowed' && /owned by bob/.test(refused.message) &&
    refused.command === 'runt token allow-runtime --user bob', JSON.stringify(refused))
  t.ok('...and runt up logs it', /no runtime for notebook bobs: runt up runs no code for notebooks owned by bob/.test(up.log()), up.log().slice(-500))

  // --- The operator opening it changes nothing: the owner's permission decides, not the opener's.
  await open(up.token, 'bobs')
  refused = (await api(up.token, '/api/notebooks/bobs')).body.runtimeRefused
  t.ok('the operator opening bob\'s notebook starts no runtime either', refused?.reason === 'not-allowed', JSON.stringify(refused))

  // --- Bob in the browser: the banner says why, and his cell does not run.
  browser = await launchBrowser()
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
  await page.goto(`${up.origin}/n/bobs?token=${bobKey}`)
  t.ok('bob\'s browser opens his notebook', await until(page, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true') === true)
  const banner = await until(page, () => {
    const b = document.querySelector('.runtime-banner')
    return b && !b.hidden && b.dataset.refusal === 'not-allowed' && b.textContent
  }, undefined, 15_000)
  t.ok('the banner says runt up runs no code for bob\'s notebooks and how the operator allows it',
    /owned by bob/.test(banner ?? '') && /runt token allow-runtime --user bob/.test(banner ?? ''), String(banner))
  t.ok('...with the command as code', await page.locator('.runtime-banner code').innerText() === 'runt token allow-runtime --user bob')
  await page.click('.add-code')
  const cell = page.locator('.cell').last()
  await cell.locator('.cm-content').click()
  const code = [
    'import os, pathlib',
    `pathlib.Path(${JSON.stringify(marker)}).write_text("ran")`,
    'secrets = sorted(k for k in os.environ if k.startswith("RUNT_") or k == "AUTH_TOKEN")',
    `leaks = [k for k, v in os.environ.items() if ${JSON.stringify(up.token)} in v or ${JSON.stringify(dataDir)} in v]`,
    'print("secrets:", secrets, "leaks:", leaks)',
  ].join('\n')
  await page.keyboard.insertText(code)
  await page.keyboard.press('Control+Enter')
  t.ok('bob requests an execution', !!await waitFor(() => has('bobs', 'v1.ExecutionRequested'), 15_000))
  await page.screenshot({ path: `${shots}/runtimes-1-not-allowed.png` })
  const log = await events('bobs')
  t.ok('...which nobody runs: no session, no start', !log.some((e) => e.name === 'v1.RuntimeSessionStarted' || e.name === 'v1.ExecutionStarted'),
    log.map((e) => e.name).join(' '))
  t.ok('...and his code never ran', !existsSync(marker))

  // --- The operator allows bob runtimes: the waiting request runs, without reloading the page.
  const allow = token('allow-runtime', '--user', 'bob')
  t.ok('runt token allow-runtime --user bob succeeds', allow.status === 0 && /bob may run code/.test(allow.stderr), allow.stderr)
  const output = await waitFor(async () => {
    const text = await cell.locator('.outputs').innerText().catch(() => '')
    return /secrets:/.test(text) && text
  })
  t.ok('once allowed, bob\'s notebook gets a runtime and his cell runs', !!output && existsSync(marker), String(output))
  t.ok('the kernel sees none of runt\'s tokens in its environment', /secrets: \[\] leaks: \[\]/.test(output ?? ''), String(output))
  t.ok('the banner is gone', await until(page, () => document.querySelector('.runtime-banner')?.hidden === true, undefined, 15_000) === true)
  await page.screenshot({ path: `${shots}/runtimes-2-allowed.png` })

  // --- Withdrawn: the running kernel stops, and the banner says why again.
  const deny = token('deny-runtime', '--user', 'bob')
  t.ok('runt token deny-runtime --user bob succeeds', deny.status === 0, deny.stderr)
  const stopped = await waitFor(async () => (await events('bobs')).find((e) => e.name === 'v1.RuntimeSessionTerminated'))
  t.ok('denying stops the kernel of bob\'s notebook, ending its session', stopped?.args.reason === 'shutdown', JSON.stringify(stopped))
  t.ok('...and the banner says why', await until(page, () => document.querySelector('.runtime-banner')?.dataset.refusal === 'not-allowed', undefined, 20_000) === true)

  // --- A notebook of a user who may run code gets a runtime whoever with access opens it.
  const carolKey = token('create', '--user', 'carol', '--runtime').stdout.trim()
  t.ok('runt token create --runtime creates a key', carolKey.startsWith('runt_'))
  await api(carolKey, '/api/notebooks', { method: 'POST', body: JSON.stringify({ id: 'carols' }) })
  await api(carolKey, '/api/notebooks/carols/access', { method: 'POST', body: JSON.stringify({ userId: 'bob', role: 'writer' }) })
  await open(bobKey, 'carols')
  t.ok('bob opening carol\'s notebook starts a runtime for it (carol may run code)', !!await waitFor(() => has('carols', 'v1.RuntimeSessionStarted')))

  // --- Bad input: a clear error, nothing changed.
  const unknown = token('allow-runtime', '--user', 'nobody')
  t.ok('allowing an unknown user is a clear error', unknown.status === 2 && /Unknown user nobody/.test(unknown.stderr), unknown.stderr)
  const operator = token('deny-runtime', '--user', 'local')
  t.ok('the operator cannot be denied', operator.status === 2 && /operator/.test(operator.stderr), operator.stderr)
  t.ok('...and bob is still not allowed', (await api(bobKey, '/api/notebooks/bobs')).body.runtimeRefused?.reason === 'not-allowed')

  for (const s of sockets) s.close()
  const exit = await up.stop('SIGINT')
  t.ok('Ctrl-C exits 0', exit === 0, `exit ${exit}: ${up.log().slice(-400)}`)
} catch (e) {
  t.ok('the run finished', false, `${e.stack}\n${up?.log().slice(-2000)}`)
} finally {
  for (const s of sockets) s.close()
  if (browser) await browser.close()
  if (up) await up.stop('SIGINT')
  rmSync(dataDir, { recursive: true, force: true })
  process.exit(t.done() ? 1 : 0)
}
