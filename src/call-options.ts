/**
 * Per-call settings, and the one place where they meet the layer's: timeout, retries and extra headers.
 *
 * A setting comes from, in order of precedence (last wins): the spec (an operation that is not retry-safe is never
 * retried), the layer's options, `withCallOptions` around the effect making the call, and the options passed to the
 * call itself. `withCallOptions` keeps its options in a `Context.Reference`, so it scopes them to a whole effect,
 * every call inside it included (pagination, bulk sync and the stream consumer make their calls there too), the way
 * Effect's own HttpClient settings work.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as Schedule from "effect/Schedule"
import { dual } from "effect/Function"
import type { OperationDefinition } from "../generated/operations.ts"
import { decodeTimeout, type ResolvedOptions } from "./config.ts"
import type { ReinferCallError, ReinferRequestError } from "./errors.ts"
import { invalidInput } from "./request.ts"
import { weakMemo } from "./internal/weak-memo.ts"
import { mergeRetryOptions, type RetryDefinition, resolveRetryOptions, type RetryOptions, scheduleOf } from "./retry.ts"

/**
 * Options for one call, or for every call inside an effect (`withCallOptions`); each overrides the layer's
 * setting.
 *
 * @since 0.1.0
 * @category configuration
 */
export interface CallOptions {
  /**
   * Retry options laid over the layer's (a field set here wins); `false` turns retries off.
   * Operations the spec does not mark safe are never retried, whatever this says.
   * @default the layer's `retry`
   */
  readonly retry?: RetryOptions | false | undefined
  /**
   * How long one attempt may take, body included.
   * @default the layer's `timeout` ("60 seconds" unless set)
   */
  readonly timeout?: Duration.Input | undefined
  /**
   * Extra request headers. Any header may be set (a `user-agent` here replaces the layer's) except those the
   * client sets from the layer and the operation: `authorization` (the layer's token), `accept`, `content-type`
   * and `content-length` (from the operation's media types and body), `host`, and the trace context
   * (`traceparent`, `tracestate`, `b3`) taken from the attempt's span. Naming one of those is a
   * `ReinferRequestError`, as is a name or value HTTP does not allow.
   * @default none
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * The call options in force for the calls of the current effect: what `withCallOptions` sets.
 *
 * @since 0.1.0
 * @category configuration
 */
export const CurrentCallOptions: Context.Reference<CallOptions> = Context.Reference<CallOptions>(
  "effect-reinfer/CurrentCallOptions",
  { defaultValue: () => NO_OPTIONS }
)

/**
 * Runs an effect with call options for every Re:infer call inside it, laid over any already in force (a field
 * set here wins; headers are merged). Options passed to a single call still win over these.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Pagination, ReinferClient } from "effect-reinfer"
 *
 * // Every page of the export gets two minutes and a tracing header.
 * const exported = Pagination.stream("queryDataset", {
 *   project: "acme",
 *   dataset: "support",
 *   body: { filter: {}, order: { kind: "recent" } }
 * }).pipe(
 *   Stream.runCollect,
 *   ReinferClient.withCallOptions({ timeout: "2 minutes", headers: { "x-job": "nightly-export" } })
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withCallOptions: {
  (options: CallOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: CallOptions): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, options: CallOptions): Effect.Effect<A, E, R> =>
    Effect.updateService(self, CurrentCallOptions, (current) => mergeCallOptions(current, options))
)

/**
 * Lays `inner` over `outer`: a field set in `inner` wins (retry options field by field), headers are merged.
 *
 * @internal
 * @since 0.1.0
 * @category combinators
 */
export const mergeCallOptions = (outer: CallOptions, inner: CallOptions | undefined): CallOptions => {
  if (inner === undefined || inner === NO_OPTIONS) return outer
  if (outer === NO_OPTIONS) return inner
  return {
    retry: inner.retry === undefined ? outer.retry : mergeRetryOptions(outer.retry, inner.retry),
    timeout: inner.timeout ?? outer.timeout,
    headers: outer.headers === undefined
      ? inner.headers
      : inner.headers === undefined
      ? outer.headers
      : { ...outer.headers, ...inner.headers }
  }
}

/**
 * The settings of one call after precedence: spec, layer, `withCallOptions`, the call.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface CallSettings {
  readonly timeout: Duration.Duration
  /** `undefined` when the call is sent once. */
  readonly schedule: Schedule.Schedule<unknown, ReinferCallError> | undefined
  readonly headers: Readonly<Record<string, string>> | undefined
}

