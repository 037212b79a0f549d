// `runt up` as a user runs it (no browser): the first run creates an Untitled notebook with a
// live Python session; another notebook gets its own agent when opened; Ctrl-C ends every
// session cleanly; the next run reopens the same notebook
// with the same token; a .ipynb argument is imported; a busy port and an unknown kernel give
// clear errors. Usage: node --experimental-websocket up.e2e.mjs RUNT_BINARY
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checker, sleep, startUp } from './harness.mjs'

const runt = process.argv[2]
const t = checker('runt up')
const dataDir = mkdtempSync(join(tmpdir(), 'runt-up-'))
const get = async (up, path) => {
  const r = await fetch(`${up.origin}${path}`, { headers: { Authorization: `Bearer ${up.token}` } })
  return { status: r.status, text: await r.text() }
}
const events = async (up, id) => (await get(up, `/api/notebooks/${id}/events`)).text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
async function waitFor(fn, ms = 30_000) {
  const end = Date.now() + ms
  for (;;) { const v = await fn(); if (v || Date.now() > end) return v; await sleep(100) }
}

let up
try {
  up = await startUp(runt, { dataDir })
  const first = up.notebookId
  const info = JSON.parse((await get(up, `/api/notebooks/${first}`)).text)
  t.ok('the first run creates a notebook titled Untitled', info.title === 'Untitled', JSON.stringify(info))
  const started = await waitFor(async () => (await events(up, first)).find((e) => e.name === 'v1.RuntimeSessionStarted'))
  t.ok('...with a Python runtime session', started?.args.runtimeType === 'python', JSON.stringify(started))
  const ready = await waitFor(async () => (await events(up, first)).some((e) => e.name === 'v1.RuntimeSessionStatusChanged' && e.args.status === 'ready'))
  t.ok('...that becomes ready', !!ready)

  // Opening another notebook (as a browser does) gives it an agent of its own.
  await fetch(`${up.origin}/api/notebooks`, { method: 'POST', headers: { Authorization: `Bearer ${up.token}` }, body: JSON.stringify({ id: 'second' }) })
  const params = new URLSearchParams({ storeId: 'second', payload: encodeURIComponent(JSON.stringify({ authToken: up.token })) })
  const visitor = new WebSocket(`ws://127.0.0.1:${up.port}/livestore/websocket?${params}`)
  await new Promise((resolve, reject) => { visitor.onopen = resolve; visitor.onerror = reject })
  const second = await waitFor(async () => (await events(up, 'second')).find((e) => e.name === 'v1.RuntimeSessionStarted'))
  t.ok('opening another notebook starts an agent for it', second?.args.runtimeType === 'python', JSON.stringify(second))
  visitor.close()

  // A second runt up on the same port cannot start, and says why.
  const busy = spawnSync(runt, ['up', '--port', String(up.port), '--data', join(dataDir, 'busy')], { encoding: 'utf8', timeout: 30_000 })
  t.ok('a busy port is a clear error', busy.status !== 0 && /runt up: .*(address|in use|bind)/i.test(busy.stderr), busy.stderr)

  const code = await up.stop('SIGINT')
  t.ok('Ctrl-C exits 0', code === 0, `exit ${code}: ${up.log().slice(-400)}`)
  up = await startUp(runt, { dataDir })
  const log = await events(up, first)
  const terminated = log.filter((e) => e.name === 'v1.RuntimeSessionTerminated').at(0)
  t.ok('...after ending the agent session with reason shutdown', terminated?.args.sessionId === started?.args.sessionId && terminated?.args.reason === 'shutdown', JSON.stringify(terminated))
  t.ok('the next run reopens the same notebook', up.notebookId === first, `${up.notebookId} vs ${first}`)
  const secondEnd = (await events(up, 'second')).find((e) => e.name === 'v1.RuntimeSessionTerminated')
  t.ok('...and the other notebook\'s agent ended its session too', secondEnd?.args.sessionId === second?.args.sessionId && secondEnd?.args.reason === 'shutdown', JSON.stringify(secondEnd))
  await up.stop('SIGINT')

  const ipynb = join(dataDir, 'analysis.ipynb')
  writeFileSync(ipynb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'x', metadata: {}, source: 'answer = 42', outputs: [], execution_count: null }] }))
  up = await startUp(runt, { dataDir, args: [ipynb] })
  const imported = await events(up, up.notebookId)
  t.ok('a .ipynb argument is imported as a new notebook', up.notebookId !== first && imported.some((e) => e.name === 'v1.CellSourceChanged' && e.args.source === 'answer = 42'))
  t.ok('...titled after the file', imported.some((e) => e.name === 'v1.NotebookTitleChanged' && e.args.title === 'analysis'))
  await up.stop('SIGINT')
  up = null

  const nokernel = spawnSync(runt, ['up', '--port', '0', '--data', dataDir, '--kernel', 'no-such-kernel'], { encoding: 'utf8', timeout: 30_000 })
  t.ok('an unknown kernel is a clear error', nokernel.status === 2 && /no kernelspec named no-such-kernel/.test(nokernel.stderr), nokernel.stderr)
} catch (e) {
  t.ok('the run finished', false, e.stack)
} finally {
  if (up) await up.stop('SIGINT')
  rmSync(dataDir, { recursive: true, force: true })
  process.exit(t.done() ? 1 : 0)
}
