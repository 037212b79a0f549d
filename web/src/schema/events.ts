// The 47 synced events of the anode schema (anode a2b52706, LiveStore 0.3.1): names, args
// schemas, decoding/validation and constructors for the events a browser commits.
// Field order in each schema is the wire's declaration order (anode-schema.md §1.2), which is
// the order the constructors emit, so their JSON is byte-identical to anode's and runt's.

import {
  any,
  array,
  boolean,
  date,
  DecodeError,
  FieldError,
  int,
  isObject,
  literal,
  media,
  number,
  object,
  optional,
  representations,
  string,
  struct,
  describe,
  type Type,
} from './codec'
import {
  ACTOR_TYPES,
  APPROVAL_RESPONSES,
  CELL_TYPES,
  COMPLETION_STATUSES,
  SESSION_STATUS_UPDATES,
  STREAM_NAMES,
  TERMINATION_REASONS,
} from './literals'

const cellType = literal(CELL_TYPES)
const actorId = optional(string)

// Schema.Void: pushed without an `args` key; any args value decodes.
const VOID = null

const SCHEMAS = {
  'v1.Debug': struct({ id: string }),
  'v1.FileUploaded': struct({ artifactId: string, mimeType: string, fileName: string, createdAt: date, createdBy: string }),
  'v1.FileDeleted': struct({ fileName: string }),
  'v2.FileDeleted': struct({ fileName: string, deletedAt: date }),
  'v1.NotebookInitialized': struct({ id: string, title: string, ownerId: string }),
  'v1.NotebookTitleChanged': struct({ title: string }),
  'v1.NotebookMetadataSet': struct({ key: string, value: string }),
  'v1.CellCreated': struct({ id: string, cellType, position: number, createdBy: string, actorId }),
  'v2.CellCreated': struct({ id: string, fractionalIndex: string, cellType, createdBy: string }),
  'v1.CellSourceChanged': struct({ id: string, source: string, modifiedBy: string }),
  'v1.CellTypeChanged': struct({ id: string, cellType, actorId }),
  'v1.CellDeleted': struct({ id: string, actorId }),
  'v1.CellMoved': struct({ id: string, newPosition: number, actorId }),
  'v2.CellMoved': struct({ id: string, fractionalIndex: string, actorId }),
  'v1.CellSourceVisibilityToggled': struct({ id: string, sourceVisible: boolean, actorId }),
  'v1.CellOutputVisibilityToggled': struct({ id: string, outputVisible: boolean, actorId }),
  'v1.CellAiContextVisibilityToggled': struct({ id: string, aiContextVisible: boolean, actorId }),
  'v1.RuntimeSessionStarted': struct({
    sessionId: string,
    runtimeId: string,
    runtimeType: string,
    capabilities: struct({
      canExecuteCode: boolean,
      canExecuteSql: boolean,
      canExecuteAi: boolean,
      availableAiModels: optional(any),
    }),
  }),
  'v1.RuntimeSessionRenewal': struct({ sessionId: string, renewedAt: date, validForMs: number }),
  'v1.PresenceSet': struct({ userId: string, cellId: optional(string) }),
  'v1.RuntimeSessionStatusChanged': struct({ sessionId: string, status: literal(SESSION_STATUS_UPDATES) }),
  'v1.RuntimeSessionTerminated': struct({ sessionId: string, reason: literal(TERMINATION_REASONS) }),
  'v1.ExecutionRequested': struct({ queueId: string, cellId: string, executionCount: int, requestedBy: string, actorId }),
  'v1.ExecutionAssigned': struct({ queueId: string, runtimeSessionId: string }),
  'v1.ExecutionStarted': struct({ queueId: string, cellId: string, runtimeSessionId: string, startedAt: date }),
  'v1.ExecutionCompleted': struct({
    queueId: string,
    cellId: string,
    status: literal(COMPLETION_STATUSES),
    error: optional(string),
    completedAt: date,
    executionDurationMs: int,
  }),
  'v1.ExecutionCancelled': struct({ queueId: string, cellId: string, cancelledBy: string, actorId, reason: string }),
  'v1.AllExecutionsCancelled': VOID,
  'v1.MultipleExecutionRequested': struct({
    requestedBy: string,
    cellsInfo: array(struct({ id: string, executionCount: int, queueId: string })),
  }),
  'v1.MultimediaDisplayOutputAdded': struct({
    id: string,
    cellId: string,
    position: number,
    representations,
    displayId: optional(string),
  }),
  'v1.MultimediaDisplayOutputUpdated': struct({ displayId: string, representations }),
  'v1.MultimediaResultOutputAdded': struct({ id: string, cellId: string, position: number, representations, executionCount: int }),
  'v1.TerminalOutputAdded': struct({
    id: string,
    cellId: string,
    position: number,
    content: media,
    streamName: literal(STREAM_NAMES),
  }),
  'v1.TerminalOutputAppended': struct({ outputId: string, content: media }),
  'v2.TerminalOutputAppended': struct({ id: string, outputId: string, delta: string, sequenceNumber: int }),
  'v1.MarkdownOutputAdded': struct({ id: string, cellId: string, position: number, content: media }),
  'v1.MarkdownOutputAppended': struct({ outputId: string, content: media }),
  'v2.MarkdownOutputAppended': struct({ id: string, outputId: string, delta: string, sequenceNumber: int }),
  'v1.ErrorOutputAdded': struct({ id: string, cellId: string, position: number, content: media }),
  'v1.CellOutputsCleared': struct({ cellId: string, wait: boolean, clearedBy: string }),
  'v1.AllOutputsCleared': struct({ clearedBy: string }),
  'v1.AiSettingsChanged': struct({
    cellId: string,
    provider: string,
    model: string,
    settings: struct({ temperature: optional(number), maxTokens: optional(number), systemPrompt: optional(string) }),
  }),
  'v1.SqlConnectionChanged': struct({ cellId: string, connectionId: optional(string), changedBy: string }),
  'v1.SqlResultVariableChanged': struct({ cellId: string, resultVariable: optional(string), changedBy: string }),
  'v1.ActorProfileSet': struct({ id: string, type: literal(ACTOR_TYPES), displayName: string, avatar: optional(string) }),
  'v1.ToolApprovalRequested': struct({
    toolCallId: string,
    cellId: string,
    toolName: string,
    arguments: object,
    requestedAt: date,
  }),
  'v1.ToolApprovalResponded': struct({
    toolCallId: string,
    status: literal(APPROVAL_RESPONSES),
    approvedBy: string,
    respondedAt: date,
  }),
} as const

