/**
 * Consumes a Re:infer stream for as long as it runs: fetch a batch, handle every result, then advance past it
 * (at-least-once), riding out transient failures.
 *
 * A stream is a server-side cursor over a dataset's comments (catalogue §4.2). Fetching does not move it, so until
 * the consumer advances, every fetch returns the same batch again. `consumeStream` therefore advances to a batch's
 * `sequence_id` only once every result of that batch was handled: a handler failure, an interruption or a crash
 * before that point leaves the stream where it was, and the batch is delivered again next time. Handlers must be
 * idempotent. With `exceptions`, a result whose handler fails is tagged as a stream exception instead, and the
 * batch still counts as handled.
 *
 * A transient failure of the consumer's own calls (a transport error, 429, 5xx, a proxy's page) never ends it: it
 * backs off (`restart`) and starts the cycle again with a fetch, so it resumes from wherever the server's position
 * is. That is why restarting is safe: a fetch moves nothing, and an advance that may or may not have been applied
 * before its answer was lost is settled by what the next fetch returns (the next batch, or the same one again).
 *
 * @since 0.1.0
 */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type * as Tracer from "effect/Tracer"
import type { OperationTypes } from "../generated/client-shape.ts"
import { operations } from "../generated/operations.ts"
import { FetchStreamRequest } from "../generated/schemas/streams.ts"
import { type CallOptions, ReinferClient } from "./client.ts"
import { type ReinferCallError, type ReinferRequestError } from "./errors.ts"
import { limitOf } from "./internal/schema-limits.ts"
import { invalidInput } from "./request.ts"
import { resolveRetryOptions, type RetryOptions, scheduleOf } from "./retry.ts"

/**
 * One result of a stream batch: the comment, its own `sequence_id`, and the pinned model's predictions.
 *
 * @since 0.1.0
 * @category models
 */
export type StreamBatchResult = OperationTypes["fetchStream"]["output"]["results"][number]

/**
 * Results per fetch when `batchSize` is not given: 16, what the official CLI fetches. The API accepts 1 to 1024
 * (`MAX_BATCH_SIZE`).
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_BATCH_SIZE = 16

/**
 * The largest `batchSize` the fetch route accepts, read from the spec (its `size` field is 1..1024).
 *
 * @since 0.1.0
 * @category configuration
 */
export const MAX_BATCH_SIZE: number = limitOf(FetchStreamRequest.fields.size, "maximum", "FetchStreamRequest.size")

// `maxFiltered` is sent as `max_filtered`, with its own limit in the spec (also 1024 today).
const MAX_FILTERED: number = limitOf(FetchStreamRequest.fields.max_filtered, "maximum", "FetchStreamRequest.max_filtered")

/**
 * How long an idle consumer waits before fetching again, when the stream has caught up: 10 seconds, short enough
 * for near-real-time processing, long enough that an idle consumer sends six requests a minute.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_POLL_INTERVAL: Duration.Duration = Duration.seconds(10)

/**
 * What to do with a result whose handler failed, instead of failing the batch.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExceptionTagging<E> {
  /**
   * The exception type recorded with the comment (free text, e.g. "No Prediction"), or a function choosing it
   * from the result and the handler's error.
   */
  readonly type: string | ((result: StreamBatchResult, error: E) => string)
}

/**
 * How the consumer skips results it has already handled when a batch comes again (after an advance whose answer
 * was lost): by each result's `sequence_id`, or by comment uid, remembering the last `window` of them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deduplication {
  /**
   * What identifies a result. `"sequenceId"` skips only a re-delivery of the same stream position; `"uid"` also
   * skips a comment the stream delivers again at a new position (after it was updated).
   * @default "sequenceId"
   */
  readonly by?: "sequenceId" | "uid" | undefined
  /**
   * How many handled results are remembered, oldest forgotten first (1 to 1,000,000).
   * @default 4096
   */
  readonly window?: number | undefined
}

