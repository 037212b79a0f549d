// ANSI escapes in kernel streams and tracebacks, rendered as DOM spans. anser (npm) parses
// them: SGR colours (16, 256 and 24-bit) and decorations, other CSI sequences dropped. Its
// colour names map to runt's palette below, and text goes in through textContent only, so a
// stream can never inject markup.
import Anser from 'anser'

const kBasic = ['#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5']
const kBright = ['#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff']
const kNames = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white']

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

// anser's class name for a colour (`ansi-red`, `ansi-bright-red`, `ansi-palette-208`,
// `ansi-truecolor` with its `r, g, b`) as a CSS colour; undefined for the default.
function colour(name: string | null, truecolor: string | null): string | undefined {
  if (!name) return undefined
  if (name === 'ansi-truecolor') return truecolor ? `rgb(${truecolor})` : undefined
  const palette = /^ansi-palette-(\d+)$/.exec(name)
  if (palette) return color256(Number(palette[1]))
  const bright = name.startsWith('ansi-bright-')
  const i = kNames.indexOf(name.replace(/^ansi-(bright-)?/, ''))
  return i < 0 ? undefined : (bright ? kBright : kBasic)[i]
}

// Appends `text` to `parent` as text nodes and styled spans.
export function renderAnsi(parent: HTMLElement, text: string): void {
  for (const entry of Anser.ansiToJson(text, { json: true, use_classes: true, remove_empty: true })) {
    const fg = colour(entry.fg, entry.fg_truecolor)
    const bg = colour(entry.bg, entry.bg_truecolor)
    const decorations = entry.decorations ?? []
    if (!fg && !bg && decorations.length === 0) {
      parent.appendChild(document.createTextNode(entry.content))
      continue
    }
    const span = document.createElement('span')
    span.textContent = entry.content
    if (fg) span.style.color = fg
    if (bg) span.style.backgroundColor = bg
    if (decorations.includes('bold')) span.style.fontWeight = 'bold'
    if (decorations.includes('italic')) span.style.fontStyle = 'italic'
    if (decorations.includes('underline')) span.style.textDecoration = 'underline'
    if (decorations.includes('strikethrough')) span.style.textDecoration = 'line-through'
    if (decorations.includes('dim')) span.style.opacity = '0.7'
    parent.appendChild(span)
  }
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
