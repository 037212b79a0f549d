// Modules without their own types.
declare module 'plotly.js-cartesian-dist-min' {
  const Plotly: { newPlot(host: HTMLElement, data: unknown[], layout?: object, config?: object): Promise<unknown> }
  export default Plotly
}
// KaTeX's stylesheet with its fonts inlined, made by web/build.mjs.
declare module 'katex-css' {
  const css: string
  export default css
}
