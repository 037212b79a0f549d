// Two `runt serve` nodes on one PostgreSQL database: the notebook in chromium on node A, a
// `runt agent` (Debian's ipykernel) connected to node B. A cell typed and run in the browser
// runs on node B's agent and its output appears in the page on node A.
// Usage: node nodes.e2e.mjs RUNT_BINARY BUILD_DIR   (needs RUNT_TEST_POSTGRES: run it through ctest)
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createDatabase, dropDatabase, startServer } from '../../tests/conformance/server.mjs'
import { checker, launchBrowser, screenshotDir, sleep, until } from './harness.mjs'

const [runt, buildDir] = process.argv.slice(2)
const cluster = process.env.RUNT_TEST_POSTGRES
if (!cluster) { console.error('nodes.e2e.mjs: RUNT_TEST_POSTGRES is not set (run it through ctest)'); process.exit(2) }
const database = 'runt_web_nodes_' + process.pid
const uri = createDatabase(cluster, database)
const shots = screenshotDir(buildDir)
const t = checker('browser on two nodes')
const token = 'web-nodes-token'
const webDir = join(buildDir, 'web-ui')
const a = await startServer(runt, { token, extraArgs: ['--store', uri, '--web-dir', webDir] })
const b = await startServer(runt, { token, extraArgs: ['--store', uri, '--web-dir', webDir] })
const notebook = 'two-nodes-' + Date.now()
let agentLog = ''
const agent = spawn(runt, ['agent', '--notebook', notebook, '--sync-url', b.url, '--runtime-id', 'agent-on-b'], {
  env: { ...process.env, RUNT_API_KEY: token }, stdio: ['ignore', 'ignore', 'pipe'],
})
agent.stderr.on('data', (d) => { agentLog += d })
const browser = await launchBrowser()
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  await page.goto(`http://127.0.0.1:${a.port}/n/${notebook}?token=${token}`)
  t.ok('the notebook opens on node A', !!(await until(page, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true')))
  t.ok('the runtime connected to node B shows as alive on node A',
    !!(await until(page, () => document.querySelector('.runtime')?.dataset.status === 'alive', undefined, 60_000)))
  await page.click('.add-code')
  await until(page, () => document.activeElement?.closest('.cell'), undefined, 5000)
  await page.keyboard.insertText('print(6 * 7)')
  await page.keyboard.press('Shift+Enter')
  const end = Date.now() + 60_000
  let text = ''
  while (Date.now() < end) {
    text = await page.locator('.cell').first().locator('.outputs').innerText().catch(() => '')
    if (/42/.test(text)) break
    await sleep(100)
  }
  t.ok('a cell run in the browser on node A runs on node B\'s agent and its output appears', /^42\s*$/.test(text), text)
  await page.screenshot({ path: join(shots, 'two-nodes.png') })
} finally {
  await browser.close()
  agent.kill('SIGTERM')
  await new Promise((r) => agent.once('exit', r))
  await a.kill('SIGTERM')
  await b.kill('SIGTERM')
  a.cleanup()
  b.cleanup()
  dropDatabase(cluster, database)
}
const failed = t.done()
if (failed) console.error(`--- node A:\n${a.log()}\n--- node B:\n${b.log()}\n--- agent:\n${agentLog}`)
process.exit(failed ? 1 : 0)
