// Runs inside <iframe sandbox="allow-scripts"> (an opaque origin) and shows one rich output:
// the parent posts {html}; scripts in it run here, never in the app's origin. The frame tells
// the parent its height so the output takes the room it needs.
let shown = false

function show(html: string): void {
  document.body.innerHTML = html
  // Scripts inserted through innerHTML do not run; re-create them so outputs like Plotly work.
  for (const old of Array.from(document.body.querySelectorAll('script'))) {
    const s = document.createElement('script')
    for (const a of Array.from(old.attributes)) s.setAttribute(a.name, a.value)
    s.textContent = old.textContent
    old.replaceWith(s)
  }
  // The body's own height: the document's is never less than the frame's current height.
  const report = () => parent.postMessage({ height: Math.ceil(document.body.getBoundingClientRect().height) + 16 }, '*')
  new ResizeObserver(report).observe(document.body)
  report()
}

window.addEventListener('message', (e: MessageEvent) => {
  if (shown || e.source !== parent || typeof e.data?.html !== 'string') return
  shown = true
  if (document.body) show(e.data.html)
  else document.addEventListener('DOMContentLoaded', () => show(e.data.html))
})
