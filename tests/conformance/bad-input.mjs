// Bad input against a real runt serve: each gets its clear error, nothing is written, and the
// server keeps serving everyone else.
// Usage: node --experimental-websocket bad-input.mjs RUNT_BINARY
import http from 'node:http'
import { rawSocket, startServer } from './server.mjs'

const runt = process.argv[2]
const server = await startServer(runt)
const failures = []
const expect = (what, ok) => { if (process.env.DEBUG) console.log(ok ? 'ok  ' : 'FAIL', what); if (!ok) failures.push(what) }

// HTTP refusals: the status and the reason in the body, as sync-cf clients expect.
const upgrade = (query) => new Promise((resolve) => {
  const req = http.request({ host: '127.0.0.1', port: server.port, path: `/livestore/websocket?${query}`,
    headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } })
  req.on('response', (res) => { let body = ''; res.on('data', (d) => { body += d }); res.on('end', () => resolve({ status: res.statusCode, body })) })
  req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: 101, body: '' }) })
  req.end()
})
const payload = (token) => encodeURIComponent(encodeURIComponent(JSON.stringify({ authToken: token })))
let r = await upgrade(`storeId=nb1&payload=${payload('wrong')}`)
expect('bad token -> 400 Invalid auth token', r.status === 400 && r.body === 'Invalid auth token')
r = await upgrade(`storeId=a%2Fb&payload=${payload(server.token)}`)
expect('bad storeId -> 400', r.status === 400 && r.body.startsWith('Invalid storeId'))
r = await upgrade(`storeId=nb1`)
expect('no payload -> 400', r.status === 400 && r.body.includes('authToken is missing'))
r = await upgrade(`storeId=nb1&payload=${encodeURIComponent('%7Bnot json')}`)
expect('malformed payload -> 400', r.status === 400)
r = await upgrade(`storeId=nb1&payload=${payload(server.token)}`)
expect('good token -> 101', r.status === 101)

// Frame refusals on an open socket.
const a = await rawSocket(server.url, server.token, 'nb1')
const b = await rawSocket(server.url, server.token, 'nb1')
b.send({ _tag: 'WSMessage.PullReq', requestId: 'pb' })
await b.next((m) => m.requestId?.requestId === 'pb')
const errorFor = async (frame) => {
  if (typeof frame === 'string') a.sendRaw(frame); else a.send(frame)
  return a.next((m) => m._tag === 'WSMessage.Error')
}
let e = await errorFor('{not json')
expect('malformed JSON -> Error', e.message.startsWith('malformed JSON'))
e = await errorFor({ _tag: 'WSMessage.Nope', requestId: 'x' })
expect('unknown _tag -> Error', e.message === 'unknown message "_tag" "WSMessage.Nope" from a client')
const event = (seq, parent) => ({ name: 'v1.Debug', args: { id: 'e' + seq }, seqNum: seq, parentSeqNum: parent, clientId: 'c', sessionId: 's' })
e = await errorFor({ _tag: 'WSMessage.PushReq', requestId: 'p1', batch: [event(2, 1)] })
expect('wrong parent -> exact Error', e.requestId === 'p1' && e.message === 'Invalid parent event number. Received e1 but expected e0')
e = await errorFor({ _tag: 'WSMessage.PushReq', requestId: 'p2', batch: [event(1, 0), event(3, 2)] })
expect('broken chain -> Error', e.requestId === 'p2' && e.message === 'Event 1 of the push has parent e2 but follows e1')
e = await errorFor({ _tag: 'WSMessage.PushReq', requestId: 'p3', batch: Array.from({ length: 51 }, (_, i) => event(i + 1, i)) })
expect('51 events -> Error', e.message === 'A push must carry 1 to 50 events, got 51')
expect('nothing reached the other socket', b.frames.length === 0)

