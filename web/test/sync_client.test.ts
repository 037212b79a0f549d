// The browser's sync client (web/src/app/sync.ts) against a real `runt serve`, in node:
// concurrent commits converge without loss or duplicates, commits made while the server is down
// survive its restart and are rebased over what others pushed meanwhile, unsent source edits
// coalesce, and a reader's refused push is reported instead of retried silently.
// Usage: node --experimental-websocket build/web-tests/sync_client.test.mjs RUNT_BINARY
import { NotebookStore } from '../src/app/sync'
import { cellCreated, cellSourceChanged, cellsInOrder, notebookTitleChanged, toDocument } from '../src/schema/index'
import { proc } from './support/node'

interface Child { pid: number; kill(signal: string): boolean; once(event: 'exit', fn: () => void): void; stdout: { on(e: 'data', fn: (d: unknown) => void): void } }
const childProcess = 'node:child_process', fsName = 'node:fs', osName = 'node:os'
const { spawn, execFileSync } = (await import(childProcess)) as {
  spawn(cmd: string, args: string[], opts: object): Child
  execFileSync(cmd: string, args: string[], opts: object): string
}
const fs = (await import(fsName)) as { mkdtempSync(p: string): string; rmSync(p: string, o: object): void }
const os = (await import(osName)) as { tmpdir(): string }

const runt = proc.argv[2]
const token = 'sync-client-token'
const dataDir = fs.mkdtempSync(`${os.tmpdir()}/runt-sync-client-`)
let failed = 0
const check = (what: string, ok: boolean, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}`)
  if (!ok) failed++
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(fn: () => boolean, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms
  while (!fn()) { if (Date.now() > end) return false; await sleep(20) }
  return true
}

async function serve(port = 0): Promise<{ child: Child; port: number }> {
  const child = spawn(runt, ['serve', '--port', String(port), '--data', dataDir, '--token', token, '--log-level', 'error'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const actual = await new Promise<number>((resolve) => {
    let out = ''
    child.stdout.on('data', (d) => { out += String(d); const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/); if (m) resolve(Number(m[1])) })
  })
  return { child, port: actual }
}
const stop = (child: Child, signal = 'SIGKILL') => new Promise<void>((r) => { child.once('exit', () => r()); child.kill(signal) })

let server = await serve()
const url = (storeId: string, authToken = token) =>
  `ws://127.0.0.1:${server.port}/livestore/websocket?${new URLSearchParams({ storeId, payload: encodeURIComponent(JSON.stringify({ authToken })) })}`
const api = async (path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${server.port}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } })
const serverLog = async (id: string) => (await (await api(`/api/notebooks/${id}/events`)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l))
const doc = (s: NotebookStore) => JSON.stringify(toDocument(s.state))
const open = (id: string, authToken = token) => { const s = new NotebookStore(id, url(id, authToken)); s.start(); return s }
const cell = (id: string, key: string) => cellCreated({ id, fractionalIndex: key, cellType: 'code', createdBy: 'test' })

