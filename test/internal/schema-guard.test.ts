/**
 * Tests of the compiled schema guards: on every operation's schemas, for generated values and for corrupted
 * copies of them, a guard says yes exactly when the schema would accept the value and give back an equal one.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Exit, Schema, type SchemaAST } from "effect"
import { operations } from "../../generated/operations.ts"
import { type Guard, requestGuard, responseGuard } from "../../src/internal/schema-guard.ts"

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

// Compares a guard with the schema on one value; returns a description of the disagreement, if any.
const disagreement = (
  guard: Guard,
  run: (value: unknown) => Exit.Exit<unknown, unknown>,
  value: unknown
): string | undefined => {
  const exit = run(value)
  const accepted = guard(value)
  if (accepted && Exit.isFailure(exit)) return `guard accepted what the schema rejects: ${JSON.stringify(value)}`
  if (accepted && Exit.isSuccess(exit) && JSON.stringify(canonical(exit.value)) !== JSON.stringify(canonical(value))) {
    return `guard accepted a value the schema changes: ${JSON.stringify(value)}`
  }
  // Saying no to a valid value only costs time (the schema then decides), but it must not be the common case.
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

describe("SchemaGuard", () => {
  it("responseGuard agrees with decoding on every response schema, for valid and corrupted payloads", () => {
    let compiled = 0
    let acceptedValid = 0
    let valid = 0
    for (const operation of Object.values(operations)) {
      const schema = operation.response as Schema.Top | undefined
      if (schema === undefined) continue
      const guard = responseGuard(schema.ast)
      if (guard === undefined) continue
      compiled += 1
      const decode = Schema.decodeUnknownExit(schema as Schema.Codec<unknown, unknown>)
      const run = (value: unknown) => decode(value, { errors: "all" })
      for (const sample of samplesOf(schema, 5)) {
        // The guard is for what JSON.parse returns.
        const payload = JSON.parse(JSON.stringify(sample)) as unknown
        if (Exit.isSuccess(run(payload))) {
          valid += 1
          if (guard(payload)) acceptedValid += 1
        }
        const problem = disagreement(guard, run, payload)
        assert.isUndefined(problem, `${operation.operationId}: ${problem}`)
        let corrupted = 0
        for (const variant of corruptions(payload)) {
          if (++corrupted > 120) break
          const problem = disagreement(guard, run, variant)
          assert.isUndefined(problem, `${operation.operationId}: ${problem}`)
        }
      }
    }
    assert.isAbove(compiled, 60)
    // The fast path must actually be taken for valid payloads.
    assert.isAbove(acceptedValid, valid * 0.95)
  })

  it("requestGuard agrees with strict encoding on every request schema, for valid and corrupted inputs", () => {
    let compiled = 0
    for (const operation of Object.values(operations)) {
      const schemas: ReadonlyArray<Schema.Top | undefined> = [
        operation.pathParameters,
        operation.queryParameters,
        operation.requestBody
      ]
      for (const schema of schemas) {
        if (schema === undefined) continue
        const guard = requestGuard(schema.ast)
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

  it("requestGuard refuses what strict encoding refuses or rewrites: unknown keys, class instances", () => {
    const schema = Schema.Struct({ name: Schema.String, size: Schema.optionalKey(Schema.Number) })
    const guard = requestGuard(schema.ast)!
    assert.isTrue(guard({ name: "a" }))
    assert.isTrue(guard({ name: "a", size: 1 }))
    assert.isFalse(guard({ name: "a", extra: 1 }))
    assert.isFalse(guard({ name: "a", size: undefined }))
    assert.isFalse(guard(Object.assign(new (class Named {})(), { name: "a" })))
  })

  it("gives no guard where acceptance and equality could differ", () => {
    assert.isUndefined(responseGuard(Schema.Struct({ name: Schema.String }).ast), "closed response object")
    assert.isUndefined(responseGuard(Schema.NumberFromString.ast), "transformation")
    assert.isUndefined(requestGuard(Schema.Struct({ file: Schema.instanceOf(Blob) }).ast), "declaration")
  })
})
