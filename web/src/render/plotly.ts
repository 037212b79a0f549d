// Entry point of assets/render-plotly.js: application/vnd.plotly.v1+json ({data, layout,
// config?}) with plotly's cartesian bundle (scatter, bar, line, histogram, box, heatmap, pie...),
// the smallest official one that covers what plotly express draws most.
import Plotly from 'plotly.js-cartesian-dist-min'
import type { PlotlyChunk } from './chunks'

interface Figure { data?: unknown[]; layout?: Record<string, unknown>; config?: Record<string, unknown> }

export const render: PlotlyChunk['render'] = async (host, figure) => {
  const f = (figure ?? {}) as Figure
  // No "edit in Chart Studio" link or logo: the frame reaches no server anyway.
  await Plotly.newPlot(host, f.data ?? [], { autosize: true, ...f.layout }, { displaylogo: false, showLink: false, responsive: true, ...f.config })
}