try {
  // 1. Concurrent commits from two clients converge, each event stored exactly once.
  await api('/api/notebooks', { method: 'POST', body: JSON.stringify({ id: 'nb1' }) })
  const a = open('nb1'), b = open('nb1')
  await until(() => a.loaded && b.loaded)
  a.commit(notebookTitleChanged({ title: 'Shared' }))
  for (let i = 0; i < 20; i++) {
    a.commit(cell(`a${i}`, `a${String(i).padStart(2, '0')}`))
    b.commit(cell(`b${i}`, `b${String(i).padStart(2, '0')}`))
  }
  const converged = await until(() => a.unsynced === 0 && b.unsynced === 0 && a.state.cells.size === 40 && b.state.cells.size === 40)
  check('two clients committing at once converge on 40 cells', converged, `${a.state.cells.size} / ${b.state.cells.size}`)
  check('...with identical state', doc(a) === doc(b))
  const log1 = await serverLog('nb1')
  check('...and the server stored each event exactly once', log1.length === 41 && new Set(log1.map((e) => JSON.stringify(e.args))).size === 41, `${log1.length} events`)

  // 2. Commits made while the server is down survive its restart, rebased over a newer push.
  await stop(server.child)
  await until(() => a.connection === 'offline' && b.connection === 'offline')
  for (let i = 0; i < 3; i++) a.commit(cell(`down${i}`, `c${i}`))
  check('commits while the server is down apply locally at once', a.state.cells.size === 43 && a.unsynced === 3)
  server = await serve(server.port)
  // b reconnects (its backoff may be later than a's); whoever pushes first, nothing is lost.
  await until(() => b.connection === 'online')
  b.commit(cell('after', 'd0'))
  const survived = await until(() => a.unsynced === 0 && b.unsynced === 0 && a.state.cells.size === 44 && b.state.cells.size === 44, 20_000)
  check('after the restart both clients hold all 44 cells', survived, `${a.state.cells.size} / ${b.state.cells.size}, unsynced ${a.unsynced} / ${b.unsynced}`)
  check('...in the same order', JSON.stringify(cellsInOrder(a.state).map((c) => c.id)) === JSON.stringify(cellsInOrder(b.state).map((c) => c.id)))
  const log2 = await serverLog('nb1')
  check('...stored once each, in one unbroken chain', log2.length === 45 && log2.every((e, i) => e.seqNum === i + 1 && e.parentSeqNum === i), `${log2.length} events`)

  // 3. Source edits typed faster than the server acknowledges coalesce; the last one wins.
  const before = (await serverLog('nb1')).length
  for (let i = 1; i <= 300; i++) {
    const source = 'x'.repeat(i)
    a.commitCoalesced(cellSourceChanged({ id: 'a0', source, modifiedBy: 'test' }),
      (name, args) => name === 'v1.CellSourceChanged' && (args as { id: string }).id === 'a0')
  }
  await until(() => a.unsynced === 0 && b.state.cells.get('a0')?.source.length === 300)
  const edits = (await serverLog('nb1')).length - before
  check('300 keystrokes reach the other client as the final source', b.state.cells.get('a0')?.source === 'x'.repeat(300))
  check('...in fewer events than keystrokes (unsent edits coalesce)', edits >= 1 && edits < 300, `${edits} events`)

  // 4. Commits interleaved with the server's acknowledgements (a push answered between two
  // keystrokes) never leave anything unsent, with no other traffic to nudge the client.
  await api('/api/notebooks', { method: 'POST', body: JSON.stringify({ id: 'nb2' }) })
  const solo = open('nb2')
  await until(() => solo.loaded)
  for (let i = 0; i < 120; i++) {
    if (i % 3 === 0) solo.commit(cell(`s${i}`, `s${String(i).padStart(3, '0')}`))
    else solo.commitCoalesced(cellSourceChanged({ id: `s${i - (i % 3)}`, source: `v${i}`, modifiedBy: 'test' }),
      (name, args) => name === 'v1.CellSourceChanged' && (args as { id: string }).id === `s${i - (i % 3)}`)
    await sleep(i % 7)
  }
  check('interleaved commits all reach the server without other traffic', await until(() => solo.unsynced === 0, 5000), `${solo.unsynced} unsent`)
  const log3 = await serverLog('nb2')
  check('...each stored once, the last source of each cell kept', log3.filter((e) => e.name === 'v2.CellCreated').length === 40 &&
    cellsInOrder(solo.state).every((c, k) => c.source === `v${k * 3 + 2}`), `${log3.length} events`)
  solo.stop()

  // 5. A reader's push is refused: the store says so, drops the change and shows what is stored.
  const key = String(execFileSync(runt, ['token', 'create', '--user', 'rita', '--data', dataDir], { encoding: 'utf8' })).trim()
  await api('/api/notebooks/nb1/access', { method: 'POST', body: JSON.stringify({ userId: 'rita', role: 'reader' }) })
  const reader = open('nb1', key)
  await until(() => reader.loaded)
  check('a reader loads the notebook', reader.state.cells.size === 44)
  reader.commit(cell('nope', 'z0'))
  check('a reader\'s push is reported as refused', await until(() => reader.connection === 'refused') && /read notebook nb1 but not change it/.test(reader.detail), reader.detail)
  check('...and nothing was written', (await serverLog('nb1')).every((e) => e.args?.id !== 'nope'))
  check('...and the reader sees the notebook as stored again', reader.state.cells.size === 44 && reader.unsynced === 0)
  for (const s of [a, b, reader]) s.stop()
} catch (e) {
  check('the run finished', false, (e as Error).stack ?? String(e))
} finally {
  await stop(server.child, 'SIGTERM')
  fs.rmSync(dataDir, { recursive: true, force: true })
  console.log(failed ? `sync client: ${failed} check(s) failed` : 'sync client: all checks passed')
  proc.exit(failed ? 1 : 0)
}
