// kill -9 runt serve while several clients push: after a restart every event the server
// acknowledged is in the log exactly once, in an unbroken chain.
// Usage: node --experimental-websocket durability.mjs RUNT_BINARY
import { rawSocket, sleep, startServer } from './server.mjs'

const runt = process.argv[2]
// Several clients, each on its own notebook and one pair sharing one (their stale pushes are
// refused and retried on the new head), push until the kill.
const stores = ['durability-a' + Date.now(), 'durability-b' + Date.now(), 'shared' + Date.now()]
const clients = [{ store: stores[0] }, { store: stores[1] }, { store: stores[2] }, { store: stores[2] }]
let server = await startServer(runt)
const acked = new Map(stores.map((s) => [s, []]))  // store -> acknowledged events' ids
let killed = false
const pushers = clients.map(async (client, c) => {
  const socket = await rawSocket(server.url, server.token, client.store)
  let head = 0
  const lastSeq = (m) => m._tag === 'WSMessage.PullRes' && m.batch.length ? m.batch.at(-1).eventEncoded.seqNum : 0
  let mine = 0
  for (let i = 0; !killed; i++) {
    const batch = Array.from({ length: 1 + (i % 5) }, (_, k) => ({
      name: 'v1.Debug', args: { id: `c${c}-${i}-${k}` }, seqNum: head + k + 1, parentSeqNum: head + k, clientId: 'c' + c, sessionId: 's',
    }))
    const requestId = `push-${c}-${i}`
    socket.send({ _tag: 'WSMessage.PushReq', requestId, batch })
    try {
      const reply = await socket.next((m) => m.requestId === requestId && (m._tag === 'WSMessage.PushAck' || m._tag === 'WSMessage.Error'), 2000)
      if (reply._tag === 'WSMessage.PushAck') {
        acked.get(client.store).push(...batch.map((e) => e.args.id))
        mine += batch.length
        head += batch.length
      } else {
        // Someone else's events came first: they arrive (after the error, or with the commit
        // that was still under way) and this client pushes again on top of them.
        const newer = await socket.next((m) => lastSeq(m) > head, 2000)
        head = lastSeq(newer)
      }
      for (const m of socket.frames) head = Math.max(head, lastSeq(m))
      socket.frames.length = 0
    } catch { break }
  }
  client.pushed = mine
})
await sleep(600)
killed = true
await server.kill('SIGKILL')
await Promise.all(pushers)
server = await startServer(runt, { dataDir: server.dataDir, port: server.port })
const failures = []
let total = 0
for (const store of stores) {
  const socket = await rawSocket(server.url, server.token, store)
  socket.send({ _tag: 'WSMessage.PullReq', requestId: 'all' })
  const log = []
  for (;;) {
    const page = await socket.next((m) => m._tag === 'WSMessage.PullRes' && m.requestId.requestId === 'all')
    log.push(...page.batch.map((e) => e.eventEncoded))
    if (page.remaining === 0) break
  }
  socket.close()
  const ids = log.map((e) => e.args.id)
  const missing = acked.get(store).filter((id) => !ids.includes(id))
  const unbroken = log.every((e, i) => e.seqNum === i + 1 && e.parentSeqNum === i)
  const once = new Set(ids).size === ids.length
  total += acked.get(store).length
  console.log(`${store}: ${acked.get(store).length} events acknowledged before kill -9; the log holds ${log.length}; missing ${missing.length}; chain ${unbroken ? 'unbroken' : 'BROKEN'}; ${once ? 'each once' : 'DUPLICATES'}`)
  if (missing.length || !unbroken || !once) failures.push(store)
}
await server.kill('SIGTERM')
server.cleanup()
if (total === 0) failures.push('nothing was acknowledged before the kill')
if (clients.some((c) => !c.pushed)) failures.push('a client got nothing acknowledged: ' + clients.map((c) => c.pushed).join(', '))
console.log('events acknowledged per client:', clients.map((c) => c.pushed).join(', '))
process.exit(failures.length ? 1 : 0)