// Events no anode client could apply: refused with an Error naming the event (its index and
// name) and the field; nothing of their push is written or broadcast, and the socket goes on.
const d = await rawSocket(server.url, server.token, 'nb2')
const watcher = await rawSocket(server.url, server.token, 'nb2')
watcher.send({ _tag: 'WSMessage.PullReq', requestId: 'pw' })
await watcher.next((m) => m.requestId?.requestId === 'pw')
const pushTo = (socket, requestId, batch) => socket.send({ _tag: 'WSMessage.PushReq', requestId, batch: batch.map((e, i) => ({ ...e, seqNum: i + 1, parentSeqNum: i, clientId: 'c', sessionId: 's' })) })
const cell = { id: 'c1', fractionalIndex: 'a0', cellType: 'code', createdBy: 'u' }
const refusals = [
  ['number where a string belongs', { name: 'v2.CellCreated', args: { ...cell, id: 5 } }, 'v2.CellCreated: field "id": expected a string, got 5'],
  ['missing field', { name: 'v2.CellCreated', args: { id: 'c1', cellType: 'code', createdBy: 'u' } }, 'v2.CellCreated: field "fractionalIndex": missing'],
  ['args not an object', { name: 'v1.CellSourceChanged', args: 'c1' }, 'v1.CellSourceChanged: args: expected an object, got the string "c1"'],
  ['bad literal', { name: 'v2.CellCreated', args: { ...cell, cellType: 'spreadsheet' } }, 'v2.CellCreated: field "cellType": expected one of "code" | "markdown" | "sql" | "ai" | "raw", got the string "spreadsheet"'],
]
for (const [what, bad, message] of refusals) {
  // In the middle of a batch whose other events are valid.
  pushTo(d, what, [{ name: 'v1.Debug', args: { id: 'before' } }, bad, { name: 'v1.Debug', args: { id: 'after' } }])
  e = await d.next((m) => m._tag === 'WSMessage.Error' && m.requestId === what)
  expect(`${what} -> Error naming event and field`, e.message === `Event 1 of the push is refused: ${message}`)
}
expect('no refused push was acknowledged', !d.frames.some((m) => m._tag === 'WSMessage.PushAck'))
// sync-cf: an empty push gets an immediate PushAck (and changes nothing).
d.send({ _tag: 'WSMessage.PushReq', requestId: 'empty', batch: [] })
const emptyAck = await d.next((m) => m._tag === 'WSMessage.PushAck')
expect('empty push -> PushAck', emptyAck.requestId === 'empty')
// What anode clients accept still goes through: an extra key, a Schema.Void event without args.
pushTo(d, 'fine', [{ name: 'v1.Debug', args: { id: 'x', pad: 'extra keys are ignored' } }, { name: 'v1.AllExecutionsCancelled' }])
const fineAck = await d.next((m) => m._tag === 'WSMessage.PushAck')
expect('the socket pushes a valid batch after the refusals', fineAck.requestId === 'fine')
const heard = await watcher.next((m) => m._tag === 'WSMessage.PullRes')
expect('the other socket heard only the valid batch', heard.requestId.requestId === 'fine' && heard.batch.length === 2 &&
  watcher.frames.length === 0 && !('args' in heard.batch[1].eventEncoded))
const fresh = await rawSocket(server.url, server.token, 'nb2')
fresh.send({ _tag: 'WSMessage.PullReq', requestId: 'pf' })
const stored = await fresh.next((m) => m.requestId?.requestId === 'pf')
expect('only the valid batch was written', stored.batch.length === 2 && stored.batch[0].eventEncoded.args.pad === 'extra keys are ignored')
d.close(); watcher.close(); fresh.close()

// An oversized frame: an Error, then a 1009 close; the other socket is unaffected.
a.sendRaw('x'.repeat(17 * 1024 * 1024))
e = await a.next((m) => m._tag === 'WSMessage.Error')
expect('oversized frame -> Error', e.message === 'Frame refused: larger than 16777216 bytes')
const closeEvent = await a.closed
expect('oversized frame -> close 1009', closeEvent.code === 1009)
b.send({ _tag: 'WSMessage.PushReq', requestId: 'ok', batch: [event(1, 0)] })
const ack = await b.next((m) => m._tag === 'WSMessage.PushAck')
expect('the server still serves others', ack.requestId === 'ok')
const c = await rawSocket(server.url, server.token, 'nb1')
c.send({ _tag: 'WSMessage.PullReq', requestId: 'pc' })
const page = await c.next((m) => m.requestId?.requestId === 'pc')
expect('only the good push was written', page.batch.length === 1 && page.batch[0].eventEncoded.seqNum === 1)

b.close(); c.close()
expect('the server logged one line per refused frame', /bad frame on /.test(server.log()) && /refused a push to /.test(server.log()))
await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED:', failures.join('; ')); process.exit(1) }
console.log('all bad input refused cleanly')
