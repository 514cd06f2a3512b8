import { Effect } from "effect"
import { ReinferClient, StreamConsumer } from "effect-reinfer"

// Fetch a batch, handle every result, advance only when the whole batch succeeded (at-least-once).
export const consumer = StreamConsumer.consumeStream({
  project: "acme",
  dataset: "support",
  stream: "urgent",
  batchSize: 32,
  concurrency: 4,
  pollInterval: "30 seconds",
  // A result whose handler fails is tagged as a stream exception instead of blocking the stream.
  exceptions: { type: "Handler failed" },
  handler: (result) => Effect.log(`open a ticket for ${result.comment.uid}`)
}).pipe(Effect.provide(ReinferClient.layerConfigFetch))
