// Fractional indexing for cell order, the same as runt's C++ (src/schema/fractional_index.cpp):
// anode's algorithm, keys over `0-9a-z` ordered bytewise, with anode's defects fixed where the
// C++ fixes them, so both produce identical keys for the same inputs and randomness.
// Randomness (jitter keeps concurrent inserts apart) comes from an injected source.

import { cellCreated, cellMoved, type NewEvent } from './events'
import type { CellType } from './literals'
import { compareText } from './queries'

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'
const BASE = 36

// `noRoom` tells the "no string exists between" / "invalid range" cases (which rebalancing
// solves) from invalid keys.
export class FractionalIndexError extends Error {
  readonly noRoom: boolean
  constructor(message: string, noRoom: boolean) {
    super(message)
    this.name = 'FractionalIndexError'
    this.noRoom = noRoom
  }
}

export interface JitterSource {
  random(): number // in [0, 1)
  randomInt?(max: number): number // defaults to floor(random() * max)
}

// Never jitters (random() is always ≥ 0.3).
export const noJitter: JitterSource = { random: () => 0.999 }

// anode's `createTestJitterProvider(seed)`, so seeded tests give anode's (and runt's) keys.
export class LcgJitter implements JitterSource {
  state: number
  constructor(seed = 0) {
    this.state = seed
  }
  random(): number {
    this.state = (this.state * 1103515245 + 12345) & 0x7fffffff
    return this.state / 2147483647
  }
}

function randomInt(j: JitterSource, max: number): number {
  return j.randomInt ? j.randomInt(max) : Math.floor(j.random() * max)
}

function valueOf(c: string): number {
  const v = DIGITS.indexOf(c)
  if (v < 0 || c.length !== 1) throw new FractionalIndexError(`Invalid character: ${c}`, false)
  return v
}

function digit(value: number): string {
  return DIGITS[value]
}

function noRoomBetween(a: string, b: string): never {
  throw new FractionalIndexError(`No string exists between "${a}" and "${b}" in base36 encoding`, true)
}

export type Key = string | null | undefined

// JavaScript clients treat "" like an absent key.
function present(k: Key): string | null {
  return k ? k : null
}

export function isValidKey(key: string): boolean {
  return /^[0-9a-z]+$/.test(key)
}

export function keyAfter(a: string): string {
  if (a === '') return 'm'
  let last = a.length - 1
  while (last >= 0 && a[last] === 'z') last--
  if (last < 0) return a + 'h'
  const v = valueOf(a[last])
  if (v < BASE - 2) return a.slice(0, last) + digit(v + 1)
  return a + 'h' // 'y': extend rather than touch the 'z' boundary
}

// Fixed: anode returns "0" + b for an all-zero b, which sorts after b. No key sorts before an
// all-zero key, so this throws a no-room error instead.
export function keyBefore(b: string): string {
  if (b === '') return 'm'
  let i = 0
  while (i < b.length && b[i] === '0') i++
  if (i === b.length) throw new FractionalIndexError(`No string exists before "${b}" in base36 encoding`, true)
  const v = valueOf(b[i])
  if (i === 0 && v > 1) return digit(v >> 1)
  if (v > 1) return b.slice(0, i) + digit(v >> 1)
  return b.slice(0, i) + '0h'
}

// A key strictly between a and b (either may be absent). Throws FractionalIndexError.
export function keyBetween(aIn: Key, bIn: Key): string {
  const a = present(aIn)
  const b = present(bIn)
  if (a === null && b === null) return 'm'
  if (a === null) return keyBefore(b!)
  if (b === null) return keyAfter(a)
  if (compareText(a, b) >= 0) throw new FractionalIndexError(`Invalid range: ${a} >= ${b}`, true)

  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++

  if (i === a.length) {
    // a is a prefix of b
    const next = valueOf(b[i])
    if (next > 0) return a + digit(next >> 1)
    let j = i
    while (j < b.length && b[j] === '0') j++
    const zeros = j - i
    if (b.length > i + 1) {
      if (j === b.length && zeros > 1) return a + '0'.repeat(zeros >> 1)
      if (j < b.length) return a + '0'.repeat(zeros) + digit(valueOf(b[j]) >> 1)
    }
    noRoomBetween(a, b)
  }

  const av = valueOf(a[i])
  const bv = valueOf(b[i])
  if (bv - av > 1) return a.slice(0, i) + digit((av + bv) >> 1) + a.slice(i + 1)
  if (i + 1 < a.length) return a.slice(0, i + 1) + keyAfter(a.slice(i + 1))
  return a.slice(0, i + 1) + 'h'
}

