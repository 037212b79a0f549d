// Pure materializers: `materialize(state, event)` changes `state` exactly as anode's
// materializers change their SQLite tables (anode-schema.md §3), quirks included, and as
// runt's C++ materializers do (src/schema/materialize.cpp). No clock, no randomness, no I/O.

import type { MediaRepresentation, Representations } from './codec'
import { decodeEvent, type EventArgs, type EventName } from './events'
import {
  clearOutputs,
  eraseCellOutputs,
  insertDelta,
  replaceOutput,
  replaceRow,
  updateRow,
  emptyState,
  type Cell,
  type Output,
  type QueueEntry,
  type RuntimeSession,
  type State,
} from './state'
import { formatIso, parseIso } from './timestamp'

// What one event touched, so a UI can re-render incrementally.
export interface Change {
  // Cells whose row, outputs (pending clears included) or queue entries changed. May name cells
  // that do not exist (outputs and queue entries of deleted cells are kept, as in anode).
  readonly cells: Set<string>
  order: boolean // the set of cells or their order changed
  metadata: boolean
  sessions: boolean
  presence: boolean
  queue: boolean
  actors: boolean
  files: boolean
  approvals: boolean
  debug: boolean
  skipped: boolean // an event name this schema does not know: nothing was applied
}

export function noChange(): Change {
  return {
    cells: new Set(),
    order: false,
    metadata: false,
    sessions: false,
    presence: false,
    queue: false,
    actors: false,
    files: false,
    approvals: false,
    debug: false,
    skipped: false,
  }
}

// An event every anode client fails to materialize (e.g. a duplicate output-delta id, a plain
// INSERT conflict there). The state is left unchanged.
export class MaterializeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MaterializeError'
  }
}

const DISPLAY_PREFERENCE = [
  'application/vnd.plotly.v1+json',
  'application/vnd.vegalite.v6+json',
  'application/vnd.vegalite.v5+json',
  'application/vnd.vegalite.v4+json',
  'application/vnd.vegalite.v3+json',
  'application/vnd.vegalite.v2+json',
  'application/vnd.vega.v5+json',
  'application/vnd.vega.v4+json',
  'application/vnd.vega.v3+json',
  'application/vnd.jupyter.widget-view+json',
  'application/vnd.jupyter.widget-state+json',
  'application/vnd.dataresource+json',
  'application/vdom.v1+json',
  'application/geo+json',
  'application/json',
  'application/javascript',
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'text/latex',
  'text/markdown',
  'text/plain',
]
const RESULT_PREFERENCE = ['text/html', 'image/png', 'image/jpeg', 'image/svg+xml', 'application/json', 'text/plain']

const hasOwn = Object.prototype.hasOwnProperty

function selectPrimary(reps: Representations, preference: readonly string[]): [string, MediaRepresentation] | null {
  for (const mime of preference) if (hasOwn.call(reps, mime)) return [mime, reps[mime]]
  return null
}

// Multimedia rows: `String(data || "")` for inline (objects give "[object Object]"), "" for
// artifacts.
function flatten(m: MediaRepresentation): string {
  return m.type === 'inline' ? String(m.data || '') : ''
}

// Terminal and markdown rows: `String(data)` (absent data gives "undefined"), NULL for artifacts.
function textColumn(m: MediaRepresentation): string | null {
  return m.type === 'inline' ? String(m.data) : null
}

function artifactColumn(m: MediaRepresentation): string | null {
  return m.type === 'artifact' ? m.artifactId : null
}

// The columns terminal and markdown rows share, from their `{id, cellId, position, content}`.
function textOutput(a: { id: string; cellId: string; position: number; content: MediaRepresentation }) {
  return {
    id: a.id,
    cellId: a.cellId,
    position: a.position,
    data: textColumn(a.content),
    artifactId: artifactColumn(a.content),
    metadata: a.content.metadata ?? null,
  }
}

