// Users, API keys, notebook roles and artifacts against a real runt serve, with a real
// LiveStore 0.3.1 client as a reader whose push is refused.
// Usage: node --experimental-websocket access.mjs RUNT_BINARY
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, Events, makeSchema, Schema, State } from '@livestore/livestore'
import { makeCfSync } from '@livestore/sync-cf'
import { createHash } from 'node:crypto'
import { createKey, rawSocket, sleep, startServer, storeArgs, upgradeStatus } from './server.mjs'

const runt = process.argv[2]
const server = await startServer(runt, { extraArgs: ['--max-upload-bytes', '1000000'] })
const failures = []
const expect = (what, ok) => { if (process.env.DEBUG) console.log(ok ? 'ok  ' : 'FAIL', what); if (!ok) failures.push(what) }
const api = (token, path, init = {}) => fetch(`http://127.0.0.1:${server.port}/api${path}`, {
  ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
})
const json = async (res) => ({ status: res.status, body: await res.json() })

const alice = createKey(runt, server.dataDir, 'alice')
const bob = createKey(runt, server.dataDir, 'bob')
const carol = createKey(runt, server.dataDir, 'carol')
expect('API keys look like runt_<hex>', /^runt_[0-9a-f]{48}$/.test(alice) && alice !== bob)

let r = await json(await api(alice, '/me'))
expect('/api/me names the key\'s user', r.status === 200 && r.body.id === 'alice' && r.body.name === 'alice')
r = await json(await api(server.token, '/me'))
expect('/api/me for the server token is the operator', r.body.id === 'local')
expect('/api/me without a token -> 401', (await api(null, '/me')).status === 401)

// Alice creates a notebook; it is hers alone.
r = await json(await api(alice, '/notebooks', { method: 'POST' }))
const nb = r.body.id
expect('POST /api/notebooks -> 201 {id}', r.status === 201 && /^[A-Za-z0-9_-]{1,64}$/.test(nb))
r = await json(await api(alice, '/notebooks', { method: 'POST', body: JSON.stringify({ id: nb }) }))
expect('a taken id -> 409', r.status === 409)
r = await json(await api(alice, '/notebooks', { method: 'POST', body: '{"id":"a/b"}' }))
expect('an invalid id -> 400', r.status === 400)
r = await json(await api(alice, '/notebooks'))
expect('her list has it, Untitled, never updated', r.body.length === 1 && r.body[0].id === nb && r.body[0].title === 'Untitled' &&
  r.body[0].updatedAt === null && r.body[0].role === 'owner')
expect('bob\'s list is empty', (await json(await api(bob, '/notebooks'))).body.length === 0)
expect('bob cannot export it (404)', (await api(bob, `/notebooks/${nb}/events`)).status === 404)
r = await upgradeStatus(server.port, nb, { authToken: bob })
expect('bob cannot open it: 404, as if it did not exist', r.status === 404 && r.body === `No notebook ${nb}`)
r = await json(await api(bob, '/notebooks', { method: 'POST', body: JSON.stringify({ id: nb }) }))
expect('bob creating her id -> 404, not 409', r.status === 404)

// A runtime agent must act as its token's user.
r = await upgradeStatus(server.port, nb, { authToken: alice, runtime: true, runtimeId: 'rt', sessionId: 's', userId: 'bob' })
expect('runtime payload with another userId -> 400', r.status === 400 && r.body.includes('userId'))
r = await upgradeStatus(server.port, nb, { authToken: alice, runtime: true, runtimeId: 'rt', sessionId: 's', userId: 'alice' })
expect('runtime payload with its own userId -> 101', r.status === 101)

// Alice sets the title with a real client; the list shows it.
const events = {
  titleChanged: Events.synced({ name: 'v1.NotebookTitleChanged', schema: Schema.Struct({ title: Schema.String }) }),
}
const metadata = State.SQLite.table({ name: 'notebookMetadata', columns: { key: State.SQLite.text({ primaryKey: true }), value: State.SQLite.text() } })
const materializers = State.SQLite.materializers(events, {
  'v1.NotebookTitleChanged': ({ title }) => metadata.insert({ key: 'title', value: title }).onConflict('key', 'replace'),
})
const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { metadata }, materializers }) })
const open = (clientId, authToken) => createStorePromise({
  adapter: makeAdapter({ storage: { type: 'in-memory' }, clientId, sessionId: 's-' + clientId, sync: { backend: makeCfSync({ url: server.url }) } }),
  schema, storeId: nb, syncPayload: { authToken }, disableDevtools: true,
})
const aliceStore = await open('alice-client', alice)
aliceStore.commit(events.titleChanged({ title: 'Quarterly numbers' }))
let listed
for (let t = 0; t < 50; t++) {
  listed = (await json(await api(alice, '/notebooks'))).body[0]
  if (listed.title === 'Quarterly numbers') break
  await sleep(100)
}
expect('the list shows the title from the log and when it changed', listed.title === 'Quarterly numbers' &&
  typeof listed.updatedAt === 'string' && !Number.isNaN(Date.parse(listed.updatedAt)))

