// Entry point of assets/render-vega.js: Vega and Vega-Lite specs through vega-embed, drawn as
// SVG, without the export/source actions (they would open windows the sandbox blocks anyway).
// Vega compiles its expressions with new Function, which the frame's CSP allows ('unsafe-eval').
import embed from 'vega-embed'
import type { VegaChunk } from './chunks'

export const render: VegaChunk['render'] = async (host, spec, mode) => {
  await embed(host, spec as Parameters<typeof embed>[1], { mode, actions: false, renderer: 'svg' })
}