// A new outputs row with every column, in table order (one object shape for all rows).
type OutputColumns = Pick<Output, 'id' | 'cellId' | 'outputType' | 'position'> & Partial<Output>
function newOutput(o: OutputColumns): Output {
  return {
    id: o.id,
    cellId: o.cellId,
    outputType: o.outputType,
    position: o.position,
    streamName: o.streamName ?? null,
    executionCount: o.executionCount ?? null,
    displayId: o.displayId ?? null,
    data: o.data ?? null,
    artifactId: o.artifactId ?? null,
    mimeType: o.mimeType ?? null,
    metadata: o.metadata ?? null,
    representations: o.representations ?? null,
  }
}

class Materializer {
  constructor(
    readonly s: State,
    readonly c: Change,
  ) {}

  presence(userId: string, cellId: string | undefined): void {
    replaceRow(this.s.presence, userId, { userId, cellId: cellId ? cellId : null })
    this.c.presence = true
  }
  presenceIfActor(actorId: string | undefined, cellId: string): void {
    if (actorId) this.presence(actorId, cellId)
  }

  updateCell(id: string, update: (c: Cell) => Cell): void {
    if (updateRow(this.s.cells, id, update)) this.c.cells.add(id)
  }
  updateQueue(id: string, update: (q: QueueEntry) => QueueEntry): void {
    const q = this.s.executionQueue.get(id)
    if (q === undefined) return
    this.s.executionQueue.set(id, update(q))
    this.c.queue = true
    this.c.cells.add(q.cellId)
  }

  createCell(id: string, cellType: Cell['cellType'], fractionalIndex: string, createdBy: string): void {
    if (this.s.cells.has(id)) return // insert-ignore: the first cell stays
    this.s.cells.set(id, {
      id,
      cellType,
      source: '',
      fractionalIndex,
      executionCount: null,
      executionState: 'idle',
      assignedRuntimeSession: null,
      lastExecutionDurationMs: null,
      sqlConnectionId: null,
      sqlResultVariable: null,
      aiProvider: null,
      aiModel: null,
      aiSettings: null,
      sourceVisible: true,
      outputVisible: true,
      aiContextVisible: true,
      createdBy,
    })
    this.c.cells.add(id)
    this.c.order = true
  }

  moveCell(id: string, fractionalIndex: string, actorId: string | undefined): void {
    this.updateCell(id, (cell) => ({ ...cell, fractionalIndex }))
    if (this.s.cells.has(id)) this.c.order = true
    this.presenceIfActor(actorId, id)
  }

  // clear_output(wait=True): the next added output of the cell wipes its outputs first.
  consumePendingClear(cellId: string): void {
    if (this.s.pendingClears.delete(cellId)) eraseCellOutputs(this.s, cellId)
  }

  addOutput(columns: OutputColumns): void {
    const row = newOutput(columns)
    this.consumePendingClear(row.cellId)
    replaceOutput(this.s, row)
    this.c.cells.add(row.cellId)
  }

  // Display ids are notebook-wide: every row with this id, in any cell, takes the new content.
  updateDisplays(displayId: string, reps: Representations): void {
    const ids = this.s.outputsByDisplay.get(displayId)
    if (ids === undefined) return
    const primary = selectPrimary(reps, DISPLAY_PREFERENCE)
    if (primary === null) return
    const data = flatten(primary[1])
    for (const id of ids) {
      const row = this.s.outputs.get(id)!
      this.s.outputs.set(id, { ...row, data, mimeType: primary[0], representations: reps })
      this.c.cells.add(row.cellId)
    }
  }

  // Deprecated v1 appends: the row's data grows, whatever the output type.
  appendV1(outputId: string, content: MediaRepresentation): void {
    const row = this.s.outputs.get(outputId)
    if (row === undefined) return
    const added = content.type === 'inline' ? String(content.data) : ''
    this.s.outputs.set(outputId, { ...row, data: (row.data ?? '') + added })
    this.c.cells.add(row.cellId)
  }

