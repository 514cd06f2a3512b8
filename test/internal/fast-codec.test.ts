/**
 * Tests of the compiled fast path: on every operation's schemas, for generated values and for corrupted copies of
 * them, a compiled decoder or encoder vouches for a value only when the schema accepts it, and then gives exactly
 * what the schema gives.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Exit, Schema, type SchemaAST } from "effect"
import { operations } from "../../generated/operations.ts"
import {
  canCompileCode,
  compileRequestEncoder,
  compileResponseDecoder,
  MAX_DEPTH,
  NOT_VOUCHED,
  requestEncoder,
  responseDecoder
} from "../../src/internal/fast-codec.ts"

// Objects are walked by functions compiled from text where the runtime allows it, by closures where it does not
// (a Content-Security-Policy without 'unsafe-eval'): both are held to the schema.
const STRATEGIES = [
  { name: "compiled from text", asCode: true },
  { name: "closures only", asCode: false }
] as const

const STRICT: SchemaAST.ParseOptions = { onExcessProperty: "error", errors: "all" }

// Every leaf and every object of a JSON value, each replaced in turn by something of the wrong kind, and every
// object given a key no schema declares.
function* corruptions(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      for (const inner of corruptions(value[i])) yield value.map((item, j) => j === i ? inner : item)
    }
    yield [...value, { unexpected: true }]
    return
  }
  if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      for (const inner of corruptions((value as Record<string, unknown>)[key])) yield { ...value, [key]: inner }
    }
    yield { ...value, "not-declared-anywhere": 1 }
    return
  }
  yield typeof value === "string" ? 42 : "a string"
  yield null
}

/** A compiled function as a common shape: what it gives for a value, or `NOT_VOUCHED`. */
type Compiled = (value: unknown) => unknown

// The response decoder on its own copy of `value` (as the client hands it one from JSON.parse), against the schema.
// When it gives up part way it may have decoded some fields in place; the client then runs the schema on that
// payload, which must decide as it would have on the payload as received.
const responseDisagreement = (
  decode: (payload: unknown) => boolean,
  run: (value: unknown) => Exit.Exit<unknown, unknown>,
  value: unknown
): string | undefined => {
  const exit = run(value)
  const copy = JSON.parse(JSON.stringify(value)) as unknown
  const vouched = decode(copy)
  const schemaGives = (outcome: Exit.Exit<unknown, unknown>) =>
    Exit.isSuccess(outcome) ? JSON.stringify(canonical(outcome.value)) : "failure"
  if (vouched) {
    if (Exit.isFailure(exit)) return `vouched for what the schema rejects: ${JSON.stringify(value)}`
    if (schemaGives(exit) !== JSON.stringify(canonical(copy))) {
      return `gave ${JSON.stringify(copy)} where the schema gives ${JSON.stringify(exit.value)}`
    }
    return undefined
  }
  // Not vouching for a valid value only costs time (the schema then decides), but it must not be the common case.
  return schemaGives(run(copy)) === schemaGives(exit)
    ? undefined
    : `a failed decode changed what the schema decides for ${JSON.stringify(value)}`
}

// Compares a compiled function with the schema on one value; returns a description of the disagreement, if any.
const disagreement = (
  compiled: Compiled,
  run: (value: unknown) => Exit.Exit<unknown, unknown>,
  value: unknown
): string | undefined => {
  const exit = run(value)
  const result = compiled(value)
  if (result === NOT_VOUCHED) {
    // Not vouching for a valid value only costs time (the schema then decides), but it must not be the common case.
    return undefined
  }
  if (Exit.isFailure(exit)) return `vouched for what the schema rejects: ${JSON.stringify(value)}`
  if (JSON.stringify(canonical(exit.value)) !== JSON.stringify(canonical(result))) {
    return `gave ${JSON.stringify(result)} where the schema gives ${JSON.stringify(exit.value)}`
  }
  return undefined
}

// Key order is not part of a value's meaning, and the parser rebuilds objects in its own order.
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>
    return Object.fromEntries(Object.keys(record).sort().map((key) => [key, canonical(record[key])]))
  }
  return value
}

const samplesOf = (schema: Schema.Top, count: number) =>
  Effect.runSync(
    Effect.orDie(
      Arbitrary.sampleEffect(Arbitrary.schema(schema as Schema.Codec<unknown>), { count, seed: 42, size: 6 })
    )
  )

