// kill -9 runt serve while a client pushes: after a restart every event the server acknowledged
// is in the log exactly once, in an unbroken chain.
// Usage: node --experimental-websocket durability.mjs RUNT_BINARY
import { rawSocket, sleep, startServer } from './server.mjs'

const runt = process.argv[2]
const storeId = 'durability' + Date.now()
let server = await startServer(runt)
const acked = []
let socket = await rawSocket(server.url, server.token, storeId)
let head = 0
let killed = false
const pusher = (async () => {
  for (let i = 0; !killed; i++) {
    const batch = Array.from({ length: 1 + (i % 5) }, (_, k) => ({
      name: 'v1.Debug', args: { id: `e${head + k + 1}` }, seqNum: head + k + 1, parentSeqNum: head + k, clientId: 'c', sessionId: 's',
    }))
    const requestId = 'push' + i
    socket.send({ _tag: 'WSMessage.PushReq', requestId, batch })
    try {
      const reply = await socket.next((m) => m.requestId === requestId && (m._tag === 'WSMessage.PushAck' || m._tag === 'WSMessage.Error'), 2000)
      if (reply._tag !== 'WSMessage.PushAck') throw new Error('push refused: ' + reply.message)
      acked.push(...batch.map((e) => e.seqNum))
      head += batch.length
    } catch { break }
  }
})()
await sleep(400)
killed = true
await server.kill('SIGKILL')
await pusher
const port = server.port
server = await startServer(runt, { dataDir: server.dataDir, port })
socket = await rawSocket(server.url, server.token, storeId)
socket.send({ _tag: 'WSMessage.PullReq', requestId: 'all' })
const seqs = []
for (;;) {
  const page = await socket.next((m) => m._tag === 'WSMessage.PullRes' && m.requestId.requestId === 'all')
  for (const e of page.batch) {
    seqs.push(e.eventEncoded.seqNum)
    if (e.eventEncoded.args.id !== `e${e.eventEncoded.seqNum}`) throw new Error('wrong event at ' + e.eventEncoded.seqNum)
  }
  if (page.remaining === 0) break
}
socket.close()
await server.kill('SIGTERM')
server.cleanup()
const missing = acked.filter((s) => !seqs.includes(s))
const unbroken = seqs.every((s, i) => s === i + 1)
if (!unbroken) { const k = seqs.findIndex((s, i) => s !== i + 1); console.log("first break at", k, seqs.slice(Math.max(0, k - 3), k + 3)) }
console.log(`acknowledged ${acked.length} events before kill -9; after restart the log holds ${seqs.length}; missing ${missing.length}; chain ${unbroken ? 'unbroken' : 'BROKEN'}`)
process.exit(acked.length > 0 && missing.length === 0 && unbroken ? 0 : 1)
