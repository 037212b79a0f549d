// The browser's schema against the golden vectors and runt's C++ schema.
// Usage: node build/web-tests/vectors.test.mjs tests/vectors
// Every expectation pinned below (messages, keys) was produced by runt's C++ implementation.

import {
  activeRuntimeSessions,
  allExecutionsCancelled,
  cellCreated,
  cellsInOrder,
  cloneState,
  createCellBetween,
  DecodeError,
  emptyState,
  EVENT_NAMES,
  evenlySpacedKeys,
  executionCancelled,
  executionRequested,
  FractionalIndexError,
  generateFractionalIndices,
  isValidKeyOrder,
  keyBetween,
  LcgJitter,
  materialize,
  materializeAll,
  MaterializeError,
  moveCellBetween,
  moveCellWithRebalancing,
  needsRebalancing,
  noJitter,
  outputsOf,
  queueOf,
  rebalanceCellIndices,
  toDocument,
  validate,
  type CellReference,
  type EncodedEvent,
  type State,
} from '../src/schema/index'
import { joinPath, listDir, proc, readText } from './support/node'

let failed = 0
function fail(message: string): void {
  failed++
  proc.stdout.write(`FAIL ${message}\n`)
}
function expectEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) fail(`${what}\n  expected ${e}\n  actual   ${a}`)
}
function expectThrows(f: () => unknown, type: new (...args: never[]) => Error, message: string, what: string): void {
  try {
    f()
  } catch (e) {
    if (!(e instanceof type)) fail(`${what}: threw ${String(e)}, expected a ${type.name}`)
    else if (e.message !== message) fail(`${what}\n  expected message ${message}\n  actual message   ${e.message}`)
    return
  }
  fail(`${what}: did not throw`)
}

// ---- Golden vectors ---------------------------------------------------------------------------

interface Vector {
  description: string
  events: EncodedEvent[]
  expected: unknown
}

// The first place two JSON values differ, key order included.
function firstDifference(a: unknown, b: unknown, path = '$'): { path: string; actual: unknown; expected: unknown } | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`)
      if (d) return d
    }
    return { path: `${path}.length`, actual: a.length, expected: b.length }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return { path: `${path} (key #${i})`, actual: ka[i], expected: kb[i] }
      const d = firstDifference((a as Record<string, unknown>)[ka[i]], (b as Record<string, unknown>)[kb[i]], `${path}.${ka[i]}`)
      if (d) return d
    }
  }
  return { path, actual: a, expected: b }
}

function compareWithExpected(state: State, expected: unknown, what: string): boolean {
  const actual = toDocument(state)
  if (JSON.stringify(actual) === JSON.stringify(expected)) return true
  const d = firstDifference(actual, expected)!
  fail(`${what}: differs at ${d.path}\n  expected ${JSON.stringify(d.expected)}\n  actual   ${JSON.stringify(d.actual)}`)
  return false
}

const dir = proc.argv[2]
if (!dir) {
  proc.stdout.write('usage: vectors.test.mjs VECTORS_DIR\n')
  proc.exit(2)
}
const files = listDir(dir).filter((f) => f.endsWith('.json')).sort()
if (files.length === 0) fail(`no vectors in ${dir}`)
const vectors = files.map((f) => ({ file: f, ...(JSON.parse(readText(joinPath(dir, f))) as Vector) }))

const seen = new Set<string>()
for (const v of vectors) {
  const skipped = new Map<string, number>()
  const state = materializeAll(v.events, skipped)
  if (!compareWithExpected(state, v.expected, v.file)) proc.exit(1) // the rest would only repeat it
  for (const e of v.events) seen.add(e.name)
  proc.stdout.write(`ok ${v.file}: ${v.events.length} events${skipped.size ? `, skipped ${[...skipped].map(([n, c]) => `${n} (${c})`).join(', ')}` : ''}\n`)
}

expectEqual(EVENT_NAMES.length, 47, 'the schema has 47 events')
const missing = EVENT_NAMES.filter((n) => !seen.has(n))
if (missing.length > 0) fail(`events not covered by the vectors: ${missing.join(', ')}`)

// ---- cloneState: a clone re-applied to the end gives the same state; the original is untouched --