/**
 * What `onBatch` is told after each batch the consumer advanced past.
 *
 * @since 0.1.0
 * @category models
 */
export interface BatchEvent {
  /** The `sequence_id` the stream was advanced to. */
  readonly sequenceId: string
  /** Results in the batch, duplicates included. */
  readonly results: number
  /** Results skipped as already handled (`dedupe`). */
  readonly duplicates: number
  /** Results whose handler failed and that were tagged as exceptions. */
  readonly exceptions: number
  /** Filtered-out comments advanced past with the batch. */
  readonly filtered: number
  /** Cycles it took: 1, plus one for each transient failure the consumer restarted after. */
  readonly attempts: number
  /** The consumer's running totals, this batch included. */
  readonly summary: ConsumeSummary
}

/**
 * Options of `consumeStream`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConsumeStreamOptions<E, R> {
  readonly project: string
  readonly dataset: string
  /** The stream's name. */
  readonly stream: string
  /** Handles one result; it may run more than once for the same comment, so it must be idempotent. */
  readonly handler: (result: StreamBatchResult) => Effect.Effect<unknown, E, R>
  /**
   * Results per fetch, 1 to 1024.
   * @default 16
   */
  readonly batchSize?: number | undefined
  /**
   * The most filtered-out comments one fetch skips over (1 to 1024); the server's default when absent.
   * @default the server's
   */
  readonly maxFiltered?: number | undefined
  /**
   * How many results of a batch are handled at the same time. Results are started in batch order; with more than
   * one, they may finish in any order unless `orderBy` says which must not overtake each other.
   * @default 1
   */
  readonly concurrency?: number | undefined
  /**
   * Results with the same key are handled one after the other, in batch order, while results with different keys
   * run up to `concurrency` at a time: for example by e-mail thread, so that replies of a thread are handled in
   * order.
   * @default none (every result on its own)
   */
  readonly orderBy?: ((result: StreamBatchResult) => string) | undefined
  /**
   * How long to wait before fetching again once the stream has caught up (no results and nothing filtered, or
   * a batch marked `is_end_sequence`).
   * @default "10 seconds"
   */
  readonly pollInterval?: Duration.Input | undefined
  /**
   * `"interrupted"`: keep polling until the fiber is interrupted (or `stop`, `maxBatches`). `"end-of-sequence"`:
   * return once the stream has caught up, after advancing past the last batch.
   * @default "interrupted"
   */
  readonly until?: "interrupted" | "end-of-sequence" | undefined
  /**
   * Tag a result whose handler fails as a stream exception (one `tagStreamExceptions` call per batch) and carry on,
   * instead of failing the batch. Without it, a handler failure fails the consumer before advancing.
   * @default undefined (a handler failure fails the consumer)
   */
  readonly exceptions?: ExceptionTagging<E> | undefined
  /**
   * Return after this many batches were handled and advanced past.
   * @default no limit
   */
  readonly maxBatches?: number | undefined
  /**
   * When this effect completes, the consumer finishes the batch in hand (handles it and advances past it),
   * then returns its summary instead of fetching another. For a clean stop on a signal (`Deferred.await` of a
   * deferred completed on SIGINT, say). Interrupting the consumer instead stops it at once: the batch in hand is
   * then not advanced past and comes again.
   * @default never
   */
  readonly stop?: Effect.Effect<void, never, R> | undefined
  /**
   * How the consumer rides out transient failures of its own fetch, advance and exception calls (transport
   * errors, 429, 5xx, proxy pages): the client's retry options, applied to whole cycles, each restart beginning
   * with a fetch. `false` ends the consumer with the first failure. Failures that are not transient (401, 403,
   * a missing stream, a response that does not match the spec) always end it with their typed error.
   * @default retries without end, backoff from 250 ms doubling to 1 minute with jitter, a `Retry-After` waited
   * for up to 10 minutes
   */
  readonly restart?: RetryOptions | false | undefined
  /**
   * Skip results already handled in this run when a batch is delivered again: `true` for the defaults.
   * Delivery stays at-least-once across runs (the memory is this consumer's) and for a result whose handler
   * was still running when the consumer stopped.
   * @default off
   */
  readonly dedupe?: boolean | Deduplication | undefined
  /** Runs after each batch the consumer advanced past, with what it did and the running summary. */
  readonly onBatch?: ((event: BatchEvent) => Effect.Effect<void, never, R>) | undefined
  /** Call options for the fetch, advance and exception requests (timeout, headers). */
  readonly callOptions?: CallOptions | undefined
}

