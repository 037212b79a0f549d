// Usage: node --import tsx materialize.mjs <vector.json>
// Commits every event of the file (in order) to a fresh in-memory LiveStore 0.3.1 store
// using the real anode schema, then dumps every state table as JSON (rowid order).
import fs from 'node:fs'
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, Schema } from '@livestore/livestore'
import { schema, events } from '@runtimed/schema'

const TABLES = ['debug', 'files', 'presence', 'notebookMetadata', 'cells', 'output_deltas', 'outputs',
  'pendingClears', 'runtimeSessions', 'executionQueue', 'actors', 'toolApprovals']

const file = process.argv[2]
if (!file) { console.error('usage: materialize.mjs <vector.json>'); process.exit(2) }
const input = JSON.parse(fs.readFileSync(file, 'utf8'))

const byName = new Map()
for (const def of Object.values(events)) byName.set(def.name, def)

const adapter = makeAdapter({ storage: { type: 'in-memory' }, clientId: 'checker', sessionId: 'checker' })
const store = await createStorePromise({ adapter, schema, storeId: 'anodecheck01', disableDevtools: true })

let exitCode = 0
for (const [i, ev] of input.events.entries()) {
  const def = byName.get(ev.name)
  try {
    if (!def) {
      if (process.env.ANODE_SKIP_UNKNOWN === '1') {
        // NOT anode behaviour: diagnostic mode only, to see whether the rest of the log matches.
        console.error(`event #${i} (${ev.name}) unknown name: SKIPPED (ANODE_SKIP_UNKNOWN=1)`)
        continue
      }
      // Hand the raw event to LiveStore so that its own error surfaces.
      store.commit({ name: ev.name, args: ev.args })
      throw new Error(`LiveStore accepted unknown event name ${JSON.stringify(ev.name)} without error`)
    }
    const decoded = ev.args === undefined ? undefined : Schema.decodeUnknownSync(def.schema)(ev.args)
    store.commit(def(decoded))
  } catch (e) {
    console.error(`event #${i} (${ev.name}) failed: ${e && e.stack ? e.stack : e}`)
    if (e && e.cause) console.error('cause:', e.cause)
    exitCode = 3
    break
  }
}

if (exitCode === 0) {
  const out = {}
  for (const t of TABLES) {
    out[t] = store.query({ query: `SELECT * FROM "${t}" ORDER BY rowid`, bindValues: {} })
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
try { await store.shutdown() } catch {}
process.exit(exitCode)
