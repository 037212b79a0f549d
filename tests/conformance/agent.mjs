// A real LiveStore 0.3.1 client (npm, unmodified) with anode's event schemas asks `runt agent`
// (a process, on Debian's real ipykernel) to run cells through `runt serve`. The client must
// decode every event the agent emits (an event it cannot decode stops its sync) and see the
// outputs, the queue and the session as anode's web app would.
// Usage: node --experimental-websocket agent.mjs RUNT_BINARY
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, Events, makeSchema, Schema, State, queryDb } from '@livestore/livestore'
import { makeCfSync } from '@livestore/sync-cf'
import { spawn } from 'node:child_process'
import { sleep, startServer } from './server.mjs'

const runt = process.argv[2]

// anode's schemas for the events involved (anode-schema.md §2), as the web app declares them.
const CellType = Schema.Literal('code', 'markdown', 'raw', 'sql', 'ai')
const MediaRepresentation = Schema.Union(
  Schema.Struct({ type: Schema.Literal('inline'), data: Schema.optional(Schema.Any), metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Any })) }),
  Schema.Struct({ type: Schema.Literal('artifact'), artifactId: Schema.String, metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Any })) }),
)
const Representations = Schema.Record({ key: Schema.String, value: MediaRepresentation })
const ev = (name, fields) => Events.synced({ name, schema: Schema.Struct(fields) })
const events = {
  cellCreated: ev('v2.CellCreated', { id: Schema.String, fractionalIndex: Schema.String, cellType: CellType, createdBy: Schema.String }),
  cellSourceChanged: ev('v1.CellSourceChanged', { id: Schema.String, source: Schema.String, modifiedBy: Schema.String }),
  sessionStarted: ev('v1.RuntimeSessionStarted', {
    sessionId: Schema.String, runtimeId: Schema.String, runtimeType: Schema.String,
    capabilities: Schema.Struct({ canExecuteCode: Schema.Boolean, canExecuteSql: Schema.Boolean, canExecuteAi: Schema.Boolean, availableAiModels: Schema.optional(Schema.Any) }),
  }),
  sessionRenewal: ev('v1.RuntimeSessionRenewal', { sessionId: Schema.String, renewedAt: Schema.Date, validForMs: Schema.Number }),
  sessionStatus: ev('v1.RuntimeSessionStatusChanged', { sessionId: Schema.String, status: Schema.Literal('ready', 'busy', 'restarting') }),
  sessionTerminated: ev('v1.RuntimeSessionTerminated', { sessionId: Schema.String, reason: Schema.Literal('shutdown', 'restart', 'error', 'timeout', 'displaced') }),
  executionRequested: ev('v1.ExecutionRequested', { queueId: Schema.String, cellId: Schema.String, executionCount: Schema.Number, requestedBy: Schema.String, actorId: Schema.optional(Schema.String) }),
  executionAssigned: ev('v1.ExecutionAssigned', { queueId: Schema.String, runtimeSessionId: Schema.String }),
  executionStarted: ev('v1.ExecutionStarted', { queueId: Schema.String, cellId: Schema.String, runtimeSessionId: Schema.String, startedAt: Schema.Date }),
  executionCompleted: ev('v1.ExecutionCompleted', {
    queueId: Schema.String, cellId: Schema.String, status: Schema.Literal('success', 'error', 'cancelled'),
    error: Schema.optional(Schema.String), completedAt: Schema.Date, executionDurationMs: Schema.Number,
  }),
  outputsCleared: ev('v1.CellOutputsCleared', { cellId: Schema.String, wait: Schema.Boolean, clearedBy: Schema.String }),
  terminalOutput: ev('v1.TerminalOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, content: MediaRepresentation, streamName: Schema.Literal('stdout', 'stderr') }),
  displayOutput: ev('v1.MultimediaDisplayOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, representations: Representations, displayId: Schema.optional(Schema.String) }),
  displayUpdated: ev('v1.MultimediaDisplayOutputUpdated', { displayId: Schema.String, representations: Representations }),
  resultOutput: ev('v1.MultimediaResultOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, representations: Representations, executionCount: Schema.Number }),
  errorOutput: ev('v1.ErrorOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, content: MediaRepresentation }),
  // The agent names its runtime's actor after the kernel (anode's web app sets its user's the same way).
  actorProfile: ev('v1.ActorProfileSet', { id: Schema.String, type: Schema.Literal('human', 'runtime_agent'), displayName: Schema.String, avatar: Schema.optional(Schema.String) }),
}
const cells = State.SQLite.table({ name: 'cells', columns: {
  id: State.SQLite.text({ primaryKey: true }), source: State.SQLite.text({ default: '' }), executionState: State.SQLite.text({ default: 'idle' }),
} })
const queue = State.SQLite.table({ name: 'executionQueue', columns: {
  id: State.SQLite.text({ primaryKey: true }), cellId: State.SQLite.text(), status: State.SQLite.text(), error: State.SQLite.text({ nullable: true }),
} })
const outputs = State.SQLite.table({ name: 'outputs', columns: {
  id: State.SQLite.text({ primaryKey: true }), cellId: State.SQLite.text(), outputType: State.SQLite.text(), data: State.SQLite.text({ nullable: true }),
  mimeTypes: State.SQLite.text({ default: '' }), position: State.SQLite.real(),
} })
const sessions = State.SQLite.table({ name: 'runtimeSessions', columns: {
  sessionId: State.SQLite.text({ primaryKey: true }), status: State.SQLite.text(), isActive: State.SQLite.boolean({ default: true }),
} })
const noop = () => []
const materializers = State.SQLite.materializers(events, {
  'v2.CellCreated': ({ id }) => cells.insert({ id }),
  'v1.CellSourceChanged': ({ id, source }) => cells.update({ source }).where({ id }),
  'v1.RuntimeSessionStarted': ({ sessionId }) => sessions.insert({ sessionId, status: 'starting' }).onConflict('sessionId', 'replace'),
  'v1.RuntimeSessionRenewal': noop,
  'v1.RuntimeSessionStatusChanged': ({ sessionId, status }) => sessions.update({ status }).where({ sessionId }),
  'v1.RuntimeSessionTerminated': ({ sessionId }) => sessions.update({ status: 'terminated', isActive: false }).where({ sessionId }),
  'v1.ExecutionRequested': ({ queueId, cellId }) => [queue.insert({ id: queueId, cellId, status: 'pending' }), cells.update({ executionState: 'queued' }).where({ id: cellId })],
  'v1.ExecutionAssigned': ({ queueId }) => queue.update({ status: 'assigned' }).where({ id: queueId }),
  'v1.ExecutionStarted': ({ queueId, cellId }) => [queue.update({ status: 'executing' }).where({ id: queueId }), cells.update({ executionState: 'running' }).where({ id: cellId })],
  'v1.ExecutionCompleted': ({ queueId, cellId, status, error }) => [
    queue.update({ status: status === 'success' ? 'completed' : 'failed', error: error ?? null }).where({ id: queueId }),
    cells.update({ executionState: status === 'success' ? 'completed' : 'error' }).where({ id: cellId }),
  ],
  'v1.CellOutputsCleared': ({ cellId }) => outputs.delete().where({ cellId }),
  'v1.TerminalOutputAdded': ({ id, cellId, position, content }) => outputs.insert({ id, cellId, position, outputType: 'terminal', data: String(content.data) }),
  'v1.MultimediaDisplayOutputAdded': ({ id, cellId, position, representations }) => outputs.insert({ id, cellId, position, outputType: 'display', mimeTypes: Object.keys(representations).join(',') }),
  'v1.MultimediaDisplayOutputUpdated': noop,
  'v1.MultimediaResultOutputAdded': ({ id, cellId, position, representations }) => outputs.insert({
    id, cellId, position, outputType: 'result', data: String(representations['text/plain']?.data ?? ''), mimeTypes: Object.keys(representations).join(','),
  }),
  'v1.ErrorOutputAdded': ({ id, cellId, position, content }) => outputs.insert({ id, cellId, position, outputType: 'error', data: JSON.stringify(content.data) }),
  'v1.ActorProfileSet': noop,
})
const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { cells, queue, outputs, sessions }, materializers }) })

