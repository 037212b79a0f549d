// Math in markdown: $...$ inline and $$...$$ display. A marked extension finds it as a token of
// its own, so code spans and code blocks (tokenized by marked first) are never touched, and
// emphasis inside TeX (a_1 * b_2) is not turned into markup. The TeX lands escaped in a
// placeholder element; typesetMath renders the placeholders with KaTeX, loaded on first use.
import { Marked, type TokenizerAndRendererExtension } from 'marked'
import { loadChunk } from './chunks'

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const placeholder = (tex: string, display: boolean) =>
  display ? `<div class="math math-display">${escapeHtml(tex)}</div>` : `<span class="math math-inline">${escapeHtml(tex)}</span>`

// $$ on its own lines.
const blockMath: TokenizerAndRendererExtension = {
  name: 'blockMath',
  level: 'block',
  start: (src) => src.match(/^ {0,3}\$\$/m)?.index,
  tokenizer(src) {
    const m = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/.exec(src)
    if (m) return { type: 'blockMath', raw: m[0], text: m[1].trim() }
  },
  renderer: (token) => placeholder(token.text as string, true),
}

// $$...$$ within a paragraph is display math too. A single $ opens math only when not followed
// by a space, and closes only when not preceded by one nor followed by a digit, so "$5 and $10"
// stays text (as Jupyter and pandoc read it), and never spans a backtick, so "$10 and `$x$`"
// leaves the code span alone.
const inlineMath: TokenizerAndRendererExtension = {
  name: 'inlineMath',
  level: 'inline',
  start: (src) => { const i = src.indexOf('$'); return i < 0 ? undefined : i },
  tokenizer(src) {
    const display = /^\$\$([\s\S]+?)\$\$/.exec(src)
    if (display) return { type: 'inlineMath', raw: display[0], text: display[1].trim(), display: true }
    const inline = /^\$(?!\s)((?:\\.|[^\\$\n`])+?)(?<!\s)\$(?!\d)/.exec(src)
    if (inline) return { type: 'inlineMath', raw: inline[0], text: inline[1], display: false }
  },
  renderer: (token) => placeholder(token.text as string, token.display as boolean),
}

export const markdown = new Marked({ gfm: true, extensions: [blockMath, inlineMath] })

// Renders the math placeholders under `root` (after its HTML has been sanitized and inserted).
export function typesetMath(root: HTMLElement): void {
  const nodes = Array.from(root.querySelectorAll<HTMLElement>('.math:not([data-typeset])'))
  if (nodes.length === 0) return
  loadChunk('katex').then((katex) => {
    for (const n of nodes) {
      n.dataset.typeset = '1'
      katex.render(n.textContent ?? '', n, n.classList.contains('math-display'))
    }
  }).catch((err: unknown) => console.warn('math stays as TeX:', err))
}
