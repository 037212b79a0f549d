// Decoders for the encoded (wire) form of event args, mirroring runt's C++ codec (codec.cpp),
// which mirrors anode's Effect schemas: types are checked, literal unions are exact, `null` is
// refused for optional keys, unknown keys are dropped, and numbers that land in STRICT integer
// columns must be integral. A decoder returns the value normalized to what the TypeScript
// encoder would emit (keys in declaration order, canonical dates), so decoding also serves as
// the encoder for events this client builds.

import { formatIso, parseIso } from './timestamp'

export type Json = null | boolean | number | string | Json[] | JsonObject
export interface JsonObject {
  [key: string]: Json
}

export interface InlineMedia {
  readonly type: 'inline'
  readonly data?: Json // may be absent on the wire; absent and null materialize differently
  readonly metadata?: JsonObject
}
export interface ArtifactMedia {
  readonly type: 'artifact'
  readonly artifactId: string
  readonly metadata?: JsonObject
}
export type MediaRepresentation = InlineMedia | ArtifactMedia
// {mime: MediaRepresentation}, in the order sent (representations render in that order).
export type Representations = Readonly<Record<string, MediaRepresentation>>

type Segment = string | number | { readonly mime: string }

// A problem inside args; the path is filled in as the error travels out of nested decoders.
export class FieldError extends Error {
  readonly path: Segment[]
  readonly problem: string
  constructor(path: Segment[], problem: string) {
    super(problem)
    this.path = path
    this.problem = problem
  }
  // `content.data`, `cellsInfo[1].queueId`, `representations["text/plain"].type`
  renderPath(): string {
    let out = ''
    for (const s of this.path) {
      if (typeof s === 'string') out = out === '' ? s : `${out}.${s}`
      else if (typeof s === 'number') out += `[${s}]`
      else out += `[${JSON.stringify(s.mime)}]`
    }
    return out
  }
}

// Invalid args of a known event. The message matches runt's C++ DecodeError, e.g.
// `v1.ExecutionRequested: field "executionCount": expected an integer, got 1.5`.
export class DecodeError extends Error {
  readonly eventName: string
  readonly fieldPath: string
  constructor(eventName: string, fieldPath: string, problem: string) {
    super(`${eventName === '' ? 'event' : eventName}: ${fieldPath === '' ? '' : `field "${fieldPath}": `}${problem}`)
    this.name = 'DecodeError'
    this.eventName = eventName
    this.fieldPath = fieldPath
  }
}

const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder()

// How a refused value is named in messages (C++ `describe`).
export function describe(v: unknown): string {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'boolean':
    case 'number':
      return String(v)
    case 'string': {
      // C++ cuts the quoted UTF-8 text at 57 bytes.
      const quoted = JSON.stringify(v)
      const bytes = utf8.encode(quoted)
      return `the string ${bytes.length > 60 ? utf8Decoder.decode(bytes.subarray(0, 57)) + '...' : quoted}`
    }
    case 'object':
      return Array.isArray(v) ? 'an array' : 'an object'
    default:
      return `a ${typeof v}`
  }
}

function fail(expected: string, got: unknown): never {
  throw new FieldError([], `expected ${expected}, got ${describe(got)}`)
}

