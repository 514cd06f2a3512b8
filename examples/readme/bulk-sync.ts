import { Effect } from "effect"
import { BulkSync, ReinferClient } from "effect-reinfer"

async function* readTickets(): AsyncGenerator<BulkSync.NewComment> {
  for (let index = 0; index < 100_000; index++) {
    yield { id: `ticket-${index}`, timestamp: "2024-05-01T09:00:00Z", messages: [{ body: { text: `Ticket ${index}` } }] }
  }
}

// Batches of 128, four at a time; a rejected batch is bisected until the bad comments are isolated.
export const upload = BulkSync.syncCommentsBulk({
  project: "acme",
  source: "emails",
  comments: readTickets(),
  total: 100_000,
  onProgress: (progress) => Effect.sync(() => process.stdout.write(`\r${progress.synced}/${progress.total}`))
}).pipe(
  Effect.tap((result) => Effect.log(`${result.new} new, ${result.failed.length} failed, ${result.requests} requests`)),
  Effect.provide(ReinferClient.layerConfigFetch)
)
