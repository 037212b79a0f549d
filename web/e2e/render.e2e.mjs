// Rich outputs in headless chromium: a notebook seeded through the sync protocol (as the agent
// would write it: MultimediaDisplayOutputAdded with inline representations) with a Plotly
// figure, a Vega-Lite chart, a Vega spec, text/latex, JSON, GeoJSON and a markdown cell with
// math; each must render in its sandboxed frame, which still cannot reach the app's origin.
// Usage: node render.e2e.mjs RUNT_BINARY BUILD_DIR
import { createNotebook, pushAll, startServe } from '../../bench/web_seed.mjs'
import { checker, launchBrowser, screenshotDir, until } from './harness.mjs'

const [runt, buildDir] = process.argv.slice(2)
const shots = screenshotDir(buildDir)
const t = checker('rich outputs')
const server = await startServe(runt, 'render-token')
const browser = await launchBrowser()

const outputs = {
  plotly: { 'application/vnd.plotly.v1+json': { data: [{ type: 'scatter', mode: 'lines+markers', x: [1, 2, 3, 4], y: [10, 15, 13, 17], name: 'line' }, { type: 'bar', x: [1, 2, 3, 4], y: [4, 6, 3, 5], name: 'bar' }], layout: { title: { text: 'plotly' }, width: 520, height: 320 } }, 'text/html': '<b>plotly html fallback</b>', 'text/plain': 'Figure()' },
  vegalite: { 'application/vnd.vegalite.v5+json': { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', data: { values: [{ a: 'A', b: 28 }, { a: 'B', b: 55 }, { a: 'C', b: 43 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } } }, 'image/png': 'iVBORw0KGgo=', 'text/plain': 'alt.Chart(...)' },
  vega: { 'application/vnd.vega.v5+json': { width: 200, height: 100, data: [{ name: 't', values: [{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 2 }] }], scales: [{ name: 'x', domain: { data: 't', field: 'x' }, range: 'width' }, { name: 'y', domain: { data: 't', field: 'y' }, range: 'height' }], marks: [{ type: 'line', from: { data: 't' }, encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, stroke: { value: 'steelblue' } } } }] } },
  latex: { 'text/latex': '$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$', 'text/plain': '<IPython.core.display.Latex object>' },
  equation: { 'text/latex': '\\begin{equation}\ne^{i\\pi} + 1 = 0\n\\end{equation}', 'text/plain': '<IPython.core.display.Latex object>' },
  json: { 'application/json': { name: 'runt', tags: ['a', 'b'], nested: { level2: { level3: { deep: true } } }, n: 3 }, 'text/plain': '{...}' },
  geojson: { 'application/geo+json': { type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { name: 'Paris' }, geometry: { type: 'Point', coordinates: [2.35, 48.86] } },
    { type: 'Feature', properties: { name: 'Rhine' }, geometry: { type: 'LineString', coordinates: [[7.6, 47.6], [8.2, 49.0], [7.6, 50.3], [6.1, 51.8]] } },
    { type: 'Feature', properties: { name: 'Box' }, geometry: { type: 'Polygon', coordinates: [[[0, 45], [5, 45], [5, 50], [0, 50], [0, 45]]] } },
  ] }, 'text/plain': '<GeoJSON>' },
}
const markdown = 'Inline $a^2 + b^2 = c^2$ and display:\n\n$$\\sum_{n=1}^\\infty \\frac{1}{n^2} = \\frac{\\pi^2}{6}$$\n\nCosts $5 and $10; code `$not math$` stays.\n\nA huge rule $\\rule{200em}{200em}$ is capped.'

