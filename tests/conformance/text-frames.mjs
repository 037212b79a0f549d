// Every text frame runt serve sends is valid UTF-8, even an error that quotes a client's bad
// JSON cut in the middle of a character (a WebSocket client must fail the connection on
// invalid UTF-8, so such an error would disconnect the client instead of telling it).
// Usage: node --experimental-websocket text-frames.mjs RUNT_BINARY
import { startServer } from './server.mjs'

const server = await startServer(process.argv[2])
const failures = []
const frames = [
  '{"_tag":"WSMessage.PullReq","requestId":"a","cursor":1é}',
  '{"_tag":"WSMessage.PullReq","requestId":"a","cursor":tré}',
  '{"_tag":"WSMessage.PullReq","requestId":"a","cursor":1}€',
  '{"_tag":"WSMessage.PushReq","requestId":"😀","batch":[{"name":"v1.Debug","args":{"id":"x"},"seqNum":1,"parentSeqNum":0,"clientId":"c","sessionId":"s"}]}x😀',
]
const payload = encodeURIComponent(encodeURIComponent(JSON.stringify({ authToken: server.token })))
for (const frame of frames) {
  const ws = new WebSocket(`${server.url}/websocket?storeId=text-frames&payload=${payload}`)
  await new Promise((resolve) => { ws.onopen = resolve })
  const reply = await new Promise((resolve) => {
    ws.onmessage = (m) => resolve({ text: String(m.data) })
    ws.onclose = (e) => resolve({ closed: e.code })
    ws.send(frame)
    setTimeout(() => resolve({ timeout: true }), 5000)
  })
  const ok = reply.text && JSON.parse(reply.text)._tag === 'WSMessage.Error'
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${frame.slice(0, 60)} -> ${reply.text?.slice(0, 160) ?? JSON.stringify(reply)}`)
  if (!ok) failures.push(frame)
  ws.close()
}
await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED:', failures.length, 'frames got no readable error'); process.exit(1) }
console.log('every error frame was valid UTF-8')
