/**
 * The fuzz phase of the soak run: property-based inputs for every operation (fast-check), each call made against
 * a loopback server that records what arrives and answers 404.
 *
 * Inputs start from values the operation's own schemas generate (Effect's `Arbitrary.schema`), then fast-check
 * changes one thing, or nothing: a path parameter becomes hostile text (`..`, `a/b`, `%2F`, `?x`, `#x`, control
 * characters, lone surrogates, any Unicode), a query parameter or any node of the body becomes any value at all
 * (NaN, ±Infinity, bigints, symbols' holders, class instances, sparse arrays, runaway nesting, …), an unknown key
 * is added, or the whole input is replaced. The property, for every operation:
 * - the call ends in a value or a typed ReinferCallError, never a defect;
 * - a call refused before sending sent nothing;
 * - whatever arrived is as the OpenAPI description says (request-check.ts), and in particular every path
 *   parameter arrived in its own segment, as given.
 *
 * @since 0.1.0
 */
import { Arbitrary, Cause, Effect, Exit, Layer, ManagedRuntime, type Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import fc from "fast-check"
import { type OperationDefinition, operations } from "../../generated/operations.ts"
import { type CallOptions, ReinferClient } from "../../src/client.ts"
import { isReinferError, type ReinferCallError } from "../../src/errors.ts"
import * as FaultServer from "../support/fault-server.ts"
import type { RequestChecker } from "./request-check.ts"

/**
 * What the fuzz phase saw.
 *
 * @category models
 * @since 0.1.0
 */
export interface FuzzResult {
  readonly operations: number
  /** Inputs tried, shrinking steps included. */
  readonly inputs: number
  /** Requests that reached the server. */
  readonly sent: number
  /** Calls refused with a ReinferRequestError before anything was sent. */
  readonly refused: number
  /** Requests that arrived with a path parameter outside its segment, or changed. */
  readonly escaped: number
  /** Requests that arrived with something else the spec does not allow. */
  readonly specInvalid: number
  /** Calls that ended in a defect or in an error that is not a ReinferCallError. */
  readonly untyped: number
  /** One line for each operation whose property failed: the smallest input found, and what went wrong. */
  readonly counterexamples: ReadonlyArray<string>
}

type Method = (input: unknown, options?: CallOptions) => Effect.Effect<unknown, ReinferCallError>

type Mutation =
  | { readonly kind: "none" }
  | { readonly kind: "path"; readonly which: number; readonly value: string }
  | { readonly kind: "query"; readonly which: number; readonly value: unknown }
  | { readonly kind: "body"; readonly which: number; readonly value: unknown }
  | { readonly kind: "extra"; readonly key: string; readonly value: unknown }
  | { readonly kind: "whole"; readonly value: unknown }

const HOSTILE_SEGMENTS = [
  "",
  ".",
  "..",
  "a/b",
  "../admin",
  "%2F",
  "%2e%2e",
  "a%2Fb",
  "?limit=1",
  "a#b",
  "a b",
  "\u0000",
  "\r\nx-injected: 1",
  "é/ü",
  "😀",
  "\uD800",
  "\\",
  "%",
  "a;b",
  "a&b=c"
]

const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE_SEGMENTS),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 12 })
)

// Deeper than the client's limit, shallow enough for the fuzzer's own JSON.stringify of a counterexample.
const runawayNesting = fc.integer({ min: 129, max: 400 }).map((depth) => {
  let value: unknown = 1
  for (let level = 0; level < depth; level++) value = [value]
  return value
})

const anyValue = fc.oneof(
  hostileText,
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 2 ** 53, null, undefined),
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true
  }),
  runawayNesting
)

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("path" as const), which: fc.nat(), value: hostileText }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("query" as const), which: fc.nat(), value: anyValue }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("body" as const), which: fc.nat(), value: anyValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("extra" as const), key: fc.string(), value: anyValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("whole" as const), value: anyValue }) }
)

/**
 * Runs the property for every operation, `runsPerOperation` inputs each.
 *
 * @category constructors
 * @since 0.1.0
 */
