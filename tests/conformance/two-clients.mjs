// Two real LiveStore 0.3.1 clients (npm, unmodified) commit concurrently to one notebook through
// runt serve; concurrent pushes force rejections and rebases. They must end with the same state.
// Usage: node --experimental-websocket two-clients.mjs RUNT_BINARY
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, Events, makeSchema, Schema, State, queryDb } from '@livestore/livestore'
import { makeCfSync } from '@livestore/sync-cf'
import { startServer } from './server.mjs'

const server = await startServer(process.argv[2])
const { url, token } = server
const storeId = 'two' + Date.now()
const events = {
  noteAdded: Events.synced({ name: 'v1.NoteAdded', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
}
const notes = State.SQLite.table({ name: 'notes', columns: { id: State.SQLite.text({ primaryKey: true }), text: State.SQLite.text() } })
const materializers = State.SQLite.materializers(events, { 'v1.NoteAdded': ({ id, text }) => notes.insert({ id, text }) })
const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { notes }, materializers }) })

const open = (clientId) => createStorePromise({
  adapter: makeAdapter({ storage: { type: 'in-memory' }, clientId, sessionId: 's-' + clientId, sync: { backend: makeCfSync({ url }) } }),
  schema, storeId, syncPayload: { authToken: token }, disableDevtools: true,
})
const a = await open('alice'), b = await open('bob')
for (let i = 0; i < 5; i++) { a.commit(events.noteAdded({ id: 'a' + i, text: 'from alice ' + i })); b.commit(events.noteAdded({ id: 'b' + i, text: 'from bob ' + i })) }
const all = (s) => s.query(queryDb(notes.select().orderBy('id', 'asc'))).map((n) => n.id).join(',')
for (let t = 0; t < 100; t++) { await new Promise((r) => setTimeout(r, 100)); if (all(a).split(',').length === 10 && all(a) === all(b)) break }
console.log('alice', all(a)); console.log('bob  ', all(b))
await a.shutdown(); await b.shutdown()
await server.kill('SIGTERM')
server.cleanup()
process.exit(all(a) === all(b) && all(a).split(',').length === 10 ? 0 : 1)
