/**
 * Which failures are retried, how long to wait between attempts, and when to give up.
 *
 * Only operations the spec marks safe (`x-reinfer-retry.safe`) are retried. By default a call is retried up to
 * 3 times on transport errors and on 408, 429, 500, 502, 503 and 504 (409 only where the operation's retry
 * definition says `conflict`), with exponential backoff and jitter from 250 ms capped at 8 s. A `Retry-After`
 * replaces the backoff delay up to `retryAfterCap` (60 s); above it the call fails at once with the
 * `ReinferApiError`, so the caller decides whether to wait that long. The client runs each call with
 * `Effect.retry(makeSchedule(options, definition))`.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import { dual } from "effect/Function"
import * as Headers from "effect/http/Headers"
import type { RetryDefinition } from "../generated/operations.ts"
import { type ReinferCallError, ReinferConfigError } from "./errors.ts"

export type { RetryDefinition } from "../generated/operations.ts"

/**
 * How calls are retried; every field is optional and falls back to its default. Set layer-wide in the client's
 * options (`retry: false` turns retries off) and per call.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions {
  /**
   * Retries after the first attempt.
   * @default 3
   */
  readonly maxRetries?: number | undefined
  /**
   * The first backoff delay; each retry doubles it, with ±20 % jitter.
   * @default "250 millis"
   */
  readonly baseDelay?: Duration.Input | undefined
  /**
   * The longest backoff delay (a `Retry-After` may ask for more, up to `retryAfterCap`).
   * @default "8 seconds"
   */
  readonly maxDelay?: Duration.Input | undefined
  /**
   * The longest `Retry-After` that is waited for; a longer one fails the call at once.
   * @default "60 seconds"
   */
  readonly retryAfterCap?: Duration.Input | undefined
  /**
   * Replaces the backoff policy: it receives each retryable error and decides the delay and when to stop;
   * `maxRetries`, `baseDelay`, `maxDelay` and `retryAfterCap` are then ignored.
   *
   * **Gotchas**
   *
   * Unsafe operations and errors that are never retryable (a 400, a `ReinferDecodeError`) still never reach it:
   * a schedule decides timing, not safety.
   */
  readonly schedule?: Schedule.Schedule<unknown, ReinferCallError> | undefined
}

/**
 * Retry options with every default applied and every duration decoded.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface ResolvedRetryOptions {
  readonly maxRetries: number
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  readonly retryAfterCap: Duration.Duration
  readonly schedule: Schedule.Schedule<unknown, ReinferCallError> | undefined
}

/**
 * A retry option that cannot be used: the option's path (`retry.maxRetries`) and what is wrong. The layer turns
 * it into a `ReinferConfigError`, the client a per-call one into a `ReinferRequestError`.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface RetryOptionsIssue {
  readonly field: string
  readonly issue: string
}

/**
 * Three retries: what the Rust CLI uses, and enough to ride out a deploy or a brief overload (about 2 s of
 * backoff in all) without turning a real outage into a long hang.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_MAX_RETRIES = 3

/**
 * 250 ms for the first retry: most transient failures (a reset connection, a gateway restart) clear within a
 * fraction of a second, so waiting seconds first, as the Rust CLI's 5 s does, mostly adds latency.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_BASE_DELAY: Duration.Duration = Duration.millis(250)

/**
 * No backoff delay above 8 s: with 3 retries it is never reached (250 ms, 500 ms, 1 s), but raising
 * `maxRetries` should not make one wait grow without bound.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_MAX_DELAY: Duration.Duration = Duration.seconds(8)

/**
 * A `Retry-After` of up to 60 s is waited for; a longer one (a quota reset, a maintenance window) fails the call
 * at once with the `ReinferApiError` carrying `retryAfter`, so the caller decides whether to wait.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_RETRY_AFTER_CAP: Duration.Duration = Duration.seconds(60)

/**
 * The defaults, resolved.
 *
 * @internal
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_RETRY_OPTIONS: ResolvedRetryOptions = {
  maxRetries: DEFAULT_MAX_RETRIES,
  baseDelay: DEFAULT_BASE_DELAY,
  maxDelay: DEFAULT_MAX_DELAY,
  retryAfterCap: DEFAULT_RETRY_AFTER_CAP,
  schedule: undefined
}

/**
 * HTTP statuses that say "try again later": request timeout, too many requests, and the server or gateway
 * errors the Rust client retries. Other 5xx (501 Not Implemented, 505) will not change on a retry.
 *
 * @internal
 * @since 0.1.0
 * @category configuration
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/**
 * Applies the defaults to retry options and checks them: `maxRetries` a whole number ≥ 0, `baseDelay` finite and
 * ≥ 0, `maxDelay` and `retryAfterCap` ≥ 0 (infinite means no cap).
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const resolveRetryOptions = (
  options: RetryOptions = {}
): Result.Result<ResolvedRetryOptions, RetryOptionsIssue> => {
  // Options often come from untyped code or configuration: check the shape before the values.
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return Result.fail({
      field: "retry",
      issue: `must be false or an object of retry options, got ${describe(options)}`
    })
  }
  const unknown = Object.keys(options).find((key) => !RETRY_OPTION_NAMES.has(key))
  if (unknown !== undefined) {
    return Result.fail({
      field: `retry.${unknown}`,
      issue: `is not a retry option (the options are ${[...RETRY_OPTION_NAMES].join(", ")})`
    })
  }
  if (options.schedule !== undefined && !Schedule.isSchedule(options.schedule)) {
    return Result.fail({ field: "retry.schedule", issue: `must be a Schedule, got ${describe(options.schedule)}` })
  }
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
    return Result.fail({ field: "retry.maxRetries", issue: `must be a whole number ≥ 0, got ${maxRetries}` })
  }
  const baseDelay = decodeDelay("retry.baseDelay", options.baseDelay, DEFAULT_BASE_DELAY, false)
  if (Result.isFailure(baseDelay)) return Result.fail(baseDelay.failure)
  const maxDelay = decodeDelay("retry.maxDelay", options.maxDelay, DEFAULT_MAX_DELAY, true)
  if (Result.isFailure(maxDelay)) return Result.fail(maxDelay.failure)
  const retryAfterCap = decodeDelay("retry.retryAfterCap", options.retryAfterCap, DEFAULT_RETRY_AFTER_CAP, true)
  if (Result.isFailure(retryAfterCap)) return Result.fail(retryAfterCap.failure)
  return Result.succeed({
    maxRetries,
    baseDelay: baseDelay.success,
    maxDelay: maxDelay.success,
    retryAfterCap: retryAfterCap.success,
    schedule: options.schedule
  })
}

/**
 * Lays per-call retry options over layer-wide ones: `false` on either side turns retries off for that level, a
 * field set on the call wins, a field left `undefined` keeps the layer's value. A call that passes options
 * turns retries back on even when the layer said `false`.
 *
 * @internal
 * @since 0.1.0
 * @category combinators
 */
