// An installed runt, run as a user runs it: `runt --version` names this build, `pyrunt` is
// `runt agent`, and `runt up` with no --web-dir serves the web UI installed beside the binary
// (<prefix>/share/runt/web-ui) and runs a cell on Debian's ipykernel.
// Usage: node --experimental-websocket check_installed.mjs INSTALLED_RUNT VERSION SOURCE_DIR
import { spawnSync } from 'node:child_process'
import { appendFileSync, lstatSync, readFileSync, readlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { rawSocket } from '../conformance/server.mjs'
import { checker, sleep, startUp } from '../../web/e2e/harness.mjs'

const [runt, version, sourceDir] = process.argv.slice(2)
const t = checker(`installed ${runt}`)
const waitFor = async (fn, ms = 30_000) => {
  const end = Date.now() + ms
  for (;;) { const v = await fn(); if (v || Date.now() > end) return v; await sleep(100) }
}

// --- runt --version: this build's version and the commit it was built from.
const printed = spawnSync(runt, ['--version'], { encoding: 'utf8' })
const head = spawnSync('git', ['-C', sourceDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' })
const commit = head.status === 0 ? head.stdout.trim() : null
const m = printed.stdout.match(/^runt (\S+) \(([0-9a-f]{7,40}(?:-dirty)?|unknown)\)\n$/)
t.ok('runt --version prints `runt VERSION (COMMIT)`', printed.status === 0 && m?.[1] === version, JSON.stringify(printed.stdout + printed.stderr))
t.ok('...naming the checked-out commit (a build older than HEAD needs a rebuild)',
  commit ? commit.startsWith(m?.[2].replace(/-dirty$/, '') ?? '-') : m?.[2] === 'unknown', `${m?.[2]} vs HEAD ${commit}`)

// --- pyrunt: a symlink to runt beside it, which runs as `runt agent`.
const pyrunt = join(dirname(runt), 'pyrunt')
t.ok('pyrunt is a symlink to runt', lstatSync(pyrunt, { throwIfNoEntry: false })?.isSymbolicLink() && readlinkSync(pyrunt) === 'runt')
const help = spawnSync(pyrunt, ['--help'], { encoding: 'utf8' })
t.ok('pyrunt --help is runt agent\'s', help.status === 0 && /Usage: runt agent/.test(help.stdout) && /--notebook/.test(help.stdout), help.stdout + help.stderr)

// --- runt up: the UI comes from the installed copy. A marker only that copy has proves the
// binary found it by itself, not the build tree's identical bundle.
const webDir = join(dirname(runt), '..', 'share', 'runt', 'web-ui')
const marker = `<!-- installed copy ${process.pid} -->\n`
appendFileSync(join(webDir, 'index.html'), marker)
let up
try {
  up = await startUp(runt)
  const auth = { headers: { Authorization: `Bearer ${up.token}` } }
  const page = await fetch(`${up.origin}/`, auth)
  const html = await page.text()
  t.ok('GET / serves the installed index.html', page.status === 200 && html === readFileSync(join(webDir, 'index.html'), 'utf8') && html.endsWith(marker),
    `${page.status}: ${html.slice(0, 300)}`)
  const app = await fetch(`${up.origin}/assets/app.js`, auth)
  t.ok('...and the installed app bundle', app.status === 200 && (await app.text()) === readFileSync(join(webDir, 'assets', 'app.js'), 'utf8'))

  // --- A cell runs on ipykernel, committed over the sync protocol as a browser commits it.
  const id = up.notebookId
  const api = async (path) => (await fetch(`${up.origin}/api/notebooks/${id}${path}`, auth)).text()
  const events = async () => (await api('/events')).split('\n').filter(Boolean).map((l) => JSON.parse(l))
  t.ok('its Python runtime becomes ready',
    !!await waitFor(async () => (await events()).some((e) => e.name === 'v1.RuntimeSessionStatusChanged' && e.args.status === 'ready')))
  const socket = await rawSocket(`ws://127.0.0.1:${up.port}/livestore`, up.token, id)
  const cell = [
    { name: 'v2.CellCreated', args: { id: 'installed', fractionalIndex: 'z', cellType: 'code', createdBy: 'install-test' } },
    { name: 'v1.CellSourceChanged', args: { id: 'installed', source: "print('hello from an installed runt')\n6 * 7", modifiedBy: 'install-test' } },
    { name: 'v1.ExecutionRequested', args: { queueId: 'installed-q', cellId: 'installed', executionCount: 1, requestedBy: 'install-test' } },
  ]
  // The agent commits too (its session's renewals): a push on a head it moved is refused, and
  // pushed again on the new head.
  let acked = false
  for (let attempt = 0; !acked && attempt < 5; attempt++) {
    const head = JSON.parse(await api('')).head
    const batch = cell.map((e, i) => ({ ...e, seqNum: head + i + 1, parentSeqNum: head + i, clientId: 'install-test', sessionId: 's' }))
    socket.send({ _tag: 'WSMessage.PushReq', requestId: `push-${attempt}`, batch })
    const reply = await socket.next((r) => r.requestId === `push-${attempt}` && (r._tag === 'WSMessage.PushAck' || r._tag === 'WSMessage.Error'), 10_000)
    acked = reply._tag === 'WSMessage.PushAck'
  }
  socket.close()
  t.ok('the cell and its execution request are committed', acked)
  // Read back as every client derives it: the installed `runt replay` on the notebook's log.
  const outputs = await waitFor(async () => {
    const log = await api('/events')
    if (!log.includes('"v1.ExecutionCompleted"')) return null
    const replay = spawnSync(runt, ['replay', '-'], { input: log, encoding: 'utf8' })
    return replay.status === 0 && JSON.parse(replay.stdout).cells.find((c) => c.id === 'installed')?.outputs
  })
  t.ok('the cell ran on ipykernel: its print and its result', outputs?.map((o) => `${o.outputType}:${o.data}`).join('|') === 'terminal:hello from an installed runt\n|multimedia_result:42',
    JSON.stringify(outputs))

  const code = await up.stop('SIGINT')
  t.ok('Ctrl-C exits 0', code === 0, `exit ${code}: ${up.log().slice(-400)}`)
} catch (e) {
  t.ok('the run finished', false, `${e.stack}\n${up?.log().slice(-2000)}`)
} finally {
  if (up) { await up.stop('SIGINT'); up.cleanup() }
  process.exit(t.done() ? 1 : 0)
}
