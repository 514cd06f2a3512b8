/**
 * Consumes a Re:infer stream: fetch a batch, handle every result, then advance past it (at-least-once).
 *
 * A stream is a server-side cursor over a dataset's comments (catalogue §4.2). Fetching does not move it, so until
 * the consumer advances, every fetch returns the same batch again. `consumeStream` therefore advances to a batch's
 * `sequence_id` only once every result of that batch was handled: a handler failure, an interruption or a crash
 * before that point leaves the stream where it was, and the batch is delivered again next time. Handlers must be
 * idempotent. With `exceptions`, a result whose handler fails is tagged as a stream exception instead, and the
 * batch still counts as handled.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { OperationTypes } from "../generated/client-shape.ts"
import { operations } from "../generated/operations.ts"
import { FetchStreamRequest } from "../generated/schemas/streams.ts"
import { type CallOptions, ReinferClient } from "./client.ts"
import { type ReinferCallError, type ReinferRequestError } from "./errors.ts"
import { limitOf } from "./internal/schema-limits.ts"
import { invalidInput } from "./request.ts"

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
   * one, they may finish in any order.
   * @default 1
   */
  readonly concurrency?: number | undefined
  /**
   * How long to wait before fetching again once the stream has caught up (no results and nothing filtered, or
   * a batch marked `is_end_sequence`).
   * @default "10 seconds"
   */
  readonly pollInterval?: Duration.Input | undefined
  /**
   * `"interrupted"`: keep polling until the fiber is interrupted. `"end-of-sequence"`: return once the stream has
   * caught up, after advancing past the last batch.
   * @default "interrupted"
   */
  readonly until?: "interrupted" | "end-of-sequence" | undefined
  /**
   * Tag a result whose handler fails as a stream exception (one `tagStreamExceptions` call per batch) and carry on,
   * instead of failing the batch. Without it, a handler failure fails the consumer before advancing.
   * @default undefined (a handler failure fails the consumer)
   */
  readonly exceptions?: ExceptionTagging<E> | undefined
  /** Call options for the fetch, advance and exception requests (timeout, headers). */
  readonly callOptions?: CallOptions | undefined
}

/**
 * What a consumer did, returned when it stops at the end of the sequence.
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
  /** The last `sequence_id` advanced to, if any. */
  readonly lastSequenceId: string | undefined
}

/**
 * Fetches batches from a stream, runs `handler` on every result, and advances to the batch's `sequence_id` only
 * after every result of the batch was handled (or tagged as an exception with `exceptions`).
 *
 * - A handler failure fails the consumer with the handler's error before advancing, so the same batch is delivered
 *   again when the consumer is run again (at-least-once).
 * - An interruption while handlers run leaves the batch unacknowledged. Once every handler of a batch finished, the
 *   exception tagging and the advance run uninterruptibly (bounded by the call timeout), so a finished batch is not
 *   delivered again for nothing.
 * - A batch with no results but filtered comments is advanced past at once; an empty batch means the stream has
 *   caught up: the consumer returns (`until: "end-of-sequence"`) or waits `pollInterval` and fetches again.
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
 *   handler: (result) => Effect.log(`handling ${result.comment.uid}`)
 * })
 * ```
 *
 * **Gotchas**
 *
 * The spec marks fetch and advance as not safe to retry, so the client never retries them and a transport error
 * fails the consumer. Running the whole consumer again is always safe (that is what at-least-once means): wrap it in
 * `Effect.retry` with a schedule of your choice to ride out outages.
 *
 * @since 0.1.0
 * @category streams
 */