// keyBetween plus jitter: with probability 0.3 (and length < 10) one random digit is appended
// when the result stays strictly inside (a, b). random() is consumed on every call, randomInt
// only when jitter is attempted, exactly as anode.
export function fractionalIndexBetween(aIn: Key, bIn: Key, jitter: JitterSource): string {
  const a = present(aIn)
  const b = present(bIn)
  const key = keyBetween(a, b)
  if (jitter.random() < 0.3 && key.length < 10) {
    const candidate = key + digit(randomInt(jitter, BASE))
    if ((a === null || compareText(candidate, a) > 0) && (b === null || compareText(candidate, b) < 0)) return candidate
  }
  return key
}

export function initialFractionalIndex(jitter: JitterSource): string {
  return fractionalIndexBetween(null, null, jitter)
}

// n keys, each between the previous one and b.
export function generateFractionalIndices(a: Key, b: Key, n: number, jitter: JitterSource): string[] {
  const keys: string[] = []
  let prev = a
  for (let i = 0; i < n; i++) {
    prev = fractionalIndexBetween(prev, b, jitter)
    keys.push(prev)
  }
  return keys
}

// Valid keys strictly increasing (invalid entries are dropped first, as anode does).
export function isValidKeyOrder(keys: readonly string[]): boolean {
  let prev: string | null = null
  for (const k of keys) {
    if (!isValidKey(k)) continue
    if (prev !== null && compareText(prev, k) >= 0) return false
    prev = k
  }
  return true
}

export interface CellReference {
  readonly id: string
  readonly fractionalIndex: string | null
  readonly cellType?: CellType
}

// Sorted by key (a cell without one first), ties by id.
function sortedCells(cells: readonly CellReference[]): CellReference[] {
  return cells.slice().sort((x, y) => compareText(x.fractionalIndex ?? '', y.fractionalIndex ?? '') || compareText(x.id, y.id))
}

// A pair with no key between it, or with a key outside the alphabet (logs can carry any
// string, e.g. legacy "a-1"), can only be fixed by rebalancing.
function hasRoom(a: string, b: string): boolean {
  try {
    keyBetween(a, b)
    return true
  } catch (e) {
    if (e instanceof FractionalIndexError) return false
    throw e
  }
}

function positionOf(sorted: readonly CellReference[], id: string): number {
  const i = sorted.findIndex((c) => c.id === id)
  return i < 0 ? sorted.length : i
}

// True when some adjacent pair of keys (sorted) has no room between it, or the slot at
// `insertPosition` has none. Cells without a key are skipped.
export function needsRebalancing(cells: readonly CellReference[], insertPosition?: number): boolean {
  if (cells.length < 2) return false
  const sorted = sortedCells(cells)
  for (let i = 0; i + 1 < sorted.length; i++) {
    const cur = sorted[i].fractionalIndex
    const next = sorted[i + 1].fractionalIndex
    if (!cur || !next) continue
    if (!hasRoom(cur, next)) return true
  }
  if (insertPosition !== undefined && insertPosition > 0 && insertPosition < sorted.length) {
    const before = sorted[insertPosition - 1].fractionalIndex
    const after = sorted[insertPosition].fractionalIndex
    if (before !== null && after !== null && !hasRoom(before, after)) return true
  }
  return false
}

// `count` keys of one width, evenly spread over the key space with room in every gap.
export function evenlySpacedKeys(count: number): string[] {
  // Width w with at least two steps of room per gap: 36^w >= 2 * (count + 1).
  let width = 1
  let span = BASE
  while (span < 2 * (count + 1)) {
    span *= BASE
    width++
  }
  const n = count + 1
  const keys: string[] = []
  for (let j = 0; j < count; j++) {
    const k = j + 1
    let value = k * Math.floor(span / n) + Math.floor((k * (span % n)) / n)
    let key = ''
    for (let d = 0; d < width; d++) {
      key = digit(value % BASE) + key
      value = Math.floor(value / BASE)
    }
    keys.push(key)
  }
  return keys
}

export interface Rebalance {
  events: NewEvent<'v2.CellMoved'>[] // one per cell whose key changed
  orderedKeys: string[] // every cell's new key, in order
}

// Fresh evenly spaced keys for every cell in current order, with `buffer` spare slots at each
// end. (anode generates them sequentially from "m", which grows keys to about N/17 characters.)
export function rebalanceCellIndices(cells: readonly CellReference[], actorId = 'system', buffer = 2): Rebalance {
  const out: Rebalance = { events: [], orderedKeys: [] }
  if (cells.length === 0) return out
  const sorted = sortedCells(cells)
  const keys = evenlySpacedKeys(cells.length + 2 * buffer)
  sorted.forEach((cell, i) => {
    const key = keys[i + buffer]
    out.orderedKeys.push(key)
    if (cell.fractionalIndex !== key) out.events.push(cellMoved({ id: cell.id, fractionalIndex: key, actorId }))
  })
  return out
}

