// `runt up` keeps its kernels in bounds: at most --max-kernels run at once (a notebook opened
// beyond that gets none and says why), a kernel whose notebook nobody has had open for
// --kernel-idle-minutes stops (its session ends as Ctrl-C ends it), and the place it frees goes
// to a notebook that is waiting. Real runt up, real ipykernel, raw sync-cf sockets.
// Usage: node --experimental-websocket up_kernels.e2e.mjs RUNT_BINARY
import { rawSocket } from '../../tests/conformance/server.mjs'
import { checker, sleep, startUp } from './harness.mjs'

const runt = process.argv[2]
const t = checker('runt up kernels')
const IDLE_MINUTES = 0.05 // 3 s

let up
const sockets = []
try {
  up = await startUp(runt, { args: ['--max-kernels', '1', '--kernel-idle-minutes', String(IDLE_MINUTES)] })
  const sync = `ws://127.0.0.1:${up.port}/livestore`
  const get = async (path) => {
    const r = await fetch(`${up.origin}${path}`, { headers: { Authorization: `Bearer ${up.token}` } })
    return r.ok ? (path.endsWith('/events') ? r.text() : r.json()) : Promise.reject(new Error(`${path}: HTTP ${r.status}`))
  }
  const events = async (id) => (await get(`/api/notebooks/${id}/events`)).split('\n').filter(Boolean).map((l) => JSON.parse(l))
  const sessions = async (id) => {
    const log = await events(id)
    const ended = new Set(log.filter((e) => e.name === 'v1.RuntimeSessionTerminated').map((e) => e.args.sessionId))
    const started = log.filter((e) => e.name === 'v1.RuntimeSessionStarted').map((e) => e.args.sessionId)
    return { started, live: started.filter((s) => !ended.has(s)), terminated: log.filter((e) => e.name === 'v1.RuntimeSessionTerminated') }
  }
  const waitFor = async (fn, ms = 60_000) => {
    const end = Date.now() + ms
    for (;;) { const v = await fn(); if (v || Date.now() > end) return v; await sleep(100) }
  }
  // Opens a notebook as a browser does and waits until the server has handled the opening (a pull answered).
  const open = async (id) => {
    const socket = await rawSocket(sync, up.token, id)
    socket.send({ _tag: 'WSMessage.PullReq', requestId: 'open' })
    await socket.next((m) => m._tag === 'WSMessage.PullRes')
    sockets.push(socket)
    return socket
  }

  const first = up.notebookId
  const firstOpen = await open(first)
  const firstLive = await waitFor(async () => (await sessions(first)).live[0])
  t.ok('the first notebook has its kernel', !!firstLive)

  // --- The limit: a second notebook gets no kernel while the first holds the only place.
  await fetch(`${up.origin}/api/notebooks`, { method: 'POST', headers: { Authorization: `Bearer ${up.token}` }, body: JSON.stringify({ id: 'second' }) })
  const secondOpen = await open('second')
  const refused = (await get('/api/notebooks/second')).runtimeRefused
  t.ok('a notebook opened beyond --max-kernels gets no kernel, and the API says why', refused?.reason === 'kernel-limit' && /--max-kernels 1/.test(refused.message), JSON.stringify(refused))
  t.ok('...and runt up logs it', /no runtime for notebook second: .*--max-kernels 1/.test(up.log()), up.log().slice(-500))
  t.ok('...and no session was started for it', (await sessions('second')).started.length === 0)

  // --- Idle: nobody has the first notebook open, so its kernel stops and the second gets the place.
  firstOpen.close()
  const ended = await waitFor(async () => (await sessions(first)).terminated.find((e) => e.args.sessionId === firstLive))
  t.ok('a kernel nobody has open stops, ending its session as Ctrl-C does', ended?.args.reason === 'shutdown', JSON.stringify(ended))
  t.ok('...and runt up says why', new RegExp(`stopping the kernel of notebook ${first}: nobody has had it open`).test(up.log()), up.log().slice(-500))
  const secondLive = await waitFor(async () => (await sessions('second')).live[0])
  t.ok('the place it freed goes to the notebook that was waiting', !!secondLive)
  t.ok('...whose refusal is gone', (await get('/api/notebooks/second')).runtimeRefused === undefined)

  // --- An open notebook keeps its kernel however long it sits (two idle periods here).
  await sleep(2 * IDLE_MINUTES * 60_000)
  t.ok('a kernel whose notebook is open is not stopped for idleness', (await sessions('second')).live.includes(secondLive))

  // --- Reopening the first notebook: the limit again, until the second is closed and stops.
  await open(first)
  t.ok('the reopened notebook waits for a place', (await get(`/api/notebooks/${first}`)).runtimeRefused?.reason === 'kernel-limit')
  secondOpen.close()
  const restarted = await waitFor(async () => (await sessions(first)).live.find((s) => s !== firstLive))
  t.ok('...and gets a new kernel once the other stops', !!restarted && (await sessions('second')).live.length === 0)

  for (const s of sockets) s.close()
  const code = await up.stop('SIGINT')
  t.ok('Ctrl-C exits 0', code === 0, `exit ${code}: ${up.log().slice(-400)}`)
} catch (e) {
  t.ok('the run finished', false, `${e.stack}\n${up?.log().slice(-2000)}`)
} finally {
  for (const s of sockets) s.close()
  if (up) { await up.stop('SIGINT'); up.cleanup() }
  process.exit(t.done() ? 1 : 0)
}
