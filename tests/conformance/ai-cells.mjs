// A real LiveStore 0.3.1 client (npm, unmodified) with anode's event schemas runs AI cells on
// `runt agent` (a process: code on Debian's ipykernel, ai cells on the scripted provider of
// tests/ai, MCP tools from @modelcontextprotocol/server-everything) through `runt serve`. The
// client must decode every event the AI emits (streamed answers, cells it creates, tool cards,
// approval requests) and converge with the agent; it answers an approval as anode's UI does.
// Usage: node --experimental-websocket ai-cells.mjs RUNT_BINARY
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, queryDb } from '@livestore/livestore'
import { makeCfSync } from '@livestore/sync-cf'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { approvals, cells, deltas, events, outputs, queue, schema, sessions } from './agent_schema.mjs'
import { sleep, startServer } from './server.mjs'

const runt = process.argv[2]
const testsAi = join(dirname(fileURLToPath(import.meta.url)), '..', 'ai')

const provider = spawn('node', [join(testsAi, 'scripted_provider.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] })
const providerPort = await new Promise((resolve) => {
  let out = ''
  provider.stdout.on('data', (d) => { out += d; const m = out.match(/listening (\d+)/); if (m) resolve(Number(m[1])) })
})
const scratch = mkdtempSync(join(tmpdir(), 'runt-ai-conformance-'))
writeFileSync(join(scratch, 'mcp.json'), JSON.stringify({ mcpServers: { everything: {
  command: 'node', args: [join(testsAi, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js'), 'stdio'] } } }))

const server = await startServer(runt)
const storeId = 'ai' + Date.now()
const store = await createStorePromise({
  adapter: makeAdapter({ storage: { type: 'in-memory' }, clientId: 'browser', sessionId: 's-browser', sync: { backend: makeCfSync({ url: server.url }) } }),
  schema, storeId, syncPayload: { authToken: server.token }, disableDevtools: true,
})
let agentLog = ''
const agent = spawn(runt, ['agent', '--notebook', storeId, '--sync-url', server.url, '--mcp-config', join(scratch, 'mcp.json')], {
  env: { ...process.env, RUNT_API_KEY: server.token, OPENAI_API_KEY: 'sk-conformance', OPENAI_BASE_URL: `http://127.0.0.1:${providerPort}/v1`,
    OLLAMA_HOST: `http://127.0.0.1:${providerPort}` },
  stdio: ['ignore', 'ignore', 'pipe'],
})
agent.stderr.on('data', (d) => { agentLog += d })
const agentExited = new Promise((resolve) => agent.on('exit', resolve))

const failures = []
const expect = (what, ok) => { if (process.env.DEBUG) console.log(ok ? 'ok  ' : 'FAIL', what); if (!ok) failures.push(what) }
const until = async (test, ms = 60000) => { const end = Date.now() + ms; while (Date.now() < end) { if (test()) return true; await sleep(50) } return false }
const q = (query) => store.query(queryDb(query))
const done = (queueId) => q(queue.select().where({ id: queueId }))[0]?.status
// What a cell shows: markdown with its deltas in sequence order, tool cards by their MIME type.
const shown = (cellId) => q(outputs.select().where({ cellId }).orderBy('position', 'asc')).map((o) => {
  if (o.outputType !== 'markdown') return `[${o.outputType}:${o.mimeTypes}]`
  const parts = q(deltas.select().where({ outputId: o.id }).orderBy('sequenceNumber', 'asc'))
  return o.data + parts.map((d) => d.delta).join('')
}).join('')

expect('the agent starts a session that can run AI', await until(() => q(sessions.select()).some((s) => s.status === 'ready' && s.isActive)))
let n = 0
const ask = (cellId, key, prompt, model) => {
  store.commit(events.cellCreated({ id: cellId, fractionalIndex: key, cellType: 'ai', createdBy: 'browser' }))
  store.commit(events.cellSourceChanged({ id: cellId, source: prompt, modifiedBy: 'browser' }))
  store.commit(events.aiSettings({ cellId, provider: 'openai', model, settings: { temperature: 0.7, maxTokens: 1000 } }))
  const queueId = 'q' + ++n
  store.commit(events.executionRequested({ queueId, cellId, executionCount: n, requestedBy: 'browser' }))
  return queueId
}

// The plot: the AI creates a cell below itself, runs it on ipykernel and answers from its output.
let id = ask('ai-plot', 'm', 'Plot the first three squares', 'notebook-plot')
expect('the AI cell completes', await until(() => done(id) === 'completed'))
const made = q(cells.select().where({ cellType: 'code' }))
expect('the cell the AI made reaches the client, by the AI\'s actor, below the AI cell',
  made.length === 1 && made[0].createdBy.startsWith('ai-assistant-') && made[0].fractionalIndex > 'm' && made[0].executionState === 'completed')
expect('its figure reaches the client', q(outputs.select().where({ cellId: made[0]?.id ?? '' })).some((o) => o.mimeTypes.includes('image/png')))
const text = shown('ai-plot')
expect('the streamed answer and both tool cards reach the client',
  text.startsWith("I'll plot it in a new cell.") && (text.match(/application\/vnd\.anode\.aitool\+json/g) ?? []).length === 2 &&
  /The cell ran\. Its summary: .*executed successfully\. Output: plotted 42/.test(text))

// An MCP tool: the approval request decodes in the client, which answers it.
id = ask('ai-tool', 't', 'Use a tool', 'use-tool')
expect('the client sees the approval request', await until(() => q(approvals.select().where({ cellId: 'ai-tool', status: 'pending' })).length === 1))
const request = q(approvals.select().where({ cellId: 'ai-tool' }))[0]
expect('for the MCP tool', request?.toolName === 'mcp__everything__echo')
store.commit(events.approvalResponded({ toolCallId: request.toolCallId, status: 'approved_once', approvedBy: 'browser', respondedAt: new Date() }))
expect('once approved the tool runs and the model answers', await until(() => done(id) === 'completed') && /Tool said: Echo: hello from the model/.test(shown('ai-tool')))

agent.kill('SIGTERM')
await agentExited
expect('the session ends cleanly', await until(() => q(sessions.select()).every((s) => !s.isActive), 10000))
await store.shutdown().catch(() => {})
await server.kill('SIGTERM')
server.cleanup()
provider.kill()
rmSync(scratch, { recursive: true, force: true })
if (failures.length) { console.log('FAILED: ' + failures.join('; ') + '\nagent log:\n' + agentLog.slice(-3000)); process.exit(1) }
console.log('a real LiveStore client ran AI cells on runt agent through runt serve')
