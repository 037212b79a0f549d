// Seeds notebooks for the browser benchmarks through the real sync protocol (a raw sync-cf
// socket with the server token), shaped like real use: cells typed in several edits, run,
// streamed output, an occasional figure.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function startServe(runt, token = 'bench-token') {
  const dataDir = mkdtempSync(join(tmpdir(), 'runt-bench-'))
  const proc = spawn(runt, ['serve', '--port', '0', '--data', dataDir, '--token', token, '--log-level', 'error'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise((resolve, reject) => {
    let out = ''
    proc.stdout.on('data', (d) => { out += d; const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/); if (m) resolve(Number(m[1])) })
    proc.on('exit', (code) => reject(new Error(`runt serve exited with ${code}`)))
  })
  return {
    port, token, origin: `http://127.0.0.1:${port}`,
    stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM') }),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  }
}

// Creates notebook `id` and opens a raw sync-cf socket on it (with the server token).
export async function createNotebook(server, id) {
  const r = await fetch(`${server.origin}/api/notebooks`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ id }) })
  if (r.status !== 201) throw new Error(`could not create notebook ${id}: ${r.status} ${await r.text()}`)
  return openSocket(server, id)
}

export async function openSocket(server, storeId) {
  const params = new URLSearchParams({ storeId, payload: encodeURIComponent(JSON.stringify({ authToken: server.token })) })
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/livestore/websocket?${params}`)
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('socket refused')) })
  return ws
}

// Pushes `events` ({name, args}) as one chain after `head`, in batches, each acknowledged.
export async function pushAll(ws, events, head = 0, clientId = 'seed', sessionId = 'seed') {
  let n = head
  for (let i = 0; i < events.length; i += 50) { // the server takes at most 50 a push
    const batch = events.slice(i, i + 50).map((e) => ({ ...e, seqNum: ++n, parentSeqNum: n - 1, clientId, sessionId }))
    const requestId = `seed-${i}`
    const acked = new Promise((resolve, reject) => {
      const listener = (m) => {
        const msg = JSON.parse(m.data)
        if (msg.requestId === requestId && msg._tag === 'WSMessage.PushAck') { ws.removeEventListener('message', listener); resolve() }
        if (msg.requestId === requestId && msg._tag === 'WSMessage.Error') reject(new Error(msg.message))
      }
      ws.addEventListener('message', listener)
    })
    ws.send(JSON.stringify({ _tag: 'WSMessage.PushReq', requestId, batch }))
    await acked
  }
  return n
}

const kPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

// A notebook of `cells` cells and exactly `total` events.
export function notebookEvents(cells, total) {
  const events = [{ name: 'v1.NotebookTitleChanged', args: { title: `Bench ${cells} cells` } }]
  const perCell = Math.floor((total - 1) / cells)
  const iso = (ms) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString()
  for (let c = 0; c < cells; c++) {
    const id = `cell-${String(c).padStart(4, '0')}`
    const cell = []
    cell.push({ name: 'v2.CellCreated', args: { id, fractionalIndex: 'a' + c.toString(36).padStart(3, '0'), cellType: c % 5 === 4 ? 'markdown' : 'code', createdBy: 'bench' } })
    const code = `# cell ${c}\nimport math\nvalues = [math.sqrt(i) for i in range(${c + 10})]\nprint(sum(values))\n`
    for (let k = 1; k <= 8; k++) cell.push({ name: 'v1.CellSourceChanged', args: { id, source: code.slice(0, Math.ceil((code.length * k) / 8)), modifiedBy: 'bench' } })
    const queueId = `exec-${c}`
    cell.push({ name: 'v1.ExecutionRequested', args: { queueId, cellId: id, executionCount: c + 1, requestedBy: 'bench' } })
    cell.push({ name: 'v1.ExecutionStarted', args: { queueId, cellId: id, runtimeSessionId: 'bench-session', startedAt: iso(c * 1000) } })
    const out = `out-${c}`
    cell.push({ name: 'v1.TerminalOutputAdded', args: { id: out, cellId: id, position: 0, content: { type: 'inline', data: `line 0 of cell ${c}\n` }, streamName: 'stdout' } })
    if (c % 10 === 0) cell.push({ name: 'v1.MultimediaDisplayOutputAdded', args: { id: `fig-${c}`, cellId: id, position: 1, representations: { 'image/png': { type: 'inline', data: kPng }, 'text/plain': { type: 'inline', data: '<Figure>' } } } })
    // Streamed lines fill the cell's share of events (the last cell takes what rounding left).
    const target = c === cells - 1 ? total - events.length - 1 : perCell - 1
    for (let d = 1; cell.length < target; d++) {
      cell.push({ name: 'v2.TerminalOutputAppended', args: { id: `${out}-d${d}`, outputId: out, delta: `line ${d} of cell ${c}\n`, sequenceNumber: d } })
    }
    cell.push({ name: 'v1.ExecutionCompleted', args: { queueId, cellId: id, status: 'success', completedAt: iso(c * 1000 + 120), executionDurationMs: 120 } })
    events.push(...cell)
  }
  return events
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