describe.each(STRATEGIES)("FastCodec, objects $name", ({ asCode }) => {
  it("responseDecoder agrees with decoding on every response schema, for valid and corrupted payloads", () => {
    let compiled = 0
    let acceptedValid = 0
    let valid = 0
    for (const operation of Object.values(operations)) {
      const schema = operation.response as Schema.Top | undefined
      if (schema === undefined) continue
      const decoder = compileResponseDecoder(schema.ast, asCode)
      if (decoder === undefined) continue
      compiled += 1
      const decode = Schema.decodeUnknownExit(schema as Schema.Codec<unknown, unknown>)
      const run = (value: unknown) => decode(value, { errors: "all" })
      for (const sample of samplesOf(schema, 5)) {
        // The decoder is for what JSON.parse returns.
        const payload = JSON.parse(JSON.stringify(sample)) as unknown
        if (Exit.isSuccess(run(payload))) {
          valid += 1
          if (decoder(JSON.parse(JSON.stringify(payload)))) acceptedValid += 1
        }
        const problem = responseDisagreement(decoder, run, payload)
        assert.isUndefined(problem, `${operation.operationId}: ${problem}`)
        let corrupted = 0
        for (const variant of corruptions(payload)) {
          if (++corrupted > 120) break
          const problem = responseDisagreement(decoder, run, variant)
          assert.isUndefined(problem, `${operation.operationId}: ${problem}`)
        }
      }
    }
    assert.isAbove(compiled, 80)
    // The fast path must actually be taken for valid payloads.
    assert.isAbove(acceptedValid, valid * 0.95)
  })

  it("requestEncoder agrees with strict encoding on every request schema, for valid and corrupted inputs", () => {
    let compiled = 0
    for (const operation of Object.values(operations)) {
      const schemas: ReadonlyArray<Schema.Top | undefined> = [
        operation.pathParameters,
        operation.queryParameters,
        operation.requestBody
      ]
      for (const schema of schemas) {
        if (schema === undefined) continue
        const guard = compileRequestEncoder(schema.ast, asCode)
        if (guard === undefined) continue
        compiled += 1
        const encode = Schema.encodeUnknownExit(schema as Schema.Codec<unknown, unknown>)
        const run = (value: unknown) => encode(value, STRICT)
        for (const sample of samplesOf(schema, 5)) {
          const problem = disagreement(guard, run, sample)
          assert.isUndefined(problem, `${operation.operationId}: ${problem}`)
          let corrupted = 0
          for (const variant of corruptions(sample)) {
            if (++corrupted > 120) break
            const problem = disagreement(guard, run, variant)
            assert.isUndefined(problem, `${operation.operationId}: ${problem}`)
          }
        }
      }
    }
    assert.isAbove(compiled, 100)
  })

  it("reads a getter once, so what was checked is what is sent", () => {
    const encode = compileRequestEncoder(Schema.Struct({ name: Schema.String }).ast, asCode)!
    let reads = 0
    const input = Object.defineProperty({}, "name", { enumerable: true, get: () => (reads++ === 0 ? "a" : 1) })
    assert.deepStrictEqual(encode(input), { name: "a" })
    assert.strictEqual(reads, 1)
  })

  it("takes any field name, quotes and line separators included", () => {
    const name = "a\"b\\c\u2028d'e`${f}"
    const request = compileRequestEncoder(Schema.Struct({ [name]: Schema.String }).ast, asCode)!
    assert.deepStrictEqual(request({ [name]: "x" }), { [name]: "x" })
    assert.strictEqual(request({ [name]: 1 }), NOT_VOUCHED)
    const response = Schema.StructWithRest(Schema.Struct({ [name]: Schema.Number }), [
      Schema.Record(Schema.String, Schema.Json)
    ])
    const decode = compileResponseDecoder(response.ast, asCode)!
    assert.isTrue(decode({ [name]: 1, other: true }))
    assert.isFalse(decode({ [name]: "1" }))
    assert.isFalse(decode({}))
  })
})

