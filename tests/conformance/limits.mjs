// runt serve against a hostile client with no key, and a heavy one with a key:
// - running out of file descriptors once does not stop the server accepting (finding H2);
// - connections are capped per address, with a 503, and the cap lets go when they close;
// - a body is never read before the token is checked: four unauthenticated 200 MB uploads get
//   401 at once and the server's memory does not grow (finding M1);
// - an authenticated 200 MB upload is streamed to disk, not held in memory, and comes back whole;
// - ambiguous framing (Transfer-Encoding other than chunked, or with Content-Length) is refused;
// - a large .ipynb import is parsed off the event loop: others are answered meanwhile.
// Usage: node --experimental-websocket limits.mjs RUNT_BINARY
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checks, createKey, residentMb, sleep, startServer } from './server.mjs'

const runt = process.argv[2]
const { failures, expect } = checks()

// One raw HTTP exchange: the status line's code and the body (or 'reset' / 'timeout').
const rawRequest = (port, text, { ms = 5000 } = {}) => new Promise((resolve) => {
  const socket = net.connect(port, '127.0.0.1')
  let data = ''
  const timer = setTimeout(() => { socket.destroy(); resolve({ status: 'timeout', data }) }, ms)
  socket.on('connect', () => socket.write(text))
  socket.on('data', (d) => { data += d })
  const done = () => { clearTimeout(timer); resolve({ status: Number(data.match(/^HTTP\/1\.1 (\d+)/)?.[1]) || (data ? 'garbled' : 'reset'), data }) }
  socket.on('end', done)
  socket.on('error', done)
})
const health = (port, ms) => rawRequest(port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n', { ms })

// Streams `megabytes` of zeros as the body of a POST; resolves with the status, the body, and
// how many megabytes were sent. With `stallAfterMb`, the client sends only that much of the
// body and waits: an answer then proves the server decided from the headers alone.
const upload = (port, path, headers, megabytes, { stallAfterMb = Infinity, ms = 60000 } = {}) => new Promise((resolve) => {
  const socket = net.connect(port, '127.0.0.1')
  const chunk = Buffer.alloc(1 << 20)
  let sent = 0
  let answer = ''
  const head = [`POST ${path} HTTP/1.1`, 'Host: x', `Content-Length: ${megabytes << 20}`, ...headers].join('\r\n') + '\r\n\r\n'
  const pump = () => {
    while (sent < Math.min(megabytes, stallAfterMb) && !answer) {
      sent++
      if (!socket.write(chunk)) return socket.once('drain', pump)
    }
  }
  const timer = setTimeout(() => socket.destroy(), ms)
  socket.on('connect', () => { socket.write(head); pump() })
  socket.on('data', (d) => { answer += d })
  socket.on('close', () => {
    clearTimeout(timer)
    resolve({ status: Number(answer.match(/^HTTP\/1\.1 (\d+)/)?.[1]) || 'no answer', sentMb: sent, body: answer.split('\r\n\r\n')[1] ?? '' })
  })
  socket.on('error', () => {})
})

// 1. Out of file descriptors: runt serve under `ulimit -n 64`, 100 idle connections, then none.
{
  const dataDir = mkdtempSync(join(tmpdir(), 'runt-limits-'))
  const proc = spawn('sh', ['-c', `ulimit -n 64 && exec "$0" serve --port 0 --data "$1" --token t`, runt, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  proc.stderr.on('data', (d) => { log += d })
  const port = await new Promise((resolve) => {
    let out = ''
    proc.stdout.on('data', (d) => { out += d; const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/); if (m) resolve(Number(m[1])) })
  })
  const idle = []
  for (let i = 0; i < 100; i++) {
    const s = net.connect(port, '127.0.0.1')
    s.on('error', () => {})
    idle.push(s)
  }
  await sleep(1000)
  const during = await health(port, 1000)
  expect('out of descriptors: the server cannot answer while they are held', during.status !== 200, String(during.status))
  for (const s of idle) s.destroy()
  let after = { status: 'timeout' }
  for (let i = 0; i < 20 && after.status !== 200; i++) after = await health(port, 1000)
  expect('out of descriptors once: the server accepts again when they are closed', after.status === 200, String(after.status))
  expect('and says so once in its log', (log.match(/accept failed/g) ?? []).length === 1, log.split('\n').filter((l) => l.includes('accept')).join(' | '))
  proc.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
}

const server = await startServer(runt, { extraArgs: ['--max-connections-per-address', '8', '--log-level', 'info'] })
const pid = server.proc.pid
const auth = `Authorization: Bearer ${server.token}`

// 2. The per-address cap.
{
  const held = []
  for (let i = 0; i < 8; i++) {
    const s = net.connect(server.port, '127.0.0.1')
    s.on('error', () => {})
    await new Promise((resolve) => s.once('connect', resolve))
    held.push(s)
  }
  await sleep(200)
  const over = await health(server.port, 2000)
  expect('a connection over the per-address cap gets 503', over.status === 503, String(over.status))
  for (const s of held) s.destroy()
  let again = { status: 'timeout' }
  for (let i = 0; i < 50 && again.status !== 200; i++) { await sleep(100); again = await health(server.port, 2000) }
  expect('the cap lets go when connections close', again.status === 200, String(again.status))
}

// 3. Unauthenticated uploads are refused before their body is read; memory stays flat.
{
  const before = residentMb(pid)
  const answers = await Promise.all([1, 2, 3, 4].map(() => upload(server.port, '/api/artifacts', ['x-notebook-id: nb1'], 200)))
  const after = residentMb(pid)
  expect('four unauthenticated 200 MB uploads all get 401', answers.every((a) => a.status === 401), answers.map((a) => a.status).join(','))
  const stalled = await upload(server.port, '/api/artifacts', ['x-notebook-id: nb1'], 200, { stallAfterMb: 1, ms: 10000 })
  expect('...decided before the body arrives (an upload that stops after 1 MB is answered)', stalled.status === 401, String(stalled.status))
  expect('...and the server did not grow', after - before < 30, `${before.toFixed(0)} MB -> ${after.toFixed(0)} MB`)
}

// 4. An authenticated 200 MB upload is streamed to disk and comes back whole.
{
  await rawRequest(server.port, `POST /api/notebooks HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"id":"big-1"}`)
  const before = residentMb(pid)
  let peak = before
  const sampler = setInterval(() => { peak = Math.max(peak, residentMb(pid)) }, 20)
  const answer = await upload(server.port, '/api/artifacts', [auth, 'x-notebook-id: big-1', 'Content-Type: application/octet-stream'], 200)
  clearInterval(sampler)
  const expected = createHash('sha256').update(Buffer.alloc(200 << 20)).digest('hex')
  expect('an authenticated 200 MB upload is stored', answer.status === 200 && answer.body.includes(expected), `${answer.status} ${answer.body}`)
  expect('...without holding it in memory', peak - before < 40, `${before.toFixed(0)} MB -> peak ${peak.toFixed(0)} MB`)
  const download = await fetch(`http://127.0.0.1:${server.port}/api/artifacts/big-1/${expected}`, { headers: { Authorization: `Bearer ${server.token}` } })
  const bytes = Buffer.from(await download.arrayBuffer())
  expect('...and comes back whole', download.status === 200 && bytes.length === 200 << 20 && createHash('sha256').update(bytes).digest('hex') === expected)
  const tooBig = await upload(server.port, '/api/artifacts', [auth, 'x-notebook-id: big-1'], 300, { stallAfterMb: 1, ms: 10000 })
  expect('an upload over --max-upload-bytes gets 413 from its Content-Length', tooBig.status === 413, String(tooBig.status))
  const eve = createKey(runt, server.dataDir, 'eve')
  const refused = await upload(server.port, '/api/artifacts', [`Authorization: Bearer ${eve}`, 'x-notebook-id: big-1'], 50, { stallAfterMb: 1, ms: 10000 })
  expect('an upload to a notebook the caller cannot see is refused from its headers, as if it did not exist', refused.status === 404, String(refused.status))
}

// 5. Framing a proxy could read differently is refused.
{
  const chunkedIdentity = await rawRequest(server.port, `POST /api/notebooks HTTP/1.1\r\nHost: x\r\n${auth}\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`)
  expect('Transfer-Encoding: chunked, identity gets 400', chunkedIdentity.status === 400, String(chunkedIdentity.status))
  const both = await rawRequest(server.port, `POST /api/notebooks HTTP/1.1\r\nHost: x\r\n${auth}\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`)
  expect('Transfer-Encoding with Content-Length gets 400', both.status === 400, String(both.status))
  const chunked = await rawRequest(server.port, `POST /api/notebooks HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nE\r\n{"id":"chunk"}\r\n0\r\n\r\n`)
  expect('plain chunked still works', chunked.status === 201, String(chunked.status))
}

// 6. A large .ipynb import is parsed off the event loop: a health check sent once the upload is
// in is answered before the import is.
{
  const cells = Array.from({ length: 4000 }, (_, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [{ output_type: 'stream', name: 'stdout', text: 'x'.repeat(8000) }], source: `print(${i})` }))
  const notebook = Buffer.from(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }))
  await rawRequest(server.port, `POST /api/notebooks HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"id":"import"}`)
  const order = []
  const importing = new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1')
    let answer = ''
    socket.on('connect', () => {
      socket.write(`POST /api/notebooks/import/ipynb HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: ${notebook.length}\r\n\r\n`)
      socket.write(notebook, () => {
        health(server.port, 10000).then((h) => { order.push(`health ${h.status}`) })
      })
    })
    socket.on('data', (d) => { answer += d })
    socket.on('close', () => { order.push(`import ${answer.match(/^HTTP\/1\.1 (\d+)/)?.[1]}`); resolve() })
  })
  await importing
  await sleep(100)
  expect(`a ${(notebook.length >> 20)} MB import does not hold up others`, order[0] === 'health 200' && order[1] === 'import 200', order.join(', '))
}

await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED:', failures.join('; ')); process.exit(1) }
console.log('limits hold')
