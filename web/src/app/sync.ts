// The browser's LiveStore 0.3.1 sync-cf client: a confirmed log materialized into a State, the
// local events still pending on top of it (applied at once, so typing never waits for the
// network), one push in flight, and rebase when the server ordered someone else's events first.
// Unlike the 0.3.1 client it pulls again after every reconnect, so nothing pushed while it was
// away is missed.
import { cloneState, emptyState, materialize, noChange, type Change, type EncodedEvent, type State } from '../schema/index'

export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'refused'

export interface StoreListener {
  // `changes` are what the events did to the visible state; `reset` means anything may have
  // changed (a rebase replaced the visible state) and the view should redraw from scratch.
  onChange(changes: Change[], reset: boolean): void
  onStatus?(status: ConnectionStatus, detail: string): void
}

interface Pending {
  name: string
  args: unknown
  argsText: string | undefined // JSON of args as pushed (none for Void events); echoed byte for byte
  seqNum: number
  parentSeqNum: number
}

const kPushBatch = 50 // as LiveStore's backendPushBatchSize
const kMinBackoffMs = 100
const kMaxBackoffMs = 5000
const kMaxEventBytes = 8 << 20

// An event the materializers cannot apply (bad args from some other client) is skipped, as
// `runt replay` and `runt export` do, rather than stopping the notebook for this reader.
function apply(state: State, event: EncodedEvent): Change {
  try {
    return materialize(state, event)
  } catch (e) {
    console.warn(`runt: skipped event ${event.seqNum} (${event.name}): ${(e as Error).message}`)
    return noChange()
  }
}

export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return prefix + Array.from(bytes, (b) => (b % 36).toString(36)).join('')
}