const server = await startServer(runt)
const storeId = 'agent' + Date.now()
const store = await createStorePromise({
  adapter: makeAdapter({ storage: { type: 'in-memory' }, clientId: 'browser', sessionId: 's-browser', sync: { backend: makeCfSync({ url: server.url }) } }),
  schema, storeId, syncPayload: { authToken: server.token }, disableDevtools: true,
})
let agentLog = ''
const startAgent = (runtimeId) => {
  const proc = spawn(runt, ['agent', '--notebook', storeId, '--sync-url', server.url, '--runtime-id', runtimeId], {
    env: { ...process.env, RUNT_API_KEY: server.token }, stdio: ['ignore', 'ignore', 'pipe'],
  })
  proc.stderr.on('data', (d) => { agentLog += d })
  return { proc, exited: new Promise((resolve) => proc.on('exit', resolve)) }
}
let agent = startAgent('conformance-agent')

const failures = []
const expect = (what, ok) => { if (process.env.DEBUG) console.log(ok ? 'ok  ' : 'FAIL', what); if (!ok) failures.push(what) }
const until = async (test, ms = 30000) => { const end = Date.now() + ms; while (Date.now() < end) { if (test()) return true; await sleep(50) } return false }
const q = (query) => store.query(queryDb(query))
const sessionRows = () => q(sessions.select())

