// Benchmark: a keystroke in browser A until it is visible in browser B (two chromium contexts on
// one notebook, through runt serve), p50/p99. Target p99 ≤ 100 ms. Peer in the same run: the
// transport floor, two raw sync-cf sockets in node (push on one, broadcast seen on the other).
// Usage: node --experimental-websocket bench/web_keystroke.mjs RUNT_BINARY [KEYSTROKES]
import { launchBrowser, sleep, until } from '../web/e2e/harness.mjs'
import { createNotebook, openSocket, percentile, pushAll, startServe } from './web_seed.mjs'

const runt = process.argv[2]
const keystrokes = Number(process.argv[3] ?? 200)
const server = await startServe(runt)
const id = 'keys'
const seed = await createNotebook(server, id)
let head = await pushAll(seed, [{ name: 'v2.CellCreated', args: { id: 'c1', fractionalIndex: 'a0', cellType: 'code', createdBy: 'bench' } }])

const browser = await launchBrowser()
const pages = []
for (let i = 0; i < 2; i++) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${server.origin}/n/${id}?token=${server.token}`)
  if (!(await until(page, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true' && !!document.querySelector('.cell .cm-content'))))
    throw new Error('the notebook did not load')
  pages.push(page)
}
const [a, b] = pages
// A stamps each keystroke as it happens; B stamps when the editor shows that many characters.
await a.evaluate(() => {
  window.sent = []
  document.addEventListener('keydown', () => window.sent.push(performance.timeOrigin + performance.now()), true)
})
await b.evaluate(() => {
  window.seen = new Map()
  const content = document.querySelector('.cell .cm-content')
  new MutationObserver(() => {
    const n = content.textContent.length
    if (!window.seen.has(n)) window.seen.set(n, performance.timeOrigin + performance.now())
  }).observe(content, { subtree: true, childList: true, characterData: true })
})
await a.locator('.cell .cm-content').click()
for (let i = 0; i < keystrokes; i++) {
  await a.keyboard.press(String.fromCharCode(97 + (i % 26)))
  await sleep(25) // about 40 characters a second: a fast typist
}
if (!(await until(b, (n) => document.querySelector('.cell .cm-content').textContent.length === n, keystrokes, 30_000)))
  throw new Error('browser B never showed every keystroke')
const sent = await a.evaluate(() => window.sent)
const seen = await b.evaluate(() => Object.fromEntries(window.seen))
// The first time B shows at least i+1 characters (keystrokes may arrive together).
const lengths = Object.keys(seen).map(Number).sort((x, y) => x - y)
const firstShown = (n) => Math.min(...lengths.filter((l) => l >= n).map((l) => seen[l]))
const browserLatency = sent.map((t, i) => firstShown(i + 1) - t).filter((x) => Number.isFinite(x)).sort((x, y) => x - y)
await browser.close()

// The floor: a push from one raw socket until another raw socket sees the broadcast.
const other = await openSocket(server, id)
head = (await (await fetch(`${server.origin}/api/notebooks/${id}`, { headers: { Authorization: `Bearer ${server.token}` } })).json()).head
const floor = []
for (let i = 0; i < keystrokes; i++) {
  const seenIt = new Promise((resolve) => {
    other.onmessage = (m) => { if (JSON.parse(m.data)._tag === 'WSMessage.PullRes') resolve(performance.now()) }
  })
  const t0 = performance.now()
  head = await pushAll(seed, [{ name: 'v1.CellSourceChanged', args: { id: 'c1', source: 'x'.repeat(i), modifiedBy: 'bench' } }], head, 'floor', 'floor')
  floor.push((await seenIt) - t0)
}
floor.sort((x, y) => x - y)
seed.close(); other.close()
await server.stop()
server.cleanup()

console.log(`keystroke in browser A -> visible in browser B, ${browserLatency.length} keystrokes`)
console.log(`  runt web UI: p50 ${percentile(browserLatency, 50).toFixed(1)} ms, p99 ${percentile(browserLatency, 99).toFixed(1)} ms, max ${browserLatency.at(-1).toFixed(1)} ms  (target p99 <= 100 ms)`)
console.log(`  floor, raw sync-cf sockets in node (push -> broadcast): p50 ${percentile(floor, 50).toFixed(2)} ms, p99 ${percentile(floor, 99).toFixed(2)} ms`)