for (const v of vectors) {
  for (const cut of [0, 1, Math.floor(v.events.length / 3), Math.floor(v.events.length / 2), v.events.length - 1]) {
    const base = materializeAll(v.events.slice(0, cut))
    const before = JSON.stringify(toDocument(base))
    const clone = cloneState(base)
    for (const e of v.events.slice(cut)) materialize(clone, e)
    compareWithExpected(clone, v.expected, `${v.file}: clone at ${cut} re-applied`)
    expectEqual(JSON.stringify(toDocument(base)), before, `${v.file}: original unchanged by its clone at ${cut}`)
    for (const e of v.events.slice(cut)) materialize(base, e)
    compareWithExpected(base, v.expected, `${v.file}: original continued at ${cut}`)
  }
}

// ---- validate: messages as runt's C++ codec words them ---------------------------------------

const invalid: [string, unknown, string][] = [
  ['v1.ExecutionRequested', { queueId: 'q', cellId: 'c', executionCount: 1.5, requestedBy: 'u' }, 'v1.ExecutionRequested: field "executionCount": expected an integer, got 1.5'],
  ['v2.CellCreated', { id: 'c', cellType: 'code', createdBy: 'u' }, 'v2.CellCreated: field "fractionalIndex": missing'],
  ['v2.CellCreated', { id: 'c', fractionalIndex: 'm', cellType: 'python', createdBy: 'u' }, 'v2.CellCreated: field "cellType": expected one of "code" | "markdown" | "sql" | "ai" | "raw", got the string "python"'],
  ['v1.CellDeleted', { id: 'c', actorId: null }, 'v1.CellDeleted: field "actorId": expected a string, got null'],
  ['v1.CellDeleted', undefined, 'v1.CellDeleted: args: missing'],
  ['v1.CellDeleted', [1], 'v1.CellDeleted: args: expected an object, got an array'],
  ['v1.ExecutionStarted', { queueId: 'q', cellId: 'c', runtimeSessionId: 's', startedAt: 'yesterday' }, 'v1.ExecutionStarted: field "startedAt": expected an ISO-8601 date string, got the string "yesterday"'],
  ['v1.MultipleExecutionRequested', { requestedBy: 'u', cellsInfo: [{ id: 'a', executionCount: 1, queueId: 'q1' }, { id: 'b', executionCount: 2 }] }, 'v1.MultipleExecutionRequested: field "cellsInfo[1].queueId": missing'],
  ['v1.MultimediaDisplayOutputAdded', { id: 'o', cellId: 'c', position: 0, representations: { 'text/plain': { type: 'blob', data: 'x' } } }, 'v1.MultimediaDisplayOutputAdded: field "representations["text/plain"].type": expected "inline" or "artifact", got the string "blob"'],
  ['v1.TerminalOutputAdded', { id: 'o', cellId: 'c', position: '0', content: { type: 'inline', data: 'x' }, streamName: 'stdout' }, 'v1.TerminalOutputAdded: field "position": expected a number, got the string "0"'],
  ['v1.CellSourceVisibilityToggled', { id: 'c', sourceVisible: 1 }, 'v1.CellSourceVisibilityToggled: field "sourceVisible": expected a boolean, got 1'],
  ['v1.TerminalOutputAdded', { id: 'o', cellId: 'c', position: 0, content: { type: 'inline', data: 'x', metadata: null }, streamName: 'stdout' }, 'v1.TerminalOutputAdded: field "content.metadata": expected an object, got null'],
]
for (const [name, args, message] of invalid) expectEqual(validate(name, args), message, `validate ${name} ${JSON.stringify(args)}`)
for (const v of vectors) for (const e of v.events) expectEqual(validate(e.name, e.args), null, `validate ${v.file} ${e.name}`)
expectEqual(validate('v1.AllExecutionsCancelled', null), null, 'Schema.Void accepts null')
expectEqual(validate('v9.SomethingFromTheFuture', 42), null, 'unknown names are carried, not refused')
expectThrows(() => materialize(emptyState(), { name: 'v1.CellDeleted', args: { id: 7 } }), DecodeError, 'v1.CellDeleted: field "id": expected a string, got 7', 'materialize refuses bad args')

// ---- Constructors: anode's exact JSON (anode-schema.md §7) -------------------------------------