export const mergeRetryOptions = (
  base: RetryOptions | false | undefined,
  override: RetryOptions | false | undefined
): RetryOptions | false => {
  if (override === false) return false
  if (override === undefined) return base ?? {}
  const merged: Record<string, unknown> = { ...(base === false || base === undefined ? {} : base) }
  for (const [key, value] of Object.entries(override)) {
    if (value !== undefined) merged[key] = value
  }
  return merged as RetryOptions
}

/**
 * Reads a `Retry-After` header, in seconds (`120`) or as an HTTP date, into the delay to wait from `nowMillis`
 * (a date in the past gives zero). `undefined` when absent or malformed (negative, fractional, other text).
 *
 * @internal
 * @since 0.1.0
 * @category parsing
 */
export const parseRetryAfter = (header: string | undefined, nowMillis: number): Duration.Duration | undefined => {
  if (header === undefined) return undefined
  const parsed = Headers.parseRetryAfter(header.trim())
  return Result.isSuccess(parsed) ? Headers.retryAfterDelay(parsed.success, nowMillis) : undefined
}

/**
 * Whether an HTTP status is worth retrying for an operation: 408, 429, 500, 502, 503, 504, and 409 when the
 * operation's definition says `conflict`. Says nothing about safety; see `isRetryable`.
 *
 * @internal
 * @since 0.1.0
 * @category guards
 */
export const isRetryableStatus = (status: number, definition: RetryDefinition): boolean =>
  RETRYABLE_STATUSES.has(status) || (status === 409 && definition.conflict)

/**
 * Whether an error may be retried for an operation: never when the operation is not safe; transport errors
 * except `TlsFailure` and `Aborted` (another attempt does not fix a bad certificate or a cancellation); an API
 * error or unexpected response with a retryable status; never a decode or request error. Ignores Retry-After.
 *
 * @since 0.1.0
 * @category guards
 */
export const isRetryable: {
  (definition: RetryDefinition): (error: ReinferCallError) => boolean
  (error: ReinferCallError, definition: RetryDefinition): boolean
} = dual(2, (error: ReinferCallError, definition: RetryDefinition): boolean => {
  if (!definition.safe) return false
  switch (error._tag) {
    case "ReinferTransportError":
      return error.reason !== "TlsFailure" && error.reason !== "Aborted"
    case "ReinferApiError":
    case "ReinferUnexpectedResponse":
      return isRetryableStatus(error.status, definition)
    case "ReinferDecodeError":
    case "ReinferRequestError":
      return false
  }
})

