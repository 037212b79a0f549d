// The app's side of the lazily loaded renderers (web/src/render): the app loads one into its
// own page with a <script> (its CSP allows 'self'), and fetches them for output frames, which
// cannot fetch from the app's origin themselves (no cookie in an opaque origin).
import { chunkGlobal, chunkUrl, isChunkName, type ChunkExports, type ChunkName } from '../render/chunks'

const loaded = new Map<ChunkName, Promise<unknown>>()
export function loadChunk<N extends ChunkName>(name: N): Promise<ChunkExports[N]> {
  let p = loaded.get(name)
  if (!p) {
    p = new Promise((resolve, reject) => {
      const script = document.createElement('script')
      script.src = chunkUrl(name)
      script.onload = () => resolve((window as unknown as Record<string, unknown>)[chunkGlobal(name)])
      script.onerror = () => reject(new Error(`could not load ${script.src}`))
      document.head.appendChild(script)
    })
    loaded.set(name, p)
  }
  return p as Promise<ChunkExports[N]>
}

// A chunk's source, fetched once, for any number of frames.
const sources = new Map<ChunkName, Promise<string>>()
export function chunkSource(name: unknown): Promise<string> | null {
  if (!isChunkName(name)) return null // only the renderers: nothing else of the origin leaks
  let p = sources.get(name)
  if (!p) {
    p = fetch(chunkUrl(name)).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${r.status}`))))
    p.catch(() => sources.delete(name)) // a failed fetch is retried by the next output
    sources.set(name, p)
  }
  return p
}
