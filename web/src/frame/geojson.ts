// application/geo+json as a small map: the features' coordinates in an equirectangular
// projection (longitude as x, latitude as y), fitted to their bounding box, drawn as SVG; no
// tile server (the frame reaches none). Below it, the feature count and each feature's
// properties, readable even when the geometry is not.
type Position = number[]
interface Geometry { type: string; coordinates?: unknown; geometries?: Geometry[] }
interface Feature { type: 'Feature'; geometry: Geometry | null; properties?: Record<string, unknown> | null }

const kWidth = 480
const kMaxHeight = 360
const kListed = 50
const svgNs = 'http://www.w3.org/2000/svg'

function features(doc: unknown): Feature[] {
  const d = doc as { type?: string; features?: unknown[] }
  if (d?.type === 'FeatureCollection' && Array.isArray(d.features)) return d.features as Feature[]
  if (d?.type === 'Feature') return [d as Feature]
  if (typeof d?.type === 'string') return [{ type: 'Feature', geometry: d as Geometry, properties: null }]
  return []
}

// Lines (as position lists) and points of a geometry; polygons' rings are closed lines.
function parts(g: Geometry | null, lines: { ring: boolean; at: Position[] }[], points: Position[]): void {
  if (!g) return
  const c = g.coordinates as never
  switch (g.type) {
    case 'Point': points.push(c); break
    case 'MultiPoint': points.push(...(c as Position[])); break
    case 'LineString': lines.push({ ring: false, at: c }); break
    case 'MultiLineString': for (const l of c as Position[][]) lines.push({ ring: false, at: l }); break
    case 'Polygon': for (const r of c as Position[][]) lines.push({ ring: true, at: r }); break
    case 'MultiPolygon': for (const p of c as Position[][][]) for (const r of p) lines.push({ ring: true, at: r }); break
    case 'GeometryCollection': for (const sub of g.geometries ?? []) parts(sub, lines, points); break
  }
}

function svgEl(tag: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(svgNs, tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v))
  return e
}

function drawMap(list: Feature[]): SVGElement | null {
  const shapes = list.map((f) => { const lines: { ring: boolean; at: Position[] }[] = []; const points: Position[] = []; parts(f.geometry, lines, points); return { lines, points } })
  const all = shapes.flatMap((s) => [...s.points, ...s.lines.flatMap((l) => l.at)]).filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))
  if (all.length === 0) return null
  const xs = all.map((p) => p[0]); const ys = all.map((p) => p[1])
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  // A single point (or a line along a meridian) has no extent: give it one degree.
  const w = x1 - x0 || 1; const h = y1 - y0 || 1
  const pad = 12
  const scale = Math.min((kWidth - 2 * pad) / w, (kMaxHeight - 2 * pad) / h)
  const height = Math.ceil(h * scale + 2 * pad)
  // North up: SVG's y grows downwards.
  const px = (p: Position) => `${((p[0] - x0) * scale + pad).toFixed(1)},${((y1 - p[1]) * scale + pad).toFixed(1)}`
  const svg = svgEl('svg', { width: kWidth, height, viewBox: `0 0 ${kWidth} ${height}`, class: 'geojson-map' })
  svg.appendChild(svgEl('rect', { width: kWidth, height, fill: '#f4f8fb' }))
  shapes.forEach((s, i) => {
    const title = svgEl('title', {})
    title.textContent = `feature ${i}`
    for (const l of s.lines) {
      const d = l.at.map((p, k) => `${k === 0 ? 'M' : 'L'}${px(p)}`).join('') + (l.ring ? 'Z' : '')
      const path = svgEl('path', { d, fill: l.ring ? 'rgba(47,111,170,0.25)' : 'none', stroke: '#2f6faa', 'stroke-width': 1.5, 'fill-rule': 'evenodd' })
      path.appendChild(title.cloneNode(true))
      svg.appendChild(path)
    }
    for (const p of s.points) {
      const [cx, cy] = px(p).split(',')
      const dot = svgEl('circle', { cx, cy, r: 4, fill: '#c0392b' })
      dot.appendChild(title.cloneNode(true))
      svg.appendChild(dot)
    }
  })
  return svg
}

export function renderGeoJson(host: HTMLElement, doc: unknown): void {
  const list = features(doc)
  const map = drawMap(list)
  if (map) host.appendChild(map)
  const summary = document.createElement('div')
  summary.className = 'geojson-summary'
  summary.textContent = `${list.length} ${list.length === 1 ? 'feature' : 'features'}${map ? '' : ' (no coordinates to draw)'}`
  host.appendChild(summary)
  const keys = [...new Set(list.slice(0, kListed).flatMap((f) => Object.keys(f.properties ?? {})))]
  if (keys.length === 0) return
  const table = document.createElement('table')
  const head = table.insertRow()
  for (const k of ['#', ...keys]) { const th = document.createElement('th'); th.textContent = k; head.appendChild(th) }
  list.slice(0, kListed).forEach((f, i) => {
    const row = table.insertRow()
    row.insertCell().textContent = String(i)
    for (const k of keys) { const v = f.properties?.[k]; row.insertCell().textContent = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v) }
  })
  host.appendChild(table)
  if (list.length > kListed) { const more = document.createElement('div'); more.textContent = `and ${list.length - kListed} more`; host.appendChild(more) }
}