// Grants: only the owner; bob as reader may pull, and his pushes are refused.
r = await json(await api(bob, `/notebooks/${nb}/access`, { method: 'POST', body: '{"userId":"bob","role":"writer"}' }))
expect('bob cannot grant himself access (404: not his to see)', r.status === 404)
r = await json(await api(alice, `/notebooks/${nb}/access`, { method: 'POST', body: '{"userId":"bob","role":"admin"}' }))
expect('unknown role -> 400', r.status === 400)
r = await json(await api(alice, `/notebooks/${nb}/access`, { method: 'POST', body: '{"userId":"nobody","role":"reader"}' }))
const known = await json(await api(alice, `/notebooks/${nb}/access`, { method: 'POST', body: '{"userId":"carol","role":"reader"}' }))
expect('a grant to an unknown user answers as to a known one', r.status === 200 && known.status === 200 &&
  JSON.stringify(r.body) === JSON.stringify({ ...known.body, userId: 'nobody' }))
await api(alice, `/notebooks/${nb}/access`, { method: 'POST', body: '{"userId":"carol","role":"none"}' })
r = await json(await api(alice, `/notebooks/${nb}/access`, { method: 'POST', body: '{"userId":"bob","role":"reader"}' }))
expect('alice makes bob a reader', r.status === 200 && r.body.role === 'reader')
r = await json(await api(bob, `/notebooks/${nb}/access`, { method: 'POST', body: '{"userId":"carol","role":"reader"}' }))
expect('a reader cannot grant (403)', r.status === 403)
expect('bob\'s list has it as reader', (await json(await api(bob, '/notebooks'))).body[0]?.role === 'reader')
const head = (await (await api(alice, `/notebooks/${nb}/events`)).text()).trim().split('\n').length

const bobSocket = await rawSocket(server.url, bob, nb)
bobSocket.send({ _tag: 'WSMessage.PullReq', requestId: 'p' })
r = await bobSocket.next((m) => m._tag === 'WSMessage.PullRes')
expect('a reader pulls the log', r.batch.length === head)
bobSocket.send({ _tag: 'WSMessage.PushReq', requestId: 'rp', batch: [{ name: 'v1.NotebookTitleChanged', args: { title: 'mine' }, seqNum: head + 1, parentSeqNum: head, clientId: 'b', sessionId: 's' }] })
r = await bobSocket.next((m) => m.requestId === 'rp' || m.requestId?.requestId === 'rp')
expect('a reader\'s push gets a clear WSMessage.Error', r._tag === 'WSMessage.Error' && r.message.includes('may read notebook'))

// A real client as reader: its commit is refused by the server and never stored.
const bobStore = await open('bob-client', bob)
bobStore.commit(events.titleChanged({ title: 'Hijacked' }))
await sleep(1000)
const log = await (await api(alice, `/notebooks/${nb}/events`)).text()
expect('the reader\'s commit is not in the log', !log.includes('Hijacked') && log.trim().split('\n').length === head)
expect('the server logged bob as a reader and each refused push', server.log().includes('by bob (reader)') &&
  server.log().includes(`refused a reader's push to ${nb}`))

// Artifacts: authenticated, content-addressed, scoped to the notebook.
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
const upload = (token, notebook, body = png, type = 'image/png') =>
  api(token, '/artifacts', { method: 'POST', body, headers: { 'x-notebook-id': notebook, 'content-type': type } })