export type EventName = keyof typeof SCHEMAS

// All 47 names in schema declaration order.
export const EVENT_NAMES = Object.keys(SCHEMAS) as EventName[]

type ArgsOfSchema<S> = S extends Type<infer T> ? T : undefined
// Decoded args of each event: the encoded form, normalized (dates canonical, unknown keys
// dropped, optional keys absent rather than undefined).
export type EventArgs = { [N in EventName]: ArgsOfSchema<(typeof SCHEMAS)[N]> }

// A known event with decoded args; `switch (e.name)` narrows `e.args`.
export type KnownEvent = { [N in EventName]: { readonly name: N; readonly args: EventArgs[N] } }[EventName]

// A global event as LiveStore 0.3.1 stores and syncs it. `args` is absent for Schema.Void
// events pushed by a client (and null when a sync server returns them from storage).
export interface EncodedEvent {
  name: string
  args?: unknown
  seqNum: number
  parentSeqNum: number
  clientId: string
  sessionId: string
}

// An event ready to commit: `{name, args}` with args encoded. Schema.Void events carry
// `args: undefined`, which JSON.stringify leaves out, as anode's client does.
export type NewEvent<N extends EventName = EventName> = { readonly name: N; readonly args: EventArgs[N] }

const KNOWN = new Set<string>(EVENT_NAMES)

export function isKnownEventName(name: string): name is EventName {
  return KNOWN.has(name)
}

// Decodes args of a known event; null for an unknown name (carried and skipped, not an error).
// Throws DecodeError when the args do not decode.
export function decodeEvent(name: string, args: unknown): KnownEvent | null {
  if (!KNOWN.has(name)) return null
  const schema = SCHEMAS[name as EventName]
  if (schema === VOID) return { name: 'v1.AllExecutionsCancelled', args: undefined }
  try {
    if (args === undefined) throw new FieldError([], 'args: missing')
    if (!isObject(args)) throw new FieldError([], `args: expected an object, got ${describe(args)}`)
    return { name, args: schema.decode(args) } as KnownEvent
  } catch (e) {
    if (e instanceof FieldError) throw new DecodeError(name, e.renderPath(), e.problem)
    throw e
  }
}