const user = 'user_2f9a7c41'
const cell = 'cell-1731600000000-4fzyo82mx9k'
expectEqual(
  JSON.stringify(cellCreated({ createdBy: user, cellType: 'code', fractionalIndex: 'mh', id: cell })),
  `{"name":"v2.CellCreated","args":{"id":"${cell}","fractionalIndex":"mh","cellType":"code","createdBy":"${user}"}}`,
  'cellCreated key order',
)
expectEqual(
  JSON.stringify(executionRequested({ requestedBy: user, executionCount: 3, cellId: cell, queueId: 'exec-1731600012345-q8w1z3', actorId: undefined })),
  `{"name":"v1.ExecutionRequested","args":{"queueId":"exec-1731600012345-q8w1z3","cellId":"${cell}","executionCount":3,"requestedBy":"${user}"}}`,
  'executionRequested omits an absent actorId',
)
expectEqual(
  JSON.stringify(executionCancelled({ reason: 'User interrupted execution', queueId: 'q', cellId: cell, cancelledBy: user, actorId: user })),
  `{"name":"v1.ExecutionCancelled","args":{"queueId":"q","cellId":"${cell}","cancelledBy":"${user}","actorId":"${user}","reason":"User interrupted execution"}}`,
  'executionCancelled puts actorId between cancelledBy and reason',
)
expectEqual(JSON.stringify(allExecutionsCancelled()), '{"name":"v1.AllExecutionsCancelled"}', 'Schema.Void has no args key')
expectThrows(() => executionRequested({ queueId: 'q', cellId: 'c', executionCount: 0.5, requestedBy: 'u' }), DecodeError,
  'v1.ExecutionRequested: field "executionCount": expected an integer, got 0.5', 'constructors refuse what peers cannot decode')

// ---- Materializer edges the vectors do not show ------------------------------------------------

{
  const s = materializeAll([
    cellCreated({ id: 'a', fractionalIndex: 'm', cellType: 'code', createdBy: 'u' }),
    { name: 'v1.TerminalOutputAdded', args: { id: 'o', cellId: 'a', position: 0, content: { type: 'inline', data: 'x' }, streamName: 'stdout' } },
    { name: 'v2.TerminalOutputAppended', args: { id: 'd1', outputId: 'o', delta: 'y', sequenceNumber: 0 } },
  ])
  const before = JSON.stringify(toDocument(s))
  expectThrows(() => materialize(s, { name: 'v2.TerminalOutputAppended', args: { id: 'd1', outputId: 'o', delta: 'z', sequenceNumber: 1 } }),
    MaterializeError, 'v2.TerminalOutputAppended: duplicate output delta id "d1" (anode clients fail on this event)', 'duplicate delta id')
  expectEqual(JSON.stringify(toDocument(s)), before, 'a refused event leaves the state unchanged')
  expectEqual(outputsOf(s, 'a').map((o) => o.data), ['xy'], 'outputsOf applies deltas')

  const moved = materialize(s, { name: 'v2.CellMoved', args: { id: 'a', fractionalIndex: 'n' } })
  expectEqual([moved.order, [...moved.cells]], [true, ['a']], 'a move changes the order')
  const appended = materialize(s, { name: 'v2.TerminalOutputAppended', args: { id: 'd2', outputId: 'o', delta: 'z', sequenceNumber: 1 } })
  expectEqual([appended.order, [...appended.cells]], [false, ['a']], 'a delta changes its cell only')
  const unknown = materialize(s, { name: 'v9.Nope', args: {} })
  expectEqual(unknown.skipped, true, 'unknown events are skipped')
}

// ---- Queries on the realistic session ----------------------------------------------------------

{
  const v = vectors.find((x) => x.file === 'realistic-session.json')
  if (v) {
    const s = materializeAll(v.events)
    const doc = v.expected as { cells: { id: string; outputs: unknown[] }[]; executionQueue: { id: string; cellId: string }[] }
    expectEqual(cellsInOrder(s).map((c) => c.id), doc.cells.map((c) => c.id), 'cellsInOrder is the document order')
    for (const c of doc.cells) expectEqual(outputsOf(s, c.id), c.outputs, `outputsOf ${c.id}`)
    const latest = doc.executionQueue.filter((q) => q.cellId === 'cell-1731600050000-8dk2l0qpzz1').pop()
    expectEqual(queueOf(s, 'cell-1731600050000-8dk2l0qpzz1')?.id, latest?.id, 'queueOf gives the newest entry')
    expectEqual(activeRuntimeSessions(s).length, 0, 'both sessions ended')
  }
}