export function syncUrl(storeId: string): string {
  // sync-cf's URL: the payload is JSON, encodeURIComponent'd, then URLSearchParams-encoded. The
  // browser's payload carries no token: the server reads its HttpOnly cookie at the upgrade.
  const params = new URLSearchParams({ storeId, payload: encodeURIComponent(JSON.stringify({})) })
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/livestore/websocket?${params}`
}

export class NotebookStore {
  readonly clientId: string
  readonly sessionId: string
  private confirmed: State = emptyState()
  private visible: State | null = null // confirmed + pending, when anything is pending
  private head = 0
  private pending: Pending[] = []
  // The first `sent` pending events were pushed (acknowledged or in flight) and wait for their
  // echo; only the echo removes them. `inFlight` is the one push not yet answered.
  private sent = 0
  private inFlight: { requestId: string; count: number } | null = null
  private retryMs = 250
  private pullRequestId = ''
  private pulled = false // the pull of this connection has completed
  private everLoaded = false // some pull has completed: the state is the notebook's
  private socket: WebSocket | null = null
  private backoff = kMinBackoffMs
  private stopped = false
  private refused = false // the server will not take our pushes (read-only access)
  private listeners: StoreListener[] = []
  private status: ConnectionStatus = 'connecting'
  private statusDetail = ''
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(readonly storeId: string, private readonly url: string = syncUrl(storeId)) {
    this.clientId = newId('web-')
    this.sessionId = newId('')
  }

  get state(): State { return this.visible ?? this.confirmed }
  get confirmedHead(): number { return this.head }
  get unsynced(): number { return this.pending.length }
  get connection(): ConnectionStatus { return this.status }
  get loaded(): boolean { return this.everLoaded }

  subscribe(listener: StoreListener): () => void {
    this.listeners.push(listener)
    return () => { this.listeners = this.listeners.filter((l) => l !== listener) }
  }

  start(): void { this.connect() }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.socket?.close(1000)
  }

  // Applies the event locally at once and queues it for the server.
  commit(event: { name: string; args: unknown }): void {
    const argsText = JSON.stringify(event.args)
    // As the C++ client: the server refuses frames over its cap, and a refused event would block
    // everything queued behind it.
    if (argsText !== undefined && argsText.length > kMaxEventBytes) throw new Error(`this change is too large to sync (${argsText.length} bytes; at most ${kMaxEventBytes})`)
    const parent = this.pending.length > 0 ? this.pending[this.pending.length - 1].seqNum : this.head
    const p: Pending = { name: event.name, args: event.args, argsText, seqNum: parent + 1, parentSeqNum: parent }
    if (this.visible === null) this.visible = cloneState(this.confirmed)
    this.pending.push(p)
    this.emit([apply(this.visible, this.encoded(p))], false)
    this.pushSome()
  }

  // Replaces the newest pending event when it is not sent yet and `same` says it is superseded
  // (a cell's source typed again): the log keeps one event per burst of keystrokes.
  commitCoalesced(event: { name: string; args: unknown }, same: (name: string, args: unknown) => boolean): void {
    const last = this.pending[this.pending.length - 1]
    if (last && this.pending.length > this.sent && same(last.name, last.args)) {
      this.pending.pop()
      last.args = event.args
      last.argsText = JSON.stringify(event.args)
      this.pending.push(last)
      this.emit([apply(this.visible!, this.encoded(last))], false)
      return
    }
    this.commit(event)
  }

  private encoded(p: Pending): EncodedEvent {
    return { name: p.name, args: p.args, seqNum: p.seqNum, parentSeqNum: p.parentSeqNum, clientId: this.clientId, sessionId: this.sessionId }
  }

  private emit(changes: Change[], reset: boolean): void {
    for (const l of this.listeners) l.onChange(changes, reset)
  }

  private setStatus(status: ConnectionStatus, detail = ''): void {
    this.status = status
    this.statusDetail = detail
    for (const l of this.listeners) l.onStatus?.(status, detail)
  }

  get detail(): string { return this.statusDetail }

  private connect(): void {
    if (this.stopped) return
    this.setStatus(this.status === 'offline' ? 'offline' : 'connecting')
    const socket = new WebSocket(this.url)
    this.socket = socket
    let opened = false
    socket.onopen = () => {
      opened = true
      this.backoff = kMinBackoffMs
      this.pulled = false
      // Whatever was pushed on the old socket is pushed again after the pull, unless the pull
      // brings it back (stored after all) and its echo removes it first.
      this.inFlight = null
      this.sent = 0
      this.pullRequestId = newId('pull-')
      socket.send(JSON.stringify({ _tag: 'WSMessage.PullReq', requestId: this.pullRequestId, cursor: this.head }))
    }
    socket.onmessage = (m) => this.onFrame(typeof m.data === 'string' ? m.data : '')
    socket.onclose = () => {
      if (this.socket !== socket) return
      this.socket = null
      this.inFlight = null
      this.sent = 0
      if (this.stopped) return
      if (!opened) void this.explainRefusal()
      else this.setStatus('offline', 'reconnecting')
      this.timer = setTimeout(() => this.connect(), this.backoff)
      this.backoff = Math.min(this.backoff * 2, kMaxBackoffMs)
    }
  }

  // A refused upgrade gives the browser no status code; ask the REST API why (expired token,
  // no access) so the page can say so instead of spinning.
  private async explainRefusal(): Promise<void> {
    try {
      const r = await fetch(`/api/notebooks/${encodeURIComponent(this.storeId)}`, { credentials: 'same-origin' })
      if (r.status === 401 || r.status === 403 || r.status === 400 || r.status === 404) {
        this.setStatus('refused', (await r.text()).slice(0, 300))
        return
      }
    } catch { /* server down: keep retrying */ }
    this.setStatus('offline', 'server unreachable, retrying')
  }

  private onFrame(text: string): void {
    let msg: any
    try { msg = JSON.parse(text) } catch { return }
    switch (msg._tag) {
      case 'WSMessage.PullRes': return this.onPullRes(msg)
      case 'WSMessage.PushAck':
        // Stored; the echo that follows confirms the events. Meanwhile the next ones may go.
        if (this.inFlight && msg.requestId === this.inFlight.requestId) {
          this.inFlight = null
          this.retryMs = 250
          if (this.status === 'refused') this.setStatus('online')
          this.pushSome()
        }
        return
      case 'WSMessage.Error':
        if (this.inFlight && msg.requestId === this.inFlight.requestId) {
          // Stale parent: the server sends what we are missing right after; the rebase that
          // follows pushes again. Anything else is a refusal the user must see.
          this.sent -= this.inFlight.count
          this.inFlight = null
          const message = String(msg.message)
          if (message.startsWith('Push refused')) {
            // Read-only access: nothing we hold will be taken. Drop it and show the notebook as stored.
            this.refused = true
            this.pending = []
            this.sent = 0
            this.visible = null
            this.setStatus('refused', message)
            this.emit([], true)
            return
          }
          // A stale parent is normal (someone pushed first): what we miss follows and the rebase
          // pushes again; if it does not come, push again after a pause. Anything else (the
          // server could not store it) is retried the same way, and shown.
          if (!message.startsWith('Invalid parent event number')) this.setStatus('refused', message)
          clearTimeout(this.timer)
          this.timer = setTimeout(() => this.pushSome(), this.retryMs)
          this.retryMs = Math.min(this.retryMs * 2, kMaxBackoffMs)
        }
        return
    }
  }

  // The server's clock as seen here: live broadcasts carry the server's createdAt, so session
  // expiry (server time) is judged right even when this machine's clock is off.
  private clockOffsetMs = 0
  serverNow(): number { return Date.now() + this.clockOffsetMs }

  private onPullRes(msg: any): void {
    const batch: { eventEncoded: EncodedEvent; metadata?: { _tag: string; value?: { createdAt?: string } } }[] = msg.batch ?? []
    const createdAt = batch.at(-1)?.metadata?.value?.createdAt
    if (msg.requestId?.context === 'push' && createdAt) {
      const at = Date.parse(createdAt)
      if (!Number.isNaN(at)) this.clockOffsetMs = at - Date.now()
    }
    const fresh = batch.map((b) => b.eventEncoded).filter((e) => e.seqNum > this.head)
    if (fresh.length > 0) this.integrate(fresh)
    if (!this.pulled && msg.requestId?.context === 'pull' && msg.requestId.requestId === this.pullRequestId && msg.remaining === 0) {
      this.pulled = true
      if (!this.everLoaded) performance.mark('runt:pulled')
      this.everLoaded = true
      this.setStatus('online')
      this.emit([], true)
      this.pushSome()
    }
  }

  // Upstream events in order: our own echoes confirm pending events; anyone else's go under them.
  private integrate(events: EncodedEvent[]): void {
    const changes: Change[] = []
    let rebase = false
    for (const e of events) {
      if (e.seqNum !== this.head + 1) continue // a gap cannot happen with runt serve; never apply out of order
      const mine = this.pending[0]
      const isEcho = mine !== undefined && e.clientId === this.clientId && e.sessionId === this.sessionId &&
        e.name === mine.name && JSON.stringify(e.args) === mine.argsText
      const change = apply(this.confirmed, e)
      this.head = e.seqNum
      if (isEcho) {
        this.pending.shift()
        if (this.sent > 0) this.sent--
        if (this.inFlight && this.sent < this.inFlight.count) this.inFlight.count = this.sent
      } else {
        changes.push(change)
        if (this.pending.length > 0) rebase = true
      }
    }
    if (this.pending.length === 0) {
      this.visible = null
      if (rebase) this.emit([], true)
      else this.emit(changes, false)
    } else if (rebase) {
      // Renumber what is pending on top of the new head and replay it over the confirmed state.
      let parent = this.head
      for (const p of this.pending) { p.parentSeqNum = parent; p.seqNum = parent + 1; parent = p.seqNum }
      this.visible = cloneState(this.confirmed)
      for (const p of this.pending) apply(this.visible, this.encoded(p))
      this.inFlight = null // its answer (a stale-parent error) no longer matters
      this.sent = 0
      this.emit([], true)
    }
    this.pushSome()
  }

  private pushSome(): void {
    if (!this.pulled || this.inFlight || this.refused || this.pending.length <= this.sent) return
    const socket = this.socket
    if (!socket || socket.readyState !== WebSocket.OPEN) return
    // Under 1 MiB a push, as the C++ client: the server refuses frames over its cap.
    const batch: Pending[] = []
    let bytes = 0
    for (const p of this.pending.slice(this.sent)) {
      if (batch.length >= kPushBatch || (batch.length > 0 && bytes + (p.argsText?.length ?? 0) > 1 << 20)) break
      batch.push(p)
      bytes += (p.argsText?.length ?? 0) + 200
    }
    const requestId = newId('push-')
    this.inFlight = { requestId, count: batch.length }
    this.sent += batch.length
    const wire = batch.map((p) =>
      `{"name":${JSON.stringify(p.name)},${p.argsText === undefined ? '' : `"args":${p.argsText},`}"seqNum":${p.seqNum},"parentSeqNum":${p.parentSeqNum},` +
      `"clientId":${JSON.stringify(this.clientId)},"sessionId":${JSON.stringify(this.sessionId)}}`)
    socket.send(`{"_tag":"WSMessage.PushReq","requestId":${JSON.stringify(requestId)},"batch":[${wire.join(',')}]}`)
  }
}
