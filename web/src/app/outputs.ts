// Rendering of a cell's outputs. Anything that could carry script (HTML, SVG) goes into a
// sandboxed iframe without allow-same-origin, served by /frame.html under its own CSP, so it
// runs in an opaque origin: it cannot read the app's cookie, storage or DOM. Markdown is
// sanitized by DOMPurify before it touches the page. Streams and tracebacks are text nodes.
import DOMPurify from 'dompurify'
import { renderAnsi, resolveCarriageReturns } from './ansi'
import { el } from './dom'
import { toolCallCard, toolResultNote } from './ai'
import { chunkSource } from './chunks'
import { markdown, typesetMath } from './math'

export interface Representation { type: 'inline' | 'artifact'; data?: unknown; artifactId?: string; metadata?: unknown }
export interface OutputRow {
  id: string
  outputType: string
  streamName: string | null
  executionCount: number | null
  displayId: string | null
  data: string | null
  artifactId: string | null
  mimeType: string | null
  representations: Record<string, Representation> | null
}

// Long streams render their tail; the log and the artifact store keep everything.
export const kTailLines = 2000
// Preference when a display carries several representations (richest first, as Jupyter and
// nteract: interactive charts and maps above the HTML and images that stand in for them).
const kPreference = ['application/vnd.jupyter.widget-view+json', 'application/vnd.plotly.v1+json',
  'application/vnd.vegalite.v5+json', 'application/vnd.vegalite.v4+json', 'application/vnd.vegalite.v3+json',
  'application/vnd.vega.v5+json', 'application/geo+json', 'text/html', 'image/svg+xml', 'image/png', 'image/jpeg',
  'image/gif', 'text/markdown', 'text/latex', 'application/json', 'text/plain']

// Artifact ids are `<notebookId>/<sha256>`: the slash is part of the path.
export const artifactUrl = (id: string) => `/api/artifacts/${id.split('/').map(encodeURIComponent).join('/')}`

// Markdown lands in the app's own page, so besides scripts it may not bring styles (a restyled
// app is a phishing page), forms (a same-origin POST), or same-origin URLs other than artifacts
// (an <img src="/?token=..."> would log the reader in as someone else).
const purifier = DOMPurify()
purifier.addHook('afterSanitizeAttributes', (node) => {
  for (const attr of ['src', 'href']) {
    const value = node.getAttribute(attr)
    if (value === null) continue
    let url: URL
    try { url = new URL(value, location.href) } catch { node.removeAttribute(attr); continue }
    const artifact = url.origin === location.origin && url.pathname.startsWith('/api/artifacts/') && url.search === ''
    const allowed = attr === 'src' ? url.protocol === 'data:' || artifact
      : url.protocol === 'https:' || url.protocol === 'http:' && url.origin !== location.origin || url.protocol === 'mailto:' || artifact || value.startsWith('#')
    if (!allowed) node.removeAttribute(attr)
  }
  if (node.tagName === 'A') { node.setAttribute('target', '_blank'); node.setAttribute('rel', 'noopener noreferrer') }
})
export function markdownToSafeHtml(source: string): string {
  return purifier.sanitize(markdown.parse(source, { async: false }) as string, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'link', 'meta', 'base'],
    FORBID_ATTR: ['style', 'srcset', 'action', 'formaction'],
  })
}

// The last `lines` lines of `text`, and how many lines were left out.
export function tailOf(text: string, lines: number): { tail: string; hidden: number } {
  let at = text.length
  if (text.endsWith('\n')) at--
  for (let n = 0; n < lines; n++) {
    at = text.lastIndexOf('\n', at - 1)
    if (at < 0) return { tail: text, hidden: 0 }
  }
  let hidden = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) hidden++
  return { tail: text.slice(at + 1), hidden: hidden + 1 }
}

// Each "show more" shows ten times as many lines: a million-line stream never lands in the
// page at once by accident, and the whole of it is in the log and the export.
function textBlock(text: string, cls: string, expanded: Map<string, number>, key: string, rerender: () => void): HTMLElement {
  const pre = el('pre', cls)
  const lines = expanded.get(key) ?? kTailLines
  const { tail, hidden } = tailOf(text, lines)
  if (hidden > 0) {
    const more = el('button', 'show-more', `Show ${Math.min(hidden, lines * 9).toLocaleString()} more of ${hidden.toLocaleString()} earlier lines`)
    more.onclick = () => { expanded.set(key, lines * 10); rerender() }
    pre.appendChild(more)
    pre.appendChild(document.createTextNode('\n'))
  }
  renderAnsi(pre, resolveCarriageReturns(tail))
  return pre
}

// Markdown (sanitized) with its math typeset, in the app's page.
export function renderMarkdown(into: HTMLElement, source: string): void {
  into.innerHTML = markdownToSafeHtml(source)
  typesetMath(into)
}