expect('upload without a token -> 401', (await upload(null, nb)).status === 401)
expect('a reader cannot upload (403)', (await upload(bob, nb)).status === 403)
expect('someone without access cannot upload (404)', (await upload(carol, nb)).status === 404)
expect('upload without x-notebook-id -> 400', (await api(alice, '/artifacts', { method: 'POST', body: png })).status === 400)
r = await json(await upload(alice, nb))
const sha = createHash('sha256').update(png).digest('hex')
expect('upload -> {artifactId: <notebook>/<sha256>}', r.status === 200 && r.body.artifactId === `${nb}/${sha}`)
expect('the same bytes get the same id', (await json(await upload(alice, nb))).body.artifactId === `${nb}/${sha}`)
let res = await api(bob, `/artifacts/${nb}/${sha}`)
const bytes = Buffer.from(await res.arrayBuffer())
expect('a reader downloads it with its type, sandboxed', res.status === 200 && bytes.equals(png) &&
  res.headers.get('content-type') === 'image/png' && res.headers.get('content-security-policy') === 'sandbox' &&
  res.headers.get('cross-origin-resource-policy') === 'same-origin' && !res.headers.has('content-disposition'))
r = await json(await upload(alice, nb, Buffer.from('alert(document.cookie)'), 'text/javascript'))
res = await api(bob, `/artifacts/${r.body.artifactId}`)
expect('an artifact uploaded as JavaScript is served as a download', res.status === 200 &&
  res.headers.get('content-type') === 'application/octet-stream' && res.headers.get('content-disposition') === 'attachment' &&
  res.headers.get('x-content-type-options') === 'nosniff')
expect('download without a token -> 401', (await api(null, `/artifacts/${nb}/${sha}`)).status === 401)
expect('someone without access gets 404', (await api(carol, `/artifacts/${nb}/${sha}`)).status === 404)
expect('an unknown artifact -> 404', (await api(alice, `/artifacts/${nb}/${'0'.repeat(64)}`)).status === 404)
expect('a body over --max-upload-bytes -> 413', (await upload(alice, nb, Buffer.alloc(1_000_001))).status === 413)
expect('the server still serves after that', (await api(alice, '/me')).status === 200)

// Revoking closes bob's live socket; he cannot come back.
r = await json(await api(alice, `/notebooks/${nb}/access`, { method: 'POST', body: '{"userId":"bob","role":"none"}' }))
expect('alice revokes bob', r.status === 200 && r.body.role === 'none')
const closed = await Promise.race([bobSocket.closed.then(() => true), sleep(3000).then(() => false)])
expect('revoking closes his live socket', closed)
expect('and he cannot reconnect', (await upgradeStatus(server.port, nb, { authToken: bob })).status === 404)
expect('the operator sees every notebook', (await json(await api(server.token, '/notebooks'))).body.some((n) => n.id === nb))

// An unknown storeId belongs to whoever opens it first.
r = await upgradeStatus(server.port, 'carols-own', { authToken: carol })
expect('opening an unknown notebook creates it for the opener', r.status === 101 &&
  (await json(await api(carol, '/notebooks'))).body.some((n) => n.id === 'carols-own' && n.role === 'owner'))
expect('... and not for anyone else', (await upgradeStatus(server.port, 'carols-own', { authToken: alice })).status === 404)

// A browser login is a session in the cookie, not the token.
const login = await fetch(`http://127.0.0.1:${server.port}/?token=${carol}`, { redirect: 'manual' })
const carolCookie = (login.headers.get('set-cookie') ?? '').split(';')[0]
expect('a login link sets a session cookie that is not the token', login.status === 303 &&
  /^runt_token_\d+=[0-9a-f]{64}$/.test(carolCookie) && !carolCookie.includes(carol))
const byCookie = () => fetch(`http://127.0.0.1:${server.port}/api/me`, { headers: { Cookie: carolCookie } })
expect('the session cookie authenticates', (await byCookie()).status === 200)
expect('a cookie holding the raw token does not', (await fetch(`http://127.0.0.1:${server.port}/api/me`,
  { headers: { Cookie: carolCookie.replace(/=.*/, `=${carol}`) } })).status === 401)

// Revoked keys stop working, and so do the browser logins they started.
const revoke = (await import('node:child_process')).spawnSync(runt, ['token', 'revoke', '--user', 'carol', '--data', server.dataDir, ...storeArgs(server.dataDir)])
expect('runt token revoke', revoke.status === 0 && (await api(carol, '/me')).status === 401)
expect('... ends her browser login', (await byCookie()).status === 401)
expect('bad user name refused by runt token create', (await import('node:child_process')).spawnSync(runt, ['token', 'create', '--user', 'local', '--data', server.dataDir, ...storeArgs(server.dataDir)]).status === 2)

await aliceStore.shutdown().catch(() => {})
await bobStore.shutdown().catch(() => {})
await server.kill('SIGTERM')
server.cleanup()
if (failures.length) { console.log('FAILED:', failures.join('; ')); process.exit(1) }
console.log('access rules hold')
