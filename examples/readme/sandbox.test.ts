import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ReinferClient } from "effect-reinfer"
import * as Sandbox from "effect-reinfer/sandbox"

// A full Re:infer in memory: no socket, no token to manage, state fresh for each test.
const TestReinfer = ReinferClient.layer({ endpoint: Sandbox.IN_PROCESS_URL, token: Sandbox.DEFAULT_TOKEN }).pipe(
  Layer.provide(Sandbox.layer({ projects: ["acme"] }))
)

describe("my support bot", () => {
  it.effect("stores what it syncs", () =>
    Effect.gen(function*() {
      const client = yield* ReinferClient
      yield* client.createSource({ project: "acme", source: "emails", body: { source: { title: "Emails" } } })
      const counts = yield* client.syncComments({
        project: "acme",
        source: "emails",
        body: { comments: [{ id: "1", timestamp: "2024-05-01T09:00:00Z", messages: [{ body: { text: "Hi" } }] }] }
      })
      assert.strictEqual(counts.new, 1)
    }).pipe(Effect.provide(TestReinfer)))
})