// One iframe per rich output; the frame reports its height so outputs size to content, and asks
// for the renderer chunks it needs (see frame/load.ts).
const frames = new WeakMap<Window, HTMLIFrameElement>() // gone with their frames
window.addEventListener('message', (e: MessageEvent) => {
  const frame = e.source ? frames.get(e.source as Window) : undefined
  if (!frame) return
  if (typeof e.data?.height === 'number') frame.style.height = `${Math.min(Math.max(e.data.height, 20), 4000)}px`
  const source = chunkSource(e.data?.need)
  const target = e.source as Window
  source?.then((text) => target.postMessage({ chunk: e.data.need, source: text }, '*'), (err: unknown) => console.warn(`renderer ${e.data.need}:`, err))
})

// What the frame renders itself besides HTML and SVG: {mime, data} rather than markup.
const kFrameMimes = new Set(['application/vnd.plotly.v1+json', 'application/vnd.vegalite.v5+json', 'application/vnd.vegalite.v4+json',
  'application/vnd.vegalite.v3+json', 'application/vnd.vega.v5+json', 'application/geo+json', 'text/latex', 'application/json'])

function sandboxed(content: { html: string } | { mime: string; data: unknown }): HTMLIFrameElement {
  const frame = el('iframe', 'output-frame')
  frame.setAttribute('sandbox', 'allow-scripts')
  frame.setAttribute('referrerpolicy', 'no-referrer')
  frame.src = '/frame.html'
  frame.addEventListener('load', () => {
    if (!frame.contentWindow) return
    frames.set(frame.contentWindow, frame)
    // Opaque origin: '*' is the only target that reaches it; the content is the output's own.
    frame.contentWindow.postMessage(content, '*')
  })
  return frame
}

function inlineText(r: Representation): string {
  if (typeof r.data === 'string') return r.data
  if (r.data === undefined || r.data === null) return ''
  return JSON.stringify(r.data, null, 2)
}

function renderRepresentation(mime: string, r: Representation): HTMLElement {
  if (r.type === 'artifact' && r.artifactId) {
    if (mime.startsWith('image/')) {
      const img = el('img', 'output-image')
      img.src = artifactUrl(r.artifactId)
      img.alt = mime
      return img
    }
    const a = el('a', 'artifact-link', `${mime} output stored as artifact ${r.artifactId.slice(0, 12)}… (open)`)
    a.href = artifactUrl(r.artifactId)
    a.target = '_blank'
    return a
  }
  if (kFrameMimes.has(mime)) return sandboxed({ mime, data: r.data })
  const text = inlineText(r)
  switch (mime) {
    case 'text/html': return sandboxed({ html: text })
    case 'image/svg+xml': return sandboxed({ html: text })
    case 'image/png': case 'image/jpeg': case 'image/gif': {
      const img = el('img', 'output-image')
      img.src = `data:${mime};base64,${text.replace(/\s/g, '')}`
      img.alt = mime
      return img
    }
    case 'text/markdown': {
      const div = el('div', 'markdown-output')
      renderMarkdown(div, text)
      return div
    }
    default: return el('pre', 'text-output', text)
  }
}

const kToolCall = 'application/vnd.anode.aitool+json'
const kToolResult = 'application/vnd.anode.aitool.result+json'

export function renderDisplay(reps: Record<string, Representation>): HTMLElement {
  // An AI cell's tool call and its result record (anode renders these first, as we do).
  if (kToolCall in reps) return toolCallCard(reps[kToolCall].data)
  if (kToolResult in reps) return toolResultNote(reps[kToolResult].data)
  const mimes = Object.keys(reps)
  const mime = kPreference.find((m) => m in reps && m !== 'application/vnd.jupyter.widget-view+json') ??
    mimes.find((m) => m.endsWith('+json')) ?? mimes[0]
  if (mime === undefined) return el('div', 'empty-output')
  const node = renderRepresentation(mime, reps[mime])
  node.dataset.mime = mime
  return node
}

export function renderOutput(o: OutputRow, expanded: Map<string, number>, rerender: () => void): HTMLElement {
  const wrap = el('div', `output output-${o.outputType}`)
  wrap.dataset.outputId = o.id
  switch (o.outputType) {
    case 'terminal':
      if (o.artifactId) wrap.appendChild(renderRepresentation('text/plain', { type: 'artifact', artifactId: o.artifactId }))
      else wrap.appendChild(textBlock(o.data ?? '', `stream ${o.streamName ?? 'stdout'}`, expanded, o.id, rerender))
      break
    case 'error': {
      let err: { ename?: string; evalue?: string; traceback?: string[] } = {}
      try { err = JSON.parse(o.data ?? '{}') } catch { err = { evalue: o.data ?? '' } }
      const pre = el('pre', 'error-output')
      const tb = Array.isArray(err.traceback) && err.traceback.length > 0 ? err.traceback.join('\n') : `${err.ename ?? 'Error'}: ${err.evalue ?? ''}`
      renderAnsi(pre, tb)
      wrap.appendChild(pre)
      break
    }
    case 'markdown': {
      const div = el('div', 'markdown-output')
      renderMarkdown(div, o.data ?? '')
      wrap.appendChild(div)
      break
    }
    default:
      if (o.representations && Object.keys(o.representations).length > 0) wrap.appendChild(renderDisplay(o.representations))
      else if (o.data) wrap.appendChild(el('pre', 'text-output', o.data))
  }
  return wrap
}