export const consumeStream = <E, R>(
  options: ConsumeStreamOptions<E, R>
): Effect.Effect<ConsumeSummary, E | ReinferCallError, R | ReinferClient> =>
  Effect.gen(function*() {
    const client = yield* ReinferClient
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
    const concurrency = options.concurrency ?? 1
    yield* checkInteger(client.endpoint, "fetchStream", "batchSize", batchSize, 1, MAX_BATCH_SIZE)
    yield* checkInteger(client.endpoint, "fetchStream", "concurrency", concurrency, 1, Number.MAX_SAFE_INTEGER)
    if (options.maxFiltered !== undefined) {
      yield* checkInteger(client.endpoint, "fetchStream", "maxFiltered", options.maxFiltered, 1, MAX_FILTERED)
    }
    const pollInterval = Option.getOrElse(
      options.pollInterval === undefined ? Option.none() : Duration.fromInput(options.pollInterval),
      () => DEFAULT_POLL_INTERVAL
    )
    const untilEnd = options.until === "end-of-sequence"
    const callOptions = options.callOptions ?? {}
    const location = { project: options.project, dataset: options.dataset, stream: options.stream }
    const streamName = `${options.project}/${options.dataset}/${options.stream}`

    let batches = 0
    let handled = 0
    let exceptions = 0
    let filtered = 0
    let lastSequenceId: string | undefined
    const summary = (): ConsumeSummary => ({ batches, handled, exceptions, filtered, lastSequenceId })

    const advance = (sequenceId: string) =>
      Effect.map(client.advanceStream({ ...location, body: { sequence_id: sequenceId } }, callOptions), () => {
        lastSequenceId = sequenceId
      })

    // Runs a result's handler; with exception tagging, a failure becomes the exception to tag.
    const handle = (result: StreamBatchResult): Effect.Effect<ExceptionToTag | undefined, E, R> => {
      const tagging = options.exceptions
      const run = Effect.map(options.handler(result), () => undefined)
      if (tagging === undefined) return run
      return Effect.catch(run, (error: E) =>
        Effect.succeed({
          uid: result.comment.uid,
          metadata: { type: typeof tagging.type === "string" ? tagging.type : tagging.type(result, error) }
        }))
    }

    const processBatch = (batch: FetchedBatch) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.gen(function*() {
          const outcomes = yield* restore(Effect.forEach(batch.results, handle, { concurrency }))
          // Every result was handled (or is about to be tagged): acknowledge the batch even if interrupted now.
          const failed = outcomes.filter((outcome): outcome is ExceptionToTag => outcome !== undefined)
          if (failed.length > 0) {
            yield* client.tagStreamExceptions({ ...location, body: { exceptions: failed } }, callOptions)
          }
          yield* advance(batch.sequence_id)
          batches += 1
          handled += batch.results.length - failed.length
          exceptions += failed.length
          filtered += batch.filtered
        })
      ).pipe(Effect.withSpan("StreamConsumer.batch", {
        attributes: {
          "reinfer.stream": streamName,
          "reinfer.stream.sequence_id": batch.sequence_id,
          "reinfer.stream.results": batch.results.length,
          "reinfer.stream.filtered": batch.filtered
        }
      }))

    while (true) {
      const batch = yield* client.fetchStream({
        ...location,
        body: options.maxFiltered === undefined
          ? { size: batchSize }
          : { size: batchSize, max_filtered: options.maxFiltered }
      }, callOptions)
      if (batch.results.length > 0) {
        yield* processBatch(batch)
      } else if (batch.filtered > 0) {
        // Nothing to handle, but without advancing the same filtered comments would be read again.
        yield* advance(batch.sequence_id)
        filtered += batch.filtered
      }
      const caughtUp = batch.is_end_sequence || (batch.results.length === 0 && batch.filtered === 0)
      if (caughtUp) {
        if (untilEnd) return summary()
        yield* Effect.sleep(pollInterval)
      }
    }
  })

// ---------------------------------------------------------------------------------------------------------

type FetchedBatch = OperationTypes["fetchStream"]["output"]

interface ExceptionToTag {
  readonly uid: string
  readonly metadata: { readonly type: string }
}

const checkInteger = (
  endpoint: URL,
  operationId: "fetchStream",
  field: string,
  value: number,
  minimum: number,
  maximum: number
): Effect.Effect<void, ReinferRequestError> =>
  Number.isInteger(value) && value >= minimum && value <= maximum
    ? Effect.void
    : Effect.fail(
      invalidInput(
        operations[operationId],
        { endpoint },
        field,
        maximum === Number.MAX_SAFE_INTEGER
          ? `must be a positive integer, got ${value}`
          : `must be an integer from ${minimum} to ${maximum}, got ${value}`
      )
    )
