// The names of the renderers that are bundled apart (web/build.mjs builds each into
// assets/render-<name>.js as an IIFE that sets globalThis.runtRender_<name>). They are far
// bigger than the app (plotly alone is ~1.5 MB), so they load only when an output needs them.
export const kChunks = ['plotly', 'vega', 'katex'] as const
export type ChunkName = (typeof kChunks)[number]
export const isChunkName = (name: unknown): name is ChunkName => kChunks.includes(name as ChunkName)
export const chunkUrl = (name: ChunkName) => `/assets/render-${name}.js`
export const chunkGlobal = (name: ChunkName) => `runtRender_${name}`

// What each chunk exports.
export interface PlotlyChunk { render(host: HTMLElement, figure: unknown): Promise<void> }
export interface VegaChunk { render(host: HTMLElement, spec: unknown, mode: 'vega' | 'vega-lite'): Promise<void> }
export interface KatexChunk { render(tex: string, host: HTMLElement, display: boolean): void }
export interface ChunkExports { plotly: PlotlyChunk; vega: VegaChunk; katex: KatexChunk }