/**
 * The `Retry-After` delay an error carries, if any.
 *
 * @internal
 * @since 0.1.0
 * @category combinators
 */
export const retryAfterOf = (error: ReinferCallError): Duration.Duration | undefined =>
  error._tag === "ReinferApiError" || error._tag === "ReinferUnexpectedResponse" ? error.retryAfter : undefined

/**
 * The retry schedule of one operation, fed with each failure: exponential backoff from `baseDelay` with ±20 %
 * jitter, capped at `maxDelay`; a `Retry-After` replaces that delay; it stops when the error is not retryable
 * (see `isRetryable`), when a `Retry-After` exceeds `retryAfterCap`, or after `maxRetries` retries. With
 * `options.schedule`, that schedule decides delays and stopping for the retryable errors instead. Invalid options
 * fail with a `ReinferConfigError` naming the option. This is the schedule every client call uses; it is exported
 * for code that retries its own effects the way the client does.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { makeSchedule, type ReinferCallError } from "effect-reinfer"
 *
 * declare const call: Effect.Effect<string, ReinferCallError>
 * const retried = Effect.gen(function*() {
 *   const schedule = yield* makeSchedule({ maxRetries: 5 }, { safe: true, conflict: false })
 *   return yield* Effect.retry(call, schedule)
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSchedule = (
  options: RetryOptions = {},
  definition: RetryDefinition = SAFE
): Effect.Effect<Schedule.Schedule<unknown, ReinferCallError>, ReinferConfigError> =>
  Effect.suspend(() => {
    const resolved = resolveRetryOptions(options)
    return Result.isFailure(resolved)
      ? Effect.fail(new ReinferConfigError({ setting: resolved.failure.field, issue: resolved.failure.issue }))
      : Effect.succeed(scheduleOf(resolved.success, definition))
  })

/**
 * `makeSchedule` for options already checked: what the client builds once per operation and layer.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const scheduleOf = (
  options: ResolvedRetryOptions = DEFAULT_RETRY_OPTIONS,
  definition: RetryDefinition = SAFE
): Schedule.Schedule<unknown, ReinferCallError> => {
  const retryable = ({ input }: { readonly input: ReinferCallError }) => isRetryable(input, definition)
  if (options.schedule !== undefined) return options.schedule.pipe(Schedule.while(retryable))
  return Schedule.exponential(options.baseDelay).pipe(
    Schedule.jittered,
    Schedule.setInputType<ReinferCallError>(),
    Schedule.modifyDelay(({ duration, input }) =>
      // Retry-After wins over our backoff up to the cap; above it the `while` below stops, so the caller decides.
      Effect.succeed(retryAfterOf(input) ?? Duration.min(duration, options.maxDelay))
    ),
    Schedule.while((metadata) => {
      const retryAfter = retryAfterOf(metadata.input)
      return retryable(metadata) &&
        (retryAfter === undefined || Duration.isLessThanOrEqualTo(retryAfter, options.retryAfterCap))
    }),
    Schedule.upTo({ times: options.maxRetries })
  )
}

/**
 * Whether a failed call counts as done: a DELETE that was retried and then got 404 most likely succeeded on an
 * earlier attempt whose answer was lost (the Rust client does the same). A first-attempt 404 is a real error.
 *
 * @internal
 * @since 0.1.0
 * @category guards
 */
export const deleteNotFoundIsSuccess = (error: ReinferCallError): boolean =>
  error._tag === "ReinferApiError" && error.method.toUpperCase() === "DELETE" && error.status === 404 &&
  error.attempts > 1

const SAFE: RetryDefinition = { safe: true, conflict: false }

const RETRY_OPTION_NAMES: ReadonlySet<string> = new Set([
  "maxRetries",
  "baseDelay",
  "maxDelay",
  "retryAfterCap",
  "schedule"
] satisfies ReadonlyArray<keyof RetryOptions>)

const describe = (value: unknown): string =>
  typeof value === "string"
    ? JSON.stringify(value)
    : value === null
    ? "null"
    : Array.isArray(value)
    ? "an array"
    : typeof value

const decodeDelay = (
  field: string,
  input: Duration.Input | undefined,
  fallback: Duration.Duration,
  infiniteAllowed: boolean
): Result.Result<Duration.Duration, RetryOptionsIssue> => {
  if (input === undefined) return Result.succeed(fallback)
  const decoded = Duration.fromInput(input)
  if (decoded._tag === "None") return Result.fail({ field, issue: `is not a duration: ${String(input)}` })
  const duration = decoded.value
  if (Duration.isNegative(duration)) return Result.fail({ field, issue: "must not be negative" })
  if (!infiniteAllowed && !Duration.isFinite(duration)) return Result.fail({ field, issue: "must be finite" })
  return Result.succeed(duration)
}
