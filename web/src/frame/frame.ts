// Runs inside <iframe sandbox="allow-scripts"> (an opaque origin) and shows one rich output:
// the parent posts {html} or {mime, data}; scripts in it run here, never in the app's origin.
// The frame tells the parent its height so the output takes the room it needs.
import { renderGeoJson } from './geojson'
import { renderJsonTree } from './json_tree'
import { renderLatex } from './latex'
import { loadChunk } from './load'

let shown = false

function reportHeight(): void {
  // The body's own height: the document's is never less than the frame's current height.
  const report = () => parent.postMessage({ height: Math.ceil(document.body.getBoundingClientRect().height) + 16 }, '*')
  new ResizeObserver(report).observe(document.body)
  report()
}

function showHtml(html: string): void {
  document.body.innerHTML = html
  // Scripts inserted through innerHTML do not run; re-create them so outputs like Plotly work.
  for (const old of Array.from(document.body.querySelectorAll('script'))) {
    const s = document.createElement('script')
    for (const a of Array.from(old.attributes)) s.setAttribute(a.name, a.value)
    s.textContent = old.textContent
    old.replaceWith(s)
  }
}

// JSON-typed outputs usually arrive parsed; a kernel may also send them as JSON text.
function parsed(data: unknown): unknown {
  if (typeof data !== 'string') return data
  try { return JSON.parse(data) } catch { return data }
}

async function showMime(mime: string, data: unknown): Promise<void> {
  const host = document.createElement('div')
  host.className = 'rendered'
  document.body.appendChild(host)
  if (mime === 'application/vnd.plotly.v1+json') return (await loadChunk('plotly')).render(host, parsed(data))
  if (mime.startsWith('application/vnd.vegalite.')) return (await loadChunk('vega')).render(host, parsed(data), 'vega-lite')
  if (mime.startsWith('application/vnd.vega.')) return (await loadChunk('vega')).render(host, parsed(data), 'vega')
  if (mime === 'text/latex') return renderLatex(host, String(data))
  if (mime === 'application/geo+json') return renderGeoJson(host, parsed(data))
  return renderJsonTree(host, parsed(data))
}

function show(message: { html?: unknown; mime?: unknown; data?: unknown }): void {
  if (typeof message.html === 'string') showHtml(message.html)
  else showMime(String(message.mime), message.data).catch((err: unknown) => {
    const pre = document.createElement('pre')
    pre.className = 'render-error'
    pre.textContent = `Could not render ${String(message.mime)}: ${err instanceof Error ? err.message : String(err)}`
    document.body.appendChild(pre)
  })
  reportHeight()
}

window.addEventListener('message', (e: MessageEvent) => {
  if (shown || e.source !== parent || (typeof e.data?.html !== 'string' && typeof e.data?.mime !== 'string')) return
  shown = true
  if (document.body) show(e.data)
  else document.addEventListener('DOMContentLoaded', () => show(e.data))
})
