// Benchmark: open a notebook of 500 cells / 20,000 events in headless chromium, time until it
// is interactive (every cell drawn and a click in the last code cell's editor focuses it). Target ≤ 1 s.
// Peers in the same run: the floor of fetching and JSON-parsing the same log in the same browser
// (no materializing, no drawing), and runt's native materializer (`runt replay`) on it.
// Usage: node --experimental-websocket bench/web_open.mjs RUNT_BINARY [RUNS]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchBrowser, until } from '../web/e2e/harness.mjs'
import { createNotebook, notebookEvents, percentile, pushAll, startServe } from './web_seed.mjs'

const runt = process.argv[2]
const runs = Number(process.argv[3] ?? 5)
const server = await startServe(runt)
const id = 'bench500'
const ws = await createNotebook(server, id)
const events = notebookEvents(500, 20_000)
await pushAll(ws, events)
ws.close()

const browser = await launchBrowser()
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
const page = await context.newPage()
await page.goto(`${server.origin}/?token=${server.token}`) // the cookie
const open = [], floor = [], phases = []
for (let r = 0; r < runs; r++) {
  await page.goto('about:blank')
  const t0 = Date.now()
  await page.goto(`${server.origin}/n/${id}`)
  // Polled every 5 ms from node (the CSP forbids playwright's in-page polling).
  const ready = await until(page, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true' &&
    document.querySelectorAll('.cell').length === 500, undefined, 60_000, 5)
  if (!ready) throw new Error('the notebook did not open')
  await page.locator('.cell[data-cell-type="code"]').last().locator('.editor').click()
  if (!(await until(page, () => Array.from(document.querySelectorAll('.cell[data-cell-type="code"]')).at(-1)?.classList.contains('focused'), undefined, 10_000, 5)))
    throw new Error('the last cell did not take focus')
  open.push(Date.now() - t0)
  phases.push(await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN
    return { script: at('runt:script'), pulled: at('runt:pulled'), drawn: at('runt:drawn') }
  }))
  floor.push(await page.evaluate(async (nb) => {
    const t = performance.now()
    const text = await (await fetch(`/api/notebooks/${nb}/events`)).text()
    let n = 0
    for (const line of text.split('\n')) if (line) { JSON.parse(line); n++ }
    if (n < 20000) throw new Error(`expected 20,000 events or more (the page adds its presence), got ${n}`)
    return performance.now() - t
  }, id))
}
const cells = await page.locator('.cell').count()
await browser.close()

// runt's native materializer on the same log.
const dir = mkdtempSync(join(tmpdir(), 'runt-bench-open-'))
const log = await (await fetch(`${server.origin}/api/notebooks/${id}/events`, { headers: { Authorization: `Bearer ${server.token}` } })).text()
writeFileSync(join(dir, 'log.jsonl'), log)
const t1 = process.hrtime.bigint()
execFileSync(runt, ['replay', join(dir, 'log.jsonl')], { stdio: ['ignore', 'ignore', 'inherit'] })
const replayMs = Number(process.hrtime.bigint() - t1) / 1e6
rmSync(dir, { recursive: true, force: true })
await server.stop()
server.cleanup()

const sorted = (a) => [...a].sort((x, y) => x - y)
console.log(`open 500 cells / 20,000 events in chromium (${cells} cells drawn), ${runs} runs`)
console.log(`  runt web UI, navigation to interactive: median ${percentile(sorted(open), 50)} ms, worst ${Math.max(...open)} ms  (target <= 1000 ms)  [${open.join(', ')}]`)
const median = (key) => percentile(sorted(phases.map((p) => p[key])), 50).toFixed(0)
console.log(`  phases (median ms from navigation): script running ${median('script')}, history pulled and materialized ${median('pulled')}, first draw ${median('drawn')}`)
console.log(`  floor, same browser: fetch + JSON.parse of the log: median ${percentile(sorted(floor), 50).toFixed(0)} ms`)
console.log(`  native: runt replay of the same log (process start included): ${replayMs.toFixed(0)} ms`)