  addDelta(name: string, a: EventArgs['v2.TerminalOutputAppended']): void {
    const row = { id: a.id, outputId: a.outputId, delta: a.delta, sequenceNumber: a.sequenceNumber }
    if (!insertDelta(this.s, row))
      throw new MaterializeError(`${name}: duplicate output delta id "${a.id}" (anode clients fail on this event)`)
    const output = this.s.outputs.get(a.outputId)
    if (output !== undefined) this.c.cells.add(output.cellId)
  }

  queueExecution(queueId: string, cellId: string, executionCount: number, requestedBy: string): void {
    if (!this.s.executionQueue.has(queueId)) {
      this.s.executionQueue.set(queueId, {
        id: queueId,
        cellId,
        executionCount,
        requestedBy,
        status: 'pending',
        assignedRuntimeSession: null,
        startedAt: null,
        completedAt: null,
        executionDurationMs: null,
      })
      this.s.latestQueueByCell.set(cellId, queueId)
      this.c.queue = true
      this.c.cells.add(cellId)
    }
    // Re-queues the cell even when the queue entry already existed, as anode does.
    this.updateCell(cellId, (c) => ({ ...c, executionState: 'queued', executionCount }))
  }
}

type Handlers = { readonly [N in EventName]: (m: Materializer, a: EventArgs[N], name: N) => void }

