import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { ReinferClient } from "effect-reinfer"

// Layer-wide settings: the endpoint may carry a path prefix (UiPath tenants do).
const Reinfer = ReinferClient.layer({
  endpoint: "https://cloud.uipath.com/acme/DefaultTenant/reinfer_",
  token: Redacted.make(process.env["REINFER_TOKEN"] ?? ""),
  retry: { maxRetries: 5, baseDelay: "500 millis" },
  timeout: "2 minutes",
  userAgent: "acme-support-bot/1.4"
}).pipe(Layer.provide(FetchHttpClient.layer))

// The same settings per call, for this call only.
const bigSync = Effect.gen(function*() {
  const client = yield* ReinferClient
  return yield* client.syncComments(
    { project: "acme", source: "emails", body: { comments: [] } },
    { timeout: "5 minutes", retry: { maxRetries: 1 } }
  )
})

// Or for every call inside an effect; a call's own options still win.
const nightly = Effect.gen(function*() {
  const client = yield* ReinferClient
  yield* client.listSources()
  yield* bigSync
}).pipe(ReinferClient.withCallOptions({ headers: { "x-job": "nightly" }, timeout: "2 minutes" }))

export const main = nightly.pipe(Effect.provide(Reinfer))
