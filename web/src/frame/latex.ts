// text/latex as IPython's Latex and Math make it: TeX between $...$ (inline), $$...$$, \[...\]
// or a \begin{env}...\end{env} block (display), \(...\) (inline), with plain text between them.
// Math goes through KaTeX; text stays text (no TeX outside math, as in Jupyter).
import { loadChunk } from './load'

const kMath = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(\\begin\{([A-Za-z]+\*?)\}[\s\S]*?\\end\{\5\})|\$((?:\\.|[^\\$])+?)\$/g

export async function renderLatex(host: HTMLElement, source: string): Promise<void> {
  const katex = await loadChunk('katex')
  const root = document.createElement('div')
  root.className = 'latex-output'
  let at = 0
  for (const m of source.matchAll(kMath)) {
    if (m.index > at) root.appendChild(document.createTextNode(source.slice(at, m.index)))
    const inline = m[3] !== undefined || m[6] !== undefined
    const span = document.createElement(inline ? 'span' : 'div')
    katex.render((m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[6]).trim(), span, !inline)
    root.appendChild(span)
    at = m.index + m[0].length
  }
  if (at < source.length) root.appendChild(document.createTextNode(source.slice(at)))
  host.appendChild(root)
}
