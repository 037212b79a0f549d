// The schema's literal unions, each in schema declaration order (error messages list them so).

export const CELL_TYPES = ['code', 'markdown', 'sql', 'ai', 'raw'] as const
export type CellType = (typeof CELL_TYPES)[number]

export const EXECUTION_STATES = ['idle', 'queued', 'running', 'completed', 'error'] as const
export type ExecutionState = (typeof EXECUTION_STATES)[number]

export const OUTPUT_TYPES = ['multimedia_display', 'multimedia_result', 'terminal', 'markdown', 'error'] as const
export type OutputType = (typeof OUTPUT_TYPES)[number]

export const RUNTIME_STATUSES = ['starting', 'ready', 'busy', 'restarting', 'terminated'] as const
export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number]

// The subset v1.RuntimeSessionStatusChanged accepts.
export const SESSION_STATUS_UPDATES = ['ready', 'busy', 'restarting'] as const
export type SessionStatusUpdate = (typeof SESSION_STATUS_UPDATES)[number]

export const TERMINATION_REASONS = ['shutdown', 'restart', 'error', 'timeout', 'displaced'] as const
export type TerminationReason = (typeof TERMINATION_REASONS)[number]

export const QUEUE_STATUSES = ['pending', 'assigned', 'executing', 'completed', 'failed', 'cancelled'] as const
export type QueueStatus = (typeof QUEUE_STATUSES)[number]

export const COMPLETION_STATUSES = ['success', 'error', 'cancelled'] as const
export type CompletionStatus = (typeof COMPLETION_STATUSES)[number]

export const STREAM_NAMES = ['stdout', 'stderr'] as const
export type StreamName = (typeof STREAM_NAMES)[number]

export const ACTOR_TYPES = ['human', 'runtime_agent'] as const
export type ActorType = (typeof ACTOR_TYPES)[number]

export const APPROVAL_STATUSES = ['pending', 'approved_once', 'approved_always', 'denied'] as const
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number]

export const APPROVAL_RESPONSES = ['approved_once', 'approved_always', 'denied'] as const
export type ApprovalResponse = (typeof APPROVAL_RESPONSES)[number]