// One function per event, looked up by name (a 47-way switch costs more while code is cold).
const HANDLERS: Handlers = {
  'v1.Debug': ({ s, c }, a) => {
    if (s.debug.has(a.id)) return
    s.debug.set(a.id, { id: a.id, version: '1' })
    c.debug = true
  },
  'v1.FileUploaded': ({ s, c }, a) => {
    const row = { fileName: a.fileName, mimeType: a.mimeType, artifactId: a.artifactId, createdAt: a.createdAt, createdBy: a.createdBy, deletedAt: null }
    replaceRow(s.files, a.fileName, row) // a re-upload is present again (deletedAt reset)
    c.files = true
  },
  'v1.FileDeleted': ({ s, c }, a) => {
    c.files = s.files.delete(a.fileName)
  },
  'v2.FileDeleted': ({ s, c }, a) => {
    c.files = updateRow(s.files, a.fileName, (f) => ({ ...f, deletedAt: a.deletedAt }))
  },
  'v1.NotebookInitialized': ({ s, c }, a) => {
    replaceRow(s.metadata, 'title', a.title)
    replaceRow(s.metadata, 'ownerId', a.ownerId)
    replaceRow(s.debug, a.id, { id: a.id, version: '1' })
    c.metadata = true
    c.debug = true
  },
  'v1.NotebookTitleChanged': ({ s, c }, a) => {
    replaceRow(s.metadata, 'title', a.title)
    c.metadata = true
  },
  'v1.NotebookMetadataSet': ({ s, c }, a) => {
    replaceRow(s.metadata, a.key, a.value)
    c.metadata = true
  },
  'v1.CellCreated': (m, a) => {
    // Legacy integer positions become keys "a" + base 36, e.g. 37.9 → "a11".
    m.createCell(a.id, a.cellType, 'a' + Math.floor(a.position).toString(36), a.createdBy)
    m.presence(a.actorId ? a.actorId : a.createdBy, a.id)
  },
  'v2.CellCreated': (m, a) => {
    m.createCell(a.id, a.cellType, a.fractionalIndex, a.createdBy)
    m.presence(a.createdBy, a.id) // even for a duplicate id
  },
  'v1.CellSourceChanged': (m, a) => {
    m.updateCell(a.id, (cell) => ({ ...cell, source: a.source }))
    m.presence(a.modifiedBy, a.id) // even for a missing cell, as anode does
  },
  'v1.CellTypeChanged': (m, a) => {
    m.updateCell(a.id, (cell) => ({ ...cell, cellType: a.cellType }))
    m.presenceIfActor(a.actorId, a.id)
  },
  'v1.CellDeleted': (m, a) => {
    // No cascade: outputs, deltas, queue entries and approvals of the cell stay.
    if (m.s.cells.delete(a.id)) {
      m.c.cells.add(a.id)
      m.c.order = true
    }
    m.presenceIfActor(a.actorId, a.id)
  },
  'v1.CellMoved': (m, a) => m.moveCell(a.id, 'a' + Math.floor(a.newPosition).toString(36), a.actorId),
  'v2.CellMoved': (m, a) => m.moveCell(a.id, a.fractionalIndex, a.actorId),
  // The visibility events carry the absolute value, not a toggle.
  'v1.CellSourceVisibilityToggled': (m, a) => {
    m.updateCell(a.id, (cell) => ({ ...cell, sourceVisible: a.sourceVisible }))
    m.presenceIfActor(a.actorId, a.id)
  },
  'v1.CellOutputVisibilityToggled': (m, a) => {
    m.updateCell(a.id, (cell) => ({ ...cell, outputVisible: a.outputVisible }))
    m.presenceIfActor(a.actorId, a.id)
  },
  'v1.CellAiContextVisibilityToggled': (m, a) => {
    m.updateCell(a.id, (cell) => ({ ...cell, aiContextVisible: a.aiContextVisible }))
    m.presenceIfActor(a.actorId, a.id)
  },
  'v1.RuntimeSessionStarted': ({ s, c }, a) => {
    const caps = a.capabilities
    // Insert-replace: a restarted session id is active again and loses its renewal columns.
    replaceRow(s.runtimeSessions, a.sessionId, {
      sessionId: a.sessionId,
      runtimeId: a.runtimeId,
      runtimeType: a.runtimeType,
      status: 'starting',
      isActive: true,
      canExecuteCode: caps.canExecuteCode,
      canExecuteSql: caps.canExecuteSql,
      canExecuteAi: caps.canExecuteAi,
      availableAiModels: caps.availableAiModels || null,
      lastRenewedAt: null,
      expiresAt: null,
    })
    c.sessions = true
  },
  'v1.RuntimeSessionRenewal': ({ s, c }, a) => {
    // `new Date(renewedAt + validForMs)`: the sum is truncated toward zero.
    const expires = Math.trunc(parseIso(a.renewedAt)! + a.validForMs)
    if (!(Math.abs(expires) <= 8.64e15))
      throw new MaterializeError('v1.RuntimeSessionRenewal: renewedAt + validForMs is not a valid date')
    const expiresAt = formatIso(expires)
    c.sessions = updateRow(s.runtimeSessions, a.sessionId, (r) => ({ ...r, lastRenewedAt: a.renewedAt, expiresAt }))
  },
  'v1.PresenceSet': (m, a) => m.presence(a.userId, a.cellId),
  'v1.RuntimeSessionStatusChanged': ({ s, c }, a) => {
    c.sessions = updateRow(s.runtimeSessions, a.sessionId, (r): RuntimeSession => ({ ...r, status: a.status }))
  },
  'v1.RuntimeSessionTerminated': ({ s, c }, a) => {
    c.sessions = updateRow(s.runtimeSessions, a.sessionId, (r): RuntimeSession => ({ ...r, status: 'terminated', isActive: false }))
  },
  'v1.ExecutionRequested': (m, a) => {
    m.queueExecution(a.queueId, a.cellId, a.executionCount, a.requestedBy)
    m.presence(a.actorId ? a.actorId : a.requestedBy, a.cellId)
  },
  'v1.ExecutionAssigned': (m, a) => {
    m.updateQueue(a.queueId, (q) => ({ ...q, status: 'assigned', assignedRuntimeSession: a.runtimeSessionId }))
  },
  'v1.ExecutionStarted': (m, a) => {
    m.updateQueue(a.queueId, (q) => ({ ...q, status: 'executing', startedAt: a.startedAt }))
    m.updateCell(a.cellId, (cell) => ({ ...cell, executionState: 'running', assignedRuntimeSession: a.runtimeSessionId }))
  },
  'v1.ExecutionCompleted': (m, a) => {
    const ok = a.status === 'success' // error and cancelled both fail; `error` is not stored
    m.updateQueue(a.queueId, (q) => ({
      ...q,
      status: ok ? 'completed' : 'failed',
      completedAt: a.completedAt,
      executionDurationMs: a.executionDurationMs,
    }))
    m.updateCell(a.cellId, (cell) => ({
      ...cell,
      executionState: ok ? 'completed' : 'error',
      lastExecutionDurationMs: a.executionDurationMs,
    }))
  },
  'v1.ExecutionCancelled': (m, a) => {
    m.updateQueue(a.queueId, (q) => ({ ...q, status: 'cancelled' }))
    m.updateCell(a.cellId, (cell) => ({ ...cell, executionState: 'idle' }))
    m.presence(a.actorId ? a.actorId : a.cancelledBy, a.cellId)
  },
  'v1.AllExecutionsCancelled': (m) => {
    for (const [id, q] of m.s.executionQueue)
      if (q.status === 'pending' || q.status === 'assigned' || q.status === 'executing') m.updateQueue(id, (r) => ({ ...r, status: 'cancelled' }))
    for (const [id, cell] of m.s.cells)
      if (cell.executionState === 'queued' || cell.executionState === 'running') m.updateCell(id, (r) => ({ ...r, executionState: 'idle' }))
  },
  'v1.MultipleExecutionRequested': (m, a) => {
    for (const info of a.cellsInfo) m.queueExecution(info.queueId, info.id, info.executionCount, a.requestedBy)
  },
  'v1.MultimediaDisplayOutputAdded': (m, a) => {
    m.consumePendingClear(a.cellId)
    const displayId = a.displayId ? a.displayId : null
    if (displayId !== null) m.updateDisplays(displayId, a.representations)
    const primary = selectPrimary(a.representations, DISPLAY_PREFERENCE)
    m.addOutput({
      id: a.id,
      cellId: a.cellId,
      outputType: 'multimedia_display',
      position: a.position,
      displayId,
      data: primary ? flatten(primary[1]) : '',
      mimeType: primary ? primary[0] : 'text/plain',
      representations: a.representations,
    })
  },
  'v1.MultimediaDisplayOutputUpdated': (m, a) => m.updateDisplays(a.displayId, a.representations),
  'v1.MultimediaResultOutputAdded': (m, a) => {
    const primary = selectPrimary(a.representations, RESULT_PREFERENCE)
    m.addOutput({
      id: a.id,
      cellId: a.cellId,
      outputType: 'multimedia_result',
      position: a.position,
      executionCount: a.executionCount,
      data: primary ? flatten(primary[1]) : '',
      mimeType: primary ? primary[0] : 'text/plain',
      representations: a.representations,
    })
  },
  'v1.TerminalOutputAdded': (m, a) => m.addOutput({ ...textOutput(a), outputType: 'terminal', streamName: a.streamName, mimeType: 'text/plain' }),
  'v1.TerminalOutputAppended': (m, a) => m.appendV1(a.outputId, a.content),
  'v2.TerminalOutputAppended': (m, a, name) => m.addDelta(name, a),
  'v1.MarkdownOutputAdded': (m, a) => m.addOutput({ ...textOutput(a), outputType: 'markdown', mimeType: 'text/markdown' }),
  'v1.MarkdownOutputAppended': (m, a) => m.appendV1(a.outputId, a.content),
  'v2.MarkdownOutputAppended': (m, a, name) => m.addDelta(name, a),
  'v1.ErrorOutputAdded': (m, a) => {
    const content = a.content
    m.addOutput({
      id: a.id,
      cellId: a.cellId,
      outputType: 'error',
      position: a.position,
      // `JSON.stringify(data)`: absent data stringifies to undefined, leaving the column NULL.
      data: content.type === 'inline' && content.data !== undefined ? JSON.stringify(content.data) : null,
      artifactId: artifactColumn(content),
      mimeType: 'application/json',
      metadata: content.metadata ?? null,
    })
  },
  'v1.CellOutputsCleared': (m, a) => {
    if (a.wait) replaceRow(m.s.pendingClears, a.cellId, { cellId: a.cellId, clearedBy: a.clearedBy })
    else eraseCellOutputs(m.s, a.cellId) // a pending clear stays; deltas stay
    m.c.cells.add(a.cellId)
    if (a.clearedBy) m.presence(a.clearedBy, a.cellId)
  },
  'v1.AllOutputsCleared': ({ s, c }) => {
    for (const id of s.outputsByCell.keys()) c.cells.add(id)
    for (const id of s.pendingClears.keys()) c.cells.add(id)
    clearOutputs(s) // deltas stay
    s.pendingClears.clear()
  },
  'v1.AiSettingsChanged': (m, a) => {
    m.updateCell(a.cellId, (cell) => ({ ...cell, aiProvider: a.provider, aiModel: a.model, aiSettings: a.settings }))
  },
  'v1.SqlConnectionChanged': (m, a) => {
    m.updateCell(a.cellId, (cell) => ({ ...cell, sqlConnectionId: a.connectionId ?? null }))
  },
  'v1.SqlResultVariableChanged': (m, a) => {
    m.updateCell(a.cellId, (cell) => ({ ...cell, sqlResultVariable: a.resultVariable ?? null }))
  },
  'v1.ActorProfileSet': ({ s, c }, a) => {
    replaceRow(s.actors, a.id, { id: a.id, type: a.type, displayName: a.displayName, avatar: a.avatar ?? null })
    c.actors = true
  },
  'v1.ToolApprovalRequested': ({ s, c }, a) => {
    // `arguments` is not stored, as in anode; a repeated request resets the answer.
    replaceRow(s.toolApprovals, a.toolCallId, {
      toolCallId: a.toolCallId,
      cellId: a.cellId,
      toolName: a.toolName,
      status: 'pending',
      approvedBy: null,
      requestedAt: a.requestedAt,
      respondedAt: null,
    })
    c.approvals = true
  },
  'v1.ToolApprovalResponded': ({ s, c }, a) => {
    c.approvals = updateRow(s.toolApprovals, a.toolCallId, (t) => ({ ...t, status: a.status, approvedBy: a.approvedBy, respondedAt: a.respondedAt }))
  },
}

