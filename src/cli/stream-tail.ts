/**
 * `reinfer get stream-comments project/dataset/stream`: prints a stream's results as JSON lines through the
 * stream consumer, advancing past each batch only after all its results were written (at least once: a batch
 * whose lines were cut off by a crash comes again). Without `--listen` it returns once the stream has caught up;
 * with it, it waits for more until Ctrl-C, which finishes and advances the batch in hand before it exits.
 *
 * @since 0.1.0
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type { ReinferClient } from "../client.ts"
import type { ReinferCallError } from "../errors.ts"
import * as StreamConsumer from "../stream-consumer.ts"
import { CliIo } from "./output.ts"

/**
 * What `get stream-comments` was asked to do.
 *
 * @since 0.1.0
 * @category models
 */
export interface TailOptions {
  readonly project: string
  readonly dataset: string
  readonly stream: string
  /** Keep waiting for new results once caught up, until interrupted. */
  readonly listen: boolean
  /** Results per fetch. */
  readonly size: number | undefined
}

/**
 * Runs the tail. On interruption (Ctrl-C) the consumer is asked to stop, and the interruption waits until it has
 * written and advanced past the batch in hand; a summary goes to standard error at the end.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tailStream = (
  options: TailOptions
): Effect.Effect<StreamConsumer.ConsumeSummary, ReinferCallError, CliIo | ReinferClient> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const io = yield* CliIo
      const stop = yield* Deferred.make<void>()
      const consumer = yield* Effect.forkChild(
        restore(StreamConsumer.consumeStream({
          project: options.project,
          dataset: options.dataset,
          stream: options.stream,
          ...(options.size === undefined ? {} : { batchSize: options.size }),
          until: options.listen ? "interrupted" : "end-of-sequence",
          stop: Deferred.await(stop),
          handler: (result) => io.out(`${JSON.stringify(result)}\n`)
        })),
        { startImmediately: true }
      )
      const summary = yield* restore(Fiber.join(consumer)).pipe(
        Effect.onInterrupt(() =>
          Deferred.succeed(stop, undefined).pipe(
            Effect.andThen(Fiber.await(consumer)),
            Effect.flatMap((exit) =>
              Exit.isSuccess(exit) ? io.err(`${describeSummary(exit.value)} (stopped)\n`) : Effect.void
            )
          )
        )
      )
      yield* io.err(`${describeSummary(summary)}\n`)
      return summary
    })
  )

const describeSummary = (summary: StreamConsumer.ConsumeSummary): string =>
  `${summary.handled} result${summary.handled === 1 ? "" : "s"} in ${summary.batches} batch${
    summary.batches === 1 ? "" : "es"
  }${summary.lastSequenceId === undefined ? "" : `, advanced to ${summary.lastSequenceId}`}`
