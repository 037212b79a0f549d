// Events pushed through runt serve come back from GET /api/notebooks/{id}/events as JSON lines,
// args byte for byte, and `runt replay` materializes that export.
// Usage: node --experimental-websocket export.mjs RUNT_BINARY
import { spawnSync } from 'node:child_process'
import { rawSocket, startServer } from './server.mjs'

const runt = process.argv[2]
const server = await startServer(runt)
const failures = []
const expect = (what, ok) => { if (!ok) failures.push(what) }
const storeId = 'kX3m9QpL2vZa'
const socket = await rawSocket(server.url, server.token, storeId)
const pushed = [
  '{"name":"v2.CellCreated","args":{"id":"c1","fractionalIndex":"m","cellType":"code","createdBy":"u1"},"seqNum":1,"parentSeqNum":0,"clientId":"a","sessionId":"s"}',
  '{"name":"v1.CellSourceChanged","args":{"id":"c1","source":"print(\\"héllo\\")\\n","modifiedBy":"u1"},"seqNum":2,"parentSeqNum":1,"clientId":"a","sessionId":"s"}',
  '{"name":"v1.AllExecutionsCancelled","seqNum":3,"parentSeqNum":2,"clientId":"a","sessionId":"s"}',
]
socket.sendRaw(`{"_tag":"WSMessage.PushReq","requestId":"p","batch":[${pushed.join(',')}]}`)
await socket.next((m) => m._tag === 'WSMessage.PushAck')
socket.close()

const base = `http://127.0.0.1:${server.port}/api/notebooks/${storeId}/events`
const auth = { headers: { Authorization: `Bearer ${server.token}` } }
let res = await fetch(base)
expect('no token -> 401', res.status === 401)
res = await fetch(base, { headers: { Authorization: 'Bearer nope' } })
expect('wrong token -> 401', res.status === 401)
res = await fetch(base, auth)
const body = await res.text()
expect('export -> 200 JSON lines', res.status === 200 && res.headers.get('content-type') === 'application/x-ndjson')
expect('export is the pushed events, byte for byte', body === pushed.join('\n') + '\n')
res = await fetch(base + '?after=2', auth)
expect('after=N starts after N', (await res.text()) === pushed[2] + '\n')
res = await fetch(base + '?after=x', auth)
expect('after must be a number', res.status === 400)
res = await fetch(`http://127.0.0.1:${server.port}/api/notebooks/a%20b/events`, auth)
expect('invalid notebook id -> 400', res.status === 400)

const replay = spawnSync(runt, ['replay', '-'], { input: body, encoding: 'utf8' })
expect('runt replay reads the export', replay.status === 0)
const state = JSON.parse(replay.stdout)
expect('replayed state has the cell and its source', state.cells.length === 1 && state.cells[0].source === 'print("héllo")\n')

await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED:', failures.join('; ')); process.exit(1) }
console.log('export and replay agree')
