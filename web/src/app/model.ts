// What the views read from the materialized State and the events they commit, in the
// notebook's own words. The schema layer stays pure; time (session liveness) enters here.
import {
  allOutputsCleared as allOutputsClearedEvent, cellCreated as cellCreatedEvent, cellDeleted as cellDeletedEvent,
  cellMoved as cellMovedEvent, cellOutputsCleared as cellOutputsClearedEvent, cellSourceChanged,
  cellTypeChanged as cellTypeChangedEvent, cellsInOrder, executionCancelled as executionCancelledEvent,
  executionRequested as executionRequestedEvent, fractionalIndexBetween,
  multipleExecutionRequested as multipleExecutionRequestedEvent, notebookTitleChanged, outputsOf,
  presenceSet as presenceSetEvent, actorProfileSet, activeRuntimeSessions, queueOf, type Cell, type CellType, type QueueEntry, type State,
} from '../schema/index'
import type { OutputRow } from './outputs'

export type CellRow = Cell
type NewEvent = { name: string; args: unknown }

export const cells = (state: State): CellRow[] => cellsInOrder(state)
// Consecutive writes to one stream show as one block, as in Jupyter (the agent splits floods
// into several outputs); the block keeps the first output's id.
export function outputs(state: State, cellId: string): OutputRow[] {
  const rows: OutputRow[] = []
  for (const o of outputsOf(state, cellId) as OutputRow[]) {
    const last = rows[rows.length - 1]
    if (last && o.outputType === 'terminal' && last.outputType === 'terminal' && last.streamName === o.streamName &&
        !o.artifactId && !last.artifactId) {
      rows[rows.length - 1] = { ...last, data: (last.data ?? '') + (o.data ?? '') }
    } else rows.push(o)
  }
  return rows
}
export const title = (state: State): string => state.metadata.get('title') ?? 'Untitled'
export const presence = (state: State) => Array.from(state.presence.values())
export const actorName = (state: State, userId: string): string => state.actors.get(userId)?.displayName ?? userId
// Jittered, as anode's: two people inserting at the same place at once get distinct keys.
// Agents appear in presence as they clear and write outputs; the view shows people only.
export function isRuntimeActor(state: State, userId: string): boolean {
  if (state.actors.get(userId)?.type === 'runtime_agent') return true
  for (const s of state.runtimeSessions.values()) if (userId === s.runtimeId || userId === `runtime-${s.runtimeId}`) return true
  return false
}

export const keyBetween = (a: string | null, b: string | null): string => fractionalIndexBetween(a, b, { random: Math.random })

// anode numbers runs notebook-wide: the next count follows the highest any cell shows.
export function nextExecutionCount(state: State): number {
  let max = 0
  for (const c of state.cells.values()) max = Math.max(max, c.executionCount ?? 0)
  for (const q of state.executionQueue.values()) max = Math.max(max, q.executionCount)
  return max + 1
}

const kActive = new Set(['pending', 'assigned', 'executing'])

// Queue rows still waiting or running, the running ones first.
export function activeQueue(state: State): QueueEntry[] {
  const rows = Array.from(state.executionQueue.values()).filter((q) => kActive.has(q.status))
  return rows.sort((a, b) => (a.status === 'executing' ? 0 : 1) - (b.status === 'executing' ? 0 : 1))
}

export function queueSummary(state: State): string {
  let waiting = 0, running = 0
  for (const q of state.executionQueue.values()) {
    if (q.status === 'executing') running++
    else if (q.status === 'pending' || q.status === 'assigned') waiting++
  }
  if (!running && !waiting) return ''
  return `${running ? 'running' : 'idle'}${waiting ? `, ${waiting} queued` : ''}`
}

export function executionOf(state: State, cell: CellRow): { state: string; label: string; detail: string } {
  const entry = queueOf(state, cell.id)
  const s = cell.executionState
  const duration = cell.lastExecutionDurationMs
  const fmt = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`)
  if (s === 'queued') return { state: s, label: 'queued', detail: entry ? `requested by ${entry.requestedBy}` : '' }
  if (s === 'running') return { state: s, label: 'running', detail: entry?.startedAt ? `started ${entry.startedAt}` : '' }
  if (s === 'completed' || s === 'error') {
    return { state: s, label: duration !== null ? fmt(duration) : s, detail: entry?.completedAt ? `finished ${entry.completedAt}` : '' }
  }
  if (entry?.status === 'cancelled') return { state: s, label: 'cancelled', detail: '' }
  return { state: s, label: '', detail: '' }
}

// Alive: an active session whose last renewal has not expired (or that has just started and
// not renewed yet). Stale: active but its renewals stopped — the agent is gone or cut off.
export function runtimeStatus(state: State, nowMs: number): { status: 'alive' | 'stale' | 'none'; label: string; detail: string } {
  let stale: { label: string; detail: string } | null = null
  for (const s of activeRuntimeSessions(state)) {
    if (s.status === 'terminated') continue
    const expires = s.expiresAt ? Date.parse(s.expiresAt) : NaN
    const label = `${s.runtimeType} · ${s.status}`
    if (Number.isNaN(expires) || expires > nowMs) return { status: 'alive', label, detail: `runtime ${s.runtimeId}, session ${s.sessionId}` }
    stale = { label: `${s.runtimeType} · not responding`, detail: `no renewal since ${s.lastRenewedAt}` }
  }
  if (stale) return { status: 'stale', ...stale }
  return { status: 'none', label: 'no runtime', detail: '' }
}

export const isSourceChangeOf = (name: string, args: unknown, cellId: string): boolean =>
  name === 'v1.CellSourceChanged' && (args as { id?: string }).id === cellId

export const sourceChanged = (id: string, source: string, modifiedBy: string): NewEvent => cellSourceChanged({ id, source, modifiedBy })
export const cellCreated = (id: string, fractionalIndex: string, cellType: string, createdBy: string): NewEvent =>
  cellCreatedEvent({ id, fractionalIndex, cellType: cellType as CellType, createdBy })
export const cellTypeChanged = (id: string, cellType: string, actorId: string): NewEvent =>
  cellTypeChangedEvent({ id, cellType: cellType as CellType, actorId })
export const cellDeleted = (id: string, actorId: string): NewEvent => cellDeletedEvent({ id, actorId })
export const cellMoved = (id: string, fractionalIndex: string, actorId: string): NewEvent => cellMovedEvent({ id, fractionalIndex, actorId })
export const titleChanged = (title: string): NewEvent => notebookTitleChanged({ title })
export const presenceSet = (userId: string, cellId: string): NewEvent => presenceSetEvent({ userId, cellId })
export const actorProfile = (id: string, displayName: string): NewEvent => actorProfileSet({ id, type: 'human', displayName })
export const executionRequested = (queueId: string, cellId: string, executionCount: number, requestedBy: string): NewEvent =>
  executionRequestedEvent({ queueId, cellId, executionCount, requestedBy })
export const multipleExecutionRequested = (requestedBy: string, cellsInfo: { id: string; executionCount: number; queueId: string }[]): NewEvent =>
  multipleExecutionRequestedEvent({ requestedBy, cellsInfo })
export const executionCancelled = (queueId: string, cellId: string, cancelledBy: string): NewEvent =>
  executionCancelledEvent({ queueId, cellId, cancelledBy, reason: 'interrupted by user' })
export const cellOutputsCleared = (cellId: string, clearedBy: string): NewEvent => cellOutputsClearedEvent({ cellId, wait: false, clearedBy })
export const allOutputsCleared = (clearedBy: string): NewEvent => allOutputsClearedEvent({ clearedBy })