/**
 * What a consumer did, returned when it stops (end of sequence, `maxBatches` or `stop`) and given to `onBatch`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConsumeSummary {
  /** Batches with results that were handled and advanced past. */
  readonly batches: number
  /** Results whose handler succeeded. */
  readonly handled: number
  /** Results whose handler failed and that were tagged as exceptions instead. */
  readonly exceptions: number
  /** Filtered-out comments advanced past. */
  readonly filtered: number
  /** Results skipped because they had been handled already (`dedupe`). */
  readonly duplicates: number
  /** Cycles started again after a transient failure (`restart`). */
  readonly restarts: number
  /** The last `sequence_id` advanced to, if any. */
  readonly lastSequenceId: string | undefined
}

/**
 * Metrics every consumer updates, with the attribute `stream` (`project/dataset/stream`), so they reach
 * OpenTelemetry with the spans when a metrics exporter is provided.
 *
 * @since 0.1.0
 * @category metrics
 */
export const metrics = {
  /** Results whose handler succeeded. */
  handled: Metric.counter("reinfer_stream_results_handled", { description: "Stream results handled", incremental: true }),
  /** Results tagged as exceptions. */
  exceptions: Metric.counter("reinfer_stream_results_exceptions", {
    description: "Stream results tagged as exceptions",
    incremental: true
  }),
  /** Results skipped as already handled. */
  duplicates: Metric.counter("reinfer_stream_results_duplicates", {
    description: "Stream results skipped as already handled",
    incremental: true
  }),
  /** Batches advanced past. */
  batches: Metric.counter("reinfer_stream_batches", { description: "Stream batches advanced past", incremental: true }),
  /** Cycles started again after a transient failure. */
  restarts: Metric.counter("reinfer_stream_restarts", {
    description: "Stream consumer cycles restarted after a transient failure",
    incremental: true
  })
} as const

