// The anode state tables (anode-schema.md §2) as Maps keyed by primary key. A Map's iteration
// order is the table's insertion (rowid) order: an insert-replace deletes and re-sets the key,
// so the row moves to the end as it does in SQLite. Rows are immutable: a change replaces the
// row object, so a UI may compare rows by identity and clones can share them.
// Mutate a State only through `materialize`.

import type { Json, Representations } from './codec'
import type { EventArgs } from './events'
import type {
  ActorType,
  ApprovalStatus,
  CellType,
  ExecutionState,
  OutputType,
  QueueStatus,
  RuntimeStatus,
  StreamName,
} from './literals'

export type AiSettings = EventArgs['v1.AiSettingsChanged']['settings']

export interface Cell {
  readonly id: string
  readonly cellType: CellType
  readonly source: string
  readonly fractionalIndex: string | null
  readonly executionCount: number | null
  readonly executionState: ExecutionState
  readonly assignedRuntimeSession: string | null // the session that last started it; never cleared
  readonly lastExecutionDurationMs: number | null
  readonly sqlConnectionId: string | null
  readonly sqlResultVariable: string | null
  readonly aiProvider: string | null
  readonly aiModel: string | null
  readonly aiSettings: AiSettings | null
  readonly sourceVisible: boolean
  readonly outputVisible: boolean
  readonly aiContextVisible: boolean
  readonly createdBy: string
}

export interface Output {
  readonly id: string
  readonly cellId: string
  readonly outputType: OutputType
  readonly position: number
  readonly streamName: StreamName | null // terminal only
  readonly executionCount: number | null // multimedia_result only
  readonly displayId: string | null // multimedia_display only
  readonly data: string | null // flattened primary content (lossy for multimedia rows)
  readonly artifactId: string | null
  readonly mimeType: string | null
  readonly metadata: Json // container metadata, or null
  readonly representations: Representations | null // multimedia rows only
}

export interface OutputDelta {
  readonly id: string
  readonly outputId: string
  readonly delta: string
  readonly sequenceNumber: number
}

export interface PendingClear {
  readonly cellId: string
  readonly clearedBy: string
}

export interface RuntimeSession {
  readonly sessionId: string
  readonly runtimeId: string
  readonly runtimeType: string
  readonly status: RuntimeStatus
  readonly isActive: boolean
  readonly canExecuteCode: boolean
  readonly canExecuteSql: boolean
  readonly canExecuteAi: boolean
  readonly availableAiModels: Json // array of models, or null
  readonly lastRenewedAt: string | null
  readonly expiresAt: string | null
}

export interface QueueEntry {
  readonly id: string // = queueId
  readonly cellId: string
  readonly executionCount: number
  readonly requestedBy: string
  readonly status: QueueStatus
  readonly assignedRuntimeSession: string | null
  readonly startedAt: string | null
  readonly completedAt: string | null
  readonly executionDurationMs: number | null
}

export interface Presence {
  readonly userId: string
  readonly cellId: string | null
}

export interface Actor {
  readonly id: string
  readonly type: ActorType
  readonly displayName: string
  readonly avatar: string | null
}

export interface ToolApproval {
  readonly toolCallId: string
  readonly cellId: string
  readonly toolName: string
  readonly status: ApprovalStatus
  readonly approvedBy: string | null
  readonly requestedAt: string
  readonly respondedAt: string | null
}

export interface FileEntry {
  readonly fileName: string
  readonly mimeType: string
  readonly artifactId: string
  readonly createdAt: string | null
  readonly createdBy: string
  readonly deletedAt: string | null // soft delete; null = present
}

export interface DebugRow {
  readonly id: string
  readonly version: string
}

// An output's deltas by sequenceNumber (ties in arrival order) and their concatenation, kept
// up to date so streamed text costs O(1) per delta.
export interface DeltaList {
  items: OutputDelta[]
  text: string
}

export interface State {
  readonly metadata: Map<string, string>
  readonly cells: Map<string, Cell>
  readonly outputs: Map<string, Output>
  readonly outputDeltas: Map<string, OutputDelta>
  readonly pendingClears: Map<string, PendingClear>
  readonly runtimeSessions: Map<string, RuntimeSession>
  readonly executionQueue: Map<string, QueueEntry>
  readonly presence: Map<string, Presence>
  readonly actors: Map<string, Actor>
  readonly toolApprovals: Map<string, ToolApproval>
  readonly files: Map<string, FileEntry>
  readonly debug: Map<string, DebugRow>
  // Lookups derived from the tables: a cell's outputs and the display rows of a displayId (both
  // as output ids in insertion order), an output's deltas, a cell's newest queue entry.
  readonly outputsByCell: Map<string, Set<string>>
  readonly outputsByDisplay: Map<string, Set<string>>
  readonly deltasByOutput: Map<string, DeltaList>
  readonly latestQueueByCell: Map<string, string>
}

