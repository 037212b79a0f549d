// The state as one JSON document, exactly as `runt replay` prints it (src/schema/state_json.cpp):
// same keys in the same order, SQL NULL as null, rows in insertion order unless noted, output
// `data` with its deltas applied. The golden vectors (tests/vectors) hold such documents.

import { setOwn } from './codec'
import { cellsInOrder, outputText, queueEntries } from './queries'
import type {
  Actor,
  Cell,
  DebugRow,
  FileEntry,
  Output,
  PendingClear,
  Presence,
  QueueEntry,
  RuntimeSession,
  State,
  ToolApproval,
} from './state'

export type CellDocument = Cell & { readonly outputs: Output[] }

export interface StateDocument {
  metadata: Record<string, string>
  cells: CellDocument[]
  orphanOutputs: Output[] // outputs whose cell was deleted (anode does not cascade)
  executionQueue: QueueEntry[]
  runtimeSessions: RuntimeSession[]
  presence: Presence[]
  actors: Actor[]
  toolApprovals: ToolApproval[]
  files: FileEntry[]
  pendingClears: PendingClear[]
  debug: DebugRow[]
}

// Rows are rebuilt key by key: the document's key order is part of its format.
function outputDocument(o: Output, data: string | null): Output {
  return {
    id: o.id,
    cellId: o.cellId,
    outputType: o.outputType,
    position: o.position,
    streamName: o.streamName,
    executionCount: o.executionCount,
    displayId: o.displayId,
    data,
    artifactId: o.artifactId,
    mimeType: o.mimeType,
    metadata: o.metadata,
    representations: o.representations,
  }
}

function outputsDocument(state: State, cellId: string): Output[] {
  const ids = state.outputsByCell.get(cellId)
  if (ids === undefined) return []
  const rows: Output[] = []
  for (const id of ids) {
    const o = state.outputs.get(id)!
    rows.push(outputDocument(o, outputText(state, o)))
  }
  return rows.sort((a, b) => a.position - b.position)
}

function cellDocument(state: State, c: Cell): CellDocument {
  return {
    id: c.id,
    cellType: c.cellType,
    source: c.source,
    fractionalIndex: c.fractionalIndex,
    executionCount: c.executionCount,
    executionState: c.executionState,
    assignedRuntimeSession: c.assignedRuntimeSession,
    lastExecutionDurationMs: c.lastExecutionDurationMs,
    sqlConnectionId: c.sqlConnectionId,
    sqlResultVariable: c.sqlResultVariable,
    aiProvider: c.aiProvider,
    aiModel: c.aiModel,
    aiSettings: c.aiSettings,
    sourceVisible: c.sourceVisible,
    outputVisible: c.outputVisible,
    aiContextVisible: c.aiContextVisible,
    createdBy: c.createdBy,
    outputs: outputsDocument(state, c.id),
  }
}

export function toDocument(state: State): StateDocument {
  // Note: a JavaScript object lists integer-like keys ("7") first, so such metadata keys cannot
  // keep the C++ document's insertion order; anode's keys are all names.
  const metadata: Record<string, string> = {}
  for (const [key, value] of state.metadata) setOwn(metadata, key, value)

  const orphanOutputs: Output[] = []
  for (const o of state.outputs.values())
    if (!state.cells.has(o.cellId)) orphanOutputs.push(outputDocument(o, outputText(state, o)))

  return {
    metadata,
    cells: cellsInOrder(state).map((c) => cellDocument(state, c)),
    orphanOutputs,
    executionQueue: queueEntries(state).map((q) => ({
      id: q.id,
      cellId: q.cellId,
      executionCount: q.executionCount,
      requestedBy: q.requestedBy,
      status: q.status,
      assignedRuntimeSession: q.assignedRuntimeSession,
      startedAt: q.startedAt,
      completedAt: q.completedAt,
      executionDurationMs: q.executionDurationMs,
    })),
    runtimeSessions: Array.from(state.runtimeSessions.values(), (r) => ({
      sessionId: r.sessionId,
      runtimeId: r.runtimeId,
      runtimeType: r.runtimeType,
      status: r.status,
      isActive: r.isActive,
      canExecuteCode: r.canExecuteCode,
      canExecuteSql: r.canExecuteSql,
      canExecuteAi: r.canExecuteAi,
      availableAiModels: r.availableAiModels,
      lastRenewedAt: r.lastRenewedAt,
      expiresAt: r.expiresAt,
    })),
    presence: Array.from(state.presence.values(), (p) => ({ userId: p.userId, cellId: p.cellId })),
    actors: Array.from(state.actors.values(), (a) => ({ id: a.id, type: a.type, displayName: a.displayName, avatar: a.avatar })),
    toolApprovals: Array.from(state.toolApprovals.values(), (t) => ({
      toolCallId: t.toolCallId,
      cellId: t.cellId,
      toolName: t.toolName,
      status: t.status,
      approvedBy: t.approvedBy,
      requestedAt: t.requestedAt,
      respondedAt: t.respondedAt,
    })),
    files: Array.from(state.files.values(), (f) => ({
      fileName: f.fileName,
      mimeType: f.mimeType,
      artifactId: f.artifactId,
      createdAt: f.createdAt,
      createdBy: f.createdBy,
      deletedAt: f.deletedAt,
    })),
    pendingClears: Array.from(state.pendingClears.values(), (p) => ({ cellId: p.cellId, clearedBy: p.clearedBy })),
    debug: Array.from(state.debug.values(), (d) => ({ id: d.id, version: d.version })),
  }
}
