import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { ReinferClient } from "../src/index.ts"
import * as Sandbox from "../src/sandbox/index.ts"
import * as TestClient from "./support/client.ts"

describe("Sandbox with ReinferClient", () => {
  it.effect("serves the client's calls in process, under a base path", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ basePath: "/org/tenant/reinfer_", projects: ["acme"] })
      yield* Effect.gen(function*() {
        const client = yield* ReinferClient
        yield* client.createSource({ project: "acme", source: "inbox", body: { source: { title: "Inbox" } } })
        const counts = yield* client.syncComments({
          project: "acme",
          source: "inbox",
          body: { comments: [{ id: "1", timestamp: "2024-01-01T00:00:00Z", messages: [{ body: { text: "hello" } }] }] }
        })
        assert.deepStrictEqual([counts.new, counts.updated, counts.unchanged], [1, 0, 0])
        const user = yield* client.getCurrentUser({})
        assert.strictEqual(user.user.username, "sandbox-user")
      }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
    }))

  it.effect("lets the client retry a 503 fault after its backoff (TestClock)", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ faults: { serverError: { status: 503, times: 1 } } })
      const fiber = yield* Effect.forkChild(
        Effect.flatMap(ReinferClient, (client) => client.getCurrentUser({})).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
      )
      yield* TestClock.adjust("1 minute")
      const user = yield* Fiber.join(fiber)
      assert.strictEqual(user.user.username, "sandbox-user")
    }))
})