export function emptyState(): State {
  return {
    metadata: new Map(),
    cells: new Map(),
    outputs: new Map(),
    outputDeltas: new Map(),
    pendingClears: new Map(),
    runtimeSessions: new Map(),
    executionQueue: new Map(),
    presence: new Map(),
    actors: new Map(),
    toolApprovals: new Map(),
    files: new Map(),
    debug: new Map(),
    outputsByCell: new Map(),
    outputsByDisplay: new Map(),
    deltasByOutput: new Map(),
    latestQueueByCell: new Map(),
  }
}

function copySets(m: Map<string, Set<string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const [k, v] of m) out.set(k, new Set(v))
  return out
}

// An independent copy (rows are immutable, so they are shared): the UI re-applies its pending
// events on a clone of the confirmed state.
export function cloneState(s: State): State {
  const deltas = new Map<string, DeltaList>()
  for (const [k, v] of s.deltasByOutput) deltas.set(k, { items: v.items.slice(), text: v.text })
  return {
    metadata: new Map(s.metadata),
    cells: new Map(s.cells),
    outputs: new Map(s.outputs),
    outputDeltas: new Map(s.outputDeltas),
    pendingClears: new Map(s.pendingClears),
    runtimeSessions: new Map(s.runtimeSessions),
    executionQueue: new Map(s.executionQueue),
    presence: new Map(s.presence),
    actors: new Map(s.actors),
    toolApprovals: new Map(s.toolApprovals),
    files: new Map(s.files),
    debug: new Map(s.debug),
    outputsByCell: copySets(s.outputsByCell),
    outputsByDisplay: copySets(s.outputsByDisplay),
    deltasByOutput: deltas,
    latestQueueByCell: new Map(s.latestQueueByCell),
  }
}

// ---- Table operations with SQLite's semantics (used by the materializers) ----------------------

// INSERT OR REPLACE: the row moves to the end of the insertion order.
export function replaceRow<R>(table: Map<string, R>, key: string, row: R): void {
  table.delete(key)
  table.set(key, row)
}

// UPDATE of an existing row: it keeps its place. False when there is no such row.
export function updateRow<R>(table: Map<string, R>, key: string, update: (row: R) => R): boolean {
  const row = table.get(key)
  if (row === undefined) return false
  table.set(key, update(row))
  return true
}

function link(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key)
  if (ids === undefined) index.set(key, new Set([id]))
  else ids.add(id)
}

// Drops empty entries: display ids are often unique, and empty sets would pile up.
function unlink(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key)
  if (ids === undefined) return
  ids.delete(id)
  if (ids.size === 0) index.delete(key)
}

function displayOf(o: Output): string | null {
  return o.outputType === 'multimedia_display' ? o.displayId : null
}

export function replaceOutput(s: State, row: Output): void {
  const old = s.outputs.get(row.id)
  if (old !== undefined) {
    unlink(s.outputsByCell, old.cellId, old.id)
    const d = displayOf(old)
    if (d !== null) unlink(s.outputsByDisplay, d, old.id)
    s.outputs.delete(row.id)
  }
  s.outputs.set(row.id, row)
  link(s.outputsByCell, row.cellId, row.id)
  const d = displayOf(row)
  if (d !== null) link(s.outputsByDisplay, d, row.id)
}

// Deletes a cell's outputs; false when it had none.
export function eraseCellOutputs(s: State, cellId: string): boolean {
  const ids = s.outputsByCell.get(cellId)
  if (ids === undefined) return false
  s.outputsByCell.delete(cellId)
  for (const id of ids) {
    const d = displayOf(s.outputs.get(id)!)
    if (d !== null) unlink(s.outputsByDisplay, d, id)
    s.outputs.delete(id)
  }
  return true
}

export function clearOutputs(s: State): void {
  s.outputs.clear()
  s.outputsByCell.clear()
  s.outputsByDisplay.clear()
}

// Plain INSERT: false (and nothing changed) when the id exists.
export function insertDelta(s: State, row: OutputDelta): boolean {
  if (s.outputDeltas.has(row.id)) return false
  s.outputDeltas.set(row.id, row)
  const list = s.deltasByOutput.get(row.outputId)
  if (list === undefined) {
    s.deltasByOutput.set(row.outputId, { items: [row], text: row.delta })
    return true
  }
  const items = list.items
  if (items[items.length - 1].sequenceNumber <= row.sequenceNumber) {
    items.push(row)
    list.text += row.delta
    return true
  }
  // Out of order: after the last delta with a sequenceNumber not above this one.
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (items[mid].sequenceNumber <= row.sequenceNumber) lo = mid + 1
    else hi = mid
  }
  items.splice(lo, 0, row)
  list.text = items.map((d) => d.delta).join('')
  return true
}
