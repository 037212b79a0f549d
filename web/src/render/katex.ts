// Entry point of assets/render-katex.js: TeX to HTML with KaTeX, used by the frame (text/latex)
// and by the app (math in markdown). Its stylesheet, fonts included as data: URLs (the frame's
// CSP allows fonts only from data:), comes in the bundle and is added to the page on first use.
import katex from 'katex'
import css from 'katex-css'
import type { KatexChunk } from './chunks'

let styled = false

export const render: KatexChunk['render'] = (tex, host, display) => {
  if (!styled) {
    const style = document.createElement('style')
    style.textContent = css
    document.head.appendChild(style)
    styled = true
  }
  // throwOnError false: a typo shows the source in red instead of losing the output.
  // trust stays false, so \href and \includegraphics cannot make links or requests; maxSize
  // caps \rule and spacing (in em), so math in a markdown cell cannot paint over the app.
  katex.render(tex, host, { displayMode: display, throwOnError: false, output: 'htmlAndMathml', maxSize: 20 })
}
