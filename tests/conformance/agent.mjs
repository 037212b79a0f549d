// A real LiveStore 0.3.1 client (npm, unmodified) with anode's event schemas asks `runt agent`
// (a process, on Debian's real ipykernel) to run cells through `runt serve`. The client must
// decode every event the agent emits (an event it cannot decode stops its sync) and see the
// outputs, the queue and the session as anode's web app would.
// Usage: node --experimental-websocket agent.mjs RUNT_BINARY
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, queryDb } from '@livestore/livestore'
import { makeCfSync } from '@livestore/sync-cf'
import { spawn } from 'node:child_process'
import { cells, events, outputs, queue, schema, sessions } from './agent_schema.mjs'
import { sleep, startServer } from './server.mjs'

const runt = process.argv[2]

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
