// The app's side of the lazily loaded renderers (web/src/render): it fetches them for output
// frames, which cannot fetch from the app's origin themselves (no cookie in an opaque origin).
import { chunkUrl, isChunkName, type ChunkName } from '../render/chunks'

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
