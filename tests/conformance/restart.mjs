// Two real LiveStore 0.3.1 clients keep editing while runt serve is killed and restarted on the
// same port and data: they reconnect (0.3.1 never pulls again), and the server's catch-up lets
// them rebase and converge. A third client that joins afterwards sees the same notebook.
// Usage: node --experimental-websocket restart.mjs RUNT_BINARY
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, Events, makeSchema, Schema, State, queryDb } from '@livestore/livestore'
import { makeCfSync } from '@livestore/sync-cf'
import { sleep, startServer } from './server.mjs'

const runt = process.argv[2]
const events = {
  noteAdded: Events.synced({ name: 'v1.NoteAdded', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
}
const notes = State.SQLite.table({ name: 'notes', columns: { id: State.SQLite.text({ primaryKey: true }), text: State.SQLite.text() } })
const materializers = State.SQLite.materializers(events, { 'v1.NoteAdded': ({ id, text }) => notes.insert({ id, text }) })
const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { notes }, materializers }) })
const storeId = 'restart' + Date.now()

const trace = { extraArgs: ['--log-level', 'trace'] }
let server = await startServer(runt, trace)
const logs = []
const open = (clientId) => createStorePromise({
  adapter: makeAdapter({ storage: { type: 'in-memory' }, clientId, sessionId: 's-' + clientId, sync: { backend: makeCfSync({ url: server.url }) } }),
  schema, storeId, syncPayload: { authToken: server.token }, disableDevtools: true,
})
const ids = (s) => s.query(queryDb(notes.select().orderBy('id', 'asc'))).map((n) => n.id).join(',')
const converge = async (stores, count) => {
  for (let t = 0; t < 150; t++) {
    if (stores.every((s) => ids(s).split(',').filter(Boolean).length === count && ids(s) === ids(stores[0]))) return true
    await sleep(100)
  }
  return false
}

const a = await open('alice'), b = await open('bob')
for (let i = 0; i < 3; i++) { a.commit(events.noteAdded({ id: 'a' + i, text: 'before' })); b.commit(events.noteAdded({ id: 'b' + i, text: 'before' })) }
if (!(await converge([a, b], 6))) { console.log('no convergence before the restart', ids(a), '|', ids(b)); process.exit(1) }

await server.kill('SIGKILL')
logs.push(server.log())
// A 0.3.1 client loses a push sent in the instant between the server's death and its noticing
// the closed socket, and then waits for that push's ack forever (its push has no timeout and
// is not resent on reconnect); no server ever sees it. CI caught both clients that way once.
// So the clients get a moment to notice before committing, as a person typing would.
await sleep(1000)
for (let i = 3; i < 5; i++) a.commit(events.noteAdded({ id: 'a' + i, text: 'while down' }))
server = await startServer(runt, { ...trace, dataDir: server.dataDir, port: server.port })
// Bob commits once both clients are back (the server logs each connection).
const reconnected = async () => {
  for (let t = 0; t < 300 && (server.log().match(/sync connection for /g) ?? []).length < 2; t++) await sleep(100)
}
await reconnected()
for (let i = 3; i < 6; i++) b.commit(events.noteAdded({ id: 'b' + i, text: 'after restart' }))
a.commit(events.noteAdded({ id: 'a5', text: 'after restart' }))

const ok = await converge([a, b], 12)
const c = await open('carol')
const okC = await converge([a, b, c], 12)
console.log('alice', ids(a)); console.log('bob  ', ids(b)); console.log('carol', ids(c))
await Promise.all([a.shutdown(), b.shutdown(), c.shutdown()])
await server.kill('SIGTERM')
logs.push(server.log())
server.cleanup()
// On failure the frames both servers saw tell which side lost what.
if (!(ok && okC)) logs.forEach((l, i) => console.log(`--- server ${i + 1} log ---\n${l}`))
process.exit(ok && okC ? 0 : 1)
