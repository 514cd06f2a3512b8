import { assert, describe, it } from "@effect/vitest"
import { Data, Deferred, Effect, Exit, Fiber, Layer, Metric, Stream } from "effect"
import { TestClock } from "effect/testing"
import { ReinferClient } from "../src/client.ts"
import * as BulkSync from "../src/bulk-sync.ts"
import * as Pagination from "../src/pagination.ts"
import * as Sandbox from "../src/sandbox/index.ts"
import * as StreamConsumer from "../src/stream-consumer.ts"
import * as TestClient from "./support/client.ts"
import * as ScriptedPlatform from "./support/scripted-platform.ts"
import { driveFiber, nextTurn } from "./support/test-clock.ts"
import * as TestTracing from "./support/tracing.ts"

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
        assert.deepStrictEqual(summary, {
          batches: 2,
          handled: 24,
          exceptions: 0,
          filtered: 0,
          duplicates: 0,
          restarts: 0,
          lastSequenceId: "40"
        })
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
        assert.deepStrictEqual(summary, {
          batches: 3,
          handled: 8,
          exceptions: 2,
          filtered: 0,
          duplicates: 0,
          restarts: 0,
          lastSequenceId: "10"
        })
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

describe("StreamConsumer, running unattended against the sandbox's faults", () => {
  const COMMENTS = 1000
  const BATCH = 5
  // Threads of comments: the handler must see each thread's comments in order, however many run at once.
  const threadOf = (id: string) => `thread-${Number(id.slice(1)) % 7}`

  /** A sandbox with one stream over COMMENTS comments, uploaded before any fault is switched on. */
  const seeded = TestClient.sandboxWithStream({
    sourceTitle: "Emails",
    comments: Array.from({ length: COMMENTS }, (_, i) => ({
      id: `c${String(i).padStart(4, "0")}`,
      timestamp: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      messages: [{ body: { text: `Message ${i}` } }]
    }))
  })

  const FAULTS = {
    serverError: { rate: 0.1, status: 503 },
    dropConnection: { rate: 0.05 },
    applyThenDrop: { rate: 0.05 },
    operations: ["fetchStream", "advanceStream"]
  } as const

  /** Runs a consumer to the end of the stream under the faults, moving the TestClock, and what it handled. */
  const consumeUnderFaults = (dedupe: boolean) =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      sandbox.faults.set(FAULTS)
      const handled: Array<string> = []
      const events: Array<StreamConsumer.BatchEvent> = []
      const fiber = yield* Effect.forkChild(
        StreamConsumer.consumeStream({
          ...location,
          batchSize: BATCH,
          concurrency: 4,
          orderBy: (result) => threadOf(result.comment.id),
          until: "end-of-sequence",
          dedupe,
          handler: (result) => Effect.sync(() => handled.push(result.comment.id)),
          onBatch: (event) => Effect.sync(() => events.push(event))
        }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
      )
      const exit = yield* driveFiber(fiber, "5 seconds")
      const hits = sandbox.faults.hits()
      sandbox.faults.set({})
      // A second consumer finds nothing left: the first advanced to the end.
      const after = yield* StreamConsumer.consumeStream({
        ...location,
        until: "end-of-sequence",
        handler: () => Effect.die("nothing is left to deliver")
      }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
      return { exit, handled, events, hits, after }
    })

  const assertDeliveredInOrder = (handled: ReadonlyArray<string>) => {
    const firsts = [...new Set(handled)]
    assert.strictEqual(firsts.length, COMMENTS, "every comment handled at least once")
    const byThread = new Map<string, Array<string>>()
    for (const id of firsts) byThread.set(threadOf(id), [...(byThread.get(threadOf(id)) ?? []), id])
    for (const [thread, ids] of byThread) assert.deepStrictEqual(ids, [...ids].sort(), `${thread} in order`)
  }

  it.effect("rides out 503s, dropped connections and lost answers to the end: at-least-once, in order per thread", () =>
    Effect.gen(function*() {
      const { after, events, exit, handled, hits } = yield* consumeUnderFaults(false)
      assert.isTrue(Exit.isSuccess(exit), String(exit))
      if (!Exit.isSuccess(exit)) return
      const summary = exit.value
      assert.isAbove(hits.serverError + hits.dropConnection + hits.applyThenDrop, 20, "the faults fired")
      assert.isAtLeast(summary.restarts, hits.serverError + hits.dropConnection + hits.applyThenDrop)
      assertDeliveredInOrder(handled)
      assert.strictEqual(summary.batches, COMMENTS / BATCH)
      assert.strictEqual(summary.handled, handled.length)
      assert.strictEqual(summary.duplicates, 0)
      assert.strictEqual(events.length, COMMENTS / BATCH)
      assert.deepStrictEqual(events.at(-1)!.summary, summary)
      assert.isAbove(Math.max(...events.map((event) => event.attempts)), 1)
      assert.strictEqual(after.handled, 0)
      duplicateCounts.without = handled.length - COMMENTS
      // An advance lost before it reached the platform redelivers its batch: some comments come twice.
      assert.isAbove(duplicateCounts.without, 0)
    }))

  it.effect("with dedupe, a redelivered batch's handled results are skipped: each comment handled once", () =>
    Effect.gen(function*() {
      const { after, exit, handled } = yield* consumeUnderFaults(true)
      assert.isTrue(Exit.isSuccess(exit), String(exit))
      if (!Exit.isSuccess(exit)) return
      assertDeliveredInOrder(handled)
      assert.strictEqual(handled.length, COMMENTS)
      assert.isAbove(exit.value.duplicates, 0)
      assert.strictEqual(after.handled, 0)
      duplicateCounts.with = handled.length - COMMENTS
      duplicateCounts.skipped = exit.value.duplicates
      console.log(`stream consumer under faults: ${JSON.stringify(duplicateCounts)}`)
    }))

  it.effect("interruption mid-batch leaves that batch to be delivered again: no result is skipped", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const handled = new Set<string>()
      const blocked = yield* Deferred.make<void>()
      const fiber = yield* Effect.forkChild(
        StreamConsumer.consumeStream({
          ...location,
          batchSize: BATCH,
          handler: (result) =>
            result.comment.id === "c0012"
              ? Effect.andThen(Deferred.succeed(blocked, undefined), Effect.never)
              : Effect.sync(() => handled.add(result.comment.id))
        }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
      )
      yield* Deferred.await(blocked)
      yield* Fiber.interrupt(fiber)
      assert.isTrue(handled.has("c0011"))
      const rest = yield* StreamConsumer.consumeStream({
        ...location,
        until: "end-of-sequence",
        handler: (result) => Effect.sync(() => handled.add(result.comment.id))
      }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
      assert.strictEqual(handled.size, COMMENTS)
      // The interrupted batch (c0010..c0014) was not advanced past: it came again, whole.
      assert.strictEqual(rest.handled, COMMENTS - 10)
    }))

  it.effect("each batch is one span, parent of its fetch, its handlers and its advance; a restart is an attempt of it", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      sandbox.faults.set({ serverError: { status: 503, times: 1 }, operations: ["advanceStream"] })
      const fiber = yield* Effect.forkChild(
        TestTracing.capture(
          StreamConsumer.consumeStream({
            ...location,
            batchSize: BATCH,
            maxBatches: 2,
            handler: () => Effect.void.pipe(Effect.withSpan("handler"))
          }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
        )
      )
      const captured = yield* Fiber.join(yield* Effect.forkChild(driveFiber(fiber, "5 seconds")))
      assert.isTrue(Exit.isSuccess(captured))
      if (!Exit.isSuccess(captured)) return
      const { exit, spans } = captured.value
      assert.isTrue(Exit.isSuccess(exit))
      const batches = spans.filter((span) => span.name === "StreamConsumer.batch")
      assert.strictEqual(batches.length, 2)
      const [first] = batches
      assert.strictEqual(first!.attributes["reinfer.stream"], "acme/support/urgent")
      assert.strictEqual(first!.attributes["reinfer.stream.results"], BATCH)
      // The first advance answered 503: the cycle started again, with a fetch that found the same batch.
      assert.strictEqual(first!.attributes["reinfer.stream.attempts"], 2)
      assert.isString(first!.attributes["reinfer.stream.first_sequence_id"])
      const children = (name: string) =>
        spans.filter((span) => span.name === name && span.parentSpanContext?.spanId === first!.spanContext().spanId)
      assert.strictEqual(children("ReinferClient.fetchStream").length, 2)
      assert.strictEqual(children("ReinferClient.advanceStream").length, 2)
      assert.strictEqual(children("handler").length, 2 * BATCH)
    }))

  it.effect("a 401 ends the consumer at once with the typed error, no restart", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const error = yield* Effect.flip(
        StreamConsumer.consumeStream({ ...location, handler: () => Effect.void }).pipe(
          Effect.provide(TestClient.overSandbox(sandbox, { token: "not-the-sandbox-token-0123" }))
        )
      )
      assert.strictEqual(error._tag, "ReinferApiError")
      assert.strictEqual(error._tag === "ReinferApiError" ? error.status : 0, 401)
    }))

  it.effect("maxBatches and stop end it cleanly after a whole batch, with the summary", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const counted = (metric: typeof StreamConsumer.metrics.handled) =>
        Effect.map(Metric.value(Metric.withAttributes(metric, { stream: "acme/support/urgent" })), (state) => state.count)
      const [handledBefore, batchesBefore] = [yield* counted(StreamConsumer.metrics.handled), yield* counted(StreamConsumer.metrics.batches)]
      const limited = yield* StreamConsumer.consumeStream({
        ...location,
        batchSize: BATCH,
        maxBatches: 3,
        handler: () => Effect.void
      }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
      assert.strictEqual(limited.batches, 3)
      assert.strictEqual(limited.handled, 3 * BATCH)
      // The same counts reach the metrics, under the stream's name.
      assert.strictEqual((yield* counted(StreamConsumer.metrics.handled)) - handledBefore, 3 * BATCH)
      assert.strictEqual((yield* counted(StreamConsumer.metrics.batches)) - batchesBefore, 3)

      const stop = yield* Deferred.make<void>()
      const stopped = yield* StreamConsumer.consumeStream({
        ...location,
        batchSize: BATCH,
        stop: Deferred.await(stop),
        // Asked to stop while handling its second batch: it finishes and advances past that batch, then returns.
        handler: (result) => result.comment.id === "c0021" ? Deferred.succeed(stop, undefined) : Effect.void
      }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))
      assert.strictEqual(stopped.batches, 2)
      assert.strictEqual(stopped.handled, 2 * BATCH)
      // It stopped where it said: the next consumer starts with the batch after.
      const next = yield* StreamConsumer.consumeStream({ ...location, batchSize: BATCH, maxBatches: 1, handler: () => Effect.void })
        .pipe(Effect.provide(TestClient.overSandbox(sandbox)))
      assert.strictEqual(next.lastSequenceId !== undefined && next.lastSequenceId !== stopped.lastSequenceId, true)
    }))

  it.effect("restart: false ends it with the first transient failure; bad restart options name the field", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      sandbox.faults.set({ serverError: { status: 503, times: 1 }, operations: ["fetchStream"] })
      const failed = yield* Effect.flip(
        StreamConsumer.consumeStream({ ...location, restart: false, handler: () => Effect.void }).pipe(
          Effect.provide(TestClient.overSandbox(sandbox))
        )
      )
      assert.strictEqual(failed._tag === "ReinferApiError" ? failed.status : 0, 503)
      const invalid = yield* Effect.flip(
        StreamConsumer.consumeStream({ ...location, restart: { maxRetries: -1 }, handler: () => Effect.void }).pipe(
          Effect.provide(TestClient.overSandbox(sandbox))
        )
      )
      assert.strictEqual(invalid._tag === "ReinferRequestError" ? invalid.field : "", "restart.maxRetries")
    }))
})

// Filled by the two fault runs, printed for the issue note.
const duplicateCounts: { without?: number; with?: number; skipped?: number } = {}
