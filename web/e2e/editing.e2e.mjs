// The notebook's editing and output features in chromium against a real `runt up`: title,
// cell type, move, delete, run all, clear, display updates, clear_output(wait=True), ANSI
// colours, .ipynb export and import, the notebook list, and a page without the token.
// Usage: node editing.e2e.mjs RUNT_BINARY BUILD_DIR
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checker, launchBrowser, screenshotDir, sleep, startUp, until } from './harness.mjs'

const [runt, buildDir] = process.argv.slice(2)
const shots = screenshotDir(buildDir)
const t = checker('browser editing')
const up = await startUp(runt)
const browser = await launchBrowser()
let page

const ids = () => page.evaluate(() => Array.from(document.querySelectorAll('.cell')).map((c) => c.dataset.cellId))
const cellById = (id) => page.locator(`.cell[data-cell-id="${id}"]`)
async function addCode(code) {
  const before = (await ids()).length
  await page.click('.add-code')
  await until(page, (n) => document.querySelectorAll('.cell').length > n && document.activeElement?.closest('.cell') === document.querySelector('.cell:last-of-type'), before, 5000)
  const id = (await ids()).at(-1)
  await page.keyboard.insertText(code)
  return id
}
const outputOf = (id) => cellById(id).locator('.outputs').innerText().catch(() => '')
async function waitOutput(id, re, ms = 30_000) {
  const end = Date.now() + ms
  let text = ''
  while (Date.now() < end) { text = await outputOf(id); if (re.test(text)) return text; await sleep(100) }
  return text
}

