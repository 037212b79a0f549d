// The notebook page: cells in fractional-index order, each with its editor (or rendered
// markdown), execution state and outputs. Every action is a schema event committed to the
// NotebookStore; the view redraws what the events touched, at most once per animation frame.
import type { Change } from '../schema/index'
import { LazyEditor } from './editor'
import { renderMarkdown, renderOutput, type OutputRow } from './outputs'
import * as model from './model'
import { NotebookStore, newId, type ConnectionStatus } from './sync'
import { el } from './dom'
import * as ai from './ai'

interface CellView {
  id: string
  root: HTMLElement
  editor: LazyEditor
  rendered: HTMLElement // markdown preview
  outputs: HTMLElement
  prompt: HTMLElement
  status: HTMLElement
  presence: HTMLElement
  typeSelect: HTMLSelectElement
  aiBar: HTMLElement // an AI cell's model picker
  modelSelect: HTMLSelectElement
  approvals: HTMLElement // an AI cell's pending tool approvals
  contextToggle: HTMLButtonElement
  outputKeys: Map<string, { key: string; node: HTMLElement }>
  editing: boolean
  cellType: string
}

function button(label: string, title: string, onClick: () => void, cls = ''): HTMLButtonElement {
  const b = el('button', cls, label)
  b.title = title
  b.type = 'button'
  b.addEventListener('click', (e) => { e.stopPropagation(); onClick() })
  return b
}

// Output rows are redrawn only when what they show changed.
const identity = new WeakMap<object, number>()
let nextIdentity = 1
function outputKey(o: OutputRow): string {
  let rep = 0
  if (o.representations) {
    rep = identity.get(o.representations) ?? 0
    if (rep === 0) { rep = nextIdentity++; identity.set(o.representations, rep) }
  }
  const d = o.data ?? ''
  // Small data is compared whole; a long stream only grows, so its length and tail suffice.
  return `${o.outputType}|${o.streamName}|${o.artifactId}|${rep}|${d.length > 4096 ? `${d.length}|${d.slice(-64)}` : d}`
}

