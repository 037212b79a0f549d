// `runt tui` end to end in a real terminal (tmux, on a private socket) against a real
// `runt serve` and `runt agent` on Debian's ipykernel, beside a real LiveStore 0.3.1 client:
// create a cell, type print(6*7), run it and read 42 from the screen; the other client sees the
// TUI's cell and the TUI shows the other client's; a matplotlib figure drawn with chafa;
// interrupt; quit; and the bad inputs (unknown notebook, refused token, a reader's edits).
// Usage: node --experimental-websocket tui.mjs RUNT_BINARY
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, queryDb } from '@livestore/livestore'
import { makeCfSync } from '@livestore/sync-cf'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cells, events, queue, schema } from './agent_schema.mjs'
import { createKey, sleep, startServer } from './server.mjs'

const runt = process.argv[2]
const socket = `runt-tui-${process.pid}`
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
const screen = (name) => { try { return tmux('capture-pane', '-p', '-t', name) } catch { return '' } }
const keys = (name, ...k) => tmux('send-keys', '-t', name, ...k)
const typeText = (name, text) => tmux('send-keys', '-t', name, '-l', text)
const alive = (name) => { try { tmux('has-session', '-t', name); return true } catch { return false } }
const shell = (s) => `'${s.replaceAll("'", "'\\''")}'`

const server = await startServer(runt)
const storeId = 'tui' + Date.now()
const api = (token, path, init = {}) => fetch(`http://127.0.0.1:${server.port}/api${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
await api(server.token, '/notebooks', { method: 'POST', body: JSON.stringify({ id: storeId }) })
const store = await createStorePromise({
  adapter: makeAdapter({ storage: { type: 'in-memory' }, clientId: 'browser', sessionId: 's-browser', sync: { backend: makeCfSync({ url: server.url }) } }),
  schema, storeId, syncPayload: { authToken: server.token }, disableDevtools: true,
})
// AI cells answer from the scripted provider of tests/ai, with a real MCP server for approvals.
const testsAi = join(dirname(fileURLToPath(import.meta.url)), '..', 'ai')
const provider = spawn('node', [join(testsAi, 'scripted_provider.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] })
const providerPort = await new Promise((resolve) => {
  let out = ''
  provider.stdout.on('data', (d) => { out += d; const m = out.match(/listening (\d+)/); if (m) resolve(Number(m[1])) })
})
const scratch = mkdtempSync(join(tmpdir(), 'runt-tui-'))
writeFileSync(join(scratch, 'mcp.json'), JSON.stringify({ mcpServers: { everything: {
  command: 'node', args: [join(testsAi, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js'), 'stdio'] } } }))
let agentLog = ''
const agent = spawn(runt, ['agent', '--notebook', storeId, '--sync-url', server.url, '--mcp-config', join(scratch, 'mcp.json')], {
  env: { ...process.env, RUNT_API_KEY: server.token, OPENAI_API_KEY: 'sk-tui', OPENAI_BASE_URL: `http://127.0.0.1:${providerPort}/v1`, OLLAMA_HOST: 'http://127.0.0.1:1' },
  stdio: ['ignore', 'ignore', 'pipe'],
})
agent.stderr.on('data', (d) => { agentLog += d })

const failures = []
const expect = (what, ok, detail = '') => { if (process.env.DEBUG) console.log(ok ? 'ok  ' : 'FAIL', what); if (!ok) failures.push(`${what}${detail ? `\n${detail}` : ''}`) }
const until = async (test, ms = 30000) => { const end = Date.now() + ms; while (Date.now() < end) { if (test()) return true; await sleep(50) } return false }
const q = (query) => store.query(queryDb(query))
// A terminal of 120×45 running `runt tui ARGS` (then the exit code, kept on screen).
const open = (name, args, token = server.token) => tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '45',
  `env TERM=xterm-256color LANG=C.UTF-8 ${shell(runt)} tui ${args} --sync-url ${server.url} --auth-token ${shell(token)}; echo "EXIT=$?"; sleep 60`)

