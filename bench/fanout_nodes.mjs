// bench/fanout_nodes.mjs: cross-node fan-out of `runt serve --store postgresql://…`. Three
// nodes (separate `runt serve` processes) on one PostgreSQL database; a pusher on node A and
// SUBSCRIBERS sockets on each of A, B and C, all on one notebook. Prints the delivery latency
// (push sent -> the event received by each subscriber) p50/p99 per node and overall, beside the
// same measured in the same run with all 3 x SUBSCRIBERS subscribers on one node (on its own
// fresh database). Nodes B and C hear of the push by LISTEN/NOTIFY and read the rows back, so
// their figures carry that hop; node A's do not.
// Pushes go one after another, each once every subscriber has the previous one.
// Usage: node --experimental-websocket bench/fanout_nodes.mjs RUNT_BINARY [SUBSCRIBERS_PER_NODE] [PUSHES] [URI]
//   (default 300 subscribers per node, 200 pushes; without URI a throwaway cluster of its own,
//   started and stopped with tests/support/pg_cluster.sh; with one, databases runt_fanout_*
//   are created on that cluster and dropped)
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabase, dropDatabase, rawSocket, startServer } from '../tests/conformance/server.mjs'

const [runt, perNode = '300', pushes = '200', givenUri] = process.argv.slice(2)
if (!runt) throw new Error('usage: fanout_nodes.mjs RUNT_BINARY [SUBSCRIBERS_PER_NODE] [PUSHES] [URI]')
const script = join(dirname(fileURLToPath(import.meta.url)), '../tests/support/pg_cluster.sh')

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout.trim()
}

// A cluster of our own unless one was given: its directory must be reachable by user postgres.
let clusterDir
let cluster = givenUri
if (!cluster) {
  const parent = mkdtempSync('/tmp/runt-bench-fanout-')
  chmodSync(parent, 0o755)
  clusterDir = join(parent, 'cluster')
  cluster = run(script, ['start', clusterDir])
}
let databases = 0
const freshDatabase = () => {
  const name = `runt_fanout_${process.pid}_${databases++}`
  return { uri: createDatabase(cluster, name), drop: () => dropDatabase(cluster, name) }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`
}

// `layout[i]` subscribers on node i; the pusher on node 0. Latencies per node.
const measure = async (layout, storeId) => {
  const db = freshDatabase()
  const nodes = []
  for (let i = 0; i < layout.length; i++) nodes.push(await startServer(runt, { extraArgs: ['--store', db.uri, '--max-connections-per-address', '4096'] }))
  try {
    const pusher = await rawSocket(nodes[0].url, nodes[0].token, storeId)
    pusher.send({ _tag: 'WSMessage.PullReq', requestId: 'p' })
    await pusher.next((m) => m.requestId?.requestId === 'p')
    const subs = []  // [socket, node]
    for (let n = 0; n < layout.length; n++)
      for (let i = 0; i < layout[n]; i++) subs.push([await rawSocket(nodes[n].url, nodes[n].token, storeId), n])
    await Promise.all(subs.map(async ([s], i) => {
      s.send({ _tag: 'WSMessage.PullReq', requestId: 's' + i })
      await s.next((m) => m._tag === 'WSMessage.PullRes')
    }))
    await new Promise((r) => setTimeout(r, 500))
    const latencies = layout.map(() => [])
    const t0 = performance.now()
    for (let seq = 1; seq <= Number(pushes); seq++) {
      const sent = performance.now()
      const arrivals = subs.map(([s, n]) => s.next((m) => m._tag === 'WSMessage.PullRes' && m.batch[0]?.eventEncoded.seqNum === seq, 30000)
        .then(() => latencies[n].push(performance.now() - sent)))
      pusher.send({ _tag: 'WSMessage.PushReq', requestId: 'r' + seq, batch: [{ name: 'v1.Debug', args: { id: 'e' + seq }, seqNum: seq, parentSeqNum: seq - 1, clientId: 'c', sessionId: 's' }] })
      await Promise.all(arrivals)
      pusher.frames.length = 0
    }
    const seconds = (performance.now() - t0) / 1000
    subs.forEach(([s]) => s.close())
    pusher.close()
    return { latencies, rate: Math.round(latencies.flat().length / seconds) }
  } finally {
    for (const node of nodes) { await node.kill('SIGTERM'); node.cleanup() }
    db.drop()
  }
}

try {
  const n = Number(perNode)
  const one = await measure([3 * n], 'fanout-one')
  const three = await measure([n, n, n], 'fanout-three')
  console.log(`runt serve fan-out on PostgreSQL: ${pushes} pushes one after another, ${3 * n} subscribers in all`)
  console.log(`  3 nodes (pusher on A, ${n} subscribers on each of A, B, C):`)
  three.latencies.forEach((l, i) => console.log(`    node ${'ABC'[i]}: ${summary(l)}`))
  console.log(`    all:    ${summary(three.latencies.flat())} (target p99 <= 50 ms); ${three.rate} messages delivered/s`)
  console.log(`  peer, 1 node (pusher and ${3 * n} subscribers on it): ${summary(one.latencies[0])}; ${one.rate} messages delivered/s`)
} finally {
  if (clusterDir) { run(script, ['stop', clusterDir]); rmSync(dirname(clusterDir), { recursive: true, force: true }) }
}
