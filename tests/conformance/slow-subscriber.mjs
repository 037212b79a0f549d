// A subscriber that stops reading is dropped once too much waits for it (--max-queued-bytes),
// instead of the server holding every broadcast; the pusher and the other subscribers carry on.
// Usage: node --experimental-websocket slow-subscriber.mjs RUNT_BINARY
import net from 'node:net'
import { rawSocket, sleep, startServer } from './server.mjs'

const runt = process.argv[2]
const server = await startServer(runt, { extraArgs: ['--max-queued-bytes', '1000000'] })
const storeId = 'slow'
const failures = []
const expect = (what, ok) => { if (!ok) failures.push(what) }

// The slow one: a WebSocket handshake by hand, then it never reads again.
const payload = encodeURIComponent(encodeURIComponent(JSON.stringify({ authToken: server.token })))
const slow = net.connect(server.port, '127.0.0.1')
await new Promise((resolve) => slow.once('connect', resolve))
slow.write(`GET /livestore/websocket?storeId=${storeId}&payload=${payload} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)
await new Promise((resolve) => slow.once('data', resolve))  // 101 Switching Protocols
slow.pause()
let slowClosed = false
slow.on('close', () => { slowClosed = true })
slow.on('error', () => {})

const pusher = await rawSocket(server.url, server.token, storeId)
const reader = await rawSocket(server.url, server.token, storeId)
for (const s of [pusher, reader]) {
  s.send({ _tag: 'WSMessage.PullReq', requestId: 'p' })
  await s.next((m) => m.requestId?.requestId === 'p')
}
await sleep(2600)  // past the slow socket's grace period: it now gets every broadcast

const big = 'x'.repeat(64 * 1024)
let acked = 0
for (let seq = 1; seq <= 300; seq++) {
  pusher.send({ _tag: 'WSMessage.PushReq', requestId: 'r' + seq, batch: [{ name: 'v1.Debug', args: { id: 'e' + seq, pad: big }, seqNum: seq, parentSeqNum: seq - 1, clientId: 'c', sessionId: 's' }] })
  const reply = await pusher.next((m) => m.requestId === 'r' + seq && (m._tag === 'WSMessage.PushAck' || m._tag === 'WSMessage.Error'), 10000)
  if (reply._tag === 'WSMessage.PushAck') acked++
  pusher.frames.length = 0
  // The reading subscriber gets every broadcast (next() fails the test after 10 s otherwise).
  await reader.next((m) => m._tag === 'WSMessage.PullRes' && m.batch[0]?.eventEncoded.seqNum === seq, 10000)
}
// Reading again, it finds what was in flight and then the end of the connection.
slow.resume()
for (let t = 0; t < 50 && !slowClosed; t++) await sleep(100)
expect('every push acknowledged', acked === 300)
expect('the slow subscriber was dropped', slowClosed)
expect('the server said so', server.log().includes('dropped a slow subscriber of slow'))
slow.destroy(); pusher.close(); reader.close()
await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED:', failures.join('; ')); process.exit(1) }
console.log('slow subscriber dropped; everyone else carried on')
