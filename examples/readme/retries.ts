import { Effect, Schedule } from "effect"
import { ReinferClient } from "effect-reinfer"

// Replace the backoff with any Schedule; the client still retries only retry-safe operations
// and only errors worth retrying (transport errors, 408, 429, 5xx).
export const patient = Effect.gen(function*() {
  const client = yield* ReinferClient
  return yield* client.listDatasets(undefined, {
    retry: { schedule: Schedule.spaced("2 seconds").pipe(Schedule.upTo({ times: 10 })) }
  })
})