try {
  tmux('start-server')
  open('main', storeId)
  expect('the TUI connects and shows the runtime ready', await until(() => /runtime: python · ready/.test(screen('main')), 60000), screen('main'))
  expect('an empty notebook says how to add a cell', /press b to add a cell/.test(screen('main')))

  // b: a cell at the end; i: edit; type; Esc saves; R runs in place.
  keys('main', 'b')
  await until(() => q(cells.select()).length === 1)
  keys('main', 'i')
  typeText('main', 'print(6*7)')
  keys('main', 'Escape')
  expect('the TUI\'s cell reaches the other client', await until(() => q(cells.select())[0]?.source === 'print(6*7)'), JSON.stringify(q(cells.select())))
  keys('main', 'R')
  expect('running it shows 42 on the screen', await until(() => /print\(6\*7\)\n.*\s42\s*$/m.test(screen('main')), 60000), screen('main'))

  // Another client's cell appears without moving the selection.
  store.commit(events.cellCreated({ id: 'from-browser', fractionalIndex: 'zz', cellType: 'code', createdBy: 'browser' }))
  store.commit(events.cellSourceChanged({ id: 'from-browser', source: "note = 'written in the browser'", modifiedBy: 'browser' }))
  expect('the other client\'s cell appears in the TUI', await until(() => /written in the browser/.test(screen('main'))), screen('main'))

  // A matplotlib figure, drawn with chafa in block characters.
  keys('main', 'G', 'b', 'i')
  typeText('main', 'import matplotlib.pyplot as plt\nplt.plot([1, 4, 9])\nplt.show()')
  keys('main', 'Escape', 'R')
  // Lines of the figure: chafa's block elements (U+2580–U+259F) across the plot.
  const blocks = (s) => s.split('\n').filter((l) => (l.match(/[\u2580-\u259f]/g) ?? []).length >= 2).length
  expect('a matplotlib figure is drawn in the terminal', await until(() => blocks(screen('main')) >= 8, 60000), screen('main'))

  // x interrupts a running cell.
  keys('main', 'b', 'i')
  typeText('main', "import time\nprint('sleeping', flush=True)\ntime.sleep(60)")
  keys('main', 'Escape', 'R')
  expect('a long cell starts', await until(() => /sleeping/.test(screen('main')), 60000), screen('main'))
  keys('main', 'x')
  expect('x interrupts it', await until(() => q(queue.select()).some((r) => r.status === 'cancelled'), 20000), JSON.stringify(q(queue.select())))
  // An AI cell: made a code cell, cycled to ai (C C), prompted, its model picked with T.
  keys('main', 'b', 'C', 'C', 'i')
  typeText('main', 'Say hello')
  keys('main', 'Escape', 'T', 'R')
  expect('an AI cell streams its answer into the TUI', await until(() => /Hello from scripted-1\./.test(screen('main')), 30000), screen('main'))
  // Another asks for an MCP tool: the approval is answered with y.
  keys('main', 'b', 'C', 'C', 'i')
  typeText('main', 'Use a tool')
  keys('main', 'Escape', 'T', 'T', 'T', 'R')
  expect('the approval shows with its keys', await until(() => /asks to run mcp__everything__echo\s+y once\s+A always\s+n deny/.test(screen('main')), 30000), screen('main'))
  keys('main', 'y')
  expect('y allows it; the tool runs and the model answers', await until(() => /Tool said: Echo: hello from the model/.test(screen('main')), 30000), screen('main'))
  expect('the tool call shows as a line', /⚙ mcp__everything__echo ✓/.test(screen('main')), screen('main'))
  // A narrower terminal: everything is laid out again for 80 columns.
  tmux('resize-window', '-t', 'main', '-x', '80', '-y', '40')
  expect('a resize lays the notebook out again', await until(() => {
    const lines = screen('main').split('\n').filter((l) => l.length > 0)
    return lines.length > 0 && /connected$/.test(lines[0]) && lines.every((l) => [...l].length <= 80)
  }, 10000), screen('main'))
  expect('the LiveStore client decoded all of it (it sees the AI cells)', await until(() => q(cells.select().where({ cellType: 'ai' })).length === 2), JSON.stringify(q(cells.select())))
  keys('main', 'g', 'g')
  await sleep(300)
  const capture = screen('main')

  // :q quits.
  keys('main', ':', 'q', 'Enter')
  expect(':q quits with 0', await until(() => /EXIT=0/.test(screen('main'))), screen('main'))

  // Bad input: one clear message, exit 2.
  const noTty = spawnSync(runt, ['tui', storeId, '--sync-url', server.url, '--auth-token', server.token], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  expect('without a terminal: one clear message and exit 2', noTty.status === 2 && /needs a terminal/.test(noTty.stderr), noTty.stderr)
  const env = { ...process.env }
  for (const k of ['LIVESTORE_SYNC_URL', 'RUNT_API_KEY', 'AUTH_TOKEN']) delete env[k]
  const unconfigured = spawnSync(resolve(runt), ['tui', storeId], { encoding: 'utf8', env, cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] })
  expect('without configuration: what is missing and exit 2', unconfigured.status === 2 && /missing configuration/.test(unconfigured.stderr) &&
    /LIVESTORE_SYNC_URL/.test(unconfigured.stderr), unconfigured.stderr)
  open('unknown', 'no-such-notebook')
  expect('an unknown notebook is one clear message and exit 2', await until(() => /EXIT=2/.test(screen('unknown'))) && /no notebook no-such-notebook/.test(screen('unknown')), screen('unknown'))
  open('badtoken', storeId, 'not-a-token')
  expect('a refused token is one clear message and exit 2', await until(() => /EXIT=2/.test(screen('badtoken'))) && /refused the token/.test(screen('badtoken')), screen('badtoken'))
  const bob = createKey(runt, server.dataDir, 'bob')
  await api(server.token, `/notebooks/${storeId}/access`, { method: 'POST', body: JSON.stringify({ userId: 'bob', role: 'reader' }) })
  open('reader', storeId, bob)
  await until(() => /runtime:/.test(screen('reader')))
  const before = q(cells.select()).length
  keys('reader', 'b')
  keys('reader', 'i')
  expect('a reader is told the notebook is read-only', await until(() => /read-only/.test(screen('reader'))), screen('reader'))
  await sleep(500)
  expect('and nothing is committed', q(cells.select()).length === before)
  keys('reader', ':', 'q', 'Enter')
  expect('the reader quits', await until(() => /EXIT=0/.test(screen('reader'))), screen('reader'))
  console.log('--- runt tui, as captured by tmux capture-pane ---\n' + capture)
} catch (e) {
  failures.push(`${e.stack ?? e}`)
} finally {
  try { tmux('kill-server') } catch {}
  agent.kill('SIGTERM')
  provider.kill()
  rmSync(scratch, { recursive: true, force: true })
  await store.shutdown().catch(() => {})
  await server.kill('SIGTERM')
  server.cleanup()
}
if (failures.length) { console.log('FAILED:\n' + failures.join('\n---\n') + '\nagent log:\n' + agentLog.slice(-2000)); process.exit(1) }
console.log('runt tui ran a notebook in tmux beside a LiveStore client')
