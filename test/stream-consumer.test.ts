import { assert, describe, it } from "@effect/vitest"
import { Data, Deferred, Effect, Exit, Fiber, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { ReinferClient } from "../src/client.ts"
import * as BulkSync from "../src/bulk-sync.ts"
import * as Pagination from "../src/pagination.ts"
import * as Sandbox from "../src/sandbox/index.ts"
import * as StreamConsumer from "../src/stream-consumer.ts"
import * as ScriptedPlatform from "./support/scripted-platform.ts"
import { nextTurn } from "./support/test-clock.ts"

const withServer = <A, E>(
  body: (server: ScriptedPlatform.ScriptedPlatform) => Effect.Effect<A, E, ReinferClient>
): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    const server = ScriptedPlatform.make()
    return body(server).pipe(Effect.provide(server.clientLayer()))
  })

const entries = (count: number, filtered: (index: number) => boolean = () => false) =>
  Array.from({ length: count }, (_, i) => ({ comment: ScriptedPlatform.comment(`c${i}`, i), filtered: filtered(i) }))

class HandlerFailed extends Data.TaggedError("HandlerFailed")<{ readonly id: string }> {}

/**
 * Gives event-loop turns until `condition` holds (no clock involved: the in-process transport still reads bodies
 * through promises); gives up after 10 s of wall time, which only a hang reaches.
 */
const waitUntil = (condition: () => boolean, what: string) =>
  Effect.gen(function*() {
    const deadline = performance.now() + 10_000
    while (!condition()) {
      if (performance.now() > deadline) assert.fail(`timed out waiting until ${what}`)
      yield* nextTurn
    }
  })

/** A few more turns, so a fiber that just got its answer reaches its next suspension. */
const settle = Effect.gen(function*() {
  for (let round = 0; round < 50; round++) yield* nextTurn
})

/** Moves the TestClock one second at a time, letting the fibers run in between, until `condition` holds. */
const clockUntil = (condition: () => boolean, what: string) =>
  Effect.gen(function*() {
    for (let second = 0; second < 600; second++) {
      if (condition()) return second
      yield* TestClock.adjust("1 second")
      yield* settle
    }
    return assert.fail(`the clock ran 10 minutes without ${what}`)
  })

const location = { project: "acme", dataset: "support", stream: "urgent" } as const

