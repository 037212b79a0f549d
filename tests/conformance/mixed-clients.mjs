// Two real LiveStore 0.3.1 clients (npm, unmodified) and the C++ sync client edit one notebook
// at the same time, with anode's cell events declared as anode declares them. Concurrent
// commits force rejections and rebases; runt serve is killed (SIGKILL) and restarted in the
// middle. Everyone must end with the same cells, and the log must hold every event once.
// A 0.3.1 client whose push died with the server waits for that ack until upstream events make
// it rebase (livestore-sync-0.3.1.md §1.4, a client defect): the C++ client keeps committing
// for a few seconds after the restart, past the server's 2 s grace period for silent sockets,
// as any live notebook would.
// Usage: node --experimental-websocket mixed-clients.mjs RUNT_BINARY SYNC_CLIENT_DRIVER
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, Events, makeSchema, Schema, State, queryDb } from '@livestore/livestore'
import { makeCfSync } from '@livestore/sync-cf'
import { spawn } from 'node:child_process'
import { sleep, startServer } from './server.mjs'

const [runt, driver] = process.argv.slice(2)

// anode's schema for the events used here (v2.CellCreated, v1.CellSourceChanged) and the
// columns of its cells table that they write.
const CellType = Schema.Literal('code', 'markdown', 'raw', 'sql', 'ai')
const events = {
  cellCreated2: Events.synced({
    name: 'v2.CellCreated',
    schema: Schema.Struct({ id: Schema.String, fractionalIndex: Schema.String, cellType: CellType, createdBy: Schema.String }),
  }),
  cellSourceChanged: Events.synced({
    name: 'v1.CellSourceChanged',
    schema: Schema.Struct({ id: Schema.String, source: Schema.String, modifiedBy: Schema.String }),
  }),
}
const cells = State.SQLite.table({
  name: 'cells',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    cellType: State.SQLite.text({ schema: CellType }),
    source: State.SQLite.text({ default: '' }),
    fractionalIndex: State.SQLite.text({ nullable: true }),
    createdBy: State.SQLite.text(),
  },
})
const materializers = State.SQLite.materializers(events, {
  'v2.CellCreated': ({ id, fractionalIndex, cellType, createdBy }) => cells.insert({ id, fractionalIndex, cellType, createdBy }),
  'v1.CellSourceChanged': ({ id, source }) => cells.update({ source }).where({ id }),
})
const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { cells }, materializers }) })

const ROUNDS = { js: 12, cpp: 20 }
const TOTAL = 2 * (2 * ROUNDS.js + ROUNDS.cpp)
const storeId = 'mixed' + Date.now()
// Trace level: the server logs each frame, so the test can count the pushes it refused.
const traced = { extraArgs: ['--log-level', 'trace'] }
let server = await startServer(runt, traced)
let refusals = 0
const countRefusals = () => { refusals += (server.log().match(/"_tag":"WSMessage.Error"[^\n]*Invalid parent event number/g) ?? []).length }
const open = (clientId) => createStorePromise({
  adapter: makeAdapter({ storage: { type: 'in-memory' }, clientId, sessionId: 's-' + clientId, sync: { backend: makeCfSync({ url: server.url }) } }),
  schema, storeId, syncPayload: { authToken: server.token }, disableDevtools: true,
})
const snapshot = (s) => JSON.stringify(s.query(queryDb(cells.select().orderBy('id', 'asc')))
  .map(({ id, fractionalIndex, cellType, source }) => ({ id, fractionalIndex, cellType, source })))

const a = await open('alice'), b = await open('bob')
const cpp = spawn(driver, [server.url, storeId, server.token, 'cpp', String(ROUNDS.cpp), '400', String(TOTAL)], { stdio: ['ignore', 'pipe', 'pipe'] })
let cppOut = '', cppErr = ''
cpp.stdout.on('data', (d) => { cppOut += d })
cpp.stderr.on('data', (d) => { cppErr += d })
const cppDone = new Promise((resolve) => cpp.on('exit', resolve))

const commitRound = (store, name, i) => {
  const id = `${name}-${i}`
  store.commit(events.cellCreated2({ id, fractionalIndex: 'k-' + id, cellType: 'code', createdBy: name }))
  store.commit(events.cellSourceChanged({ id, source: `print(${i})`, modifiedBy: name }))
}
for (let i = 0; i < ROUNDS.js; i++) {
  commitRound(a, 'alice', i)
  commitRound(b, 'bob', i)
  if (i === 5 && !process.env.NO_RESTART) {
    await server.kill('SIGKILL')  // mid-session, pushes in flight
    countRefusals()
    await sleep(200)
    server = await startServer(runt, { ...traced, dataDir: server.dataDir, port: server.port })
  }
  await sleep(40)
}

const count = (s) => JSON.parse(snapshot(s)).filter((c) => c.source !== '').length
let converged = false
for (let t = 0; t < 300 && !converged; t++) {
  converged = count(a) === TOTAL / 2 && snapshot(a) === snapshot(b)
  if (!converged) await sleep(100)
}
const cppCode = await cppDone
const failures = []
if (!converged) failures.push(`real clients did not converge: alice ${count(a)}, bob ${count(b)} of ${TOTAL / 2} cells`)
if (cppCode !== 0) failures.push(`C++ client exited ${cppCode}: ${cppErr.slice(-2000)}`)
else if (cppOut.trim() !== snapshot(a)) failures.push(`C++ client's cells differ:\n${cppOut.trim()}\n${snapshot(a)}`)

// The log: every event exactly once, chained 1..TOTAL.
const log = (await (await fetch(`http://127.0.0.1:${server.port}/api/notebooks/${storeId}/events`, { headers: { Authorization: `Bearer ${server.token}` } })).text())
  .trim().split('\n').map((l) => JSON.parse(l))
if (log.length !== TOTAL || !log.every((e, i) => e.seqNum === i + 1 && e.parentSeqNum === i)) failures.push(`log has ${log.length} events, expected ${TOTAL} chained`)
countRefusals()
if (refusals === 0) failures.push('no push was refused: the test did not exercise rebases')
const created = log.filter((e) => e.name === 'v2.CellCreated').map((e) => e.args.id)
if (new Set(created).size !== created.length) failures.push('a cell was created twice in the log')
console.log(cppErr.split('\n').filter((l) => l.includes('converged')).join('\n'))
console.log(`the server refused ${refusals} stale pushes; every client rebased onto the winners`)

await Promise.all([a.shutdown(), b.shutdown()]).catch(() => {})
await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED:\n' + failures.join('\n')); process.exit(1) }
console.log(`alice, bob and the C++ client agree on ${TOTAL / 2} cells (${TOTAL} events)`)
