import { Deferred, Effect } from "effect"
import { ReinferClient, StreamConsumer } from "effect-reinfer"

// Runs until stopped: fetch a batch, handle every result, advance only when the whole batch succeeded.
export const consumer = Effect.gen(function*() {
  const stop = yield* Deferred.make<void>()
  process.once("SIGTERM", () => Deferred.doneUnsafe(stop, Effect.void))
  return yield* StreamConsumer.consumeStream({
    project: "acme",
    dataset: "support",
    stream: "urgent",
    batchSize: 32,
    // Replies of one e-mail thread are handled in order; different threads four at a time.
    concurrency: 4,
    orderBy: (result) => result.comment.thread_id ?? result.comment.uid,
    // 503s, dropped connections and 429s never end it: back off (Retry-After honoured) and fetch again.
    restart: { baseDelay: "1 second", maxDelay: "2 minutes", maxRetries: Number.MAX_SAFE_INTEGER },
    // A batch delivered again after a lost advance: results already handled are skipped.
    dedupe: { by: "uid", window: 10_000 },
    // A result whose handler fails is tagged as a stream exception instead of blocking the stream.
    exceptions: { type: "Handler failed" },
    handler: (result) => Effect.log(`open a ticket for ${result.comment.uid}`),
    onBatch: (event) =>
      Effect.log(`advanced to ${event.sequenceId}: ${event.summary.handled} handled, ${event.summary.restarts} restarts`),
    // On SIGTERM: finish the batch in hand, advance past it, return the summary.
    stop: Deferred.await(stop)
  })
}).pipe(Effect.provide(ReinferClient.layerConfigFetch))
