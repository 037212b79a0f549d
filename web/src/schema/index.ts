// The anode notebook schema for the browser: events, materializers, queries, the `runt replay`
// state document and fractional indexing. Pure: no I/O, no clock, no randomness.

export * from './literals'
export {
  DecodeError,
  type ArtifactMedia,
  type InlineMedia,
  type Json,
  type JsonObject,
  type MediaRepresentation,
  type Representations,
} from './codec'
export * from './events'
export { isoDate } from './timestamp'
export {
  cloneState,
  emptyState,
  type Actor,
  type AiSettings,
  type Cell,
  type DebugRow,
  type DeltaList,
  type FileEntry,
  type Output,
  type OutputDelta,
  type PendingClear,
  type Presence,
  type QueueEntry,
  type RuntimeSession,
  type State,
  type ToolApproval,
} from './state'
export { materialize, materializeAll, MaterializeError, noChange, type Change } from './materialize'
export { activeRuntimeSessions, cellsInOrder, compareText, outputText, outputsOf, queueEntries, queueOf } from './queries'
export { toDocument, type CellDocument, type StateDocument } from './state_json'
export * from './fractional_index'