/**
 * The restart policy when `restart` is not given: retry without end, backing off from 250 ms to a minute, and
 * waiting for a `Retry-After` of up to 10 minutes (a consumer that runs for months outlasts a maintenance window).
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_RESTART: RetryOptions = {
  maxRetries: Number.MAX_SAFE_INTEGER,
  baseDelay: "250 millis",
  maxDelay: "1 minute",
  retryAfterCap: "10 minutes"
}

/**
 * Fetches batches from a stream, runs `handler` on every result, and advances to the batch's `sequence_id` only
 * after every result of the batch was handled (or tagged as an exception with `exceptions`).
 *
 * - A handler failure fails the consumer with the handler's error before advancing, so the same batch is delivered
 *   again when the consumer is run again (at-least-once).
 * - A transient failure of a fetch, an advance or an exception call backs off and starts again with a fetch
 *   (`restart`); one that is not transient (401, 403, a missing stream) fails the consumer with its typed error.
 * - An interruption while handlers run leaves the batch unacknowledged. Once every handler of a batch finished, the
 *   exception tagging and the advance run uninterruptibly (bounded by the call timeout), so a finished batch is not
 *   delivered again for nothing.
 * - A batch with no results but filtered comments is advanced past at once; an empty batch means the stream has
 *   caught up: the consumer returns (`until: "end-of-sequence"`) or waits `pollInterval` and fetches again.
 * - Each cycle is one `StreamConsumer.batch` span, parent of the fetch, every handler and the advance, with the
 *   stream, the batch's size, first and last result `sequence_id`, the sequence id advanced to and the attempts.
 *
 * It reads with `fetchStream` rather than the newer `getStreamResults`: the catalogue documents the fetch's whole
 * answer (its batch `sequence_id`, `filtered` and `is_end_sequence`, all the consumer needs) and the official
 * client uses it every day, while the `results` route's answer is only partly known beyond its `results`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { StreamConsumer } from "effect-reinfer"
 *
 * const consumer = StreamConsumer.consumeStream({
 *   project: "acme",
 *   dataset: "support",
 *   stream: "urgent",
 *   batchSize: 64,
 *   concurrency: 4,
 *   dedupe: true,
 *   handler: (result) => Effect.log(`handling ${result.comment.uid}`),
 *   onBatch: (event) => Effect.log(`advanced to ${event.sequenceId}: ${event.summary.handled} handled so far`)
 * })
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const consumeStream = <E, R>(
  options: ConsumeStreamOptions<E, R>
): Effect.Effect<ConsumeSummary, E | ReinferCallError, R | ReinferClient> =>
  Effect.gen(function*() {
    const client = yield* ReinferClient
    const settings = yield* checkOptions(client.endpoint, options)
    const callOptions = options.callOptions ?? {}
    const location = { project: options.project, dataset: options.dataset, stream: options.stream }
    const streamName = `${options.project}/${options.dataset}/${options.stream}`
    const counters = {
      handled: Metric.withAttributes(metrics.handled, { stream: streamName }),
      exceptions: Metric.withAttributes(metrics.exceptions, { stream: streamName }),
      duplicates: Metric.withAttributes(metrics.duplicates, { stream: streamName }),
      batches: Metric.withAttributes(metrics.batches, { stream: streamName }),
      restarts: Metric.withAttributes(metrics.restarts, { stream: streamName })
    }
    const tally: Tally = {
      batches: 0,
      handled: 0,
      exceptions: 0,
      filtered: 0,
      duplicates: 0,
      restarts: 0,
      lastSequenceId: undefined
    }
    const summary = (): ConsumeSummary => ({ ...tally })
    const seen = settings.dedupe === undefined ? undefined : makeWindow(settings.dedupe.window)
    const keyOf = settings.dedupe?.by === "uid"
      ? (result: StreamBatchResult) => result.comment.uid
      : (result: StreamBatchResult) => result.sequence_id

    // Runs a result's handler; with exception tagging, a failure becomes the exception to tag. A handler's own
    // failure is wrapped, so the restart policy below never mistakes it for one of the consumer's calls.
    const handle = (result: StreamBatchResult): Effect.Effect<ExceptionToTag | undefined, HandlerFailure<E>, R> => {
      const tagging = options.exceptions
      const run = options.handler(result).pipe(
        Effect.map(() => {
          seen?.add(keyOf(result))
          return undefined
        }),
        Effect.mapError((error) => new HandlerFailure(error))
      )
      if (tagging === undefined) return run
      return Effect.catch(run, ({ error }) =>
        Effect.succeed({
          uid: result.comment.uid,
          key: keyOf(result),
          metadata: { type: typeof tagging.type === "string" ? tagging.type : tagging.type(result, error) }
        }))
    }

    const handleAll = (results: ReadonlyArray<StreamBatchResult>) => {
      const orderBy = options.orderBy
      if (orderBy === undefined) return Effect.forEach(results, handle, { concurrency: settings.concurrency })
      const lanes = new Map<string, Array<StreamBatchResult>>()
      for (const result of results) {
        const key = orderBy(result)
        const lane = lanes.get(key)
        if (lane === undefined) lanes.set(key, [result])
        else lane.push(result)
      }
      return Effect.map(
        Effect.forEach(lanes.values(), (lane) => Effect.forEach(lane, handle), { concurrency: settings.concurrency }),
        (outcomes) => outcomes.flat()
      )
    }

    // A batch whose results were all handled, from the moment its advance is sent until it is known to have been
    // applied: when the advance's answer is lost, the next fetch tells (the same batch again, or the next one).
    let pending: PendingAdvance | undefined
    let attemptsOfBatch = 0
    // `attemptsAfter`: the attempts already made at the next batch (1 when a later cycle's fetch confirms this one).
    const confirm = (advanced: PendingAdvance, attemptsAfter: number) =>
      Effect.gen(function*() {
        pending = undefined
        if (advanced.results > 0) tally.batches += 1
        tally.lastSequenceId = advanced.sequenceId
        yield* Metric.update(counters.batches, advanced.results > 0 ? 1 : 0)
        if (options.onBatch !== undefined) {
          yield* options.onBatch({ ...advanced, attempts: attemptsOfBatch, summary: summary() })
        }
        attemptsOfBatch = attemptsAfter
      })
    const count = (handled: number, exceptions: number, duplicates: number, filtered: number) =>
      Effect.andThen(
        Effect.sync(() => {
          tally.handled += handled
          tally.exceptions += exceptions
          tally.duplicates += duplicates
          tally.filtered += filtered
        }),
        Effect.all([
          Metric.update(counters.handled, handled),
          Metric.update(counters.exceptions, exceptions),
          Metric.update(counters.duplicates, duplicates)
        ], { discard: true })
      )

    // One cycle: fetch, handle, tag, advance. It fails with the consumer's own call error when one of those calls
    // fails; the restart policy then starts a new cycle, which fetches from the server's position again.
    const cycle = (span: Tracer.Span) =>
      Effect.gen(function*() {
        attemptsOfBatch += 1
        const batch = yield* client.fetchStream({
          ...location,
          body: options.maxFiltered === undefined
            ? { size: settings.batchSize }
            : { size: settings.batchSize, max_filtered: options.maxFiltered }
        }, callOptions)
        if (pending !== undefined) {
          // The same batch again means the advance was not applied; anything else (the next batch, or nothing left
          // to read) means it was, and only its answer was lost.
          const again = (batch.results.length > 0 || batch.filtered > 0) &&
            (batch.sequence_id === pending.sequenceId ||
              (pending.firstResult !== undefined && batch.results[0]?.sequence_id === pending.firstResult))
          if (!again) yield* confirm(pending, 1)
          else pending = undefined
        }
        span.attribute("reinfer.stream.attempts", attemptsOfBatch)
        span.attribute("reinfer.stream.results", batch.results.length)
        span.attribute("reinfer.stream.filtered", batch.filtered)
        span.attribute("reinfer.stream.sequence_id", batch.sequence_id)
        const first = batch.results[0]?.sequence_id
        if (first !== undefined) {
          span.attribute("reinfer.stream.first_sequence_id", first)
          span.attribute("reinfer.stream.last_sequence_id", batch.results[batch.results.length - 1]!.sequence_id)
        }
        const fresh = seen === undefined ? batch.results : batch.results.filter((result) => !seen.has(keyOf(result)))
        const duplicates = batch.results.length - fresh.length
        span.attribute("reinfer.stream.duplicates", duplicates)
        if (batch.results.length === 0 && batch.filtered === 0) return batch
        yield* Effect.uninterruptibleMask((restore) =>
          Effect.gen(function*() {
            const outcomes = yield* restore(handleAll(fresh))
            // Every result was handled (or is about to be tagged): acknowledge the batch even if interrupted now.
            const failed = outcomes.filter((outcome): outcome is ExceptionToTag => outcome !== undefined)
            if (failed.length > 0) {
              yield* client.tagStreamExceptions({
                ...location,
                body: { exceptions: failed.map(({ metadata, uid }) => ({ uid, metadata })) }
              }, callOptions)
              for (const exception of failed) seen?.add(exception.key)
            }
            yield* count(fresh.length - failed.length, failed.length, duplicates, batch.filtered)
            pending = {
              sequenceId: batch.sequence_id,
              firstResult: first,
              results: batch.results.length,
              duplicates,
              exceptions: failed.length,
              filtered: batch.filtered
            }
            yield* client.advanceStream({ ...location, body: { sequence_id: batch.sequence_id } }, callOptions)
            yield* confirm(pending, 0)
          })
        )
        return batch
      })

    const restartPolicy = settings.restart
    const withRestarts = <A, R2>(effect: Effect.Effect<A, E | ReinferCallError | HandlerFailure<E>, R2>) =>
      restartPolicy === undefined ? effect : Effect.retry(effect, {
        // Only the consumer's own calls are restarted after; a handler's failure ends the consumer as before.
        while: (error) => !(error instanceof HandlerFailure),
        // `while` lets only the consumer's call errors through to the schedule, which is what it is typed for.
        schedule: Schedule.tap(restartPolicy, () =>
          Effect.andThen(
            Effect.sync(() => {
              tally.restarts += 1
            }),
            Metric.update(counters.restarts, 1)
          )) as Schedule.Schedule<unknown, unknown>
      })

    const stopped = yield* Deferred.make<void>()
    if (options.stop !== undefined) {
      // Started at once, so a stop that is already due is seen before the next fetch.
      yield* Effect.forkChild(Effect.andThen(options.stop, Deferred.succeed(stopped, undefined)), {
        startImmediately: true
      })
    }
    const stopRequested = () => Deferred.isDoneUnsafe(stopped)

    while (true) {
      if (stopRequested() || (settings.maxBatches !== undefined && tally.batches >= settings.maxBatches)) {
        return summary()
      }
      const batch = yield* Effect.useSpan(
        "StreamConsumer.batch",
        { attributes: { "reinfer.stream": streamName } },
        (span) => withRestarts(Effect.suspend(() => cycle(span))).pipe(Effect.withParentSpan(span))
      ).pipe(Effect.mapError((error) => error instanceof HandlerFailure ? error.error : error))
      const caughtUp = batch.is_end_sequence || (batch.results.length === 0 && batch.filtered === 0)
      if (caughtUp) {
        if (settings.untilEnd) return summary()
        yield* Effect.raceFirst(Effect.sleep(settings.pollInterval), Deferred.await(stopped))
      }
    }
  })

// ---------------------------------------------------------------------------------------------------------

/** A batch handled and being advanced past, and what `onBatch` will be told about it. */
interface PendingAdvance extends Omit<BatchEvent, "attempts" | "summary"> {
  /** The `sequence_id` of its first result, to tell it from the next batch when it comes again. */
  readonly firstResult: string | undefined
}

