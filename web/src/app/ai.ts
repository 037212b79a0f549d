// AI cells in the page: the provider/model picker (from the runtime session's
// availableAiModels), pending tool approvals with their buttons, the per-cell switch that
// hides a cell from the AI's context, and tool-call cards. Every action is a schema event.
import {
  aiSettingsChanged, cellAiContextVisibilityToggled, toolApprovalResponded, activeRuntimeSessions, type State, type Cell,
} from '../schema/index'
import { el } from './dom'

type NewEvent = { name: string; args: unknown }

export interface AiModel { name: string; displayName: string; provider: string; capabilities: string[] }

// The original's defaults when a cell names no provider or model.
export const kDefaultProvider = 'openai'
export const defaultModel = (provider: string): string => (provider === 'ollama' ? 'llama3.1' : 'gpt-4o-mini')

// The models the notebook's runtime offers (the first active session that lists any).
export function availableModels(state: State): AiModel[] {
  for (const s of activeRuntimeSessions(state)) {
    const list = s.availableAiModels
    if (!Array.isArray(list) || list.length === 0) continue
    return (list as unknown[]).filter((m): m is AiModel =>
      typeof m === 'object' && m !== null && typeof (m as AiModel).name === 'string' && typeof (m as AiModel).provider === 'string')
      .map((m) => ({ ...m, displayName: typeof m.displayName === 'string' ? m.displayName : m.name }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
  }
  return []
}

// The picker's options: every offered model, plus the cell's own choice if the runtime does
// not offer it (so what the cell will use is always what the picker shows).
export function fillModelPicker(select: HTMLSelectElement, state: State, cell: Cell): void {
  const provider = cell.aiProvider || kDefaultProvider
  const model = cell.aiModel || defaultModel(provider)
  const current = `${provider}\u0000${model}`
  const options: { value: string; label: string }[] = availableModels(state).map((m) => ({
    value: `${m.provider}\u0000${m.name}`, label: `${m.displayName} · ${m.provider}${m.capabilities.includes('tools') ? '' : ' (no tools)'}`,
  }))
  if (!options.some((o) => o.value === current)) options.unshift({ value: current, label: `${model} · ${provider}` })
  const signature = options.map((o) => o.value + o.label).join('|')
  if (select.dataset.signature !== signature) {
    select.replaceChildren(...options.map((o) => { const opt = el('option', undefined, o.label); opt.value = o.value; return opt }))
    select.dataset.signature = signature
  }
  select.value = current
}

export function modelChosen(cell: Cell, value: string): NewEvent | null {
  const [provider, model] = value.split('\u0000')
  if (!provider || !model) return null
  const s = cell.aiSettings ?? {}
  const settings: { temperature?: number; maxTokens?: number; systemPrompt?: string } = {}
  if (s.temperature !== undefined) settings.temperature = s.temperature
  if (s.maxTokens !== undefined) settings.maxTokens = s.maxTokens
  if (s.systemPrompt !== undefined) settings.systemPrompt = s.systemPrompt
  return aiSettingsChanged({ cellId: cell.id, provider, model, settings })
}

export const contextToggled = (cell: Cell, actorId: string): NewEvent =>
  cellAiContextVisibilityToggled({ id: cell.id, aiContextVisible: !cell.aiContextVisible, actorId })

// Pending approvals of this AI cell, each with Allow once / Always allow / Deny. Anyone in the
// notebook may answer.
export function renderApprovals(host: HTMLElement, state: State, cellId: string, userId: string, readOnly: boolean,
  commit: (e: NewEvent) => void): void {
  const pending = Array.from(state.toolApprovals.values()).filter((a) => a.cellId === cellId && a.status === 'pending')
  const signature = pending.map((a) => a.toolCallId).join('|')
  if (host.dataset.signature === signature) return
  host.dataset.signature = signature
  host.replaceChildren(...pending.map((a) => {
    const box = el('div', 'approval')
    box.dataset.toolCallId = a.toolCallId
    box.append(el('span', 'approval-text', 'The assistant asks to run '), el('code', undefined, a.toolName))
    if (!readOnly) {
      const answer = (status: 'approved_once' | 'approved_always' | 'denied', label: string, cls: string) => {
        const b = el('button', cls, label)
        b.type = 'button'
        b.addEventListener('click', () => {
          commit(toolApprovalResponded({ toolCallId: a.toolCallId, status, approvedBy: userId, respondedAt: new Date().toISOString() }))
        })
        return b
      }
      box.append(answer('approved_once', 'Allow once', 'approve-once'), answer('approved_always', 'Always allow', 'approve-always'),
        answer('denied', 'Deny', 'deny'))
    }
    return box
  }))
  host.hidden = pending.length === 0
}

interface ToolCallData { tool_call_id?: string; tool_name?: string; arguments?: unknown; status?: string; result?: string }

const kResultPreview = 600

// A tool call as a compact card: name, status, arguments (folded), result.
export function toolCallCard(data: unknown): HTMLElement {
  const d = (typeof data === 'object' && data !== null ? data : {}) as ToolCallData
  const ok = d.status !== 'error'
  const card = el('div', `tool-card ${ok ? 'tool-ok' : 'tool-error'}`)
  const head = el('div', 'tool-head')
  head.append(el('span', 'tool-icon', ok ? '✓' : '✗'),  // in every font (headless chromium has no emoji)
    el('code', 'tool-name', d.tool_name ?? 'tool'),
    el('span', 'tool-status', ok ? 'done' : 'failed'))
  const args = el('details', 'tool-args')
  args.append(el('summary', undefined, 'arguments'), el('pre', undefined, JSON.stringify(d.arguments ?? {}, null, 2)))
  card.append(head, args)
  const result = d.result ?? ''
  if (result) {
    const body = el('pre', 'tool-result', result.length > kResultPreview ? `${result.slice(0, kResultPreview)}…` : result)
    card.append(body)
  }
  return card
}

// The result record that follows a successful call: its card already shows the result.
export function toolResultNote(data: unknown): HTMLElement {
  const d = (typeof data === 'object' && data !== null ? data : {}) as ToolCallData
  const note = el('div', 'tool-result-note')
  note.dataset.toolCallId = d.tool_call_id ?? ''
  return note
}
