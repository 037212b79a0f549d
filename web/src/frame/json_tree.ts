// application/json as a tree: objects and arrays are <details> (keys in the order JSON.parse
// gives them), open down to depth 2 and collapsed below, so a large document shows its shape
// first. Everything is text nodes: no markup from the data.
const kOpenDepth = 2

function leaf(value: unknown): HTMLElement {
  const span = document.createElement('span')
  span.className = `json-${value === null ? 'null' : typeof value}`
  span.textContent = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return span
}

function label(key: string | null): HTMLElement {
  const span = document.createElement('span')
  span.className = 'json-key'
  span.textContent = key === null ? '' : `${key}: `
  return span
}

function node(key: string | null, value: unknown, depth: number): HTMLElement {
  if (value === null || typeof value !== 'object') {
    const row = document.createElement('div')
    row.className = 'json-row'
    row.append(label(key), leaf(value))
    return row
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value)
  const details = document.createElement('details')
  details.className = 'json-node'
  details.open = depth < kOpenDepth
  const summary = document.createElement('summary')
  const shape = document.createElement('span')
  shape.className = 'json-shape'
  shape.textContent = Array.isArray(value) ? `Array(${value.length})` : `{${entries.length} ${entries.length === 1 ? 'key' : 'keys'}}`
  summary.append(label(key), shape)
  details.appendChild(summary)
  // Children are built when first opened: a collapsed 100k-element array costs nothing.
  let built = false
  const build = () => {
    if (built || !details.open) return
    built = true
    for (const [k, v] of entries) details.appendChild(node(k, v, depth + 1))
  }
  details.addEventListener('toggle', build)
  build()
  return details
}

export function renderJsonTree(host: HTMLElement, value: unknown): void {
  const root = document.createElement('div')
  root.className = 'json-tree'
  root.appendChild(node(null, value, 0))
  host.appendChild(root)
}