const id = 'render-nb'
const ws = await createNotebook(server, id)
const events = [{ name: 'v1.NotebookTitleChanged', args: { title: 'Rich outputs' } }]
Object.entries(outputs).forEach(([name, reps], i) => {
  events.push({ name: 'v2.CellCreated', args: { id: name, fractionalIndex: `a${i}`, cellType: 'code', createdBy: 'e2e' } })
  events.push({ name: 'v1.CellSourceChanged', args: { id: name, source: `# ${name}`, modifiedBy: 'e2e' } })
  const representations = Object.fromEntries(Object.entries(reps).map(([mime, data]) => [mime, { type: 'inline', data }]))
  events.push({ name: 'v1.MultimediaDisplayOutputAdded', args: { id: `out-${name}`, cellId: name, position: 0, representations } })
})
events.push({ name: 'v2.CellCreated', args: { id: 'md', fractionalIndex: 'b0', cellType: 'markdown', createdBy: 'e2e' } })
events.push({ name: 'v1.CellSourceChanged', args: { id: 'md', source: markdown, modifiedBy: 'e2e' } })
await pushAll(ws, events)
ws.close()

const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
// Errors from the app and its frames, printed so a failure says why.
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`console ${m.type()}: ${m.text()}`) })
page.on('pageerror', (e) => console.log(`page error: ${e.message}`))
try {
  await page.goto(`${server.origin}/?token=${server.token}`) // the login cookie
  await page.goto(`${server.origin}/n/${id}`)
  const cell = (name) => page.locator(`.cell[data-cell-id="${name}"]`)
  const frameOf = (name) => page.frameLocator(`.cell[data-cell-id="${name}"] iframe.output-frame`)
  const count = async (name, selector, ms = 30_000) => {
    const end = Date.now() + ms
    for (;;) {
      const n = await frameOf(name).locator(selector).count().catch(() => 0)
      if (n > 0 || Date.now() > end) return n
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const shot = async (name, file) => { await cell(name).scrollIntoViewIfNeeded(); await cell(name).screenshot({ path: `${shots}/${file}` }) }
  t.ok('the notebook shows its cells', await until(page, () => document.querySelectorAll('.cell').length === 8, undefined, 30_000) === true)

  t.ok('plotly is preferred over its HTML fallback', await cell('plotly').locator('[data-mime]').getAttribute('data-mime') === 'application/vnd.plotly.v1+json')
  t.ok('a Plotly figure renders (.main-svg)', await count('plotly', '.main-svg') > 0)
  t.ok('...with its line and bar traces', await count('plotly', '.scatterlayer .trace path.js-line') > 0 && await count('plotly', '.barlayer .trace path') === 4)
  await shot('plotly', 'render-plotly.png')

  t.ok('vega-lite is preferred over its PNG', await cell('vegalite').locator('[data-mime]').getAttribute('data-mime') === 'application/vnd.vegalite.v5+json')
  t.ok('a Vega-Lite chart renders with its bars', await count('vegalite', 'svg.marks .mark-rect path') === 3 || await frameOf('vegalite').locator('svg.marks .mark-rect path').count() === 3)
  t.ok('a Vega chart renders with its line', await count('vega', 'svg.marks .mark-line path') > 0)
  await shot('vegalite', 'render-vega.png')

  t.ok('text/latex ($$...$$) renders with KaTeX', await count('latex', '.katex-display .katex') > 0)
  t.ok('text/latex (\\begin{equation}) renders with KaTeX', await count('equation', '.katex') > 0)
  t.ok('math in a markdown cell renders with KaTeX (inline and display)', await until(page, () => {
    const md = document.querySelector('.cell[data-cell-id="md"] .markdown-rendered')
    return !!md && md.querySelectorAll('.math-inline .katex').length === 2 && md.querySelectorAll('.math-display .katex-display').length === 1
  }) === true)
  const [mdText, code] = await page.evaluate(() => {
    const md = document.querySelector('.cell[data-cell-id="md"] .markdown-rendered')
    return [md?.querySelectorAll('p')[1]?.textContent, md?.querySelector('code')?.textContent]
  })
  t.ok('...but not currency nor code spans', mdText === 'Costs $5 and $10; code $not math$ stays.' && code === '$not math$', `${mdText} / ${code}`)
  // (Chromium pauses the rendering of cross-origin frames out of view, and with it their resize
  // reports: the frames grow once they are scrolled to, as a reader would.)
  const mdHeight = await cell('md').evaluate((c) => c.getBoundingClientRect().height)
  t.ok('...and TeX cannot paint over the app (\\rule capped by maxSize)', mdHeight < 700, `${mdHeight}px`)
  await page.locator('.cell[data-cell-id="equation"]').scrollIntoViewIfNeeded()
  t.ok('the math frames take the height of their equations', await until(page, () => ['latex', 'equation'].every((id) =>
    document.querySelector(`.cell[data-cell-id="${id}"] iframe.output-frame`)?.getBoundingClientRect().height > 40)) === true)
  await page.screenshot({ path: `${shots}/render-math.png` })
  await shot('md', 'render-math-markdown.png')

  const tree = frameOf('json')
  t.ok('JSON renders as a tree', await count('json', '.json-tree details.json-node') > 0)
  const deep = tree.locator('details.json-node', { has: tree.locator(':scope > summary', { hasText: 'level2' }) })
  t.ok('...open to depth 2, collapsed below', await deep.evaluate((d) => d.open) === false && await tree.locator('text=deep').count() === 0)
  t.ok('...arrays show their length', await tree.locator('.json-shape', { hasText: 'Array(2)' }).count() === 1)
  await deep.locator(':scope > summary').click()
  t.ok('...and a collapsed node expands on click', await deep.evaluate((d) => d.open) === true && await count('json', 'text=level3') > 0)
  await shot('json', 'render-json.png')

  t.ok('GeoJSON draws its line and polygon', await count('geojson', 'svg.geojson-map path') === 2)
  t.ok('...and its point', await frameOf('geojson').locator('svg.geojson-map circle').count() === 1)
  t.ok('...with the feature count and properties', /3 features/.test(await frameOf('geojson').locator('.geojson-summary').innerText()) && await frameOf('geojson').locator('td', { hasText: 'Rhine' }).count() === 1)
  await shot('geojson', 'render-geojson.png')

  // The frames stay sandboxed: no same-origin, no cookie, no parent DOM, no requests to the app.
  const frame = await (await cell('plotly').locator('iframe.output-frame').elementHandle()).contentFrame()
  const sandbox = await cell('plotly').locator('iframe.output-frame').getAttribute('sandbox')
  t.ok('the plotly frame is sandboxed without allow-same-origin', sandbox === 'allow-scripts', String(sandbox))
  const probe = await frame.evaluate(async (origin) => {
    const out = []
    try { out.push(`cookie:${document.cookie}`) } catch (e) { out.push(`cookie-blocked:${e.name}`) }
    try { out.push(`parent:${parent.document.title}`) } catch (e) { out.push(`parent-blocked:${e.name}`) }
    try { const r = await fetch(`${origin}/api/notebooks`); out.push(`fetch:${r.status}`) } catch (e) { out.push(`fetch-blocked:${e.name}`) }
    out.push(`plotly-loaded:${typeof globalThis.runtRender_plotly}`)
    return out.join(' ')
  }, server.origin)
  t.ok('the frame cannot read cookies, the parent, or fetch the app', probe === 'cookie-blocked:SecurityError parent-blocked:SecurityError fetch-blocked:TypeError plotly-loaded:object', probe)
  const appChunks = await page.evaluate(() => ['plotly', 'vega'].map((n) => typeof window[`runtRender_${n}`]).join(','))
  t.ok('plotly and vega never run in the app page', appChunks === 'undefined,undefined', appChunks)
} catch (err) {
  t.ok('no exception', false, err.stack)
  await page.screenshot({ path: `${shots}/render-failure.png` }).catch(() => {})
}
await browser.close()
await server.stop()
server.cleanup()
process.exit(t.done() ? 1 : 0)