export interface CellCreation {
  events: (NewEvent<'v2.CellMoved'> | NewEvent<'v2.CellCreated'>)[] // rebalancing moves, then the creation
  newCellId: string
  rebalanced: boolean
  rebalanceCount: number
}

// Creates a cell between `before` and `after` (either absent: at that end; both absent: after
// the last cell). When there is no room, or a neighbour's key is invalid, it rebalances first,
// placing the new cell among all the rebalanced keys (anode used the changed keys only).
export function createCellBetween(
  cell: { id: string; cellType: CellType; createdBy: string },
  before: CellReference | null,
  after: CellReference | null,
  allCells: readonly CellReference[],
  jitter: JitterSource,
): CellCreation {
  const sorted = sortedCells(allCells)
  let prev = before ? before.fractionalIndex : null
  const next = after ? after.fractionalIndex : null
  let slot = sorted.length
  if (before) slot = Math.min(positionOf(sorted, before.id) + 1, sorted.length)
  else if (after) slot = positionOf(sorted, after.id)
  else if (sorted.length > 0) prev = sorted[sorted.length - 1].fractionalIndex

  const out: CellCreation = { events: [], newCellId: cell.id, rebalanced: false, rebalanceCount: 0 }
  let key: string
  try {
    key = fractionalIndexBetween(prev, next, jitter)
  } catch (e) {
    // No room, or a neighbour's key is not a valid key: fresh keys for everyone fix both.
    if (!(e instanceof FractionalIndexError) || sorted.length === 0) throw e
    const rebalance = rebalanceCellIndices(allCells)
    const keys = rebalance.orderedKeys
    key = fractionalIndexBetween(slot > 0 ? keys[slot - 1] : null, slot < keys.length ? keys[slot] : null, jitter)
    out.rebalanced = true
    out.rebalanceCount = rebalance.events.length
    out.events.push(...rebalance.events)
  }
  out.events.push(cellCreated({ id: cell.id, fractionalIndex: key, cellType: cell.cellType, createdBy: cell.createdBy }))
  return out
}

// One v2.CellMoved putting `cell` between `before` and `after`, or null when the cell has no
// key or already sits there. Throws FractionalIndexError when there is no room.
export function moveCellBetween(
  cell: CellReference,
  before: CellReference | null,
  after: CellReference | null,
  actorId: string | undefined,
  jitter: JitterSource,
): NewEvent<'v2.CellMoved'> | null {
  if (!cell.fractionalIndex) return null
  const current = cell.fractionalIndex
  const prev = before && before.fractionalIndex !== null ? before.fractionalIndex : null
  const next = after && after.fractionalIndex !== null ? after.fractionalIndex : null
  if (prev !== null && next !== null && compareText(current, prev) > 0 && compareText(current, next) < 0) return null
  if (!before && next !== null && compareText(current, next) < 0) return null
  if (!after && prev !== null && compareText(current, prev) > 0) return null
  return cellMoved({ id: cell.id, fractionalIndex: fractionalIndexBetween(prev, next, jitter), actorId })
}

export interface CellMove {
  events: NewEvent<'v2.CellMoved'>[]
  moved: boolean
  rebalanced: boolean
}

// moveCellBetween that rebalances when there is no room; the events include the move itself
// (anode returned only the rebalancing moves).
export function moveCellWithRebalancing(
  cell: CellReference,
  before: CellReference | null,
  after: CellReference | null,
  allCells: readonly CellReference[],
  actorId: string,
  jitter: JitterSource,
): CellMove {
  const out: CellMove = { events: [], moved: false, rebalanced: false }
  try {
    const move = moveCellBetween(cell, before, after, actorId, jitter)
    if (move !== null) {
      out.events.push(move)
      out.moved = true
    }
    return out
  } catch (e) {
    if (!(e instanceof FractionalIndexError) || allCells.length === 0) throw e
  }
  const rebalance = rebalanceCellIndices(allCells, `${actorId}-rebalance`)
  const sorted = sortedCells(allCells)
  const rekey = (ref: CellReference | null): CellReference | null => {
    if (ref === null) return null
    const i = positionOf(sorted, ref.id)
    return i === sorted.length ? ref : { ...ref, fractionalIndex: rebalance.orderedKeys[i] }
  }
  const self = positionOf(sorted, cell.id)
  const moved = self === sorted.length ? cell : { ...cell, fractionalIndex: rebalance.orderedKeys[self] }
  out.events = rebalance.events
  out.rebalanced = true
  const move = moveCellBetween(moved, rekey(before), rekey(after), actorId, jitter)
  if (move !== null) out.events.push(move)
  out.moved = true
  return out
}
