import { Effect } from "effect"
import { ReinferClient } from "effect-reinfer"

const program = Effect.gen(function*() {
  const client = yield* ReinferClient
  const { sources } = yield* client.listSources()
  yield* Effect.log(`This token can see ${sources.length} sources`)
})

// REINFER_ENDPOINT and REINFER_TOKEN come from the environment.
Effect.runPromise(program.pipe(Effect.provide(ReinferClient.layerConfigFetch)))
