// Modules without their own types.
declare module 'plotly.js-cartesian-dist-min' {
  const Plotly: { newPlot(host: HTMLElement, data: unknown[], layout?: object, config?: object): Promise<unknown> }
  export default Plotly
}