// Why these args are invalid for this event, or null when they decode (and for unknown names,
// which decoders carry rather than refuse; see isKnownEventName). The text is runt's.
export function validate(name: string, args: unknown): string | null {
  try {
    decodeEvent(name, args)
    return null
  } catch (e) {
    if (e instanceof DecodeError) return e.message
    throw e
  }
}

// Builds an event to commit, with args encoded as anode's TypeScript encoder does. Throws
// DecodeError for args the schema refuses, so a client never commits what peers cannot decode.
export function makeEvent<N extends EventName>(name: N, ...args: N extends 'v1.AllExecutionsCancelled' ? [] : [EventArgs[N]]): NewEvent<N> {
  const decoded = decodeEvent(name, args[0])
  return { name, args: decoded?.args } as NewEvent<N>
}

type A<N extends EventName> = EventArgs[N]

// ---- Events the browser commits -------------------------------------------------------------
export const cellCreated = (a: A<'v2.CellCreated'>) => makeEvent('v2.CellCreated', a)
export const cellSourceChanged = (a: A<'v1.CellSourceChanged'>) => makeEvent('v1.CellSourceChanged', a)
export const cellTypeChanged = (a: A<'v1.CellTypeChanged'>) => makeEvent('v1.CellTypeChanged', a)
export const cellDeleted = (a: A<'v1.CellDeleted'>) => makeEvent('v1.CellDeleted', a)
export const cellMoved = (a: A<'v2.CellMoved'>) => makeEvent('v2.CellMoved', a)
export const cellSourceVisibilityToggled = (a: A<'v1.CellSourceVisibilityToggled'>) =>
  makeEvent('v1.CellSourceVisibilityToggled', a)
export const cellOutputVisibilityToggled = (a: A<'v1.CellOutputVisibilityToggled'>) =>
  makeEvent('v1.CellOutputVisibilityToggled', a)
export const cellAiContextVisibilityToggled = (a: A<'v1.CellAiContextVisibilityToggled'>) =>
  makeEvent('v1.CellAiContextVisibilityToggled', a)
export const presenceSet = (a: A<'v1.PresenceSet'>) => makeEvent('v1.PresenceSet', a)
export const notebookTitleChanged = (a: A<'v1.NotebookTitleChanged'>) => makeEvent('v1.NotebookTitleChanged', a)
export const notebookMetadataSet = (a: A<'v1.NotebookMetadataSet'>) => makeEvent('v1.NotebookMetadataSet', a)
export const executionRequested = (a: A<'v1.ExecutionRequested'>) => makeEvent('v1.ExecutionRequested', a)
export const multipleExecutionRequested = (a: A<'v1.MultipleExecutionRequested'>) =>
  makeEvent('v1.MultipleExecutionRequested', a)
export const executionCancelled = (a: A<'v1.ExecutionCancelled'>) => makeEvent('v1.ExecutionCancelled', a)
export const allExecutionsCancelled = () => makeEvent('v1.AllExecutionsCancelled')
export const cellOutputsCleared = (a: A<'v1.CellOutputsCleared'>) => makeEvent('v1.CellOutputsCleared', a)
export const allOutputsCleared = (a: A<'v1.AllOutputsCleared'>) => makeEvent('v1.AllOutputsCleared', a)
export const errorOutputAdded = (a: A<'v1.ErrorOutputAdded'>) => makeEvent('v1.ErrorOutputAdded', a)
export const actorProfileSet = (a: A<'v1.ActorProfileSet'>) => makeEvent('v1.ActorProfileSet', a)
export const aiSettingsChanged = (a: A<'v1.AiSettingsChanged'>) => makeEvent('v1.AiSettingsChanged', a)
export const sqlConnectionChanged = (a: A<'v1.SqlConnectionChanged'>) => makeEvent('v1.SqlConnectionChanged', a)
export const runtimeSessionTerminated = (a: A<'v1.RuntimeSessionTerminated'>) =>
  makeEvent('v1.RuntimeSessionTerminated', a)
export const toolApprovalResponded = (a: A<'v1.ToolApprovalResponded'>) => makeEvent('v1.ToolApprovalResponded', a)
export const fileUploaded = (a: A<'v1.FileUploaded'>) => makeEvent('v1.FileUploaded', a)
export const fileDeleted = (a: A<'v2.FileDeleted'>) => makeEvent('v2.FileDeleted', a)