expect('the agent starts a session and is ready', await until(() => sessionRows().some((s) => s.status === 'ready' && s.isActive)))
let n = 0
const run = (cellId, source) => {
  if (!q(cells.select().where({ id: cellId })).length) store.commit(events.cellCreated({ id: cellId, fractionalIndex: 'a' + cellId, cellType: 'code', createdBy: 'browser' }))
  store.commit(events.cellSourceChanged({ id: cellId, source, modifiedBy: 'browser' }))
  const queueId = 'q' + ++n
  store.commit(events.executionRequested({ queueId, cellId, executionCount: n, requestedBy: 'browser' }))
  return queueId
}
const done = (queueId) => q(queue.select().where({ id: queueId }))[0]?.status
const outs = (cellId) => q(outputs.select().where({ cellId }).orderBy('position', 'asc'))

let id = run('hello', "print('hello from ipykernel')\n6 * 7")
expect('a cell runs to completion', await until(() => done(id) === 'completed'))
expect('its stdout and result reach the browser', outs('hello').map((o) => `${o.outputType}:${o.data}`).join('|') === 'terminal:hello from ipykernel\n|result:42')

id = run('plot', 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()')
expect('a matplotlib figure arrives as PNG', await until(() => done(id) === 'completed') && outs('plot').some((o) => o.mimeTypes.includes('image/png')))

id = run('boom', '1 / 0')
expect('an exception fails the row', await until(() => done(id) === 'failed'))
expect('with an error output', outs('boom').some((o) => o.outputType === 'error' && o.data.includes('ZeroDivisionError')))

// An agent killed mid-cell: its successor displaces it, fails the row it left running, runs on.
const slow = run('slow', "import time\nprint('sleeping', flush=True)\ntime.sleep(60)")
expect('a long cell starts', await until(() => outs('slow').some((o) => o.data === 'sleeping\n')))
agent.proc.kill('SIGKILL')
await agent.exited
agent = startAgent('successor')
expect('the successor fails the row its dead predecessor left running',
  await until(() => done(slow) === 'failed') && /ended before this execution finished/.test(q(queue.select().where({ id: slow }))[0].error))
expect('only the successor is active', await until(() => sessionRows().filter((s) => s.isActive).length === 1 && sessionRows().some((s) => s.isActive && s.status === 'ready')))
id = run('after', "print('next cell')")
expect('and the next cell runs', await until(() => done(id) === 'completed') && outs('after')[0]?.data === 'next cell\n')

agent.proc.kill('SIGTERM')
await agent.exited
expect('SIGTERM ends the session cleanly (terminated)', await until(() => sessionRows().every((s) => !s.isActive && s.status === 'terminated'), 10000))

await store.shutdown().catch(() => {})
await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED: ' + failures.join('; ') + '\nagent log:\n' + agentLog.slice(-3000)); process.exit(1) }
console.log('a real LiveStore client drove runt agent on ipykernel through runt serve')
