// bench/sync_push.mjs: acknowledged pushes per second through a running `runt serve`, from N
// raw sync-cf sockets on N notebooks, each pushing one event at a time and waiting for its ack
// (as LiveStore clients do). Run next to build/bench/push, whose bare SQLite loop at the same
// durability is the peer (one fsync per event).
// Usage: node --experimental-websocket bench/sync_push.mjs RUNT_BINARY [CLIENTS] [SECONDS]
import { rawSocket, startServer } from '../tests/conformance/server.mjs'

const [runt, clients = '100', seconds = '5'] = process.argv.slice(2)
const server = await startServer(runt)
const sockets = await Promise.all(Array.from({ length: Number(clients) }, (_, i) => rawSocket(server.url, server.token, 'bench' + i)))
let acked = 0
const deadline = Date.now() + Number(seconds) * 1000
await Promise.all(sockets.map(async (s, i) => {
  for (let seq = 1; Date.now() < deadline; seq++) {
    const requestId = `r${i}-${seq}`
    s.send({ _tag: 'WSMessage.PushReq', requestId, batch: [{ name: 'v1.CellSourceChanged', args: { id: 'c', source: 'x = ' + seq, modifiedBy: 'u' }, seqNum: seq, parentSeqNum: seq - 1, clientId: 'c' + i, sessionId: 's' }] })
    const reply = await s.next((m) => m.requestId === requestId && (m._tag === 'WSMessage.PushAck' || m._tag === 'WSMessage.Error'), 30000)
    if (reply._tag !== 'WSMessage.PushAck') throw new Error(reply.message)
    acked++
    s.frames.length = 0  // drop the echoes
  }
}))
console.log(`runt serve: ${clients} clients on ${clients} notebooks, 1-event pushes: ${Math.round(acked / Number(seconds))} acknowledged events/s`)
sockets.forEach((s) => s.close())
await server.kill('SIGTERM')
server.cleanup()
