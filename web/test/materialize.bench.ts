// How fast the browser materializes a big notebook: 500 cells, 20,001 events, three quarters
// of them streamed terminal deltas (v2.TerminalOutputAppended). Prints timings; not a test.
// Usage: node build/web-tests/materialize.bench.mjs

import { cloneState, evenlySpacedKeys, materializeAll, toDocument, type EncodedEvent } from '../src/schema/index'
import { proc } from './support/node'

const CELLS = 500
const DELTAS_PER_RUN = 30

function notebookLog(): EncodedEvent[] {
  const raw: { name: string; args?: unknown }[] = []
  const user = 'user_2f9a7c41'
  const session = 'python3-runt-5b0f7c1a-1731600003000-k2j4h6g8'
  const keys = evenlySpacedKeys(CELLS)
  const cell = (i: number) => `cell-1731600000000-${String(i).padStart(6, '0')}`
  raw.push({
    name: 'v1.RuntimeSessionStarted',
    args: { sessionId: session, runtimeId: 'python3-runt', runtimeType: 'python3', capabilities: { canExecuteCode: true, canExecuteSql: false, canExecuteAi: false } },
  })
  for (let i = 0; i < CELLS; i++) raw.push({ name: 'v2.CellCreated', args: { id: cell(i), fractionalIndex: keys[i], cellType: 'code', createdBy: user } })
  for (let i = 0; i < CELLS; i++) {
    raw.push({ name: 'v1.PresenceSet', args: { userId: user, cellId: cell(i) } })
    raw.push({ name: 'v1.CellSourceChanged', args: { id: cell(i), source: `for i in range(${i}):\n    print(i)`, modifiedBy: user } })
  }
  const at = (s: number) => new Date(Date.UTC(2024, 10, 14, 16, 0, s)).toISOString()
  for (let i = 0; i < CELLS; i++) {
    const queueId = `exec-${i}`
    const out = `out-${i}`
    raw.push({ name: 'v1.ExecutionRequested', args: { queueId, cellId: cell(i), executionCount: 1, requestedBy: user } })
    raw.push({ name: 'v1.ExecutionAssigned', args: { queueId, runtimeSessionId: session } })
    raw.push({ name: 'v1.ExecutionStarted', args: { queueId, cellId: cell(i), runtimeSessionId: session, startedAt: at(i) } })
    raw.push({ name: 'v1.CellOutputsCleared', args: { cellId: cell(i), wait: false, clearedBy: 'runtime-python3-runt' } })
    raw.push({ name: 'v1.TerminalOutputAdded', args: { id: out, cellId: cell(i), position: 0, content: { type: 'inline', data: '0\n' }, streamName: 'stdout' } })
    for (let d = 0; d < DELTAS_PER_RUN; d++)
      raw.push({ name: 'v2.TerminalOutputAppended', args: { id: `${out}-d${d}`, outputId: out, delta: `${d + 1}\n`, sequenceNumber: d } })
    raw.push({
      name: 'v1.MultimediaResultOutputAdded',
      args: { id: `res-${i}`, cellId: cell(i), position: 1, representations: { 'text/plain': { type: 'inline', data: String(i) } }, executionCount: 1 },
    })
    raw.push({ name: 'v1.ExecutionCompleted', args: { queueId, cellId: cell(i), status: 'success', completedAt: at(i + 1), executionDurationMs: 1000 } })
  }
  // As a client receives them: parsed from the wire's JSON text.
  return raw.map((e, i) => JSON.parse(JSON.stringify({ ...e, seqNum: i + 1, parentSeqNum: i, clientId: 'c', sessionId: 's' })) as EncodedEvent)
}

function time<T>(f: () => T): [T, number] {
  const start = performance.now()
  const result = f()
  return [result, performance.now() - start]
}

const events = notebookLog()
const deltas = events.filter((e) => e.name === 'v2.TerminalOutputAppended').length
const [, cold] = time(() => materializeAll(events))
const runs: number[] = []
for (let i = 0; i < 10; i++) runs.push(time(() => materializeAll(events))[1])
runs.sort((a, b) => a - b)
const warm = runs[Math.floor(runs.length / 2)]
const state = materializeAll(events)
const [, clone] = time(() => cloneState(state))
const [, doc] = time(() => toDocument(state))

const rate = (ms: number) => Math.round(events.length / (ms / 1000)).toLocaleString('en-US')
proc.stdout.write(
  `materialize: ${events.length} events (${deltas} terminal deltas), ${state.cells.size} cells, ${state.outputs.size} outputs\n` +
    `  first run   ${cold.toFixed(1)} ms  (${rate(cold)} events/s)\n` +
    `  median of ${runs.length} ${warm.toFixed(1)} ms  (${rate(warm)} events/s)\n` +
    `  cloneState  ${clone.toFixed(2)} ms\n` +
    `  toDocument  ${doc.toFixed(1)} ms\n`,
)
