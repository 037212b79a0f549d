// Loads a renderer chunk into the frame. The frame's opaque origin carries no login cookie, so
// it cannot fetch /assets/ itself: it asks the app, which fetches the chunk (same origin, logged
// in) and posts back its source, which runs here by indirect eval (the frame's CSP has
// 'unsafe-eval'). The app hands out only the named chunks, nothing else from its origin.
import { chunkGlobal, type ChunkExports, type ChunkName } from '../render/chunks'

const pending = new Map<ChunkName, Promise<unknown>>()
const waiting = new Map<ChunkName, (source: string) => void>()

window.addEventListener('message', (e: MessageEvent) => {
  if (e.source !== parent || typeof e.data?.chunk !== 'string' || typeof e.data?.source !== 'string') return
  const resolve = waiting.get(e.data.chunk as ChunkName)
  if (!resolve) return
  waiting.delete(e.data.chunk as ChunkName)
  resolve(e.data.source)
})

export function loadChunk<N extends ChunkName>(name: N): Promise<ChunkExports[N]> {
  let p = pending.get(name)
  if (!p) {
    p = new Promise<string>((resolve) => {
      waiting.set(name, resolve)
      parent.postMessage({ need: name }, '*')
    }).then((source) => {
      // The chunk is `"use strict"; var runtRender_<name> = ...`: strict eval code keeps its vars
      // to itself, so the eval's own value (the name, appended) is what hands the exports out.
      const exports: unknown = (0, eval)(`${source}\n;${chunkGlobal(name)}`)
      ;(globalThis as Record<string, unknown>)[chunkGlobal(name)] = exports
      if (!exports) throw new Error(`renderer ${name} did not load`)
      return exports
    })
    pending.set(name, p)
  }
  return p as Promise<ChunkExports[N]>
}
