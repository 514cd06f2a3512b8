import { Effect } from "effect"
import { ReinferClient } from "effect-reinfer"

export const datasetTitle = Effect.gen(function*() {
  const client = yield* ReinferClient
  const { dataset } = yield* client.getDataset({ project: "acme", dataset: "support" })
  return dataset.title
}).pipe(
  Effect.catchTags({
    // Re:infer answered with its own error: the caller's mistake (4xx) or the platform's (5xx).
    ReinferApiError: (error) =>
      error.status === 404 ? Effect.succeed("(no such dataset)") : Effect.fail(error),
    // Something else answered: a proxy's HTML page, an empty body. Worth an alert, not a user message.
    ReinferUnexpectedResponse: (error) =>
      Effect.logWarning(`Not Re:infer: ${error.reason} ${error.excerpt}`).pipe(Effect.andThen(Effect.fail(error)))
  })
)