describe("StreamConsumer", () => {
  it.effect("a failing handler leaves its batch unacknowledged; after the fault clears every comment is handled", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setStream("acme", "support", "urgent", entries(40))
        const state = server.stream("acme", "support", "urgent")
        const handled = new Map<string, number>()
        let faulty = true
        const consume = StreamConsumer.consumeStream({
          ...location,
          batchSize: 16,
          until: "end-of-sequence",
          handler: (result) =>
            faulty && result.comment.id === "c20"
              ? Effect.fail(new HandlerFailed({ id: result.comment.id }))
              : Effect.sync(() => handled.set(result.comment.id, (handled.get(result.comment.id) ?? 0) + 1))
        })

        const first = yield* Effect.flip(consume)
        assert.deepStrictEqual(first, new HandlerFailed({ id: "c20" }))
        // The first batch was acknowledged; the second, with the failure, was not.
        assert.deepStrictEqual(state.advances, ["16"])
        assert.strictEqual(state.position, 16)
        assert.strictEqual(state.fetches, 2)

        // Running again fetches the same batch again, and nothing moves past it while the fault lasts.
        const second = yield* Effect.exit(consume)
        assert.isTrue(Exit.isFailure(second))
        assert.strictEqual(state.fetches, 3)
        assert.deepStrictEqual(state.advances, ["16"])
        const fetchBodies = server.requests.filter((r) => r.operation === "fetchStream").map((r) => r.body)
        assert.deepStrictEqual(fetchBodies, [{ size: 16 }, { size: 16 }, { size: 16 }])

        faulty = false
        const summary = yield* consume
        assert.deepStrictEqual(state.advances, ["16", "32", "40"])
        assert.strictEqual(state.position, 40)
        assert.deepStrictEqual(summary, { batches: 2, handled: 24, exceptions: 0, filtered: 0, lastSequenceId: "40" })
        for (let i = 0; i < 40; i++) assert.isAtLeast(handled.get(`c${i}`) ?? 0, 1, `c${i} handled`)
        // c16..c19 came before the failure in the redelivered batch: at-least-once, not exactly-once.
        assert.strictEqual(handled.get("c16"), 3)
        assert.strictEqual(handled.get("c0"), 1)
      })
    ))

  it.effect("with exception tagging, failing results are tagged and the batch is advanced", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setStream("acme", "support", "urgent", entries(10))
        const state = server.stream("acme", "support", "urgent")
        const summary = yield* StreamConsumer.consumeStream({
          ...location,
          batchSize: 4,
          until: "end-of-sequence",
          exceptions: { type: (_result, error: HandlerFailed) => `Failed ${error.id}` },
          handler: (result) =>
            result.comment.id === "c2" || result.comment.id === "c9"
              ? Effect.fail(new HandlerFailed({ id: result.comment.id }))
              : Effect.void
        })
        assert.deepStrictEqual(state.exceptions, [
          { uid: "5eed5eed5eed5eed.c2", type: "Failed c2" },
          { uid: "5eed5eed5eed5eed.c9", type: "Failed c9" }
        ])
        assert.deepStrictEqual(state.advances, ["4", "8", "10"])
        assert.deepStrictEqual(summary, { batches: 3, handled: 8, exceptions: 2, filtered: 0, lastSequenceId: "10" })
        // One tagging request per batch that had failures.
        assert.strictEqual(server.count("tagStreamExceptions"), 2)
      })
    ))

  it.effect("a batch of only filtered comments is advanced past without calling the handler", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setStream("acme", "support", "urgent", entries(12, (i) => i < 8))
        const state = server.stream("acme", "support", "urgent")
        const seen: Array<string> = []
        const summary = yield* StreamConsumer.consumeStream({
          ...location,
          batchSize: 4,
          maxFiltered: 4,
          until: "end-of-sequence",
          handler: (result) => Effect.sync(() => seen.push(result.comment.id))
        })
        assert.deepStrictEqual(seen, ["c8", "c9", "c10", "c11"])
        assert.deepStrictEqual(state.advances, ["4", "8", "12"])
        assert.strictEqual(summary.filtered, 8)
        assert.strictEqual(summary.handled, 4)
      })
    ))

  it.effect("handles results with bounded concurrency", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setStream("acme", "support", "urgent", entries(12))
        let running = 0
        let peak = 0
        yield* StreamConsumer.consumeStream({
          ...location,
          batchSize: 12,
          concurrency: 3,
          until: "end-of-sequence",
          handler: () =>
            Effect.acquireUseRelease(
              Effect.sync(() => {
                running += 1
                peak = Math.max(peak, running)
              }),
              () => Effect.yieldNow,
              () => Effect.sync(() => running -= 1)
            )
        })
        assert.strictEqual(peak, 3)
      })
    ))

  it.effect("polls an empty stream every pollInterval until interrupted", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setStream("acme", "support", "urgent", entries(5))
        const state = server.stream("acme", "support", "urgent")
        const seen: Array<string> = []
        const fiber = yield* Effect.forkChild(StreamConsumer.consumeStream({
          ...location,
          batchSize: 16,
          pollInterval: "10 seconds",
          handler: (result) => Effect.sync(() => seen.push(result.comment.id))
        }))
        yield* waitUntil(() => state.advances.length === 1, "the first batch is advanced")
        yield* settle
        assert.strictEqual(state.fetches, 1)

        for (let i = 5; i < 8; i++) state.entries.push({ comment: ScriptedPlatform.comment(`c${i}`, i) })
        yield* TestClock.adjust("9 seconds")
        yield* settle
        assert.strictEqual(state.fetches, 1, "no fetch before the poll interval")
        yield* clockUntil(() => state.advances.length === 2, "the second batch is advanced")
        assert.deepStrictEqual(seen, ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"])
        assert.strictEqual(state.fetches, 2)

        // Caught up with nothing new: one more fetch per interval, none in between.
        yield* settle
        const waited = yield* clockUntil(() => state.fetches === 3, "the next poll")
        assert.isAtLeast(waited, 9)
        assert.isAtMost(waited, 11)
        yield* Fiber.interrupt(fiber)
        assert.deepStrictEqual(state.advances, ["5", "8"])
      })
    ))

  it.effect("interruption while handlers run does not advance the unfinished batch", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setStream("acme", "support", "urgent", entries(8))
        const state = server.stream("acme", "support", "urgent")
        const started = yield* Deferred.make<void>()
        const handled: Array<string> = []
        const fiber = yield* Effect.forkChild(StreamConsumer.consumeStream({
          ...location,
          batchSize: 4,
          handler: (result) =>
            result.comment.id === "c6"
              ? Effect.andThen(Deferred.succeed(started, undefined), Effect.never)
              : Effect.sync(() => handled.push(result.comment.id))
        }))
        yield* Deferred.await(started)
        yield* Fiber.interrupt(fiber)
        yield* settle
        assert.deepStrictEqual(state.advances, ["4"])
        assert.strictEqual(state.position, 4)
        assert.deepStrictEqual(handled, ["c0", "c1", "c2", "c3", "c4", "c5"])
      })
    ))

  it.effect("invalid options fail before anything is sent", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setStream("acme", "support", "urgent", entries(1))
        const error = yield* Effect.flip(StreamConsumer.consumeStream({
          ...location,
          batchSize: 2000,
          handler: () => Effect.void
        }))
        assert.strictEqual(error._tag === "ReinferRequestError" && error.field, "batchSize")
        assert.strictEqual(server.requests.length, 0)
      })
    ))

  it.effect("end to end against the sandbox: bulk upload, iterate, consume", () =>
    Effect.gen(function*() {
      const client = yield* ReinferClient
      yield* client.createSource({ project: "acme", source: "emails", body: { source: { title: "Emails" } } })
      const { source } = yield* client.getSource({ project: "acme", source: "emails" })
      yield* client.createDataset({
        project: "acme",
        dataset: "support",
        body: { dataset: { source_ids: [source.id] } }
      })
      yield* client.createStream({ project: "acme", dataset: "support", body: { stream: { name: "urgent" } } })

      const comments = Array.from({ length: 300 }, (_, i) => ({
        id: `c${String(i).padStart(4, "0")}`,
        timestamp: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
        messages: [{ body: { text: `Message ${i}` } }]
      }))
      const uploaded = yield* BulkSync.syncCommentsBulk({ project: "acme", source: "emails", comments, batchSize: 50 })
      assert.deepStrictEqual(uploaded, { new: 300, updated: 0, unchanged: 0, failed: [], requests: 6 })

      const listed = yield* Pagination.stream("listComments", { project: "acme", source: "emails" }, { pageSize: 64 }).pipe(
        Stream.map((comment) => comment.id),
        Stream.runCollect
      )
      assert.deepStrictEqual(listed, comments.map((comment) => comment.id))

      const handled = new Set<string>()
      const summary = yield* StreamConsumer.consumeStream({
        ...location,
        batchSize: 64,
        until: "end-of-sequence",
        handler: (result) => Effect.sync(() => handled.add(result.comment.id))
      })
      assert.strictEqual(handled.size, 300)
      assert.strictEqual(summary.handled, 300)
      const again = yield* StreamConsumer.consumeStream({
        ...location,
        until: "end-of-sequence",
        handler: () => Effect.die("nothing is left to deliver")
      })
      assert.strictEqual(again.handled, 0)
    }).pipe(
      Effect.provide(
        // The in-process sandbox ignores the origin; https keeps the client's endpoint check happy.
        ReinferClient.layer({ endpoint: "https://sandbox.reinfer.invalid", token: Sandbox.DEFAULT_TOKEN }).pipe(
          Layer.provide(Sandbox.layer({ projects: ["acme"] }))
        )
      )
    ))
})
