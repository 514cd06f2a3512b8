import { Effect, Stream } from "effect"
import { Pagination, ReinferClient } from "effect-reinfer"

// Every comment of a source, oldest first; a page of 256 is fetched only when the stream needs more.
export const printComments = Pagination.stream(
  "listComments",
  { project: "acme", source: "emails", from_timestamp: "2024-05-01T00:00:00Z" },
  { pageSize: 256 }
).pipe(
  Stream.runForEach((comment) => Effect.log(`${comment.timestamp} ${comment.id}`)),
  Effect.provide(ReinferClient.layerConfigFetch)
)
