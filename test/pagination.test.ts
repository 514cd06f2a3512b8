import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { ReinferClient } from "../src/client.ts"
import { isReinferError } from "../src/errors.ts"
import * as Pagination from "../src/pagination.ts"
import * as ScriptedPlatform from "./support/scripted-platform.ts"
import { driveFiber, failureOf } from "./support/test-clock.ts"
import * as TestTracing from "./support/tracing.ts"

const withServer = <A, E>(
  body: (server: ScriptedPlatform.ScriptedPlatform) => Effect.Effect<A, E, ReinferClient>
): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    const server = ScriptedPlatform.make()
    return body(server).pipe(Effect.provide(server.clientLayer()))
  })

describe("Pagination", () => {
  it.effect("iterates 10,000 comments in pages of 64, each exactly once and in order", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const comments = Array.from({ length: 10_000 }, (_, i) => ScriptedPlatform.comment(`c${i}`, i))
        server.setComments("acme", "emails", comments)
        const ids = yield* Pagination.stream("listComments", { project: "acme", source: "emails" }, { pageSize: 64 }).pipe(
          Stream.map((comment) => comment.id),
          Stream.runCollect
        )
        assert.strictEqual(ids.length, 10_000)
        assert.strictEqual(new Set(ids).size, 10_000)
        assert.deepStrictEqual(ids, comments.map((c) => c.id))
        assert.strictEqual(server.count("listComments"), Math.ceil(10_000 / 64))
        assert.isTrue(server.requests.every((request) => request.query.get("limit") === "64"))
      })
    ))

  it.effect("pages: the same requests, each page whole with its cursor and side fields", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setComments("acme", "emails", Array.from({ length: 150 }, (_, i) => ScriptedPlatform.comment(`c${i}`, i)))
        const pages = yield* Pagination.pages("listComments", { project: "acme", source: "emails" }, { pageSize: 64 }).pipe(
          Stream.runCollect
        )
        assert.deepStrictEqual(pages.map((page) => page.comments.length), [64, 64, 22])
        assert.deepStrictEqual(pages.map((page) => typeof page.continuation), ["string", "string", "undefined"])
        const ids = pages.flatMap((page) => page.comments.map((comment) => comment.id))
        assert.deepStrictEqual(ids, Array.from({ length: 150 }, (_, i) => `c${i}`))
        assert.strictEqual(server.count("listComments"), 3)
      })
    ))

  it.effect("fetches a page only when the consumer pulls past the previous one", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setVirtualSource("acme", "big", 1_000_000)
        const stream = Pagination.stream("listComments", { project: "acme", source: "big" }, { pageSize: 64 })
        yield* Stream.runDrain(Stream.take(stream, 64))
        assert.strictEqual(server.count("listComments"), 1)
        server.clearRequests()
        yield* Stream.runDrain(Stream.take(stream, 65))
        assert.strictEqual(server.count("listComments"), 2)
      })
    ))

  it.effect("uses the spec's default page size, and a limit in the input when there is no pageSize option", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setVirtualSource("acme", "big", 300)
        yield* Stream.runDrain(Pagination.stream("listComments", { project: "acme", source: "big" }))
        assert.deepStrictEqual(server.requests.map((r) => r.query.get("limit")), ["64", "64", "64", "64", "64"])
        server.clearRequests()
        yield* Stream.runDrain(Pagination.stream("listComments", { project: "acme", source: "big", limit: 200 }))
        assert.deepStrictEqual(server.requests.map((r) => r.query.get("limit")), ["200", "200"])
      })
    ))

  it.effect("sends from_timestamp on the first page only and to_timestamp on every page", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setComments("acme", "emails", Array.from({ length: 100 }, (_, i) => ScriptedPlatform.comment(`c${i}`, i)))
        const ids = yield* Pagination.stream("listComments", {
          project: "acme",
          source: "emails",
          from_timestamp: ScriptedPlatform.comment("x", 10).timestamp,
          to_timestamp: ScriptedPlatform.comment("x", 59).timestamp
        }, { pageSize: 20 }).pipe(Stream.map((c) => c.id), Stream.runCollect)
        assert.deepStrictEqual(ids, Array.from({ length: 50 }, (_, i) => `c${i + 10}`))
        const [first, ...rest] = server.requests
        assert.isTrue(first!.query.has("from_timestamp"))
        assert.isFalse(first!.query.has("after"))
        assert.isTrue(rest.length > 0)
        for (const request of rest) {
          assert.isFalse(request.query.has("from_timestamp"))
          assert.isTrue(request.query.has("after"))
        }
        assert.isTrue(server.requests.every((request) => request.query.has("to_timestamp")))
      })
    ))

  it.effect("ends on an absent cursor as on a null one", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setComments("acme", "emails", Array.from({ length: 10 }, (_, i) => ScriptedPlatform.comment(`c${i}`, i)))
        server.setListing("acme", "emails", { endCursor: "absent" })
        const count = yield* Stream.runCount(
          Pagination.stream("listComments", { project: "acme", source: "emails" }, { pageSize: 4 })
        )
        assert.strictEqual(count, 10)
        assert.strictEqual(server.count("listComments"), 3)
      })
    ))

  it.effect("resumes from a cursor given in the input", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setVirtualSource("acme", "big", 100)
        const ids = yield* Pagination.stream("listComments", { project: "acme", source: "big", after: "o90" }).pipe(
          Stream.map((c) => c.id),
          Stream.runCollect
        )
        assert.deepStrictEqual(ids, Array.from({ length: 10 }, (_, i) => `c${90 + i}`))
      })
    ))

  it.effect("a cursor that does not advance fails with ReinferPaginationError naming the operation and cursor", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setVirtualSource("acme", "stuck", 1_000)
        server.setListing("acme", "stuck", { stuckAt: 128 })
        const seen: Array<string> = []
        const exit = yield* Pagination.stream("listComments", { project: "acme", source: "stuck" }, { pageSize: 64 }).pipe(
          Stream.runForEach((comment) => Effect.sync(() => seen.push(comment.id))),
          Effect.exit
        )
        const error = failureOf(exit)
        assert.strictEqual(error._tag, "ReinferPaginationError")
        if (error._tag !== "ReinferPaginationError") return
        assert.strictEqual(error.operationId, "listComments")
        assert.strictEqual(error.cursor, "o128")
        assert.strictEqual(error.cursorField, "continuation")
        assert.strictEqual(error.page, 3)
        assert.strictEqual(error.route, "/api/_private/sources/{project}/{source}/comments")
        assert.match(error.url, /\/api\/_private\/sources\/acme\/stuck\/comments\?(.*&)?after=o128(&|$)/)
        assert.isTrue(isReinferError(error))
        assert.include(error.message, "listComments")
        assert.include(error.message, `"o128"`)
        assert.strictEqual(
          error.message,
          `Cursor did not advance: continuation "o128" came back unchanged after 64 items ` +
            `(page 3, GET /api/_private/sources/acme/stuck/comments, listComments)`
        )
        // The third page answered a new cursor, so its items were delivered; the same page was never asked again.
        assert.strictEqual(seen.length, 192)
        assert.strictEqual(server.count("listComments"), 3)
      })
    ))

  it.effect("a page size above the spec's maximum fails before anything is sent", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setVirtualSource("acme", "big", 10)
        const exit = yield* Effect.exit(
          Stream.runDrain(Pagination.stream("listComments", { project: "acme", source: "big" }, { pageSize: 257 }))
        )
        const error = failureOf(exit)
        assert.strictEqual(error._tag, "ReinferRequestError")
        if (error._tag !== "ReinferRequestError") return
        assert.strictEqual(error.field, "pageSize")
        assert.include(error.message, "at most 256")
        assert.strictEqual(server.requests.length, 0)

        const zero = failureOf(yield* Effect.exit(
          Stream.runDrain(Pagination.stream("listComments", { project: "acme", source: "big" }, { pageSize: 0 }))
        ))
        assert.strictEqual(zero._tag === "ReinferRequestError" && zero.field, "pageSize")

        const noPageSize = failureOf(yield* Effect.exit(Stream.runDrain(Pagination.stream("queryAuditEvents",
          { body: { filter: { timestamp: {} } } },
          { pageSize: 10 }
        ))))
        assert.strictEqual(noPageSize._tag === "ReinferRequestError" && noPageSize.field, "pageSize")
        assert.strictEqual(server.requests.length, 0)
      })
    ))

  it.effect("labellings page by query `after` and end on the first empty page", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setDataset("acme", "support", Array.from({ length: 20 }, (_, i) => ScriptedPlatform.comment(`c${i}`, i)))
        const uids = yield* Pagination.stream("getLabellings",
          { project: "acme", dataset: "support", source_id: "5eed5eed5eed5eed" },
          { pageSize: 8 }
        ).pipe(Stream.map((annotated) => annotated.comment.uid), Stream.runCollect)
        assert.strictEqual(uids.length, 20)
        assert.strictEqual(uids[19], "5eed5eed5eed5eed.c19")
        // 8 + 8 + 4, then the empty page that ends the iteration (its `after` is still present).
        assert.deepStrictEqual(server.requests.map((r) => r.query.get("after")), [null, "l8", "l16", "l20"])
      })
    ))

  it.effect("dataset queries carry the cursor and the page size in the body", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setDataset("acme", "support", Array.from({ length: 25 }, (_, i) => ScriptedPlatform.comment(`c${i}`, i)))
        const input = { project: "acme", dataset: "support", body: { filter: {}, order: { kind: "recent" as const } } }
        const count = yield* Stream.runCount(Pagination.stream("queryDataset", input, { pageSize: 10 }))
        assert.strictEqual(count, 25)
        assert.deepStrictEqual(server.requests.map((r) => r.body), [
          { filter: {}, order: { kind: "recent" }, limit: 10 },
          { filter: {}, order: { kind: "recent" }, limit: 10, continuation: "q10" },
          { filter: {}, order: { kind: "recent" }, limit: 10, continuation: "q20" }
        ])
        // The caller's input is not modified.
        assert.deepStrictEqual(input.body, { filter: {}, order: { kind: "recent" } })
      })
    ))

  it.effect("recent comments, bucket emails and audit events page through their body cursors", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setDataset("acme", "support", Array.from({ length: 7 }, (_, i) => ScriptedPlatform.comment(`c${i}`, i)))
        server.setBucket("acme", "inbox", 150)
        server.setAuditEvents(23)
        const recent = yield* Stream.runCount(Pagination.stream("queryRecentComments", {
          project: "acme",
          dataset: "support",
          body: { limit: 3, filter: {} }
        }))
        assert.strictEqual(recent, 7)
        assert.strictEqual(server.count("queryRecentComments"), 3)

        const emails = yield* Pagination.stream("listEmails", { project: "acme", bucket: "inbox", body: { limit: 64 } })
          .pipe(Stream.map((email) => email.id), Stream.runCollect)
        assert.strictEqual(emails.length, 150)
        assert.strictEqual(emails[149], "email-149")
        assert.strictEqual(server.count("listEmails"), 3)

        const events = yield* Stream.runCollect(
          Pagination.stream("queryAuditEvents", { body: { filter: { timestamp: {} } } })
        )
        assert.strictEqual(events.length, 23)
        assert.strictEqual(events[22]?.event_id, "event-22")
        assert.strictEqual(server.count("queryAuditEvents"), 3)
      })
    ))

  it.effect("paginate works data-first and data-last on a client", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setVirtualSource("acme", "big", 10)
        const reinfer = yield* ReinferClient
        const input = { project: "acme", source: "big" }
        const first = yield* Stream.runCount(Pagination.paginate(reinfer, "listComments", input, { pageSize: 3 }))
        const second = yield* Stream.runCount(Pagination.paginate("listComments", input, { pageSize: 3 })(reinfer))
        assert.strictEqual(first, 10)
        assert.strictEqual(second, 10)
      })
    ))

  it.effect("each page goes through the client's retries", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setVirtualSource("acme", "big", 100)
        server.failNext("listComments", 503, 2)
        const fiber = yield* Effect.forkChild(
          Stream.runCount(Pagination.stream("listComments", { project: "acme", source: "big" }, { pageSize: 50 }))
        )
        const exit = yield* driveFiber(fiber)
        assert.deepStrictEqual(exit, Exit.succeed(100))
        // Two 503s retried, then the two pages.
        assert.strictEqual(server.count("listComments"), 4)
      })
    ))

  it.effect("each page is a traced client call under the stream's span", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.setVirtualSource("acme", "big", 10)
        const { exit, spans } = yield* TestTracing.capture(
          Stream.runCount(Pagination.stream("listComments", { project: "acme", source: "big" }, { pageSize: 4 }))
        )
        assert.deepStrictEqual(exit, Exit.succeed(10))
        const stream = spans.find((span) => span.name === "ReinferClient.listCommentsStream")
        const calls = spans.filter((span) => span.name === "ReinferClient.listComments")
        assert.isDefined(stream)
        assert.strictEqual(calls.length, 3)
        assert.deepStrictEqual(calls.map((span) => span.attributes["reinfer.page"]), [1, 2, 3])
        for (const call of calls) assert.strictEqual(call.parentSpanContext?.spanId, stream!.spanContext().spanId)
        const attempts = spans.filter((span) => span.name === "GET /api/_private/sources/{project}/{source}/comments")
        assert.strictEqual(attempts.length, 3)
      })
    ))

  it.effect("memory does not grow with the number of pages", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const gc = exposeGc()
        const run = (count: number) =>
          Effect.gen(function*() {
            server.setVirtualSource("acme", `long-${count}`, count)
            const samples: Array<number> = []
            let seen = 0
            const every = 256 * 40
            yield* Pagination.stream("listComments", { project: "acme", source: `long-${count}` }, { pageSize: 256 }).pipe(
              Stream.tap(() =>
                Effect.sync(() => {
                  seen += 1
                  if (seen % every === 0) {
                    gc?.()
                    samples.push(process.memoryUsage().heapUsed)
                  }
                })
              ),
              Stream.runDrain
            )
            assert.strictEqual(seen, count)
            const growth = samples[samples.length - 1]! - samples[0]!
            return { count, pages: Math.ceil(count / 256), growth, samples: samples.length }
          })
        const small = yield* run(25_600)
        const large = yield* run(256_000)
        const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
        console.log(
          `pagination memory (gc ${gc === undefined ? "not exposed" : "forced"}): ` +
            `${small.count} items / ${small.pages} pages grew ${mb(small.growth)}; ` +
            `${large.count} items / ${large.pages} pages grew ${mb(large.growth)}`
        )
        // Kept items would cost hundreds of bytes each (≈ 100 MB for the long run); a flat stream stays within
        // noise. Without a forced gc the bound is looser, as collection timing adds noise.
        const bound = gc === undefined ? 48 * 1024 * 1024 : 16 * 1024 * 1024
        assert.isBelow(large.growth, Math.max(bound, small.growth * 3))
      })
    ), 120_000)
})

// A forced collection makes heap samples comparable. `--expose-gc` is not set under vitest, so turn the flag on at
// run time and fetch `gc` from a fresh context; fall back to looser bounds if that fails.
const exposeGc = (): (() => void) | undefined => {
  const existing = (globalThis as { gc?: () => void }).gc
  if (typeof existing === "function") return existing
  try {
    v8.setFlagsFromString("--expose-gc")
    const gc = vm.runInNewContext("gc") as unknown
    return typeof gc === "function" ? (gc as () => void) : undefined
  } catch {
    return undefined
  }
}
