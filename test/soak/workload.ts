/**
 * The load and fault phases of the soak run: a mix of calls against the sandbox over loopback, through the
 * counting proxy, at a fixed concurrency.
 *
 * The mix covers reads, idempotent writes and writes that are not retry-safe (whether an operation is retry-safe
 * comes from the generated operation table, as the client decides it). With faults on, every retry-safe call must
 * still succeed (the client retries up to 8 times, so a call fails only when 9 attempts in a row are hit); a call
 * that is not retry-safe may fail, but only with the error its fault explains, and the proxy must have seen it at
 * most once.
 *
 * @since 0.1.0
 */
import { Cause, Duration, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { FetchHttpClient } from "effect/http"
import { type OperationId, operations } from "../../generated/operations.ts"
import { ReinferClient, type ReinferClientShape } from "../../src/client.ts"
import { isReinferError, type ReinferCallError } from "../../src/errors.ts"
import type * as Sandbox from "../../src/sandbox/index.ts"
import { CALL_HEADER, type CountingProxy } from "./counting-proxy.ts"

/**
 * The project, source, dataset and stream every call works on.
 *
 * @category constants
 * @since 0.1.0
 */
export const SCENE = { project: "soak", source: "emails", dataset: "support", stream: "all" } as const

/**
 * Creates what the calls need in the sandbox's store, before any fault is switched on.
 *
 * @category constructors
 * @since 0.1.0
 */
export const seed = (sandbox: Sandbox.Sandbox): Effect.Effect<void> =>
  Effect.gen(function*() {
    const { store } = sandbox
    const source = yield* store.createSource(SCENE.project, SCENE.source, { title: "Soak emails" })
    yield* store.createDataset(SCENE.project, SCENE.dataset, { source_ids: [source.id] })
    yield* store.createStream(SCENE.project, SCENE.dataset, { name: SCENE.stream })
    yield* store.syncComments(SCENE.project, SCENE.source, Array.from({ length: 10 }, (_, index) => comment(`seed-${index}`)))
  }).pipe(Effect.orDie)

const comment = (id: string) => ({
  id,
  timestamp: "2024-05-01T09:00:00Z",
  messages: [{ body: { text: `Soak comment ${id}` } }],
  user_properties: { "number:Index": 1, "string:Kind": "soak" }
})

interface CallKind {
  readonly operationId: OperationId
  readonly weight: number
  readonly call: (
    client: ReinferClientShape,
    index: number,
    options: { readonly headers: Readonly<Record<string, string>> }
  ) => Effect.Effect<unknown, ReinferCallError>
}

const { dataset, project, source, stream } = SCENE

// Reads dominate, as in a real integration; every fourth call writes.
const MIX: ReadonlyArray<CallKind> = [
  { operationId: "getSource", weight: 3, call: (client, _, options) => client.getSource({ project, source }, options) },
  { operationId: "listSources", weight: 1, call: (client, _, options) => client.listSources(undefined, options) },
  { operationId: "getDataset", weight: 2, call: (client, _, options) => client.getDataset({ project, dataset }, options) },
  {
    operationId: "getComment",
    weight: 2,
    call: (client, index, options) => client.getComment({ project, source, commentId: `seed-${index % 10}` }, options)
  },
  { operationId: "getCurrentUser", weight: 1, call: (client, _, options) => client.getCurrentUser(undefined, options) },
  {
    operationId: "syncComments",
    weight: 2,
    call: (client, index, options) =>
      client.syncComments({ project, source, body: { comments: [comment(`call-${index}`)] } }, options)
  },
  {
    operationId: "refreshUserPermissions",
    weight: 1,
    call: (client, _, options) => client.refreshUserPermissions({ body: {} }, options)
  },
  {
    operationId: "resetStream",
    weight: 1,
    call: (client, _, options) =>
      client.resetStream({ project, dataset, stream, body: { to_comment_created_at: "2024-01-01T00:00:00Z" } }, options)
  },
  {
    operationId: "queryRecentComments",
    weight: 1,
    call: (client, _, options) =>
      client.queryRecentComments({ project, dataset, body: { filter: {}, limit: 5 } }, options)
  }
]

const WEIGHTED: ReadonlyArray<CallKind> = MIX.flatMap((kind) => Array.from({ length: kind.weight }, () => kind))

/**
 * What one call did.
 *
 * @category models
 * @since 0.1.0
 */
export interface CallOutcome {
  readonly callId: string
  readonly operationId: OperationId
  readonly safe: boolean
  readonly milliseconds: number
  /** The error's tag when the call failed with a ReinferCallError. */
  readonly failure: string | undefined
  /** Why the failure is not one its operation and the faults explain; undefined when it is. */
  readonly unexpected: string | undefined
  /** Set when the call ended in a defect or an interruption instead of a value or a ReinferCallError. */
  readonly defect: string | undefined
}

/**
 * Options of one phase.
 *
 * @category models
 * @since 0.1.0
 */
export interface PhaseOptions {
  readonly name: string
  readonly calls: number
  readonly concurrency: number
  /** Whether faults are on: failures of calls that are not retry-safe are then expected. */
  readonly faults: boolean
}

/**
 * Runs `options.calls` calls of the mix through the proxy, `options.concurrency` at a time.
 *
 * @category constructors
 * @since 0.1.0
 */
export const runPhase = (
  proxy: CountingProxy,
  token: string,
  options: PhaseOptions
): Promise<ReadonlyArray<CallOutcome>> => {
  const runtime = ManagedRuntime.make(
    ReinferClient.layer({
      endpoint: proxy.url,
      token,
      timeout: "10 seconds",
      retry: { maxRetries: 8, baseDelay: "2 millis", maxDelay: "20 millis" }
    }).pipe(Layer.provide(FetchHttpClient.layer), Layer.orDie)
  )
  const program = Effect.gen(function*() {
    const client = yield* ReinferClient
    return yield* Effect.forEach(
      Array.from({ length: options.calls }, (_, index) => index),
      (index) => {
        const kind = WEIGHTED[index % WEIGHTED.length]!
        const callId = `${options.name}-${index}`
        const safe = operations[kind.operationId].retry.safe
        return kind.call(client, index, { headers: { [CALL_HEADER]: callId } }).pipe(
          Effect.exit,
          Effect.timed,
          Effect.map(([elapsed, exit]) => outcomeOf(callId, kind.operationId, safe, Duration.toMillis(elapsed), exit, options))
        )
      },
      { concurrency: options.concurrency }
    )
  })
  return runtime.runPromise(program).finally(() => runtime.dispose())
}

const outcomeOf = (
  callId: string,
  operationId: OperationId,
  safe: boolean,
  milliseconds: number,
  exit: Exit.Exit<unknown, ReinferCallError>,
  options: PhaseOptions
): CallOutcome => {
  const base = { callId, operationId, safe, milliseconds }
  if (Exit.isSuccess(exit)) return { ...base, failure: undefined, unexpected: undefined, defect: undefined }
  const error = exit.cause.reasons.length === 1 && Cause.isFailReason(exit.cause.reasons[0]!)
    ? exit.cause.reasons[0].error
    : undefined
  if (error === undefined || !isReinferError(error)) {
    return { ...base, failure: undefined, unexpected: undefined, defect: Cause.pretty(exit.cause) }
  }
  return { ...base, failure: error._tag, unexpected: unexpectedFailure(error, safe, options), defect: undefined }
}

// With faults on, a call that is sent once may meet a 429, a 503, an HTML 502 or a lost answer; nothing else.
const unexpectedFailure = (error: ReinferCallError, safe: boolean, options: PhaseOptions): string | undefined => {
  if (!options.faults) return `failed without faults: ${error.message}`
  if (safe) return `a retry-safe call failed: ${error.message}`
  switch (error._tag) {
    case "ReinferApiError":
      return error.status === 429 || error.status === 503 ? undefined : `unexpected status: ${error.message}`
    case "ReinferUnexpectedResponse":
      return error.reason === "HtmlPage" && error.status === 502 ? undefined : `unexpected response: ${error.message}`
    case "ReinferTransportError":
      return undefined
    default:
      return `unexpected error: ${error.message}`
  }
}