export const runFuzz = async (
  checker: RequestChecker,
  options: { readonly runsPerOperation: number; readonly seed: number }
): Promise<FuzzResult> => {
  const server = await FaultServer.start({ fallback: FaultServer.apiError(404, "Not found (fuzz server)") })
  const runtime = ManagedRuntime.make(
    ReinferClient.layer({ endpoint: server.url, token: "fuzz-token-0123456789", timeout: "10 seconds", retry: false })
      .pipe(Layer.provide(FetchHttpClient.layer), Layer.orDie)
  )
  const totals = { inputs: 0, sent: 0, refused: 0, escaped: 0, specInvalid: 0, untyped: 0 }
  const counterexamples: Array<string> = []
  try {
    const client = await runtime.runPromise(Effect.gen(function*() {
      return yield* ReinferClient
    }))
    const methods = client as unknown as Readonly<Record<string, Method>>
    const all = Object.values(operations) as ReadonlyArray<OperationDefinition>
    for (const [index, operation] of all.entries()) {
      // A seed per operation: with one seed, every operation would get the same sequence of changes.
      const seed = options.seed * 1_000 + index
      const samples = await Effect.runPromise(validInputs(operation, options.runsPerOperation, seed))
      const property = fc.asyncProperty(fc.nat({ max: samples.length - 1 }), mutation, async (which, change) => {
        const input = mutate(samples[which]!, change, operation)
        const before = server.requests.length
        const exit = await runtime.runPromise(Effect.exit(methods[operation.operationId]!(input)))
        const arrived = server.requests.slice(before)
        totals.inputs += 1
        totals.sent += arrived.length
        const problems: Array<string> = []
        if (Exit.isFailure(exit)) {
          const reasons = exit.cause.reasons
          const error = reasons.length === 1 && Cause.isFailReason(reasons[0]!) ? reasons[0].error : undefined
          if (!isReinferError(error)) {
            totals.untyped += 1
            problems.push(`ended untyped: ${Cause.pretty(exit.cause).slice(0, 400)}`)
          } else if (error._tag === "ReinferRequestError") {
            totals.refused += 1
            if (arrived.length > 0) problems.push(`refused (${error.message}) yet sent ${arrived.length} request(s)`)
          }
        }
        const pathValues = typeof input === "object" && input !== null ? input as Record<string, unknown> : {}
        for (const request of arrived) {
          const found = checker.check(operation.operationId, {
            method: request.method,
            url: request.url,
            body: request.body,
            contentType: request.headers["content-type"]
          }, pathValues)
          const escaped = found.some((problem) => /segment|parameter .* arrived/.test(problem))
          if (escaped) totals.escaped += 1
          else if (found.length > 0) totals.specInvalid += 1
          problems.push(...found.map((problem) => `${request.method} ${request.url}: ${problem}`))
        }
        if (problems.length > 0) throw new Error(problems.join("\n"))
      })
      const details = await fc.check(property, { numRuns: samples.length, seed })
      if (details.failed) {
        counterexamples.push(
          `${operation.operationId}: ${fc.stringify(details.counterexample)}\n  ${String(details.errorInstance)}`
        )
      }
    }
  } finally {
    await runtime.dispose()
    await server.close()
  }
  return { operations: Object.keys(operations).length, ...totals, counterexamples }
}

// Valid inputs drawn from the operation's own schemas: path and query parameters side by side, the body under
// `body`, as the client's methods take them.
const validInputs = (
  operation: OperationDefinition,
  count: number,
  seed: number
): Effect.Effect<ReadonlyArray<Record<string, unknown>>> =>
  Effect.gen(function*() {
    const sample = (schema: Schema.Top | undefined) =>
      schema === undefined
        ? Effect.succeed(Array.from({ length: count }, () => undefined))
        : Arbitrary.sampleEffect(Arbitrary.schema(schema as Schema.Codec<unknown>), { count, seed, size: 4 })
    const paths = yield* sample(operation.pathParameters)
    const queries = yield* sample(operation.queryParameters)
    const bodies = yield* sample(operation.requestBody)
    return Array.from({ length: count }, (_, index) => ({
      ...(paths[index] as object | undefined),
      ...(queries[index] as object | undefined),
      ...(operation.requestBody === undefined ? {} : { body: bodies[index] })
    }))
  }).pipe(Effect.orDie)

const fieldNames = (schema: Schema.Top | undefined): ReadonlyArray<string> =>
  schema !== undefined && "fields" in schema ? Object.keys(schema.fields as object) : []

const mutate = (input: Record<string, unknown>, change: Mutation, operation: OperationDefinition): unknown => {
  switch (change.kind) {
    case "none":
      return input
    case "path":
    case "query": {
      const names = fieldNames(change.kind === "path" ? operation.pathParameters : operation.queryParameters)
      if (names.length === 0) return input
      return { ...input, [names[change.which % names.length]!]: change.value }
    }
    case "body": {
      if (!("body" in input)) return input
      const paths = nodePaths(input.body)
      return { ...input, body: replaceAt(input.body, paths[change.which % paths.length]!, change.value) }
    }
    case "extra":
      return { ...input, [change.key]: change.value }
    case "whole":
      return change.value
  }
}

// Every place in a value a mutation can hit: the value itself, then each array item and object field, depth first.
const nodePaths = (value: unknown, at: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const paths: Array<ReadonlyArray<string | number>> = [at]
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...nodePaths(item, [...at, index])))
  else if (isPlainRecord(value)) {
    for (const [key, inner] of Object.entries(value)) paths.push(...nodePaths(inner, [...at, key]))
  }
  return paths
}

const replaceAt = (value: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown => {
  if (path.length === 0) return replacement
  const [head, ...rest] = path
  if (Array.isArray(value)) return value.map((item, index) => index === head ? replaceAt(item, rest, replacement) : item)
  const record = value as Record<string, unknown>
  return { ...record, [head!]: replaceAt(record[head!], rest, replacement) }
}

const isPlainRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype
