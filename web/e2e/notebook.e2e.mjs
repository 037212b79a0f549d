// The browser notebook end to end: a real `runt up` (server + Python agent on Debian's ipykernel)
// and headless chromium. Usage: node notebook.e2e.mjs RUNT_BINARY BUILD_DIR
import { execFileSync } from 'node:child_process'
import { checker, launchBrowser, screenshotDir, sleep, startUp, until } from './harness.mjs'

const [runt, buildDir] = process.argv.slice(2)
const shots = screenshotDir(buildDir)
const t = checker('browser notebook')
let up = await startUp(runt)
const browser = await launchBrowser()
const failures = []
let page // the first browser's page, for a screenshot when something fails

// A locator pinned to the cell that is last now (`.last()` alone would follow newer cells).
async function lastCell(page) {
  const id = await page.locator('.cell').last().getAttribute('data-cell-id')
  return page.locator(`.cell[data-cell-id="${id}"]`)
}
async function typeInto(page, cell, text) {
  await cell.locator('.cm-content').click()
  await page.keyboard.insertText(text) // as a paste: no auto-indent between lines
}
// Clicks an add button and waits for the new cell (it is drawn on the next animation frame).
async function addCell(page, kind) {
  const before = await page.locator('.cell').count()
  await page.click(`.add-${kind}`)
  await until(page, (n) => document.querySelectorAll('.cell').length > n && document.activeElement?.closest('.cell') === document.querySelector('.cell:last-of-type'), before, 5000)
  return lastCell(page)
}
async function newCodeCell(page, code) {
  const cell = await addCell(page, 'code')
  await typeInto(page, cell, code)
  return cell
}
const outputText = (cell) => cell.locator('.outputs').innerText()
async function waitOutput(cell, re, ms = 30_000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const text = await outputText(cell).catch(() => '')
    if (re.test(text)) return text
    await sleep(100)
  }
  return await outputText(cell).catch(() => '')
}

