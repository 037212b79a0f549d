// PostgreSQL restarted (immediate shutdown: every connection cut) under a `runt serve` while
// clients push: pushes fail with a clear error while it is down (no acknowledgement for an event
// that is not stored), runt recovers by itself when the database is back, and every
// acknowledged event is in the log exactly once.
// Its own cluster (restarting the tests' shared one would disturb the other tests).
// Usage: node --experimental-websocket database-restart.mjs RUNT_BINARY
import { spawnSync } from 'node:child_process'
import { mkdtempSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checks, rawSocket, sleep, startServer } from './server.mjs'

const runt = process.argv[2]
const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'pg_cluster.sh')
const root = mkdtempSync(join(tmpdir(), 'runt-pg-restart-'))
chmodSync(root, 0o755)  // the server runs as user postgres
const cluster = join(root, 'c')
const sh = (...args) => {
  const r = spawnSync(script, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`pg_cluster.sh ${args[0]}: ${r.stderr}`)
  return r.stdout.trim()
}
const uri = sh('start', cluster)
const { failures, expect } = checks()
const server = await startServer(runt, { extraArgs: ['--store', uri] })

const stores = ['restart-a' + Date.now(), 'restart-b' + Date.now(), 'restart-c' + Date.now()]
const acked = new Map(stores.map((s) => [s, new Set()]))
let phase = 'before'  // before, down, after
const counts = { before: 0, downErrors: 0, after: 0 }
let errorText = ''
let stop = false
const lastSeq = (m) => m._tag === 'WSMessage.PullRes' && m.batch.length ? m.batch.at(-1).eventEncoded.seqNum : 0
const pushers = stores.map(async (store, c) => {
  const socket = await rawSocket(server.url, server.token, store)
  let head = 0
  for (let i = 0; !stop; i++) {
    const batch = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      name: 'v1.Debug', args: { id: `c${c}-${i}-${k}` }, seqNum: head + k + 1, parentSeqNum: head + k, clientId: 'c' + c, sessionId: 's',
    }))
    const requestId = `push-${c}-${i}`
    socket.send({ _tag: 'WSMessage.PushReq', requestId, batch })
    const reply = await socket.next((m) => m.requestId === requestId && (m._tag === 'WSMessage.PushAck' || m._tag === 'WSMessage.Error'), 20000)
    if (reply._tag === 'WSMessage.PushAck') {
      for (const e of batch) acked.get(store).add(e.args.id)
      head += batch.length
      if (phase === 'after') counts.after += batch.length
      else if (phase === 'before') counts.before += batch.length
    } else {
      if (phase === 'down') { counts.downErrors++; errorText = reply.message }
      await sleep(50)
      // Where the log really ends (a commit whose answer was lost may have landed).
      const pull = `pull-${c}-${i}`
      socket.send({ _tag: 'WSMessage.PullReq', requestId: pull, cursor: head })
      for (;;) {
        const page = await socket.next((m) => m._tag === 'WSMessage.PullRes' && m.requestId?.requestId === pull, 20000).catch(() => null)
        if (!page) break
        head = Math.max(head, lastSeq(page))
        if (page.remaining === 0) break
      }
    }
    socket.frames.length = 0
  }
  socket.close()
})

await sleep(700)
phase = 'down'
sh('kill', cluster)
await sleep(1500)
sh('restart', cluster)
// runt notices by itself: nothing is restarted but the database.
const back = Date.now()
while (counts.after === 0 && Date.now() - back < 20000) { phase = 'after'; await sleep(50) }
await sleep(700)
stop = true
await Promise.all(pushers)

expect('pushes went through before the restart', counts.before > 0, `${counts.before} events`)
expect('pushes failed with a clear error while the database was down', counts.downErrors > 0 && /PostgreSQL|stored/i.test(errorText), errorText)
expect('pushes went through again once it was back, without restarting runt', counts.after > 0, `${counts.after} events`)
for (const store of stores) {
  const socket = await rawSocket(server.url, server.token, store)
  socket.send({ _tag: 'WSMessage.PullReq', requestId: 'all' })
  const log = []
  for (;;) {
    const page = await socket.next((m) => m._tag === 'WSMessage.PullRes' && m.requestId?.requestId === 'all', 10000)
    log.push(...page.batch.map((e) => e.eventEncoded))
    if (page.remaining === 0) break
  }
  socket.close()
  const ids = log.map((e) => e.args.id)
  const missing = [...acked.get(store)].filter((id) => !ids.includes(id))
  expect(`${store}: every acknowledged event is stored`, missing.length === 0, missing.slice(0, 5).join(','))
  expect(`${store}: none twice`, new Set(ids).size === ids.length)
  expect(`${store}: one unbroken chain`, log.every((e, i) => e.seqNum === i + 1 && e.parentSeqNum === i))
}
await server.kill('SIGTERM')
server.cleanup()
sh('stop', cluster)
if (failures.length) console.error(server.log())
process.exit(failures.length ? 1 : 0)
