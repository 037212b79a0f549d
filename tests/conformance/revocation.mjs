// `runt token revoke` while runt serve runs closes the user's open sync sockets at once, like a
// role change does; nothing they send after the revocation is stored (finding M3).
// Usage: node --experimental-websocket revocation.mjs RUNT_BINARY
import { spawnSync } from 'node:child_process'
import { checks, createKey, rawSocket, sleep, startServer, storeArgs, upgradeStatus } from './server.mjs'

const runt = process.argv[2]
const server = await startServer(runt)
const { failures, expect } = checks()
const event = (id, seq) => ({ name: 'v1.Debug', args: { id }, seqNum: seq, parentSeqNum: seq - 1, clientId: 'bob', sessionId: 's' })

const bobKey = createKey(runt, server.dataDir, 'bob')
const carolKey = createKey(runt, server.dataDir, 'carol')
const bob = await rawSocket(server.url, bobKey, 'bobs-notebook')
const bobIdle = await rawSocket(server.url, bobKey, 'bobs-other-notebook')
const carol = await rawSocket(server.url, carolKey, 'carols-notebook')
bob.send({ _tag: 'WSMessage.PushReq', requestId: 'before', batch: [event('before', 1)] })
const before = await bob.next((m) => m.requestId === 'before')
expect('bob pushes while his key is valid', before._tag === 'WSMessage.PushAck')

const revoked = spawnSync(runt, ['token', 'revoke', '--user', 'bob', '--data', server.dataDir, ...storeArgs(server.dataDir)], { encoding: 'utf8' })
expect('runt token revoke succeeds while the server runs', revoked.status === 0, revoked.stderr)
// Bob pushes at once, on the socket opened before the revocation.
bob.send({ _tag: 'WSMessage.PushReq', requestId: 'after', batch: [event('after', 2)] })
const reply = await Promise.race([bob.next((m) => m.requestId === 'after', 3000).catch(() => null), bob.closed.then(() => 'closed')])
expect('the push sent after the revocation is not acknowledged', reply === 'closed' || reply?._tag !== 'WSMessage.PushAck', JSON.stringify(reply))
const idleClosed = await Promise.race([bobIdle.closed.then(() => true), sleep(3000).then(() => false)])
expect('an idle socket of the revoked key is closed too', idleClosed)
expect('the server says why', server.log().includes('closed a sync connection of bob to bobs-notebook: its credentials were revoked'))

const again = await upgradeStatus(server.port, 'bobs-notebook', { authToken: bobKey })
expect('the revoked key cannot reconnect', again.status === 400, `${again.status} ${again.body}`)

// Only bob's sockets went: carol carries on.
carol.send({ _tag: 'WSMessage.PushReq', requestId: 'carol', batch: [{ ...event('carol', 1), clientId: 'carol' }] })
const carolReply = await carol.next((m) => m.requestId === 'carol')
expect('other users are not affected', carolReply._tag === 'WSMessage.PushAck')

// What is stored: bob's first event only.
const log = await fetch(`http://127.0.0.1:${server.port}/api/notebooks/bobs-notebook/events`, { headers: { Authorization: `Bearer ${server.token}` } })
const ids = (await log.text()).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line).args.id)
expect('nothing bob sent after the revocation is stored', ids.join(',') === 'before', ids.join(','))

carol.close()
await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED:', failures.join('; ')); process.exit(1) }
console.log('revocation closes open sockets')