try {
  // --- Token login: the URL's token becomes an HttpOnly cookie, and the page has a CSP.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  page = await context.newPage()
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`))
  const response = await page.goto(up.url)
  t.ok('the token URL lands on the notebook without the token in it', !page.url().includes('token='), page.url())
  const csp = (await response.allHeaders())['content-security-policy'] ?? ''
  t.ok('the page has a Content-Security-Policy without unsafe-inline scripts', /script-src 'self'/.test(csp) && !/script-src[^;]*unsafe-inline/.test(csp), csp)
  const cookies = await context.cookies()
  const loginCookie = cookies.find((c) => c.name === `runt_token_${up.port}`)
  t.ok('the login is a session id (not the token) in an HttpOnly, SameSite=Strict cookie', !!loginCookie &&
    /^[0-9a-f]{64}$/.test(loginCookie.value) && loginCookie.httpOnly && loginCookie.sameSite === 'Strict', JSON.stringify(cookies))
  t.ok('the notebook loads', await until(page, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true') === true)
  t.ok('a fresh notebook is titled Untitled', await until(page, () => document.querySelector('.title')?.value === 'Untitled') === true)
  t.ok('the Python runtime shows as alive', await until(page, () => document.querySelector('.runtime')?.dataset.status === 'alive', undefined, 30_000) === true,
    await page.locator('.runtime').innerText())

  // --- print("hello"), Shift+Enter.
  const hello = await newCodeCell(page, 'print("hello")')
  await page.keyboard.press('Shift+Enter')
  t.ok('Shift+Enter runs the cell and shows hello', /^hello\s*$/.test(await waitOutput(hello, /hello/)))
  t.ok('the cell shows its execution count', /\[1\]/.test(await hello.locator('.prompt').innerText()))
  t.ok('Shift+Enter moved on to a new cell', (await page.locator('.cell').count()) === 2)
  await page.screenshot({ path: `${shots}/1-hello.png` })

  // --- A matplotlib figure renders as an image.
  const plot = await lastCell(page)
  await typeInto(page, plot, 'import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()')
  await page.keyboard.press('Control+Enter')
  const imageLoaded = await until(page, (id) => {
    const img = document.querySelector(`.cell[data-cell-id="${id}"] img.output-image`)
    return !!img && img.complete && img.naturalWidth > 100
  }, await plot.getAttribute('data-cell-id'), 60_000)
  t.ok('a matplotlib cell shows its figure as an image', imageLoaded === true, await outputText(plot))
  await page.screenshot({ path: `${shots}/2-matplotlib.png` })

  // --- A markdown cell renders (and is sanitized).
  const md = await addCell(page, 'markdown')
  await typeInto(page, md, '# Results\nSome *emphasis* <img src=x onerror="window.pwned=1">')
  await page.keyboard.press('Shift+Enter')
  t.ok('a markdown cell renders its heading', await until(page, (id) => document.querySelector(`.cell[data-cell-id="${id}"] .markdown-rendered h1`)?.textContent === 'Results', await md.getAttribute('data-cell-id')) === true)
  await sleep(300)
  t.ok('markdown is sanitized (no event handlers run)', await page.evaluate(() => window.pwned === undefined))
  t.ok('...and none are in the page', await page.evaluate((id) => {
    const root = document.querySelector(`.cell[data-cell-id="${id}"] .markdown-rendered`)
    return !!root && Array.from(root.querySelectorAll('*')).every((n) => Array.from(n.attributes).every((a) => !a.name.startsWith('on')))
  }, await md.getAttribute('data-cell-id')))

  // --- HTML output runs in a sandboxed frame that cannot read the app's cookies.
  await page.evaluate(() => { window.probes = []; window.addEventListener('message', (e) => { if (e.data?.probe) window.probes.push(e.data.probe) }) })
  const html = await newCodeCell(page, 'from IPython.display import HTML, display\ndisplay(HTML("""<b id=probe>html output</b><script>var r; try { r = "cookie:" + document.cookie } catch (e) { r = "blocked:" + e.name } try { r += " parent:" + parent.document.title } catch (e) { r += " parent-blocked:" + e.name } parent.postMessage({probe: r}, "*")</script>"""))')
  await page.keyboard.press('Control+Enter')
  const probe = await until(page, () => window.probes[0])
  t.ok('HTML output runs script in its frame', typeof probe === 'string', String(probe))
  t.ok('...but cannot read the app cookies or DOM', /^blocked:SecurityError parent-blocked:SecurityError$/.test(String(probe)), String(probe))
  const frameSandbox = await html.locator('iframe').getAttribute('sandbox')
  t.ok('the frame is sandboxed without allow-same-origin', !!frameSandbox && !frameSandbox.includes('allow-same-origin'), String(frameSandbox))
  await page.screenshot({ path: `${shots}/3-markdown-html.png` })

  // --- Interrupt a long sleep.
  const sleeper = await newCodeCell(page, 'import time\ntime.sleep(60)')
  await page.keyboard.press('Control+Enter')
  const sleeperId = await sleeper.getAttribute('data-cell-id')
  t.ok('the sleeping cell runs', await until(page, (id) => document.querySelector(`.cell[data-cell-id="${id}"]`)?.dataset.executionState === 'running', sleeperId, 30_000) === true)
  const interruptedAt = Date.now()
  await page.click('.actions .interrupt')
  const stopped = await until(page, (id) => ['idle', 'error', 'completed'].includes(document.querySelector(`.cell[data-cell-id="${id}"]`)?.dataset.executionState), sleeperId, 20_000)
  t.ok('Interrupt stops time.sleep(60) within seconds', stopped === true, `${Date.now() - interruptedAt} ms`)
  const after = await newCodeCell(page, 'print("still alive")')
  await page.keyboard.press('Control+Enter')
  t.ok('the kernel runs the next cell after the interrupt', /still alive/.test(await waitOutput(after, /still alive/)))

  // --- A second person (bob, with his own key, granted writer by the owner) sees edits live.
  const bobKey = execFileSync(runt, ['token', 'create', '--user', 'bob', '--data', up.dataDir], { encoding: 'utf8' }).trim()
  const grant = await fetch(`${up.origin}/api/notebooks/${up.notebookId}/access`, {
    method: 'POST', headers: { Authorization: `Bearer ${up.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId: 'bob', role: 'writer' }),
  })
  t.ok('the owner grants bob write access', grant.ok, await grant.text())
  const other = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page2 = await other.newPage()
  await page2.goto(`${up.origin}/n/${up.notebookId}?token=${bobKey}`)
  t.ok('a second browser opens the notebook', await until(page2, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true') === true)
  const shared = await newCodeCell(page, 'x = 42')
  const sharedId = await shared.getAttribute('data-cell-id')
  t.ok('an edit in one browser appears in the other', await until(page2, (id) => document.querySelector(`.cell[data-cell-id="${id}"] .editor`)?.textContent === 'x = 42', sharedId, 10_000) === true)
  await page2.locator(`.cell[data-cell-id="${sharedId}"] .editor`).click()
  await page2.keyboard.press('End')
  await page2.keyboard.insertText(' + 1')
  t.ok('...and the other way round', await until(page, (id) => document.querySelector(`.cell[data-cell-id="${id}"] .editor`)?.textContent === 'x = 42 + 1', sharedId, 10_000) === true)
  t.ok('presence: the first browser sees bob on that cell', await until(page, (id) => document.querySelector(`.cell[data-cell-id="${id}"] .presence`)?.textContent.includes('bob'), sharedId, 10_000) === true)
  await page2.screenshot({ path: `${shots}/4-second-browser.png` })
  await other.close()

  // --- Restart the server: the page reconnects by itself and keeps working.
  const port = up.port, dataDir = up.dataDir
  const code = await up.stop('SIGINT')
  t.ok('Ctrl-C stops runt up cleanly', code === 0, `exit ${code}: ${up.log().slice(-500)}`)
  t.ok('the page notices the server is gone', await until(page, () => document.querySelector('.connection')?.dataset.status === 'offline', undefined, 10_000) === true)
  up = await startUp(runt, { dataDir, port })
  t.ok('the page reconnects after the restart', await until(page, () => document.querySelector('.connection')?.dataset.status === 'online', undefined, 20_000) === true)
  const again = await newCodeCell(page, 'print("after restart")')
  await page.keyboard.press('Control+Enter')
  t.ok('cells run after the restart without reloading the page', /after restart/.test(await waitOutput(again, /after restart/, 60_000)))
  await page.screenshot({ path: `${shots}/5-after-restart.png` })

  // --- A million lines of output: the page stays responsive and shows the tail.
  const flood = await newCodeCell(page, 'for i in range(1000000):\n    print(i)')
  await page.keyboard.press('Control+Enter')
  const floodId = await flood.getAttribute('data-cell-id')
  let worst = 0
  const started = Date.now()
  while (Date.now() - started < 120_000) {
    const t0 = Date.now()
    await page.click('.title', { timeout: 5000 })
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))))
    worst = Math.max(worst, Date.now() - t0)
    const state = await page.evaluate((id) => document.querySelector(`.cell[data-cell-id="${id}"]`)?.dataset.executionState, floodId)
    if (state === 'completed' || state === 'error') break
    await sleep(250)
  }
  t.ok('a click answers within 1 s while a million lines stream', worst < 1000, `${worst} ms`)
  const tail = await waitOutput(flood, /999999/, 60_000)
  t.ok('the output ends with the last line', /999999\s*$/.test(tail), tail.slice(-100))
  t.ok('the earlier lines are behind one "show more" control', await flood.locator('.show-more').count() === 1)
  const shown = (await flood.locator('.outputs').innerText()).split('\n').length
  t.ok('only the tail is in the page', shown < 5000, `${shown} lines`)
  await flood.locator('.show-more').click()
  const more = await until(page, (id) => {
    const pres = document.querySelectorAll(`.cell[data-cell-id="${id}"] .outputs pre`)
    return pres.length === 1 && pres[0].textContent.split('\n').length > 15000 ? pres[0].textContent.split('\n').length : 0
  }, floodId, 10_000)
  t.ok('"show more" shows more lines in place of the tail', !!more, String(more))
  console.log(`flood: worst click-to-frame ${worst} ms`)
  await page.screenshot({ path: `${shots}/6-million-lines.png` })
} catch (e) {
  t.ok('the run finished', false, e.stack)
  await page?.screenshot({ path: `${shots}/failure.png` }).catch(() => {})
} finally {
  for (const f of failures) t.ok('no page errors', false, f)
  await browser.close()
  const code = await up.stop('SIGINT')
  up.cleanup()
  process.exit(t.done() ? 1 : 0)
}