interface ExceptionToTag {
  readonly uid: string
  /** The result's deduplication key, remembered once the exception is tagged. */
  readonly key: string
  readonly metadata: { readonly type: string }
}

// What the consumer has done so far; `summary()` copies it.
interface Tally {
  batches: number
  handled: number
  exceptions: number
  filtered: number
  duplicates: number
  restarts: number
  lastSequenceId: string | undefined
}

// A handler's own failure, kept apart from the consumer's call errors while the restart policy looks at them.
class HandlerFailure<E> {
  readonly error: E
  constructor(error: E) {
    this.error = error
  }
}

/** The options, checked, with their defaults. */
interface Settings {
  readonly batchSize: number
  readonly concurrency: number
  readonly maxBatches: number | undefined
  readonly pollInterval: Duration.Duration
  readonly untilEnd: boolean
  readonly restart: Schedule.Schedule<unknown, ReinferCallError> | undefined
  readonly dedupe: { readonly by: "sequenceId" | "uid"; readonly window: number } | undefined
}

const DEFAULT_DEDUPE_WINDOW = 4096
const MAX_DEDUPE_WINDOW = 1_000_000

// Every option is checked before anything is sent, each failure a ReinferRequestError naming the option.
const checkOptions = <E, R>(
  endpoint: URL,
  options: ConsumeStreamOptions<E, R>
): Effect.Effect<Settings, ReinferRequestError> =>
  Effect.gen(function*() {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
    const concurrency = options.concurrency ?? 1
    yield* checkInteger(endpoint, "batchSize", batchSize, 1, MAX_BATCH_SIZE)
    yield* checkInteger(endpoint, "concurrency", concurrency, 1, Number.MAX_SAFE_INTEGER)
    if (options.maxFiltered !== undefined) {
      yield* checkInteger(endpoint, "maxFiltered", options.maxFiltered, 1, MAX_FILTERED)
    }
    if (options.maxBatches !== undefined) {
      yield* checkInteger(endpoint, "maxBatches", options.maxBatches, 1, Number.MAX_SAFE_INTEGER)
    }
    const pollInterval = Option.getOrElse(
      options.pollInterval === undefined ? Option.none() : Duration.fromInput(options.pollInterval),
      () => DEFAULT_POLL_INTERVAL
    )
    let restart: Settings["restart"]
    if (options.restart !== false) {
      const resolved = resolveRetryOptions(options.restart ?? DEFAULT_RESTART)
      if (Result.isFailure(resolved)) {
        return yield* Effect.fail(invalid(endpoint, resolved.failure.field.replace(/^retry/, "restart"), resolved.failure.issue))
      }
      restart = scheduleOf(resolved.success, CONSUMER_CALLS)
    }
    let dedupe: Settings["dedupe"]
    if (options.dedupe !== undefined && options.dedupe !== false) {
      const chosen = options.dedupe === true ? {} : options.dedupe
      const window = chosen.window ?? DEFAULT_DEDUPE_WINDOW
      yield* checkInteger(endpoint, "dedupe.window", window, 1, MAX_DEDUPE_WINDOW)
      const by = chosen.by ?? "sequenceId"
      if (by !== "sequenceId" && by !== "uid") {
        return yield* Effect.fail(invalid(endpoint, "dedupe.by", `must be "sequenceId" or "uid", got ${String(by)}`))
      }
      dedupe = { by, window }
    }
    return {
      batchSize,
      concurrency,
      maxBatches: options.maxBatches,
      pollInterval,
      untilEnd: options.until === "end-of-sequence",
      restart,
      dedupe
    }
  })

