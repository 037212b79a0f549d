// AI cells in the browser, end to end: a real `runt up` (server, agent on Debian's ipykernel,
// AI cells on the scripted provider of tests/ai, MCP tools from @modelcontextprotocol/
// server-everything) and two headless chromium pages. Screenshots of an AI answer, a tool-call
// card and an approval prompt go to build/screenshots/.
// Usage: node ai.e2e.mjs RUNT_BINARY BUILD_DIR
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checker, launchBrowser, screenshotDir, sleep, startUp, until } from './harness.mjs'

const [runt, buildDir] = process.argv.slice(2)
const here = dirname(fileURLToPath(import.meta.url))
const testsAi = join(here, '..', '..', 'tests', 'ai')
const shots = screenshotDir(buildDir)
const t = checker('AI cells in the browser')

// The scripted provider, on a free port.
const provider = spawn('node', [join(testsAi, 'scripted_provider.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] })
const providerPort = await new Promise((resolve, reject) => {
  let out = ''
  provider.stdout.on('data', (d) => { out += d; const m = out.match(/listening (\d+)/); if (m) resolve(Number(m[1])) })
  provider.on('exit', (code) => reject(new Error(`the scripted provider exited with ${code}`)))
})
const scratch = mkdtempSync(join(tmpdir(), 'runt-ai-e2e-'))
const mcpConfig = join(scratch, 'mcp.json')
writeFileSync(mcpConfig, JSON.stringify({ mcpServers: { everything: {
  command: 'node', args: [join(testsAi, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js'), 'stdio'], name: 'everything' } } }))
const up = await startUp(runt, {
  args: ['--mcp-config', mcpConfig],
  env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `http://127.0.0.1:${providerPort}/v1`, OLLAMA_HOST: `http://127.0.0.1:${providerPort}` },
})
const browser = await launchBrowser()
const failures = []

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`))
  await page.goto(up.url)
  await until(page, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true')
  return page
}
const cellText = (page, id) => page.evaluate((cellId) => document.querySelector(`.cell[data-cell-id="${cellId}"] .outputs`)?.innerText ?? '', id)
async function waitText(page, id, re, ms = 60_000) {
  const end = Date.now() + ms
  let text = ''
  while (Date.now() < end) {
    text = await cellText(page, id).catch(() => '')
    if (re.test(text)) return text
    await sleep(100)
  }
  return text
}
// Adds an AI cell at the end, types its prompt, picks the model, runs it; returns its id.
async function ask(page, prompt, model) {
  const before = await page.locator('.cell').count()
  await page.click('.add-ai')
  await until(page, (n) => document.querySelectorAll('.cell').length > n, before, 5000)
  const id = await page.locator('.cell').last().getAttribute('data-cell-id')
  const cell = page.locator(`.cell[data-cell-id="${id}"]`)
  await cell.locator('.cm-content').click()
  await page.keyboard.insertText(prompt)
  const value = await until(page, ([cellId, m]) => {
    const option = Array.from(document.querySelectorAll(`.cell[data-cell-id="${cellId}"] .ai-model option`)).find((o) => o.value.endsWith(`\u0000${m}`))
    return option?.value ?? null
  }, [id, model], 30_000)
  t.ok(`the model picker offers ${model}`, value !== null)
  await cell.locator('.ai-model').selectOption(value)
  await cell.locator('button.run').click()
  return id
}

try {
  const a = await openPage()
  const b = await openPage()
  t.ok('the runtime is alive', await until(a, () => document.querySelector('.runtime')?.dataset.status === 'alive', undefined, 60_000) === true)

  // --- An AI cell asks for a plot: the model makes a cell below it, runs it, reads its output.
  const aiCell = await ask(a, 'Plot the first three squares', 'notebook-plot')
  const answer = await waitText(a, aiCell, /The cell ran\. Its summary:.*plotted 42/s)
  t.ok('the AI answer streams into the cell and quotes the run', /I'll plot it in a new cell\./.test(answer) && /plotted 42/.test(answer), answer)
  t.ok('both tool calls show as cards', await a.locator(`.cell[data-cell-id="${aiCell}"] .tool-card`).count() === 2)
  const made = await until(a, (id) => {
    const cells = Array.from(document.querySelectorAll('.cell'))
    const i = cells.findIndex((c) => c.dataset.cellId === id)
    const next = cells[i + 1]
    return next && next.dataset.cellType === 'code' && next.querySelector('img.output-image')?.complete ? next.dataset.cellId : null
  }, aiCell, 30_000)
  t.ok('the new code cell sits below the AI cell and shows its figure', made !== null)
  t.ok('the second browser shows the same answer', /The cell ran\. Its summary:.*plotted 42/s.test(await waitText(b, aiCell, /plotted 42/)))
  t.ok('the second browser shows the made cell too', await until(b, (id) => !!document.querySelector(`.cell[data-cell-id="${id}"] img.output-image`), made, 30_000) === true)
  await a.locator(`.cell[data-cell-id="${aiCell}"]`).screenshot({ path: `${shots}/ai-1-answer.png` })
  await a.locator(`.cell[data-cell-id="${aiCell}"] .tool-card`).first().screenshot({ path: `${shots}/ai-2-tool-card.png` })

  // --- A tool that is not built in waits for approval; the other person allows it.
  const toolCell = await ask(a, 'Use a tool', 'use-tool')
  const prompted = await until(b, (id) => !!document.querySelector(`.cell[data-cell-id="${id}"] .approval button.approve-once`), toolCell, 30_000)
  t.ok('the approval prompt shows in the other browser', prompted === true)
  t.ok('it names the tool', /mcp__everything__echo/.test(await b.locator(`.cell[data-cell-id="${toolCell}"] .approval`).innerText().catch(() => '')))
  await b.locator(`.cell[data-cell-id="${toolCell}"]`).screenshot({ path: `${shots}/ai-3-approval.png` })
  await b.locator(`.cell[data-cell-id="${toolCell}"] .approval button.approve-once`).click()
  t.ok('once allowed, the tool runs and the model reads its result',
    /Tool said: Echo: hello from the model/.test(await waitText(a, toolCell, /Tool said/)), await cellText(a, toolCell))
  t.ok('the prompt goes away in both browsers', await until(a, (id) => !document.querySelector(`.cell[data-cell-id="${id}"] .approval`), toolCell, 10_000) === true &&
    await until(b, (id) => !document.querySelector(`.cell[data-cell-id="${id}"] .approval`), toolCell, 10_000) === true)

  // --- Denied in the other browser: the model is told.
  const denyCell = await ask(a, 'Use a tool again', 'use-tool')
  await until(b, (id) => !!document.querySelector(`.cell[data-cell-id="${id}"] .approval button.deny`), denyCell, 30_000)
  await b.locator(`.cell[data-cell-id="${denyCell}"] .approval button.deny`).click()
  t.ok('a denied tool is reported to the model', /denied by user/.test(await waitText(a, denyCell, /Tool said/)), await cellText(a, denyCell))

  // --- The per-cell switch hides a cell from the AI, for everyone.
  await a.locator(`.cell[data-cell-id="${made}"] button.ai-context`).click()
  t.ok('a cell hidden from the AI shows so in both browsers',
    await until(b, (id) => document.querySelector(`.cell[data-cell-id="${id}"]`)?.classList.contains('hidden-from-ai'), made, 10_000) === true)
  await a.screenshot({ path: `${shots}/ai-4-notebook.png`, fullPage: true })
} catch (e) {
  failures.push(`${e.stack ?? e}`)
} finally {
  await browser.close()
  await up.stop()
  provider.kill()
  up.cleanup()
  rmSync(scratch, { recursive: true, force: true })
}
for (const f of failures) t.ok(f, false)
if (t.done()) {
  console.log(up.log())
  process.exit(1)
}