/**
 * Settles the settings of one call from the options in scope (`CurrentCallOptions`) and its own, or fails with a
 * `ReinferRequestError` naming the option at fault
 * (`options.timeout`, `options.retry.maxRetries`, `options.headers["x-trace"]`) before anything is sent. Every
 * option is checked on every operation, so a wrong one shows on its first call, not on the first retry-safe one.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const resolveCallSettings = (
  operation: OperationDefinition,
  settings: ResolvedOptions,
  scoped: CallOptions,
  callOptions: CallOptions | undefined
): Result.Result<CallSettings, ReinferRequestError> => {
  const options = mergeCallOptions(scoped, callOptions)
  // Most calls set nothing: their settings depend only on the layer and the operation, and are made once.
  if (options === NO_OPTIONS) return Result.succeed(layerSettingsOf(settings, operation.retry))
  const invalid = (field: string, issue: string) =>
    Result.fail(invalidInput(operation, { endpoint: settings.endpoint }, `options.${field}`, issue))
  const headerIssue = options.headers === undefined ? undefined : checkHeaders(options.headers)
  if (headerIssue !== undefined) return invalid(headerIssue.field, headerIssue.issue)
  let timeout = settings.timeout
  if (options.timeout !== undefined) {
    const decoded = decodeTimeout(options.timeout)
    if (Result.isFailure(decoded)) return invalid("timeout", decoded.failure)
    timeout = decoded.success
  }
  if (options.retry !== undefined && options.retry !== false) {
    const checked = resolveRetryOptions(options.retry)
    if (Result.isFailure(checked)) return invalid(checked.failure.field, checked.failure.issue)
  }
  let schedule: CallSettings["schedule"]
  if (options.retry === undefined) {
    schedule = layerSettingsOf(settings, operation.retry).schedule
  } else if (operation.retry.safe) {
    const merged = mergeRetryOptions(settings.retry === false ? false : settings.retry, options.retry)
    if (merged !== false) {
      const resolved = resolveRetryOptions(merged)
      if (Result.isFailure(resolved)) return invalid(resolved.failure.field, resolved.failure.issue)
      schedule = scheduleOf(resolved.success, operation.retry)
    }
  }
  return Result.succeed({ timeout, schedule, headers: options.headers })
}

// ---------------------------------------------------------------------------------------------------------

const NO_OPTIONS: CallOptions = Object.freeze({})

// Per layer, then per retry definition (each operation's is an object of the generated table).
const layerSettingsOf = (settings: ResolvedOptions, definition: RetryDefinition): CallSettings =>
  settingsByDefinition(settings)(definition)

const settingsByDefinition = weakMemo((settings: ResolvedOptions) =>
  weakMemo((definition: RetryDefinition): CallSettings => {
    // Unsafe operations are sent exactly once, whatever the options say.
    const schedule = !definition.safe || settings.retry === false ? undefined : scheduleOf(settings.retry, definition)
    return { timeout: settings.timeout, schedule, headers: undefined }
  })
)

// Set by the client from the layer and the operation: a caller's value would be overwritten or contradict it.
const RESERVED_HEADERS: Readonly<Record<string, string>> = {
  authorization: "the layer's token is always sent",
  accept: "it comes from the operation's response media type",
  "content-type": "it comes from the operation's request body",
  "content-length": "it comes from the request body",
  host: "it comes from the endpoint",
  traceparent: "it comes from the attempt's span",
  tracestate: "it comes from the attempt's span",
  b3: "it comes from the attempt's span"
}

// RFC 9110: a field name is a token; a value holds no CR, LF or NUL (nor other controls but tab), which would
// end the header early or be refused by the transport after the call was already counted as an attempt.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/

/** The first call-option header that cannot be sent, with why (the field is below `options.`). */
const checkHeaders = (
  headers: Readonly<Record<string, unknown>>
): { readonly field: string; readonly issue: string } | undefined => {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    return { field: "headers", issue: "must be an object of header names to values" }
  }
  for (const [name, value] of Object.entries(headers)) {
    const field = `headers[${JSON.stringify(name)}]`
    if (!HEADER_NAME.test(name)) return { field, issue: "is not a valid header name" }
    const reserved = RESERVED_HEADERS[name.toLowerCase()]
    if (reserved !== undefined) return { field, issue: `cannot be set per call: ${reserved}` }
    if (typeof value !== "string") return { field, issue: `must be a string, got ${typeof value}` }
    if (!HEADER_VALUE.test(value)) {
      return { field, issue: "must not contain line breaks or other control characters" }
    }
  }
  return undefined
}
