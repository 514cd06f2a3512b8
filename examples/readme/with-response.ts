import { Effect } from "effect"
import { ReinferClient } from "effect-reinfer"

export const timed = Effect.gen(function*() {
  const client = yield* ReinferClient
  const response = yield* client.withResponse.listSources()
  const total = response.serverTiming.find((metric) => metric.name === "total")?.duration
  yield* Effect.log(`${response.data.sources.length} sources in ${total} ms on the server (${response.attempts} attempt)`)
})