const HANDLER_BY_NAME = new Map<string, (m: Materializer, a: unknown, name: string) => void>(
  Object.entries(HANDLERS) as [string, (m: Materializer, a: unknown, name: string) => void][],
)

// Applies one event into `change`; false for an unknown name (nothing applied).
function apply(state: State, event: { readonly name: string; readonly args?: unknown }, change: Change): boolean {
  const handler = HANDLER_BY_NAME.get(event.name)
  if (handler === undefined) return false
  handler(new Materializer(state, change), decodeEvent(event.name, event.args)!.args, event.name)
  return true
}

// Applies one event. Unknown names are skipped (`skipped` in the Change); args that do not
// decode throw DecodeError and events anode clients cannot apply throw MaterializeError, both
// leaving the state unchanged. The state keeps the JSON values found in args (output data,
// metadata, models) by reference: do not mutate an event's args after applying it.
export function materialize(state: State, event: { readonly name: string; readonly args?: unknown }): Change {
  const change = noChange()
  if (!apply(state, event, change)) change.skipped = true
  return change
}

// The state of a whole log. `skipped`, when given, counts the unknown event names by name.
export function materializeAll(
  events: Iterable<{ readonly name: string; readonly args?: unknown }>,
  skipped?: Map<string, number>,
): State {
  const state = emptyState()
  const scratch = noChange() // nobody reads the changes of a bulk load; one object will do
  for (const e of events) {
    scratch.cells.clear()
    if (!apply(state, e, scratch) && skipped) skipped.set(e.name, (skipped.get(e.name) ?? 0) + 1)
  }
  return state
}