try {
  // --- Without the token: a 401 page, no app.
  const stranger = await browser.newContext()
  const strangerPage = await stranger.newPage()
  const denied = await strangerPage.goto(`${up.origin}/n/${up.notebookId}`)
  t.ok('a page without the token is refused with 401', denied.status() === 401)
  t.ok('...and says how to log in', /token/i.test(await strangerPage.innerText('body')))
  await stranger.close()

  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } })
  page = await context.newPage()
  await page.goto(up.url)
  await until(page, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true')
  await until(page, () => document.querySelector('.runtime')?.dataset.status === 'alive', undefined, 30_000)

  // --- Title.
  await page.fill('.title', 'Quarterly report')
  await page.press('.title', 'Enter')
  t.ok('the title can be edited', await until(page, () => document.title.startsWith('Quarterly report')) === true)

  // --- Cells: type change, move by keys, delete.
  const a = await addCode('a = 1')
  const b = await addCode('b = 2')
  const c = await addCode('c = 3')
  t.ok('three cells in order', JSON.stringify(await ids()) === JSON.stringify([a, b, c]))
  await cellById(c).locator('.editor').click()
  await page.keyboard.press('Alt+ArrowUp')
  t.ok('Alt+Up moves a cell up', await until(page, (want) => JSON.stringify(Array.from(document.querySelectorAll('.cell')).map((x) => x.dataset.cellId)) === want, JSON.stringify([a, c, b])) === true)
  await cellById(c).locator('.move-up').click()
  t.ok('the move button moves it again', await until(page, (want) => JSON.stringify(Array.from(document.querySelectorAll('.cell')).map((x) => x.dataset.cellId)) === want, JSON.stringify([c, a, b])) === true)
  await cellById(b).locator('.cell-type').selectOption('markdown')
  t.ok('the cell type changes to markdown', await until(page, (id) => document.querySelector(`.cell[data-cell-id="${id}"]`)?.dataset.cellType === 'markdown', b) === true)
  await cellById(b).locator('.delete').click()
  t.ok('a cell can be deleted', await until(page, (id) => !document.querySelector(`.cell[data-cell-id="${id}"]`), b) === true)

  // --- Run all runs every code cell in order.
  const d = await addCode('print(a + c)')
  await page.click('.run-all')
  t.ok('Run all runs the cells in order', /^4\s*$/.test(await waitOutput(d, /4/)), await outputOf(d))

  // --- Drag a cell by its gutter onto the top half of another: it lands above it.
  await cellById(d).locator('.gutter').dragTo(cellById(c), { targetPosition: { x: 300, y: 4 } })
  t.ok('dragging a cell by its gutter moves it', await until(page, (want) => JSON.stringify(Array.from(document.querySelectorAll('.cell')).map((x) => x.dataset.cellId)) === want, JSON.stringify([d, c, a])) === true,
    JSON.stringify(await ids()))

  // --- Rich outputs: display updates, clear_output(wait=True), ANSI colours, JSON.
  const disp = await addCode('from IPython.display import display\nh = display("one", display_id=True)\nh.update("two")')
  await page.keyboard.press('Control+Enter')
  t.ok('a display_id update replaces the shown value', /'two'/.test(await waitOutput(disp, /two/)) && !/one/.test(await outputOf(disp)), await outputOf(disp))
  const clear = await addCode('from IPython.display import clear_output\nprint("first")\nclear_output(wait=True)\nprint("second")')
  await page.keyboard.press('Control+Enter')
  const cleared = await waitOutput(clear, /second/)
  t.ok('clear_output(wait=True) keeps only what followed', /second/.test(cleared) && !/first/.test(cleared), cleared)
  const ansi = await addCode('print("\\033[31mred\\033[0m plain \\033[1;38;5;208morange\\033[0m\\033[2K <b>x</b>")')
  await page.keyboard.press('Control+Enter')
  await waitOutput(ansi, /orange/)
  const spans = await cellById(ansi).locator('.outputs span').evaluateAll((all) =>
    all.map((s) => [s.textContent, getComputedStyle(s).color, getComputedStyle(s).fontWeight]))
  t.ok('ANSI colours render as coloured text', spans[0]?.[0] === 'red' && spans[0]?.[1] === 'rgb(205, 49, 49)', JSON.stringify(spans))
  t.ok('...256-colour and bold too', spans[1]?.[0] === 'orange' && spans[1]?.[1] === 'rgb(255, 135, 0)' && spans[1]?.[2] === '700', JSON.stringify(spans))
  const plain = await waitOutput(ansi, /orange/)
  t.ok('...other escapes are dropped and markup stays text', /orange <b>x<\/b>/.test(plain) && !plain.includes('\x1b'), plain)
  const err = await addCode('1/0')
  await page.keyboard.press('Control+Enter')
  t.ok('an error shows its traceback', /ZeroDivisionError/.test(await waitOutput(err, /ZeroDivisionError/)))
  t.ok('...and the cell is marked as failed', await until(page, (id) => document.querySelector(`.cell[data-cell-id="${id}"]`)?.dataset.executionState === 'error', err) === true)
  await page.screenshot({ path: `${shots}/7-outputs.png`, fullPage: true })

  // --- Clear every output.
  await page.click('.clear-all')
  t.ok('Clear outputs empties every cell', await until(page, () => document.querySelectorAll('.output').length === 0) === true)

  // --- Export to .ipynb, then import it as a new notebook from the list.
  await page.locator(`.cell[data-cell-id="${d}"] .run`).click()
  await waitOutput(d, /4/)
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.export')])
  const file = join(buildDir, 'screenshots', 'exported.ipynb')
  await download.saveAs(file)
  const nb = JSON.parse(readFileSync(file, 'utf8'))
  t.ok('Export gives an nbformat 4 notebook', nb.nbformat === 4 && Array.isArray(nb.cells))
  t.ok('...with the cells and their outputs', nb.cells.some((x) => x.source.includes('print(a + c)') && JSON.stringify(x.outputs).includes('4')))

  await page.goto(`${up.origin}/`)
  t.ok('the list shows the notebook with its title', await until(page, () => document.querySelector('.notebooks a.open')?.textContent === 'Quarterly report') === true)
  const toImport = join(buildDir, 'screenshots', 'to-import.ipynb')
  writeFileSync(toImport, JSON.stringify({
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [{ cell_type: 'markdown', id: 'm1', metadata: {}, source: ['# Imported\n'] }, { cell_type: 'code', id: 'c1', metadata: {}, source: ['x = 7'], outputs: [], execution_count: null }],
  }))
  await page.setInputFiles('.list-actions .import-file', toImport)
  t.ok('Import from the list opens a new notebook', await until(page, (id) => location.pathname.startsWith('/n/') && !location.pathname.includes(id), up.notebookId, 15_000) === true)
  t.ok('...holding the imported cells', await until(page, () => document.querySelectorAll('.cell').length === 2 && document.querySelector('.cell .markdown-rendered h1')?.textContent === 'Imported') === true)

  // --- The list: create and rename.
  await page.goto(`${up.origin}/`)
  await until(page, () => document.querySelectorAll('.notebooks tr').length === 2)
  await page.click('.new-notebook')
  t.ok('New notebook opens an empty Untitled notebook', await until(page, () => location.pathname.startsWith('/n/') && document.querySelector('.notebook-page')?.dataset.loaded === 'true' && document.querySelector('.title')?.value === 'Untitled') === true)
  t.ok('runt up gives the new notebook its own runtime', await until(page, () => document.querySelector('.runtime')?.dataset.status === 'alive', undefined, 30_000) === true)
  await page.goto(`${up.origin}/`)
  await until(page, () => document.querySelectorAll('.notebooks tr').length === 3)
  page.once('dialog', (dialog) => dialog.accept('Renamed from the list'))
  await page.locator('.notebooks tr', { hasText: 'Untitled' }).locator('.rename').click()
  t.ok('Rename from the list changes the title', await until(page, () => Array.from(document.querySelectorAll('.notebooks a.open')).some((x) => x.textContent === 'Renamed from the list')) === true)
  await page.reload()
  t.ok('...and the server keeps it', await until(page, () => Array.from(document.querySelectorAll('.notebooks a.open')).some((x) => x.textContent === 'Renamed from the list')) === true)
  await page.screenshot({ path: `${shots}/8-notebook-list.png` })

  // --- Under plain runt serve nobody starts agents: the page says how to start one.
  const serve = spawn(runt, ['serve', '--port', '0', '--data', join(up.dataDir, 'serve'), '--token', 'serve-token'], { stdio: ['ignore', 'pipe', 'ignore'] })
  const port = await new Promise((resolve) => { let out = ''; serve.stdout.on('data', (x) => { out += x; const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/); if (m) resolve(m[1]) }) })
  await fetch(`http://127.0.0.1:${port}/api/notebooks`, { method: 'POST', headers: { Authorization: 'Bearer serve-token' }, body: JSON.stringify({ id: 'lonely' }) })
  await page.goto(`http://127.0.0.1:${port}/n/lonely?token=serve-token`)
  t.ok('a notebook without a runtime says how to start one', await until(page, () => {
    const banner = document.querySelector('.runtime-banner')
    return !!banner && !banner.hidden && banner.textContent.includes('runt agent --notebook lonely --sync-url ws://') && document.querySelector('.runtime')?.dataset.status === 'none'
  }) === true)
  await page.screenshot({ path: `${shots}/9-no-runtime.png` })

  // --- A login link followed from another site's page (here another port: same-site, not
  // same-origin) does not log in by itself: it asks first, and the button does.
  const visitor = await browser.newContext()
  const visitorPage = await visitor.newPage()
  await visitorPage.goto(`http://127.0.0.1:${port}/?token=serve-token`)
  await visitorPage.evaluate((url) => { location.href = url }, up.url)
  await visitorPage.waitForURL((u) => u.port === String(up.port))
  await visitorPage.waitForLoadState()
  t.ok('a login link from another site shows a button instead of logging in', /Log in to this runt server/.test(await visitorPage.innerText('body')) &&
    !(await visitor.cookies()).some((c) => c.name === `runt_token_${up.port}`))
  await visitorPage.click('button[type=submit]')
  t.ok('...and the button logs in and opens the notebook', await until(visitorPage, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true') === true,
    visitorPage.url())
  await visitor.close()
  await new Promise((resolve) => { serve.once('exit', resolve); serve.kill('SIGTERM') })

  // --- Log out: the session ends, and the app asks for a login again.
  await page.goto(`${up.origin}/`)
  await until(page, () => !!document.querySelector('.logout'))
  await page.click('.logout')
  t.ok('Log out ends the login', await until(page, () => document.title === 'runt: log in') === true)
  t.ok('...for good', (await page.goto(`${up.origin}/`)).status() === 401)
} catch (e) {
  t.ok('the run finished', false, e.stack)
  await page?.screenshot({ path: `${shots}/editing-failure.png` }).catch(() => {})
} finally {
  await browser.close()
  await up.stop('SIGINT')
  up.cleanup()
  process.exit(t.done() ? 1 : 0)
}