export class NotebookPage {
  private store: NotebookStore
  private views = new Map<string, CellView>()
  private dirty = new Set<string>()
  private redrawAll = true
  private frame = 0
  private expanded = new Map<string, number>() // lines shown of long streams, beyond the default tail
  private readOnly: boolean
  private lastPresence = ''
  private profileSent = false
  private header: {
    title: HTMLInputElement; connection: HTMLElement; runtime: HTMLElement; queue: HTMLElement; banner: HTMLElement
  }
  private cellsEl: HTMLElement
  private runtimeTimer: ReturnType<typeof setInterval>
  // Why the host runs no runtime here (runt up's decision, from GET /api/notebooks/ID), re-read
  // while the notebook has none: a grant or a freed kernel changes it.
  private refusal: { reason: string; message: string; command?: string } | null = null
  private refusalAskedAt = 0
  // Editors are built for cells near the viewport only (see LazyEditor).
  private nearViewport = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue
      const view = this.views.get((e.target as HTMLElement).dataset.cellId ?? '')
      if (view) { view.editor.wake(); this.nearViewport.unobserve(e.target) }
    }
  }, { rootMargin: '800px 0px' })

  constructor(private root: HTMLElement, private notebookId: string, private user: { id: string; name: string }, role: string) {
    this.readOnly = role === 'reader'
    this.store = new NotebookStore(notebookId)
    root.replaceChildren()
    root.className = 'notebook-page'

    const bar = el('header', 'topbar')
    const home = el('a', 'home', 'runt')
    home.href = '/'
    const title = el('input', 'title')
    title.setAttribute('aria-label', 'Notebook title')
    title.readOnly = this.readOnly
    title.addEventListener('change', () => this.setTitle(title.value))
    title.addEventListener('keydown', (e) => { if (e.key === 'Enter') title.blur() })
    const connection = el('span', 'connection', 'connecting…')
    const runtime = el('span', 'runtime', '')
    const queue = el('span', 'queue', '')
    const actions = el('div', 'actions')
    if (!this.readOnly) {
      actions.append(
        button('▶▶ Run all', 'Run every code cell, top to bottom', () => this.runAll(), 'run-all'),
        button('■ Interrupt', 'Interrupt the running cell and cancel the queue', () => this.interruptAll(), 'interrupt'),
        button('Clear outputs', 'Clear every output', () => this.store.commit(model.allOutputsCleared(this.user.id)), 'clear-all'),
      )
    }
    const exportLink = el('a', 'export', 'Export .ipynb')
    exportLink.href = `/api/notebooks/${encodeURIComponent(notebookId)}/ipynb`
    actions.append(exportLink)
    if (!this.readOnly) {
      const file = el('input')
      file.type = 'file'
      file.accept = '.ipynb,application/x-ipynb+json,application/json'
      file.className = 'import-file'
      file.addEventListener('change', () => { if (file.files?.[0]) void this.importIpynb(file.files[0]); file.value = '' })
      const importLabel = el('label', 'import', 'Import .ipynb')
      importLabel.append(file)
      actions.append(importLabel)
    }
    bar.append(home, title, connection, runtime, queue, actions)
    const banner = el('div', 'runtime-banner')
    banner.hidden = true
    this.header = { title, connection, runtime, queue, banner }

    this.cellsEl = el('main', 'cells')
    const footer = el('div', 'add-cells')
    if (!this.readOnly) {
      footer.append(
        button('+ Code', 'Add a code cell at the end', () => this.addCell('code', null), 'add-code'),
        button('+ Markdown', 'Add a markdown cell at the end', () => this.addCell('markdown', null), 'add-markdown'),
        button('+ Raw', 'Add a raw cell at the end', () => this.addCell('raw', null), 'add-raw'),
        button('+ AI', 'Add an AI cell at the end: ask a model, which sees the cells above and can add and run cells', () => this.addCell('ai', null), 'add-ai'),
      )
    }
    root.append(bar, banner, this.cellsEl, footer)

    this.store.subscribe({
      onChange: (changes, reset) => this.onChange(changes, reset),
      onStatus: (status, detail) => this.showConnection(status, detail),
    })
    this.store.start()
    // Session liveness is time-based (renewals expire), so it is re-read every few seconds.
    this.runtimeTimer = setInterval(() => this.showRuntime(), 2000)
    ;(window as any).runtNotebook = this // for tests and benchmarks: state inspection
  }

  destroy(): void {
    clearInterval(this.runtimeTimer)
    this.nearViewport.disconnect()
    this.store.stop()
    for (const v of this.views.values()) v.editor.destroy()
  }

  get notebookStore(): NotebookStore { return this.store }

  private onChange(changes: Change[], reset: boolean): void {
    if (reset) this.redrawAll = true
    for (const c of changes) {
      for (const id of c.cells) this.dirty.add(id)
      if (c.order) this.redrawAll = true
      // Approvals name their AI cell; sessions bring the models AI cells may pick.
      if (c.approvals) for (const a of this.store.state.toolApprovals.values()) this.dirty.add(a.cellId)
      if (c.sessions) for (const cell of this.store.state.cells.values()) if (cell.cellType === 'ai') this.dirty.add(cell.id)
    }
    // Nothing is drawn until the first pull is complete: one render of the whole notebook
    // instead of one per page of history.
    if (!this.store.loaded) return
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.render() })
  }

  private render(): void {
    const state = this.store.state
    if (this.redrawAll) {
      this.redrawAll = false
      const cells = model.cells(state) // sorted: only when the order may have changed
      const seen = new Set<string>()
      let previous: Element | null = null
      for (const cell of cells) {
        seen.add(cell.id)
        let view = this.views.get(cell.id)
        if (!view) { view = this.createView(cell); this.views.set(cell.id, view) }
        this.updateView(view, cell)
        // Keep DOM order equal to the fractional order without re-inserting what is in place.
        const expected: Element | null = previous ? previous.nextElementSibling : this.cellsEl.firstElementChild
        if (expected !== view.root) this.cellsEl.insertBefore(view.root, expected)
        previous = view.root
      }
      for (const [id, view] of this.views) {
        if (!seen.has(id)) {
          view.editor.destroy()
          this.nearViewport.unobserve(view.root)
          view.root.remove()
          this.views.delete(id)
        }
      }
    } else {
      for (const id of this.dirty) {
        const view = this.views.get(id), cell = state.cells.get(id)
        if (view && cell) this.updateView(view, cell)
      }
    }
    this.dirty.clear()
    const t = model.title(state)
    if (document.activeElement !== this.header.title) this.header.title.value = t
    document.title = `${t} · runt`
    this.showRuntime()
    this.showPresence()
    this.root.classList.toggle('empty', state.cells.size === 0)
    // Others see this person's name (presence, authorship), not their user id.
    if (!this.readOnly && this.store.loaded && !state.actors.has(this.user.id) && !this.profileSent) {
      this.profileSent = true
      this.store.commit(model.actorProfile(this.user.id, this.user.name))
    }
    if (this.store.loaded && this.root.dataset.loaded !== 'true') performance.mark('runt:drawn')
    this.root.dataset.loaded = String(this.store.loaded)
  }

  private createView(cell: model.CellRow): CellView {
    const root = el('section', 'cell')
    root.dataset.cellId = cell.id
    const gutter = el('div', 'gutter')
    const prompt = el('div', 'prompt')
    const status = el('div', 'exec-status')
    gutter.append(prompt, status)
    const body = el('div', 'cell-body')
    const toolbar = el('div', 'cell-toolbar')
    const typeSelect = el('select', 'cell-type')
    for (const t of ['code', 'markdown', 'raw', 'ai']) {
      const o = el('option', undefined, t)
      o.value = t
      typeSelect.append(o)
    }
    typeSelect.disabled = this.readOnly
    typeSelect.addEventListener('change', () => this.store.commit(model.cellTypeChanged(cell.id, typeSelect.value, this.user.id)))
    const presence = el('span', 'presence')
    const contextToggle = button('AI sees', 'Whether AI cells below see this cell', () => {
      const current = this.store.state.cells.get(cell.id)
      if (current && !this.readOnly) this.store.commit(ai.contextToggled(current, this.user.id))
    }, 'ai-context')
    contextToggle.disabled = this.readOnly
    toolbar.append(typeSelect, presence, contextToggle)
    if (!this.readOnly) {
      toolbar.append(
        button('▶', 'Run (Ctrl+Enter)', () => this.run(cell.id), 'run'),
        button('■', 'Interrupt this cell', () => this.interrupt(cell.id), 'interrupt-cell'),
        button('↑', 'Move up (Alt+Up)', () => this.move(cell.id, -1), 'move-up'),
        button('↓', 'Move down (Alt+Down)', () => this.move(cell.id, 1), 'move-down'),
        button('+↑', 'Add a code cell above', () => this.addCell('code', cell.id, 'above'), 'add-above'),
        button('+↓', 'Add a code cell below', () => this.addCell('code', cell.id, 'below'), 'add-below'),
        button('⌫', 'Clear this cell\'s outputs', () => this.store.commit(model.cellOutputsCleared(cell.id, this.user.id)), 'clear'),
        button('✕', 'Delete the cell', () => this.deleteCell(cell.id), 'delete'),
      )
      // Drag by the gutter to reorder.
      gutter.draggable = true
      gutter.title = 'Drag to move'
      gutter.addEventListener('dragstart', (e) => { e.dataTransfer?.setData('text/x-runt-cell', cell.id); root.classList.add('dragging') })
      gutter.addEventListener('dragend', () => root.classList.remove('dragging'))
      root.addEventListener('dragover', (e) => { if (e.dataTransfer?.types.includes('text/x-runt-cell')) e.preventDefault() })
      root.addEventListener('drop', (e) => {
        const moved = e.dataTransfer?.getData('text/x-runt-cell')
        if (!moved || moved === cell.id) return
        e.preventDefault()
        const rect = root.getBoundingClientRect()
        const below = e.clientY - rect.top > rect.height / 2
        this.moveNextTo(moved, cell.id, below ? 'below' : 'above')
      })
    }
    const editorHost = el('div', 'editor')
    const rendered = el('div', 'markdown-rendered')
    rendered.addEventListener('dblclick', () => { if (!this.readOnly) this.editMarkdown(cell.id) })
    const outputs = el('div', 'outputs')
    const aiBar = el('div', 'ai-bar')
    const modelSelect = el('select', 'ai-model')
    modelSelect.setAttribute('aria-label', 'Model')
    modelSelect.disabled = this.readOnly
    modelSelect.addEventListener('change', () => {
      const current = this.store.state.cells.get(cell.id)
      const chosen = current && ai.modelChosen(current, modelSelect.value)
      if (chosen) this.store.commit(chosen)
    })
    aiBar.append(el('span', 'ai-label', 'Model'), modelSelect)
    const approvals = el('div', 'approvals')
    approvals.hidden = true
    body.append(toolbar, aiBar, editorHost, rendered, outputs, approvals)
    root.append(gutter, body)

    const view: CellView = {
      id: cell.id, root, rendered, outputs, prompt, status, presence, typeSelect, aiBar, modelSelect, approvals, contextToggle,
      outputKeys: new Map(), editing: cell.cellType !== 'markdown' || cell.source === '', cellType: cell.cellType,
      editor: new LazyEditor(editorHost, cell.source, cell.cellType, this.readOnly, {
        onEdit: (source) => this.store.commitCoalesced(model.sourceChanged(cell.id, source, this.user.id),
          (name, args) => model.isSourceChangeOf(name, args, cell.id)),
        onFocus: () => { root.classList.add('focused'); this.setPresence(cell.id) },
        onBlur: () => root.classList.remove('focused'),
        runAndAdvance: () => { this.runAndAdvance(cell.id); return true },
        runInPlace: () => { this.run(cell.id); return true },
        moveCell: (d) => { this.move(cell.id, d); return true },
        leave: () => { view.editor.blur(); return true },
      }),
    }
    this.nearViewport.observe(root)
    return view
  }

  private updateView(view: CellView, cell: model.CellRow): void {
    const state = this.store.state
    if (view.cellType !== cell.cellType) {
      view.cellType = cell.cellType
      view.editor.setCellType(cell.cellType)
      if (cell.cellType === 'markdown' && !view.editor.hasFocus) view.editing = cell.source === ''
      if (cell.cellType !== 'markdown') view.editing = true
    }
    view.typeSelect.value = cell.cellType
    view.root.dataset.cellType = cell.cellType
    view.root.classList.toggle('hidden-from-ai', cell.aiContextVisible === false)
    view.contextToggle.textContent = cell.aiContextVisible === false ? 'AI: hidden' : 'AI sees'
    view.contextToggle.setAttribute('aria-pressed', String(cell.aiContextVisible !== false))
    view.aiBar.hidden = cell.cellType !== 'ai'
    if (cell.cellType === 'ai') ai.fillModelPicker(view.modelSelect, state, cell)
    ai.renderApprovals(view.approvals, state, cell.id, this.user.id, this.readOnly, (e) => this.store.commit(e))
    if (!view.editor.hasFocus || view.editor.source !== cell.source) view.editor.setSource(cell.source)
    const showRendered = cell.cellType === 'markdown' && !view.editing
    view.root.classList.toggle('rendered', showRendered)
    if (showRendered) {
      if (view.rendered.dataset.source !== cell.source) {
        renderMarkdown(view.rendered, cell.source || '*Empty markdown cell: double-click to edit*')
        view.rendered.dataset.source = cell.source
      }
    }
    // Execution: count, state, duration, queue position.
    const exec = model.executionOf(state, cell)
    view.prompt.textContent = cell.cellType === 'code' ? `[${exec.state === 'running' ? '*' : cell.executionCount ?? ' '}]` : ''
    view.root.dataset.executionState = exec.state
    view.status.textContent = exec.label
    view.status.title = exec.detail
    // Outputs, keyed by id so unchanged ones (iframes included) stay as they are.
    const rows = cell.outputVisible === false ? [] : model.outputs(state, cell.id)
    const keep = new Map<string, { key: string; node: HTMLElement }>()
    let previous: Element | null = null
    for (const o of rows) {
      const key = outputKey(o)
      let entry = view.outputKeys.get(o.id)
      if (!entry || entry.key !== key) {
        const node = renderOutput(o, this.expanded, () => {
          const shown = view.outputKeys.get(o.id)
          if (shown) shown.key = '' // redraw it in place with more lines
          this.dirty.add(cell.id)
          this.onChange([], false)
        })
        if (entry) entry.node.replaceWith(node)
        entry = { key, node }
      }
      keep.set(o.id, entry)
      const expected: Element | null = previous ? previous.nextElementSibling : view.outputs.firstElementChild
      if (expected !== entry.node) view.outputs.insertBefore(entry.node, expected)
      previous = entry.node
    }
    for (const [id, entry] of view.outputKeys) if (!keep.has(id)) entry.node.remove()
    view.outputKeys = keep
    view.root.classList.toggle('has-outputs', rows.length > 0)
  }

  private showConnection(status: ConnectionStatus, detail: string): void {
    const unsynced = this.store.unsynced
    const text = status === 'online' ? 'connected' : status === 'refused' ? `refused: ${detail}` :
      status === 'offline' ? `offline, reconnecting${unsynced ? ` (${unsynced} unsynced)` : ''}` : 'connecting…'
    this.header.connection.textContent = text
    this.header.connection.dataset.status = status
    this.root.dataset.connection = status
  }

  private showRuntime(): void {
    const r = model.runtimeStatus(this.store.state, this.store.serverNow())
    this.header.runtime.textContent = r.label
    this.header.runtime.title = r.detail
    this.header.runtime.dataset.status = r.status
    // No live runtime: say how to start one, with this notebook's id and server filled in.
    const banner = this.header.banner
    banner.hidden = r.status === 'alive' || !this.store.loaded
    if (r.status === 'alive') this.refusal = null
    else if (this.store.loaded && Date.now() - this.refusalAskedAt > 3000) void this.askRefusal()
    banner.dataset.refusal = this.refusal?.reason ?? ''
    if (!banner.hidden && this.refusal) {
      const { message, command } = this.refusal
      if (banner.dataset.command !== message + command) {
        banner.dataset.command = message + command
        banner.replaceChildren(el('span', undefined, message))
        if (command) banner.append(el('span', undefined, ' '), el('code', undefined, command))
      }
    } else if (!banner.hidden) {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/livestore`
      const what = r.status === 'stale' ? 'The runtime stopped answering (its session renewals expired).' : 'No runtime is running for this notebook, so cells cannot run yet.'
      const command = `runt agent --notebook ${this.notebookId} --sync-url ${url} --auth-token YOUR_TOKEN`
      if (banner.dataset.command !== command + what) {
        banner.dataset.command = command + what
        banner.replaceChildren(el('span', undefined, `${what} Start one on a machine with Python: `), el('code', undefined, command),
          el('span', undefined, ` (or run `), el('code', undefined, `runt up ${this.notebookId}`), el('span', undefined, ` on the server's machine).`))
      }
    }
    const q = model.queueSummary(this.store.state)
    this.header.queue.textContent = q
  }

  private async askRefusal(): Promise<void> {
    this.refusalAskedAt = Date.now()
    try {
      const r = await fetch(`/api/notebooks/${encodeURIComponent(this.notebookId)}`, { credentials: 'same-origin' })
      if (!r.ok) return
      const info: { runtimeRefused?: { reason: string; message: string; command?: string } } = await r.json()
      const before = JSON.stringify(this.refusal)
      this.refusal = info.runtimeRefused ?? null
      if (JSON.stringify(this.refusal) !== before) this.showRuntime()
    } catch {
      // offline: the connection status says so; asked again on the next tick
    }
  }

  private showPresence(): void {
    const state = this.store.state
    const names = new Map<string, string[]>()
    for (const p of model.presence(state)) {
      if (p.userId === this.user.id || !p.cellId || model.isRuntimeActor(state, p.userId)) continue
      const list = names.get(p.cellId) ?? []
      list.push(model.actorName(state, p.userId))
      names.set(p.cellId, list)
    }
    for (const view of this.views.values()) {
      const who = names.get(view.id)
      view.presence.textContent = who ? who.join(', ') : ''
      view.root.classList.toggle('others-here', !!who)
    }
  }

  private setPresence(cellId: string): void {
    if (this.readOnly || this.lastPresence === cellId) return
    this.lastPresence = cellId
    this.store.commit(model.presenceSet(this.user.id, cellId))
  }

  private setTitle(title: string): void {
    if (title !== model.title(this.store.state)) this.store.commit(model.titleChanged(title))
  }

  private orderedIds(): string[] { return model.cells(this.store.state).map((c) => c.id) }

  addCell(cellType: string, anchor: string | null, where: 'above' | 'below' = 'below'): string | null {
    if (this.readOnly) return null
    const cells = model.cells(this.store.state)
    let before: string | null = null, after: string | null = null
    if (anchor === null) before = cells.length ? cells[cells.length - 1].fractionalIndex : null
    else {
      const i = cells.findIndex((c) => c.id === anchor)
      if (where === 'above') { after = cells[i].fractionalIndex; before = i > 0 ? cells[i - 1].fractionalIndex : null }
      else { before = cells[i].fractionalIndex; after = i + 1 < cells.length ? cells[i + 1].fractionalIndex : null }
    }
    const id = `cell-${Date.now()}-${newId('')}`
    this.store.commit(model.cellCreated(id, model.keyBetween(before, after), cellType, this.user.id))
    this.afterRender(() => this.focusCell(id))
    return id
  }

  private afterRender(fn: () => void): void {
    requestAnimationFrame(() => requestAnimationFrame(fn))
  }

  focusCell(id: string): void {
    const view = this.views.get(id)
    if (!view) return
    if (view.cellType === 'markdown') this.editMarkdown(id)
    else view.editor.focus()
    view.root.scrollIntoView({ block: 'nearest' })
  }

  private editMarkdown(id: string): void {
    const view = this.views.get(id)
    if (!view) return
    view.editing = true
    view.root.classList.remove('rendered')
    view.editor.focus(true)
  }

  private deleteCell(id: string): void {
    if (this.readOnly) return
    const ids = this.orderedIds()
    const i = ids.indexOf(id)
    this.store.commit(model.cellDeleted(id, this.user.id))
    const next = ids[i + 1] ?? ids[i - 1]
    if (next) this.afterRender(() => this.focusCell(next))
  }

  private move(id: string, delta: -1 | 1): void {
    if (this.readOnly) return
    const ids = this.orderedIds()
    const i = ids.indexOf(id)
    const j = i + delta
    if (i < 0 || j < 0 || j >= ids.length) return
    this.moveNextTo(id, ids[j], delta < 0 ? 'above' : 'below')
  }

  private moveNextTo(id: string, anchor: string, where: 'above' | 'below'): void {
    const cells = model.cells(this.store.state).filter((c) => c.id !== id)
    const i = cells.findIndex((c) => c.id === anchor)
    if (i < 0) return
    const before = where === 'above' ? (i > 0 ? cells[i - 1].fractionalIndex : null) : cells[i].fractionalIndex
    const after = where === 'above' ? cells[i].fractionalIndex : (i + 1 < cells.length ? cells[i + 1].fractionalIndex : null)
    this.store.commit(model.cellMoved(id, model.keyBetween(before, after), this.user.id))
    this.afterRender(() => this.views.get(id)?.editor.focus())
  }

  run(id: string): void {
    const cell = model.cells(this.store.state).find((c) => c.id === id)
    const view = this.views.get(id)
    if (!cell || !view || this.readOnly) return
    if (view.editor.source !== cell.source) this.store.commit(model.sourceChanged(id, view.editor.source, this.user.id))
    if (cell.cellType === 'markdown') {
      view.editing = false
      view.editor.blur()
      this.dirty.add(id)
      this.onChange([], false)
      return
    }
    if (cell.cellType !== 'code' && cell.cellType !== 'ai') return
    this.store.commit(model.executionRequested(newId('exec-'), id, model.nextExecutionCount(this.store.state), this.user.id))
  }

  private runAndAdvance(id: string): void {
    this.run(id)
    const ids = this.orderedIds()
    const next = ids[ids.indexOf(id) + 1]
    if (next) this.focusCell(next)
    else this.addCell('code', id, 'below')
  }

  runAll(): void {
    let count = model.nextExecutionCount(this.store.state)
    const infos = model.cells(this.store.state).filter((c) => c.cellType === 'code' && c.source.trim() !== '')
      .map((c) => ({ id: c.id, executionCount: count++, queueId: newId('exec-') }))
    if (infos.length) this.store.commit(model.multipleExecutionRequested(this.user.id, infos))
  }

  interrupt(cellId: string): void {
    for (const q of model.activeQueue(this.store.state).filter((q) => q.cellId === cellId))
      this.store.commit(model.executionCancelled(q.id, q.cellId, this.user.id))
  }

  interruptAll(): void {
    // The running cell first (its agent interrupts the kernel), then whatever waits.
    const active = model.activeQueue(this.store.state)
    for (const q of active) this.store.commit(model.executionCancelled(q.id, q.cellId, this.user.id))
  }

  private async importIpynb(file: File): Promise<void> {
    const r = await fetch(`/api/notebooks/${encodeURIComponent(this.notebookId)}/ipynb`, {
      method: 'POST', body: await file.text(), headers: { 'Content-Type': 'application/x-ipynb+json' }, credentials: 'same-origin',
    })
    if (!r.ok) alert(`Import failed: ${await r.text()}`)
  }
}

