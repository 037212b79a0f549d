// ANSI SGR escapes (colours, bold, underline) in kernel streams and tracebacks, rendered as
// DOM spans. Text goes in through textContent only, so a stream can never inject markup.

const kBasic = ['#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5']
const kBright = ['#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff']

interface Style { fg?: string; bg?: string; bold?: boolean; italic?: boolean; underline?: boolean; dim?: boolean }

function color256(n: number): string {
  if (n < 8) return kBasic[n]
  if (n < 16) return kBright[n - 8]
  if (n < 232) {
    const i = n - 16
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40)
    return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`
  }
  const g = 8 + (n - 232) * 10
  return `rgb(${g},${g},${g})`
}

function applySgr(style: Style, params: number[]): Style {
  const s = { ...style }
  for (let i = 0; i < params.length; i++) {
    const p = params[i]
    if (p === 0) { for (const k of Object.keys(s)) delete (s as any)[k] }
    else if (p === 1) s.bold = true
    else if (p === 2) s.dim = true
    else if (p === 3) s.italic = true
    else if (p === 4) s.underline = true
    else if (p === 22) { s.bold = false; s.dim = false }
    else if (p === 23) s.italic = false
    else if (p === 24) s.underline = false
    else if (p >= 30 && p <= 37) s.fg = kBasic[p - 30]
    else if (p === 39) delete s.fg
    else if (p >= 40 && p <= 47) s.bg = kBasic[p - 40]
    else if (p === 49) delete s.bg
    else if (p >= 90 && p <= 97) s.fg = kBright[p - 90]
    else if (p >= 100 && p <= 107) s.bg = kBright[p - 100]
    else if ((p === 38 || p === 48) && params[i + 1] === 5 && i + 2 < params.length) {
      s[p === 38 ? 'fg' : 'bg'] = color256(params[i + 2]); i += 2
    } else if ((p === 38 || p === 48) && params[i + 1] === 2 && i + 4 < params.length) {
      s[p === 38 ? 'fg' : 'bg'] = `rgb(${params[i + 2]},${params[i + 3]},${params[i + 4]})`; i += 4
    }
  }
  return s
}

// Appends `text` to `parent` as text nodes and styled spans.
export function renderAnsi(parent: HTMLElement, text: string): void {
  // CSI sequences; SGR ('m') is styled, the rest (cursor moves, erase) dropped.
  const re = /\x1b\[([0-9;]*)([A-Za-z])/g
  let style: Style = {}
  let last = 0
  const emit = (chunk: string) => {
    if (chunk === '') return
    if (!style.fg && !style.bg && !style.bold && !style.italic && !style.underline && !style.dim) {
      parent.appendChild(document.createTextNode(chunk))
      return
    }
    const span = document.createElement('span')
    span.textContent = chunk
    if (style.fg) span.style.color = style.fg
    if (style.bg) span.style.backgroundColor = style.bg
    if (style.bold) span.style.fontWeight = 'bold'
    if (style.italic) span.style.fontStyle = 'italic'
    if (style.underline) span.style.textDecoration = 'underline'
    if (style.dim) span.style.opacity = '0.7'
    parent.appendChild(span)
  }
  for (let m = re.exec(text); m; m = re.exec(text)) {
    emit(text.slice(last, m.index))
    last = m.index + m[0].length
    if (m[2] === 'm') style = applySgr(style, m[1] === '' ? [0] : m[1].split(';').map((x) => Number(x) || 0))
  }
  emit(text.slice(last))
}

// Carriage returns overwrite the line, as a terminal shows progress bars.
export function resolveCarriageReturns(text: string): string {
  if (!text.includes('\r')) return text
  return text.split('\n').map((line) => {
    const line2 = line.endsWith('\r') ? line.slice(0, -1) : line
    const parts = line2.split('\r')
    return parts[parts.length - 1]
  }).join('\n')
}
