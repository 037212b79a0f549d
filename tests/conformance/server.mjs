// Starts and stops a real `runt serve` for the conformance scripts.
import { spawn, spawnSync } from 'node:child_process'
import http from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createHash } from 'node:crypto'

// With RUNT_TEST_SERVE_STORE set to a PostgreSQL cluster's URI (ctest's second run of these
// scripts, on the postgres fixture's cluster) the server keeps notebooks in PostgreSQL: one database per data
// directory, so a restart on the same directory finds what it stored. The arguments that say so.
export const storeArgs = (dataDir) => {
  const cluster = process.env.RUNT_TEST_SERVE_STORE
  if (!cluster) return []
  const name = 'runt_conf_' + createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)
  return ['--store', createDatabase(cluster, name, { ifMissing: true })]
}

// psql against a PostgreSQL URI; its output, trimmed.
export const psql = (uri, sql) => {
  const r = spawnSync('psql', [uri, '-tAc', sql], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`)
  return r.stdout.trim()
}

// Creates database `name` on the cluster at `cluster` (a URI to any of its databases) and
// returns its URI; `ifMissing`: an existing one is reused.
export const createDatabase = (cluster, name, { ifMissing = false } = {}) => {
  if (!ifMissing || psql(cluster, `SELECT 1 FROM pg_database WHERE datname = '${name}'`) !== '1') psql(cluster, `CREATE DATABASE ${name}`)
  return cluster.replace(/^(postgres(?:ql)?:\/\/[^/]*\/)[^?]*/, `$1${name}`)
}

export const dropDatabase = (cluster, name) => psql(cluster, `DROP DATABASE ${name} WITH (FORCE)`)

export const startServer = async (runt, { dataDir, port = 0, token = 'conformance-token', extraArgs = [] } = {}) => {
  dataDir ??= mkdtempSync(join(tmpdir(), 'runt-conformance-'))
  const args = ['serve', '--port', String(port), '--data', dataDir, '--token', token, ...storeArgs(dataDir), ...extraArgs]
  if (process.env.RUNT_TRACE) args.push('--log-level', 'trace')
  const proc = spawn(runt, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  if (process.env.RUNT_TRACE) proc.stderr.on('data', (d) => process.stderr.write(d))
  let log = ''
  proc.stderr.on('data', (d) => { log += d })
  const actualPort = await new Promise((resolve, reject) => {
    let out = ''
    proc.stdout.on('data', (d) => {
      out += d
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)
      if (m) resolve(Number(m[1]))
    })
    proc.on('exit', (code) => reject(new Error(`runt serve exited with ${code}: ${log}`)))
  })
  return {
    proc, dataDir, token, port: actualPort,
    url: `ws://127.0.0.1:${actualPort}/livestore`,
    log: () => log,
    kill: (signal = 'SIGKILL') => new Promise((resolve) => { proc.once('exit', resolve); proc.kill(signal) }),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// A raw sync-cf socket: send frames, await replies by requestId.
// `token` is the authToken, or the whole sync payload object.
export const rawSocket = async (url, token, storeId) => {
  const payload = typeof token === 'string' ? { authToken: token } : token
  const params = new URLSearchParams({ storeId, payload: encodeURIComponent(JSON.stringify(payload)) })
  const ws = new WebSocket(`${url}/websocket?${params}`)
  await new Promise((resolve, reject) => {
    ws.onopen = resolve
    ws.onerror = () => reject(new Error(`WebSocket to ${storeId} refused`))
  })
  const frames = []
  const waiters = []
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data)
    // A frame goes to the first waiter that wants it, or is kept for a later next().
    const w = waiters.find((candidate) => candidate.test(msg))
    if (w) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg) } else frames.push(msg)
  }
  const closed = new Promise((resolve) => { ws.onclose = resolve })
  return {
    frames, closed,
    send: (msg) => ws.send(JSON.stringify(msg)),
    sendRaw: (text) => ws.send(text),
    next: (test, ms = 5000) => new Promise((resolve, reject) => {
      const found = frames.find(test)
      if (found) { frames.splice(frames.indexOf(found), 1); return resolve(found) }
      const w = { test, resolve }
      waiters.push(w)
      setTimeout(() => reject(new Error('timed out waiting for a frame')), ms)
    }),
    close: () => ws.close(),
  }
}

// The HTTP status and body of a sync upgrade request (101 when accepted).
export const upgradeStatus = (port, storeId, payload) => new Promise((resolve) => {
  const query = new URLSearchParams({ storeId, payload: encodeURIComponent(JSON.stringify(payload)) })
  const req = http.request({ host: '127.0.0.1', port, path: `/livestore/websocket?${query}`,
    headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } })
  req.on('response', (res) => { let body = ''; res.on('data', (d) => { body += d }); res.on('end', () => resolve({ status: res.statusCode, body })) })
  req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: 101, body: '' }) })
  req.end()
})

// `runt token create --user NAME` against a server's data directory (and its database, when it
// keeps notebooks in PostgreSQL): the new API key.
export const createKey = (runt, dataDir, user) => {
  const r = spawnSync(runt, ['token', 'create', '--user', user, '--data', dataDir, ...storeArgs(dataDir)], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`runt token create failed: ${r.stderr}`)
  return r.stdout.trim()
}

// Named checks that print as they go: `failures` collects the names of those that failed.
export const checks = () => {
  const failures = []
  const expect = (what, ok, detail = '') => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`)
    if (!ok) failures.push(what)
  }
  return { failures, expect }
}

// A process's resident memory in MB, as the kernel counts it.
export const residentMb = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024