describe("FastCodec", () => {
  it("compiles object walks from text on this runtime", () => {
    // Node allows it; were this to fail, every call would silently take the closure walks.
    assert.isTrue(canCompileCode)
  })

  it("requestEncoder refuses what strict encoding refuses, and copies what it vouches for", () => {
    const schema = Schema.Struct({ name: Schema.String, size: Schema.optionalKey(Schema.Number) })
    const encode = requestEncoder(schema.ast)!
    const input = { name: "a" }
    const copy = encode(input)
    assert.deepStrictEqual(copy, { name: "a" })
    assert.notStrictEqual(copy, input, "the encoded value is a copy, so later changes to the input are not sent")
    assert.deepStrictEqual(encode({ name: "a", size: 1 }), { name: "a", size: 1 })
    assert.strictEqual(encode({ name: "a", extra: 1 }), NOT_VOUCHED)
    assert.strictEqual(encode({ name: "a", size: undefined }), NOT_VOUCHED)
    assert.strictEqual(encode({ name: "a", size: Number.NaN }), NOT_VOUCHED, "NaN is not JSON")
    assert.strictEqual(encode({ name: "a", size: Number.POSITIVE_INFINITY }), NOT_VOUCHED, "Infinity is not JSON")
    assert.strictEqual(encode(Object.assign(new (class Named {})(), { name: "a" })), NOT_VOUCHED)
    const throwing = Object.defineProperty({}, "name", { enumerable: true, get: () => { throw new Error("boom") } })
    assert.strictEqual(encode(throwing), NOT_VOUCHED, "a throwing getter is the schema's to report")
  })

  it("requestEncoder refuses nesting deeper than MAX_DEPTH instead of overflowing the stack", () => {
    const encode = requestEncoder(Schema.Struct({ markup: Schema.Json }).ast)!
    let deep: unknown = "leaf"
    for (let level = 0; level < 10_000; level++) deep = [deep]
    assert.strictEqual(encode({ markup: deep }), NOT_VOUCHED)
    let shallow: unknown = "leaf"
    for (let level = 0; level < MAX_DEPTH - 2; level++) shallow = [shallow]
    assert.deepStrictEqual(encode({ markup: shallow }), { markup: shallow })
  })

  it("responseDecoder reads null as absent and absent collections as empty, like the schema", () => {
    const schema = operations.getComment.response
    const decode = responseDecoder(schema.ast)!
    const payload: Record<string, unknown> = {
      status: "ok",
      comment: {
        id: "1",
        uid: "s.1",
        timestamp: "2024-05-01T09:00:00Z",
        created_at: "2024-05-01T09:00:00Z",
        thread_id: null,
        user_properties: null,
        messages: [{ body: { text: "hi", translated_from: null }, to: null }],
        added_later: { kept: true }
      }
    }
    const expected = Schema.decodeUnknownSync(schema as Schema.Codec<unknown, unknown>)(structuredClone(payload))
    assert.isTrue(decode(payload))
    assert.deepStrictEqual(payload, expected)
    assert.deepStrictEqual(payload["comment"], {
      id: "1",
      uid: "s.1",
      timestamp: "2024-05-01T09:00:00Z",
      created_at: "2024-05-01T09:00:00Z",
      user_properties: {},
      attachments: [],
      messages: [{ body: { text: "hi" } }],
      added_later: { kept: true }
    })
  })

  it("requestEncoder writes timestamps in their canonical form, from a Date or any ISO 8601 string", () => {
    const encode = requestEncoder(operations.resetStream.requestBody.ast)!
    assert.deepStrictEqual(encode({ to_comment_created_at: "2024-05-01T11:00:00+02:00" }), {
      to_comment_created_at: "2024-05-01T09:00:00Z"
    })
    assert.deepStrictEqual(encode({ to_comment_created_at: "2024-05-01T09:00:00.123456" }), {
      to_comment_created_at: "2024-05-01T09:00:00.123456Z"
    })
    assert.deepStrictEqual(encode({ to_comment_created_at: new Date(Date.UTC(2024, 4, 1, 9)) }), {
      to_comment_created_at: "2024-05-01T09:00:00.000Z"
    })
    assert.strictEqual(encode({ to_comment_created_at: "May 1, 2024" }), NOT_VOUCHED)
    assert.strictEqual(encode({ to_comment_created_at: new Date(Number.NaN) }), NOT_VOUCHED)
  })

  it("compiles nothing where vouching and the schema could differ", () => {
    assert.isUndefined(responseDecoder(Schema.Struct({ name: Schema.String }).ast), "closed response object")
    assert.isUndefined(responseDecoder(Schema.NumberFromString.ast), "transformation")
    assert.isUndefined(requestEncoder(Schema.Struct({ file: Schema.instanceOf(Blob) }).ast), "declaration")
  })
})