// The consumer's calls are safe to repeat as it repeats them: every restart begins with a fetch, which moves
// nothing, so an advance that may have been applied is settled by what the fetch returns.
const CONSUMER_CALLS = { safe: true, conflict: false } as const

const invalid = (endpoint: URL, field: string, issue: string): ReinferRequestError =>
  invalidInput(operations.fetchStream, { endpoint }, field, issue)

const checkInteger = (
  endpoint: URL,
  field: string,
  value: number,
  minimum: number,
  maximum: number
): Effect.Effect<void, ReinferRequestError> =>
  Number.isInteger(value) && value >= minimum && value <= maximum
    ? Effect.void
    : Effect.fail(
      invalid(
        endpoint,
        field,
        maximum === Number.MAX_SAFE_INTEGER
          ? `must be a positive integer, got ${value}`
          : `must be an integer from ${minimum} to ${maximum}, got ${value}`
      )
    )

/** The last `size` keys added, oldest forgotten first. */
const makeWindow = (size: number) => {
  const keys = new Set<string>()
  return {
    has: (key: string) => keys.has(key),
    add: (key: string) => {
      keys.delete(key)
      keys.add(key)
      // A Set iterates in insertion order: its first key is the oldest.
      if (keys.size > size) keys.delete(keys.values().next().value!)
    }
  }
}