// ---- Fractional indexing: keys from runt's C++ (fractional_index.cpp) ---------------------------

const err = (message: string) => ({ error: message })
const betweenCases: [string | null, string | null, string | { error: string }][] = [
  // tests/schema/fractional_index_test.cpp (anode's values, all-zero keyBefore fixed)
  [null, null, 'm'], [null, 'm', 'b'], ['m', null, 'n'], ['a', 'b', 'ah'], ['a', 'c', 'b'], ['a0', 'a1', 'a0h'],
  ['m', 'm00', 'm0'], ['m', 'm001', 'm000'], ['m', 'm01', 'm00'], ['m', 'm1', 'm0'], ['a5z', 'a9', 'a7z'],
  ['m', 'm5', 'm2'], ['a2l', 'a2m', 'a2lh'], ['a2y', 'a2z', 'a2yh'], ['a29', 'a2a', 'a29h'], ['a2z', 'a3', 'a2zh'],
  ['y', null, 'yh'], ['az', null, 'b'], [null, '1', '0h'], [null, 'a', '5'], [null, 'b', '5'], ['mz', 'n', 'mzh'],
  ['', '', 'm'], ['zz', null, 'zzh'],
  ['a2', 'a20', err('No string exists between "a2" and "a20" in base36 encoding')],
  ['m', 'm0', err('No string exists between "m" and "m0" in base36 encoding')],
  ['a', 'a', err('Invalid range: a >= a')], ['b', 'a', err('Invalid range: b >= a')],
  [null, '0', err('No string exists before "0" in base36 encoding')],
  [null, '000', err('No string exists before "000" in base36 encoding')],
  ['a', 'aB', err('Invalid character: B')],
  // random pairs run through the C++ key_between
  ['ya', null, 'yb'], ['j0l', 'z', 'r0l'], [null, 'yrb', 'h'], ['d0', 'd0z', 'd0h'], ['0nz0', null, '0nz1'],
  ['9z', 'qy', 'hz'], ['000', '000w', '000g'], ['60', 'b0b', '80'], ['0', '0cy', '06'], ['g0z', 'q', 'l0z'],
  ['vyoq', null, 'vyor'], ['iz', null, 'j'], ['0v', '70yz', '3v'], ['0', '0t', '0e'], ['000', null, '001'],
  ['000', '0008', '0004'], ['ez', 'o', 'jz'], [null, '0zf', '0h'], ['v76', 'v76e0z', 'v767'], ['00yh', '00yhz', '00yhh'],
  ['0iry', '0iryzy', '0iryh'], ['3wz', null, '3x'], ['0z0i', 'w', 'gz0i'], [null, 'zz', 'h'], [null, 'z08', 'h'],
  ['1000', '10000', err('No string exists between "1000" and "10000" in base36 encoding')],
  ['og2b', '0', err('Invalid range: og2b >= 0')],
]
for (const [a, b, expected] of betweenCases) {
  let actual: string | { error: string }
  try {
    actual = keyBetween(a, b)
  } catch (e) {
    actual = err((e as FractionalIndexError).message)
  }
  expectEqual(actual, expected, `keyBetween(${a}, ${b})`)
}

const sequences: [number, string | null, string | null, string][] = [
  [42, null, null, 'm n o p q r s t1 t2a t2b t2c t2d'],
  [42, 'a1', 'a2', 'a1h a1i a1j a1k a1l a1m a1n a1o1 a1o2a a1o2b a1o2c a1o2d'],
  [99, null, null, 'm nu nv nw nx nyo nyp nyqn nyqo nyqp nyqq nyqr'],
  [2024, null, null, 'mb mc md me mfz mg mha mhb mhc mhd mhe mhf'],
  [2024, 'a1', 'a2', 'a1hb a1hc a1hd a1he a1hfz a1hg a1hha a1hhb a1hhc a1hhd a1hhe a1hhf'],
]
for (const [seed, a, b, keys] of sequences)
  expectEqual(generateFractionalIndices(a, b, 12, new LcgJitter(seed)).join(' '), keys, `12 keys from ${a}..${b}, seed ${seed}`)
