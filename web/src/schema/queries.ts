// The reads a UI needs from the state, ordered as runt's C++ queries (queries.cpp) order them.

import type { Cell, Output, QueueEntry, RuntimeSession, State } from './state'
import type { QueueStatus } from './literals'

// Code-point order, which is the UTF-8 byte order C++ (and SQLite) compare by. Plain `<` compares
// UTF-16 code units, which orders characters above U+FFFF before U+E000–U+FFFF.
export function compareText(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800 // surrogates rank above U+E000–U+FFFF
}

// Cells by fractionalIndex (a cell without one first), ties by id. anode promises the id
// tie-break but leaves ties in SQLite's row order; runt keeps the promise so every client lists
// tied cells alike.
export function cellsInOrder(state: State): Cell[] {
  const cells = Array.from(state.cells.values())
  cells.sort((a, b) => {
    if (a.fractionalIndex !== b.fractionalIndex) {
      if (a.fractionalIndex === null) return -1
      if (b.fractionalIndex === null) return 1
      return compareText(a.fractionalIndex, b.fractionalIndex)
    }
    return compareText(a.id, b.id)
  })
  return cells
}

// The output's final text: its data with its streamed (v2 appended) deltas after it, by
// sequenceNumber, for terminal and markdown rows alike.
export function outputText(state: State, output: Output): string | null {
  const deltas = state.deltasByOutput.get(output.id)
  return deltas === undefined ? output.data : (output.data ?? '') + deltas.text
}

// A cell's outputs by position (ties in insertion order), `data` with the deltas applied. Rows
// without deltas are the state's own objects.
export function outputsOf(state: State, cellId: string): Output[] {
  const ids = state.outputsByCell.get(cellId)
  if (ids === undefined) return []
  const rows: Output[] = []
  for (const id of ids) {
    const row = state.outputs.get(id)!
    const deltas = state.deltasByOutput.get(id)
    rows.push(deltas === undefined ? row : { ...row, data: (row.data ?? '') + deltas.text })
  }
  return rows.sort((a, b) => a.position - b.position) // stable: ties keep insertion order
}

// Sessions with isActive, in the order they (re)started.
export function activeRuntimeSessions(state: State): RuntimeSession[] {
  const out: RuntimeSession[] = []
  for (const r of state.runtimeSessions.values()) if (r.isActive) out.push(r)
  return out
}

// The newest queue entry requested for the cell, or null.
export function queueOf(state: State, cellId: string): QueueEntry | null {
  const id = state.latestQueueByCell.get(cellId)
  return id === undefined ? null : state.executionQueue.get(id)!
}

// Queue entries in request order, all of them or those with one status.
export function queueEntries(state: State, status?: QueueStatus): QueueEntry[] {
  const out: QueueEntry[] = []
  for (const q of state.executionQueue.values()) if (status === undefined || q.status === status) out.push(q)
  return out
}
