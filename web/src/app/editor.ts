// CodeMirror 6 for cell sources: Python or Markdown highlighting, the notebook's keys, and
// remote edits applied as minimal changes so the local cursor stays where it was.
import { Annotation, Compartment, EditorState, Prec, Transaction, type Extension } from '@codemirror/state'
import { EditorView, drawSelection, highlightActiveLine, keymap, placeholder } from '@codemirror/view'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language'
import { python } from '@codemirror/lang-python'
import { markdown } from '@codemirror/lang-markdown'

const remote = Annotation.define<boolean>()

export interface EditorHooks {
  onEdit(source: string): void
  onFocus(): void
  onBlur(): void
  runAndAdvance(): boolean // Shift+Enter
  runInPlace(): boolean // Ctrl/Cmd+Enter
  moveCell(delta: -1 | 1): boolean // Alt+Up / Alt+Down
  leave(): boolean // Escape
}

function languageOf(cellType: string): Extension {
  if (cellType === 'code') return python()
  if (cellType === 'markdown' || cellType === 'ai') return markdown()
  return []
}

export class CellEditor {
  readonly view: EditorView
  private language = new Compartment()
  private editable = new Compartment()

  constructor(parent: HTMLElement, source: string, cellType: string, readOnly: boolean, hooks: EditorHooks) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: source,
        extensions: [
          // Above the languages' own keymaps (Markdown binds Enter at high precedence).
          Prec.highest(keymap.of([
            { key: 'Shift-Enter', run: () => hooks.runAndAdvance() },
            { key: 'Mod-Enter', run: () => hooks.runInPlace() },
            { key: 'Alt-ArrowUp', run: () => hooks.moveCell(-1) },
            { key: 'Alt-ArrowDown', run: () => hooks.moveCell(1) },
            { key: 'Escape', run: () => hooks.leave() },
          ])),
          history(),
          drawSelection(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
          placeholder(cellType === 'code' ? 'Python code (Shift+Enter runs)' : 'Text'),
          this.language.of(languageOf(cellType)),
          this.editable.of([EditorView.editable.of(!readOnly), EditorState.readOnly.of(readOnly)]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(remote))) hooks.onEdit(u.state.doc.toString())
            if (u.focusChanged) (u.view.hasFocus ? hooks.onFocus : hooks.onBlur)()
          }),
        ],
      }),
    })
  }

  get source(): string { return this.view.state.doc.toString() }

  // Someone else's source: replace only the part that differs (the cursor maps through it).
  setSource(source: string): void {
    const current = this.view.state.doc.toString()
    if (current === source) return
    let start = 0
    while (start < current.length && start < source.length && current[start] === source[start]) start++
    let endOld = current.length, endNew = source.length
    while (endOld > start && endNew > start && current[endOld - 1] === source[endNew - 1]) { endOld--; endNew-- }
    // Not in the undo history: Ctrl+Z undoes your own typing, never someone else's.
    this.view.dispatch({ changes: { from: start, to: endOld, insert: source.slice(start, endNew) },
      annotations: [remote.of(true), Transaction.addToHistory.of(false)] })
  }

  setCellType(cellType: string): void {
    this.view.dispatch({ effects: this.language.reconfigure(languageOf(cellType)) })
  }

  focus(atEnd = false): void {
    this.view.focus()
    if (atEnd) this.view.dispatch({ selection: { anchor: this.view.state.doc.length } })
  }

  destroy(): void { this.view.destroy() }
}

// A cell's source as plain text until the cell comes near the viewport or is clicked: building
// hundreds of CodeMirror views would dominate opening a large notebook.
export class LazyEditor {
  private editor: CellEditor | null = null
  private text: HTMLPreElement | null
  private cellType: string
  private pending: string

  constructor(private parent: HTMLElement, source: string, cellType: string, private readOnly: boolean, private hooks: EditorHooks) {
    this.pending = source
    this.cellType = cellType
    this.text = document.createElement('pre')
    this.text.className = 'source-text'
    this.text.textContent = source
    this.text.addEventListener('mousedown', (e) => { e.preventDefault(); this.focus(true) })
    parent.appendChild(this.text)
  }

  get live(): boolean { return this.editor !== null }

  // Builds the CodeMirror view in place of the text.
  wake(): CellEditor {
    if (!this.editor) {
      this.text?.remove()
      this.text = null
      this.editor = new CellEditor(this.parent, this.pending, this.cellType, this.readOnly, this.hooks)
    }
    return this.editor
  }

  get source(): string { return this.editor ? this.editor.source : this.pending }
  get hasFocus(): boolean { return this.editor?.view.hasFocus ?? false }

  setSource(source: string): void {
    if (this.editor) this.editor.setSource(source)
    else if (this.pending !== source) { this.pending = source; this.text!.textContent = source }
  }

  setCellType(cellType: string): void {
    this.cellType = cellType
    this.editor?.setCellType(cellType)
  }

  focus(atEnd = false): void { this.wake().focus(atEnd) }
  blur(): void { this.editor?.view.contentDOM.blur() }
  destroy(): void { this.editor?.destroy() }
}
