// anode's schemas (anode-schema.md §2) for the events a runt agent emits, AI cells included, as
// anode's web app declares them, with small tables a test can query. A LiveStore 0.3.1 client
// stops syncing at the first event it cannot decode, so every event the agent may emit is here.
import { Events, Schema, State, makeSchema } from '@livestore/livestore'

const CellType = Schema.Literal('code', 'markdown', 'raw', 'sql', 'ai')
const MediaRepresentation = Schema.Union(
  Schema.Struct({ type: Schema.Literal('inline'), data: Schema.optional(Schema.Any), metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Any })) }),
  Schema.Struct({ type: Schema.Literal('artifact'), artifactId: Schema.String, metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Any })) }),
)
const Representations = Schema.Record({ key: Schema.String, value: MediaRepresentation })
const ev = (name, fields) => Events.synced({ name, schema: Schema.Struct(fields) })
export const events = {
  cellCreated: ev('v2.CellCreated', { id: Schema.String, fractionalIndex: Schema.String, cellType: CellType, createdBy: Schema.String }),
  cellSourceChanged: ev('v1.CellSourceChanged', { id: Schema.String, source: Schema.String, modifiedBy: Schema.String }),
  sessionStarted: ev('v1.RuntimeSessionStarted', {
    sessionId: Schema.String, runtimeId: Schema.String, runtimeType: Schema.String,
    capabilities: Schema.Struct({ canExecuteCode: Schema.Boolean, canExecuteSql: Schema.Boolean, canExecuteAi: Schema.Boolean, availableAiModels: Schema.optional(Schema.Any) }),
  }),
  sessionRenewal: ev('v1.RuntimeSessionRenewal', { sessionId: Schema.String, renewedAt: Schema.Date, validForMs: Schema.Number }),
  sessionStatus: ev('v1.RuntimeSessionStatusChanged', { sessionId: Schema.String, status: Schema.Literal('ready', 'busy', 'restarting') }),
  sessionTerminated: ev('v1.RuntimeSessionTerminated', { sessionId: Schema.String, reason: Schema.Literal('shutdown', 'restart', 'error', 'timeout', 'displaced') }),
  executionRequested: ev('v1.ExecutionRequested', { queueId: Schema.String, cellId: Schema.String, executionCount: Schema.Number, requestedBy: Schema.String, actorId: Schema.optional(Schema.String) }),
  executionAssigned: ev('v1.ExecutionAssigned', { queueId: Schema.String, runtimeSessionId: Schema.String }),
  executionStarted: ev('v1.ExecutionStarted', { queueId: Schema.String, cellId: Schema.String, runtimeSessionId: Schema.String, startedAt: Schema.Date }),
  executionCompleted: ev('v1.ExecutionCompleted', {
    queueId: Schema.String, cellId: Schema.String, status: Schema.Literal('success', 'error', 'cancelled'),
    error: Schema.optional(Schema.String), completedAt: Schema.Date, executionDurationMs: Schema.Number,
  }),
  outputsCleared: ev('v1.CellOutputsCleared', { cellId: Schema.String, wait: Schema.Boolean, clearedBy: Schema.String }),
  terminalOutput: ev('v1.TerminalOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, content: MediaRepresentation, streamName: Schema.Literal('stdout', 'stderr') }),
  displayOutput: ev('v1.MultimediaDisplayOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, representations: Representations, displayId: Schema.optional(Schema.String) }),
  displayUpdated: ev('v1.MultimediaDisplayOutputUpdated', { displayId: Schema.String, representations: Representations }),
  resultOutput: ev('v1.MultimediaResultOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, representations: Representations, executionCount: Schema.Number }),
  errorOutput: ev('v1.ErrorOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, content: MediaRepresentation }),
  // The agent names its runtime's actor after the kernel (anode's web app sets its user's the same way).
  // AI cells: settings (the web app), answers streamed as markdown, cells the AI creates or
  // moves, tool approvals; and cancellations of executions queued behind an interrupted one.
  aiSettings: ev('v1.AiSettingsChanged', { cellId: Schema.String, provider: Schema.String, model: Schema.String,
    settings: Schema.Struct({ temperature: Schema.optional(Schema.Number), maxTokens: Schema.optional(Schema.Number), systemPrompt: Schema.optional(Schema.String) }) }),
  markdownOutput: ev('v1.MarkdownOutputAdded', { id: Schema.String, cellId: Schema.String, position: Schema.Number, content: MediaRepresentation }),
  markdownAppended: ev('v2.MarkdownOutputAppended', { id: Schema.String, outputId: Schema.String, delta: Schema.String, sequenceNumber: Schema.Number }),
  cellMoved: ev('v2.CellMoved', { id: Schema.String, fractionalIndex: Schema.String, actorId: Schema.optional(Schema.String) }),
  approvalRequested: ev('v1.ToolApprovalRequested', { toolCallId: Schema.String, cellId: Schema.String, toolName: Schema.String,
    arguments: Schema.Record({ key: Schema.String, value: Schema.Any }), requestedAt: Schema.Date }),
  approvalResponded: ev('v1.ToolApprovalResponded', { toolCallId: Schema.String, status: Schema.Literal('approved_once', 'approved_always', 'denied'),
    approvedBy: Schema.String, respondedAt: Schema.Date }),
  executionCancelled: ev('v1.ExecutionCancelled', { queueId: Schema.String, cellId: Schema.String, cancelledBy: Schema.String, actorId: Schema.optional(Schema.String), reason: Schema.String }),
  cellTypeChanged: ev('v1.CellTypeChanged', { id: Schema.String, cellType: CellType, actorId: Schema.optional(Schema.String) }),
  // Where people are (the TUI and the web app set it).
  presenceSet: ev('v1.PresenceSet', { userId: Schema.String, cellId: Schema.optional(Schema.String) }),
  actorProfile: ev('v1.ActorProfileSet', { id: Schema.String, type: Schema.Literal('human', 'runtime_agent'), displayName: Schema.String, avatar: Schema.optional(Schema.String) }),
}
export const cells = State.SQLite.table({ name: 'cells', columns: {
  id: State.SQLite.text({ primaryKey: true }), source: State.SQLite.text({ default: '' }), executionState: State.SQLite.text({ default: 'idle' }),
  cellType: State.SQLite.text({ default: 'code' }), fractionalIndex: State.SQLite.text({ default: '' }), createdBy: State.SQLite.text({ default: '' }),
  aiModel: State.SQLite.text({ nullable: true }),
} })
export const deltas = State.SQLite.table({ name: 'output_deltas', columns: {
  id: State.SQLite.text({ primaryKey: true }), outputId: State.SQLite.text(), delta: State.SQLite.text(), sequenceNumber: State.SQLite.real(),
} })
export const approvals = State.SQLite.table({ name: 'toolApprovals', columns: {
  toolCallId: State.SQLite.text({ primaryKey: true }), cellId: State.SQLite.text(), toolName: State.SQLite.text(), status: State.SQLite.text(),
} })
export const queue = State.SQLite.table({ name: 'executionQueue', columns: {
  id: State.SQLite.text({ primaryKey: true }), cellId: State.SQLite.text(), status: State.SQLite.text(), error: State.SQLite.text({ nullable: true }),
} })
export const outputs = State.SQLite.table({ name: 'outputs', columns: {
  id: State.SQLite.text({ primaryKey: true }), cellId: State.SQLite.text(), outputType: State.SQLite.text(), data: State.SQLite.text({ nullable: true }),
  mimeTypes: State.SQLite.text({ default: '' }), position: State.SQLite.real(),
} })
export const sessions = State.SQLite.table({ name: 'runtimeSessions', columns: {
  sessionId: State.SQLite.text({ primaryKey: true }), status: State.SQLite.text(), isActive: State.SQLite.boolean({ default: true }),
} })
const noop = () => []
const materializers = State.SQLite.materializers(events, {
  'v2.CellCreated': ({ id, cellType, fractionalIndex, createdBy }) => cells.insert({ id, cellType, fractionalIndex, createdBy }),
  'v2.CellMoved': ({ id, fractionalIndex }) => cells.update({ fractionalIndex }).where({ id }),
  'v1.AiSettingsChanged': ({ cellId, model }) => cells.update({ aiModel: model }).where({ id: cellId }),
  'v1.MarkdownOutputAdded': ({ id, cellId, position, content }) => outputs.insert({ id, cellId, position, outputType: 'markdown', data: String(content.data) }),
  'v2.MarkdownOutputAppended': ({ id, outputId, delta, sequenceNumber }) => deltas.insert({ id, outputId, delta, sequenceNumber }),
  'v1.ToolApprovalRequested': ({ toolCallId, cellId, toolName }) => approvals.insert({ toolCallId, cellId, toolName, status: 'pending' }).onConflict('toolCallId', 'replace'),
  'v1.ToolApprovalResponded': ({ toolCallId, status }) => approvals.update({ status }).where({ toolCallId }),
  'v1.ExecutionCancelled': ({ queueId }) => queue.update({ status: 'cancelled' }).where({ id: queueId }),
  'v1.CellSourceChanged': ({ id, source }) => cells.update({ source }).where({ id }),
  'v1.RuntimeSessionStarted': ({ sessionId }) => sessions.insert({ sessionId, status: 'starting' }).onConflict('sessionId', 'replace'),
  'v1.RuntimeSessionRenewal': noop,
  'v1.RuntimeSessionStatusChanged': ({ sessionId, status }) => sessions.update({ status }).where({ sessionId }),
  'v1.RuntimeSessionTerminated': ({ sessionId }) => sessions.update({ status: 'terminated', isActive: false }).where({ sessionId }),
  'v1.ExecutionRequested': ({ queueId, cellId }) => [queue.insert({ id: queueId, cellId, status: 'pending' }), cells.update({ executionState: 'queued' }).where({ id: cellId })],
  'v1.ExecutionAssigned': ({ queueId }) => queue.update({ status: 'assigned' }).where({ id: queueId }),
  'v1.ExecutionStarted': ({ queueId, cellId }) => [queue.update({ status: 'executing' }).where({ id: queueId }), cells.update({ executionState: 'running' }).where({ id: cellId })],
  'v1.ExecutionCompleted': ({ queueId, cellId, status, error }) => [
    queue.update({ status: status === 'success' ? 'completed' : 'failed', error: error ?? null }).where({ id: queueId }),
    cells.update({ executionState: status === 'success' ? 'completed' : 'error' }).where({ id: cellId }),
  ],
  'v1.CellOutputsCleared': ({ cellId }) => outputs.delete().where({ cellId }),
  'v1.TerminalOutputAdded': ({ id, cellId, position, content }) => outputs.insert({ id, cellId, position, outputType: 'terminal', data: String(content.data) }),
  'v1.MultimediaDisplayOutputAdded': ({ id, cellId, position, representations }) => outputs.insert({ id, cellId, position, outputType: 'display', mimeTypes: Object.keys(representations).join(',') }),
  'v1.MultimediaDisplayOutputUpdated': noop,
  'v1.MultimediaResultOutputAdded': ({ id, cellId, position, representations }) => outputs.insert({
    id, cellId, position, outputType: 'result', data: String(representations['text/plain']?.data ?? ''), mimeTypes: Object.keys(representations).join(','),
  }),
  'v1.ErrorOutputAdded': ({ id, cellId, position, content }) => outputs.insert({ id, cellId, position, outputType: 'error', data: JSON.stringify(content.data) }),
  'v1.ActorProfileSet': noop,
  'v1.PresenceSet': noop,
  'v1.CellTypeChanged': ({ id, cellType }) => cells.update({ cellType }).where({ id }),
})
export const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { cells, queue, outputs, sessions, deltas, approvals }, materializers }) })