// Runs a nested decoder, adding its place to the path of any error.
function at<T>(segment: Segment, decode: () => T): T {
  try {
    return decode()
  } catch (e) {
    if (e instanceof FieldError) e.path.unshift(segment)
    throw e
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const hasOwn = Object.prototype.hasOwnProperty
export function own(v: Record<string, unknown>, key: string): unknown {
  return hasOwn.call(v, key) ? v[key] : undefined
}

// `out[key] = value` that also works for the key "__proto__" (JSON.parse makes it an own key).
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

export interface Type<T> {
  readonly decode: (v: unknown) => T
  readonly optional?: false
}
export interface OptionalType<T> {
  readonly decode: (v: unknown) => T
  readonly optional: true
}
export type Fields = Readonly<Record<string, Type<unknown> | OptionalType<unknown>>>

type Decoded<X> = X extends { decode: (v: unknown) => infer T } ? T : never
type RequiredKeys<F> = { [K in keyof F]: F[K] extends { optional: true } ? never : K }[keyof F]
type OptionalKeys<F> = { [K in keyof F]: F[K] extends { optional: true } ? K : never }[keyof F]
type Simplify<T> = { [K in keyof T]: T[K] } & {}
export type StructOf<F extends Fields> = Simplify<
  { readonly [K in RequiredKeys<F>]: Decoded<F[K]> } & { readonly [K in OptionalKeys<F>]?: Decoded<F[K]> }
>

export const string: Type<string> = {
  decode: (v) => (typeof v === 'string' ? v : fail('a string', v)),
}
export const boolean: Type<boolean> = {
  decode: (v) => (typeof v === 'boolean' ? v : fail('a boolean', v)),
}
export const number: Type<number> = {
  decode: (v) => (typeof v === 'number' ? v : fail('a number', v)),
}
// A number bound for a STRICT integer column: 3 and 3.0 are the same JavaScript number.
export const int: Type<number> = {
  decode: (v) => (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 9.2e18 ? v : fail('an integer', v)),
}
// Schema.Date: decoded to the canonical toISOString() text.
export const date: Type<string> = {
  decode: (v) => {
    const ms = typeof v === 'string' ? parseIso(v) : null
    return ms === null ? fail('an ISO-8601 date string', v) : formatIso(ms)
  },
}
// Schema.Any: kept as given.
export const any: Type<Json> = { decode: (v) => v as Json }
export const object: Type<JsonObject> = {
  decode: (v) => (isObject(v) ? (v as JsonObject) : fail('an object', v)),
}

export function optional<T>(type: Type<T>): OptionalType<T> {
  return { decode: type.decode, optional: true }
}

export function literal<const L extends readonly string[]>(names: L): Type<L[number]> {
  const allowed = names.map((n) => `"${n}"`).join(' | ')
  return {
    decode: (v) => (typeof v === 'string' && (names as readonly string[]).includes(v) ? (v as L[number]) : fail(`one of ${allowed}`, v)),
  }
}

export function array<T>(element: Type<T>): Type<T[]> {
  return {
    decode: (v) => {
      if (!Array.isArray(v)) fail('an array', v)
      return v.map((e, i) => at(i, () => element.decode(e)))
    },
  }
}

export function struct<const F extends Fields>(fields: F): Type<StructOf<F>> {
  const keys = Object.keys(fields)
  const types = keys.map((k) => fields[k])
  return {
    decode: (v) => {
      if (!isObject(v)) fail('an object', v)
      const out: Record<string, unknown> = {}
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]
        // Plain reads: no field name is an Object.prototype member. This loop is the hot path.
        const value = v[key]
        if (value === undefined) {
          if (types[i].optional) continue
          throw new FieldError([key], 'missing')
        }
        try {
          out[key] = types[i].decode(value)
        } catch (e) {
          if (e instanceof FieldError) e.path.unshift(key)
          throw e
        }
      }
      return out as StructOf<F>
    },
  }
}

function decodeMedia(v: unknown): MediaRepresentation {
  if (!isObject(v)) fail('a media representation object', v)
  const type = own(v, 'type')
  if (type === undefined) throw new FieldError(['type'], 'missing')
  const metadata = (): JsonObject | undefined => {
    const m = own(v, 'metadata')
    return m === undefined ? undefined : at('metadata', () => object.decode(m))
  }
  if (type === 'inline') {
    const out: { type: 'inline'; data?: Json; metadata?: JsonObject } = { type: 'inline' }
    const data = own(v, 'data')
    if (data !== undefined) out.data = data as Json
    const m = metadata()
    if (m !== undefined) out.metadata = m
    return out
  }
  if (type === 'artifact') {
    const artifactId = own(v, 'artifactId')
    if (artifactId === undefined) throw new FieldError(['artifactId'], 'missing')
    const out: { type: 'artifact'; artifactId: string; metadata?: JsonObject } = {
      type: 'artifact',
      artifactId: at('artifactId', () => string.decode(artifactId)),
    }
    const m = metadata()
    if (m !== undefined) out.metadata = m
    return out
  }
  return at('type', () => fail('"inline" or "artifact"', type))
}

export const media: Type<MediaRepresentation> = { decode: decodeMedia }

export const representations: Type<Representations> = {
  decode: (v) => {
    if (!isObject(v)) fail('an object of media representations by MIME type', v)
    const out: Record<string, MediaRepresentation> = {}
    for (const mime of Object.keys(v)) setOwn(out, mime, at({ mime }, () => decodeMedia(v[mime])))
    return out
  },
}
