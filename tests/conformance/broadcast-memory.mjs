// A broadcast is one shared buffer however many sockets it goes to, and the bytes waiting in
// all queues together are bounded besides each socket's own bound (finding M2). 50 sockets
// that never read, one writer pushing five 15 MB events: the server's resident memory stays
// bounded (it held 3.1 GB when each socket had its own copy), the writer is served, and with a
// global bound below what the non-readers hold, they are dropped.
// Usage: node --experimental-websocket broadcast-memory.mjs RUNT_BINARY
import net from 'node:net'
import { checks, rawSocket, residentMb, sleep, startServer } from './server.mjs'

const runt = process.argv[2]
const { failures, expect } = checks()

const run = async (extraArgs, storeId) => {
  const server = await startServer(runt, { extraArgs })
  const payload = encodeURIComponent(encodeURIComponent(JSON.stringify({ authToken: server.token })))
  const silent = []
  for (let i = 0; i < 50; i++) {
    const s = net.connect(server.port, '127.0.0.1')
    await new Promise((resolve) => s.once('connect', resolve))
    s.write(`GET /livestore/websocket?storeId=${storeId}&payload=${payload} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)
    await new Promise((resolve) => s.once('data', resolve))  // 101, then it never reads again
    s.pause()
    s.closedByServer = false
    s.on('close', () => { s.closedByServer = true })
    s.on('error', () => {})
    silent.push(s)
  }
  const writer = await rawSocket(server.url, server.token, storeId)
  writer.send({ _tag: 'WSMessage.PullReq', requestId: 'p' })
  await writer.next((m) => m.requestId?.requestId === 'p')
  await sleep(2600)  // past the silent sockets' grace period: they get every broadcast now
  const before = residentMb(server.proc.pid)
  let peak = before
  const sampler = setInterval(() => { peak = Math.max(peak, residentMb(server.proc.pid)) }, 10)
  const big = 'x'.repeat(15 << 20)
  let acked = 0
  for (let seq = 1; seq <= 5; seq++) {
    writer.send({ _tag: 'WSMessage.PushReq', requestId: 'r' + seq, batch: [{ name: 'v1.Debug', args: { id: 'e' + seq, pad: big }, seqNum: seq, parentSeqNum: seq - 1, clientId: 'w', sessionId: 's' }] })
    const reply = await writer.next((m) => m.requestId === 'r' + seq && (m._tag === 'WSMessage.PushAck' || m._tag === 'WSMessage.Error'), 30000)
    if (reply._tag === 'WSMessage.PushAck') acked++
    await writer.next((m) => m._tag === 'WSMessage.PullRes' && m.batch[0]?.eventEncoded.seqNum === seq, 30000)
    writer.frames.length = 0
  }
  await sleep(500)
  clearInterval(sampler)
  // Reading again, a dropped socket finds what was in flight and then the end of the connection.
  for (const s of silent) s.resume()
  for (let t = 0; t < 100 && silent.some((s) => !s.closedByServer); t++) await sleep(100)
  const dropped = silent.filter((s) => s.closedByServer).length
  for (const s of silent) s.destroy()
  writer.close()
  const log = server.log()
  await server.kill('SIGTERM')
  server.cleanup()
  return { before, peak, acked, dropped, log }
}

{
  const r = await run([], 'shared-broadcast')
  expect('every push of the writer is acknowledged and echoed', r.acked === 5)
  expect('50 silent sockets and 75 MB of broadcasts stay far below 50 copies (3.7 GB)', r.peak - r.before < 400, `${r.before.toFixed(0)} MB -> peak ${r.peak.toFixed(0)} MB`)
}
{
  const r = await run(['--max-total-queued-bytes', String(40 << 20)], 'bounded-broadcast')
  expect('with a 40 MB global bound the writer is still served', r.acked === 5)
  expect('...the silent sockets are dropped', r.dropped === 50, `${r.dropped} of 50`)
  expect('...the server says so', (r.log.match(/dropped a slow subscriber of bounded-broadcast .*while the server held too much/g) ?? []).length === 50)
  expect('...and memory stays bounded', r.peak - r.before < 250, `${r.before.toFixed(0)} MB -> peak ${r.peak.toFixed(0)} MB`)
}
if (failures.length) { console.log('FAILED:', failures.join('; ')); process.exit(1) }
console.log('broadcast memory is bounded')