expectEqual(generateFractionalIndices(null, null, 6, new LcgJitter(0)), ['mn', 'mo', 'mp', 'mq', 'mr', 'ms'], 'seed 0 appends')
{
  const lcg = new LcgJitter(42)
  const states = [1250496027, 1116302080, 1964818176, 1500480256, 1617229568]
  expectEqual(states.map(() => (lcg.random(), lcg.state)), states, 'anode test LCG, seed 42')
  const keys = generateFractionalIndices(null, null, 30, noJitter)
  expectEqual([keys[0], keys[12], keys[13], keys[29], isValidKeyOrder(keys)], ['m', 'y', 'yh', 'yx', true], '30 keys without jitter')
}

for (const [n, first, middle, last] of [[1, 'i', 'i', 'i'], [5, '6', 'i', 'u'], [16, '2', 'j', 'x'], [17, '2', 'i', 'y'], [40, '0v', 'if', 'z4'], [700, '01u', 'i0x', 'zy5']] as const) {
  const keys = evenlySpacedKeys(n)
  expectEqual([keys[0], keys[Math.floor(n / 2)], keys[n - 1], keys.length], [first, middle, last, n], `evenlySpacedKeys(${n})`)
}

const refs = (cells: [string, string | null][]): CellReference[] => cells.map(([id, key]) => ({ id, fractionalIndex: key, cellType: 'code' }))
{
  const r = rebalanceCellIndices(refs([['x', 'p'], ['a', 'm'], ['b', 'm0']]))
  expectEqual(r.orderedKeys, ['d', 'i', 'm'], 'rebalance keys')
  expectEqual(r.events.map((e) => e.args), [
    { id: 'a', fractionalIndex: 'd', actorId: 'system' },
    { id: 'b', fractionalIndex: 'i', actorId: 'system' },
    { id: 'x', fractionalIndex: 'm', actorId: 'system' },
  ], 'rebalance moves')
  expectEqual([needsRebalancing(refs([['1', 'm'], ['2', 'm0']])), needsRebalancing(refs([['1', 'a'], ['2', 'm'], ['3', 'z']]))], [true, false], 'needsRebalancing')

  const two = refs([['a', 'm'], ['b', 'o']])
  const created = (before: CellReference | null, after: CellReference | null, all: CellReference[]) =>
    createCellBetween({ id: 'n', cellType: 'code', createdBy: 'u' }, before, after, all, noJitter)
  const keyOf = (c: ReturnType<typeof created>) => (c.events[c.events.length - 1].args as { fractionalIndex: string }).fractionalIndex
  expectEqual([keyOf(created(null, null, [])), keyOf(created(null, null, two)), keyOf(created(two[0], two[1], two)), keyOf(created(null, two[0], two))],
    ['m', 'p', 'n', 'b'], 'createCellBetween first, at end, between, before')

  const crowded = refs([['a', 'm'], ['b', 'm0']])
  const c = created(crowded[0], crowded[1], crowded)
  expectEqual([c.rebalanced, c.rebalanceCount, c.events.map((e) => e.args)], [true, 2, [
    { id: 'a', fractionalIndex: 'f', actorId: 'system' },
    { id: 'b', fractionalIndex: 'k', actorId: 'system' },
    { id: 'n', fractionalIndex: 'h', cellType: 'code', createdBy: 'u' },
  ]], 'createCellBetween rebalances when there is no room')

  const three = refs([['a', 'm'], ['b', 'n'], ['c', 'o']])
  expectEqual(moveCellBetween(three[0], three[2], null, 'u', noJitter)?.args, { id: 'a', fractionalIndex: 'p', actorId: 'u' }, 'move to the end')
  expectEqual(moveCellBetween(three[1], three[0], three[2], 'u', noJitter), null, 'a move into its own gap is nothing')
  const m = moveCellWithRebalancing(refs([['c', 'p']])[0], crowded[0], crowded[1], [...crowded, ...refs([['c', 'p']])], 'u', noJitter)
  const keys = new Map(m.events.map((e) => [e.args.id, e.args.fractionalIndex]))
  expectEqual([m.rebalanced, m.moved, m.events[0].args.actorId, m.events[m.events.length - 1].args.actorId,
    keys.get('a')! < keys.get('c')! && keys.get('c')! < keys.get('b')!], [true, true, 'u-rebalance', 'u', true], 'moveCellWithRebalancing includes the move')
}

if (failed > 0) {
  proc.stdout.write(`${failed} failure(s)\n`)
  proc.exit(1)
}
proc.stdout.write('all schema tests passed\n')
