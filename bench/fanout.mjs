// bench/fanout.mjs: one pusher, many subscribers on one notebook of a running `runt serve`.
// Prints delivery latency (push sent -> broadcast received by each subscriber) p50/p99, the
// broadcast messages delivered per second, and the server's memory per idle connection
// (RSS growth while the subscribers sit idle, from /proc).
// Usage: node --experimental-websocket bench/fanout.mjs RUNT_BINARY [SUBSCRIBERS] [PUSHES]
import { readFileSync } from 'node:fs'
import { rawSocket, startServer } from '../tests/conformance/server.mjs'

const [runt, subscribers = '1000', pushes = '200'] = process.argv.slice(2)
const rssKiB = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1])
const server = await startServer(runt)
const storeId = 'fanout'
const pusher = await rawSocket(server.url, server.token, storeId)
pusher.send({ _tag: 'WSMessage.PullReq', requestId: 'p' })
await pusher.next((m) => m.requestId?.requestId === 'p')

const before = rssKiB(server.proc.pid)
const subs = []
for (let i = 0; i < Number(subscribers); i++) subs.push(await rawSocket(server.url, server.token, storeId))
await Promise.all(subs.map(async (s, i) => { s.send({ _tag: 'WSMessage.PullReq', requestId: 's' + i }); await s.next((m) => m._tag === 'WSMessage.PullRes') }))
await new Promise((r) => setTimeout(r, 500))
const perConnection = ((rssKiB(server.proc.pid) - before) * 1024) / Number(subscribers)

const latencies = []
const t0 = performance.now()
for (let seq = 1; seq <= Number(pushes); seq++) {
  const sent = performance.now()
  const arrivals = subs.map((s) => s.next((m) => m._tag === 'WSMessage.PullRes' && m.batch[0]?.eventEncoded.seqNum === seq, 30000).then(() => latencies.push(performance.now() - sent)))
  pusher.send({ _tag: 'WSMessage.PushReq', requestId: 'r' + seq, batch: [{ name: 'v1.Debug', args: { id: 'e' + seq }, seqNum: seq, parentSeqNum: seq - 1, clientId: 'c', sessionId: 's' }] })
  await Promise.all(arrivals)
  pusher.frames.length = 0
}
const seconds = (performance.now() - t0) / 1000
latencies.sort((a, b) => a - b)
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1)
console.log(`runt serve fan-out: ${subscribers} subscribers, ${pushes} pushes one after another`)
console.log(`  delivery latency p50 ${pct(50)} ms, p99 ${pct(99)} ms (target p99 <= 50 ms); ${Math.round(latencies.length / seconds)} broadcast messages delivered/s`)
console.log(`  server memory per idle connection: ${Math.round(perConnection / 1024)} KiB (target <= 64 KB)`)
subs.forEach((s) => s.close())
pusher.close()

await server.kill('SIGTERM')
server.cleanup()

// Idle notebooks, on a fresh server (freed connection memory would hide their cost): each was
// opened, written to once and left. Its log is on disk; the server keeps its cached head.
const notebooks = 2000
const fresh = await startServer(runt)
const warm = await rawSocket(fresh.url, fresh.token, 'warm-up')
warm.close()
await new Promise((r) => setTimeout(r, 500))
const beforeNotebooks = rssKiB(fresh.proc.pid)
for (let i = 0; i < notebooks; i++) {
  const s = await rawSocket(fresh.url, fresh.token, 'idle' + i)
  s.send({ _tag: 'WSMessage.PushReq', requestId: 'r', batch: [{ name: 'v1.NotebookTitleChanged', args: { title: 'Notebook ' + i }, seqNum: 1, parentSeqNum: 0, clientId: 'c', sessionId: 's' }] })
  await s.next((m) => m._tag === 'WSMessage.PushAck')
  s.close()
  await s.closed
}
await new Promise((r) => setTimeout(r, 500))
const perNotebook = ((rssKiB(fresh.proc.pid) - beforeNotebooks) * 1024) / notebooks
console.log(`  server memory per idle notebook (opened, written once, left; ${notebooks} of them): ${(perNotebook / 1024).toFixed(2)} KiB`)
await fresh.kill('SIGTERM')
fresh.cleanup()
