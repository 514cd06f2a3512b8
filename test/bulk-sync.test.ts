import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { ReinferClient } from "../src/client.ts"
import * as BulkSync from "../src/bulk-sync.ts"
import * as Sandbox from "../src/sandbox/index.ts"
import * as TestClient from "./support/client.ts"
import * as ScriptedPlatform from "./support/scripted-platform.ts"

const withServer = <A, E>(
  body: (server: ScriptedPlatform.ScriptedPlatform) => Effect.Effect<A, E, ReinferClient>
): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    const server = ScriptedPlatform.make()
    return body(server).pipe(Effect.provide(server.clientLayer({ retry: false })))
  })

const newComment = (id: string, text = `Comment ${id}`): BulkSync.NewComment => ({
  id,
  timestamp: "2024-05-01T09:00:00.000Z",
  messages: [{ body: { text } }]
})

const target = { project: "acme", source: "emails" } as const

describe("BulkSync", () => {
  it.effect("1,000 comments with 3 rejected by the server: 997 synced, exactly those 3 reported", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const comments = Array.from({ length: 1_000 }, (_, i) => newComment(`c${i}`))
        const bad = ["c17", "c500", "c999"]
        for (const id of bad) server.rejectIds.add(id)
        const result = yield* BulkSync.syncCommentsBulk({ ...target, comments })

        assert.strictEqual(result.new, 997)
        assert.strictEqual(result.updated + result.unchanged, 0)
        assert.deepStrictEqual(result.failed.map((failure) => failure.id), bad)
        assert.deepStrictEqual(result.failed.map((failure) => failure.index), [17, 500, 999])
        for (const failure of result.failed) {
          assert.strictEqual(failure.error._tag, "ReinferApiError")
          assert.include(failure.error.message, `Invalid comment ${failure.id}`)
        }
        assert.strictEqual(server.comments("acme", "emails").length, 997)

        // 8 batches of at most 128; each of the 3 bad batches costs 2 requests per halving (log2 128 = 7) — the
        // last batch holds only 104 comments, so it needs at most as many.
        const batches = Math.ceil(1_000 / 128)
        const bound = batches + bad.length * 2 * Math.log2(128)
        console.log(
          `bulk sync: 1000 comments, 3 rejected -> ${result.requests} requests ` +
            `(${batches} batches + bisection; bound ${bound}, one request per comment would be 1000)`
        )
        assert.strictEqual(result.requests, server.count("syncComments"))
        assert.isAtMost(result.requests, bound)
      })
    ))

  it.effect("addEmailsBulk adds raw emails to a bucket in batches; an invalid one is named and not sent", () =>
    Effect.flatMap(Sandbox.make({ projects: ["acme"] }), (sandbox) =>
      Effect.gen(function*() {
        const client = yield* ReinferClient
        yield* client.createBucket({ project: "acme", bucket: "inbox", body: { bucket: { bucket_type: "emails" } } })
        const emails = Array.from({ length: 300 }, (_, i) => ({
          id: `e${i}`,
          mailbox: "support@acme.example",
          timestamp: i === 42 ? "not a time" : "2024-05-01T09:00:00Z",
          mime_content: `Subject: Ticket ${i}\r\n\r\nHello`
        }))
        const confirmed: Array<number> = []
        const result = yield* BulkSync.addEmailsBulk({
          project: "acme",
          bucket: "inbox",
          emails,
          batchSize: 100,
          onConfirmed: (indexes) => void confirmed.push(...indexes)
        })
        assert.deepStrictEqual([result.new, result.updated, result.unchanged, result.requests], [299, 0, 0, 3])
        assert.deepStrictEqual(result.failed.map((failure) => [failure.index, failure.id]), [[42, "e42"]])
        assert.include(result.failed[0]!.error.message, "emails[42].timestamp")
        assert.deepStrictEqual(confirmed.sort((a, b) => a - b), Array.from({ length: 300 }, (_, i) => i).filter((i) => i !== 42))
        const { statistics } = yield* client.getBucketStatistics({ project: "acme", bucket: "inbox" })
        assert.deepStrictEqual(statistics.count, { kind: "exact", value: 299 })
      }).pipe(Effect.provide(TestClient.overSandbox(sandbox)))))

  it.effect("syncing the same comments again counts them as unchanged, a changed one as updated", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const comments = Array.from({ length: 300 }, (_, i) => newComment(`c${i}`))
        yield* BulkSync.syncCommentsBulk({ ...target, comments })
        const again = yield* BulkSync.syncCommentsBulk({
          ...target,
          comments: comments.map((comment, i) => i === 7 ? newComment(comment.id, "edited") : comment),
          batchSize: 100,
          concurrency: 2
        })
        assert.deepStrictEqual(again, { new: 0, updated: 1, unchanged: 299, failed: [], requests: 3 })
      })
    ))

  it.effect("a locally invalid comment is reported without a request", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const comments = [
          newComment("ok-1"),
          { ...newComment("has space"), id: "has space" },
          { ...newComment("ok-2"), unknown_field: true } as unknown as BulkSync.NewComment,
          newComment("ok-3")
        ]
        const result = yield* BulkSync.syncCommentsBulk({ ...target, comments })
        assert.strictEqual(result.new, 2)
        assert.deepStrictEqual(result.failed.map(({ id, index }) => ({ id, index })), [
          { id: "has space", index: 1 },
          { id: "ok-2", index: 2 }
        ])
        const [pattern, excess] = result.failed
        assert.strictEqual(pattern!.error._tag === "ReinferRequestError" && pattern!.error.field, "comments[1].id")
        assert.strictEqual(
          excess!.error._tag === "ReinferRequestError" && excess!.error.field,
          "comments[2].unknown_field"
        )
        assert.strictEqual(pattern!.error.attempts, 0)
        assert.strictEqual(result.requests, 1)
        const sent = server.requests[0]!.body as { comments: ReadonlyArray<{ id: string }> }
        assert.deepStrictEqual(sent.comments.map((comment) => comment.id), ["ok-1", "ok-3"])
      })
    ))

  it.effect("a repeated id is reported and not sent, unless duplicates are allowed", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const comments = [newComment("a"), newComment("b"), newComment("a", "second version")]
        const rejected = yield* BulkSync.syncCommentsBulk({ ...target, comments })
        assert.strictEqual(rejected.new, 2)
        assert.strictEqual(rejected.failed.length, 1)
        const duplicate = rejected.failed[0]!
        assert.strictEqual(duplicate.id, "a")
        assert.strictEqual(duplicate.index, 2)
        assert.include(duplicate.error.message, "repeats the id of comments[0]")

        const allowed = yield* BulkSync.syncCommentsBulk({ ...target, comments, duplicates: "allow", batchSize: 1 })
        assert.deepStrictEqual(allowed.failed, [])
        assert.strictEqual(allowed.new + allowed.updated + allowed.unchanged, 3)
        assert.strictEqual(server.comments("acme", "emails").find((c) => c.id === "a")?.messages.length, 1)
      })
    ))

  it.effect("a 5xx fails the whole sync with that error", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.failNext("syncComments", 503)
        const error = yield* Effect.flip(BulkSync.syncCommentsBulk({
          ...target,
          comments: Array.from({ length: 10 }, (_, i) => newComment(`c${i}`)),
          concurrency: 1
        }))
        assert.strictEqual(error._tag, "ReinferApiError")
        assert.strictEqual(error._tag === "ReinferApiError" && error.status, 503)
        assert.strictEqual(server.count("syncComments"), 1, "no bisection on a 5xx")
      })
    ))

  it.effect("reads an AsyncIterable and a Stream as it does an array", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.rejectIds.add("c42")
        async function* generate() {
          for (let i = 0; i < 100; i++) yield newComment(`c${i}`)
        }
        const fromAsync = yield* BulkSync.syncCommentsBulk({ ...target, comments: generate(), batchSize: 32 })
        assert.strictEqual(fromAsync.new, 99)
        assert.deepStrictEqual(fromAsync.failed.map((failure) => failure.id), ["c42"])

        const fromStream = yield* BulkSync.syncCommentsBulk({
          ...target,
          comments: Stream.range(0, 99).pipe(Stream.map((i) => newComment(`c${i}`))),
          batchSize: 32
        })
        assert.strictEqual(fromStream.unchanged, 99)
        assert.deepStrictEqual(fromStream.failed.map((failure) => failure.index), [42])
      })
    ))

  it.effect("admits an array a batch at a time: the first batches are sent before the last item is read", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const comments = Array.from({ length: 1_000 }, (_, i) => newComment(`c${i}`))
        // The last comment's id is read when it is admitted; by then the batches before it have been sent.
        let requestsWhenLastRead: number | undefined
        const last = comments[999]!
        comments[999] = Object.defineProperty({ ...last }, "id", {
          enumerable: true,
          get: () => {
            requestsWhenLastRead ??= server.count("syncComments")
            return last.id
          }
        })
        const result = yield* BulkSync.syncCommentsBulk({ ...target, comments, batchSize: 10, concurrency: 1 })
        assert.strictEqual(result.new, 1_000)
        assert.strictEqual(requestsWhenLastRead, 99)
      })
    ))

  it.effect("reports progress after every batch and once at the end", () =>
    withServer(() =>
      Effect.gen(function*() {
        const events: Array<BulkSync.BulkSyncProgress> = []
        const result = yield* BulkSync.syncCommentsBulk({
          ...target,
          comments: Array.from({ length: 250 }, (_, i) => newComment(`c${i}`)),
          batchSize: 100,
          concurrency: 1,
          onProgress: (progress) => {
            events.push(progress)
          }
        })
        assert.deepStrictEqual(events.map((event) => [event.synced, event.done]), [
          [100, false],
          [200, false],
          [250, false],
          [250, true]
        ])
        assert.strictEqual(events[0]!.total, 250)
        assert.strictEqual(events[3]!.requests, result.requests)
      })
    ))

  it.effect("the stream form emits progress events, then the result", () =>
    withServer(() =>
      Effect.gen(function*() {
        const events = yield* Stream.runCollect(BulkSync.syncCommentsBulkStream({
          ...target,
          comments: Array.from({ length: 30 }, (_, i) => newComment(`c${i}`)),
          batchSize: 10,
          concurrency: 1
        }))
        assert.deepStrictEqual(
          events.map((event) => event._tag),
          ["Progress", "Progress", "Progress", "Progress", "Done"]
        )
        const done = events[events.length - 1]!
        assert.strictEqual(done._tag === "Done" && done.result.new, 30)
      })
    ))

  it.effect("the stream form fails with the error that stopped the sync", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.failNext("syncComments", 500)
        const error = yield* Effect.flip(Stream.runCollect(BulkSync.syncCommentsBulkStream({
          ...target,
          comments: [newComment("a")]
        })))
        assert.strictEqual(error._tag === "ReinferApiError" && error.status, 500)
      })
    ))

  it.effect("raw emails are batched and bisected the same way", () =>
    withServer((server) =>
      Effect.gen(function*() {
        server.rejectIds.add("mail-33")
        const documents = Array.from({ length: 64 }, (_, i): BulkSync.RawEmailDocument => ({
          raw_email: {
            headers: { raw: `Subject: ${i}\r\nMessage-ID: <${i}@example.com>\r\n` },
            body: { plain: `Body ${i}` },
            attachments: []
          },
          user_properties: {},
          comment_id: `mail-${i}`
        }))
        const result = yield* BulkSync.syncRawEmailsBulk({ ...target, transformTag: "generic.0.CONVKER5", documents })
        assert.strictEqual(result.new, 63)
        assert.deepStrictEqual(result.failed.map((failure) => failure.id), ["mail-33"])
        const body = server.requests[0]!.body as Record<string, unknown>
        assert.strictEqual(body.transform_tag, "generic.0.CONVKER5")
        assert.strictEqual(body.include_comments, false)
      })
    ))

  it.effect("a batch size beyond the API limit fails before anything is sent", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(BulkSync.syncCommentsBulk({ ...target, comments: [], batchSize: 20_000 }))
        assert.strictEqual(error._tag === "ReinferRequestError" && error.field, "batchSize")
        assert.strictEqual(server.requests.length, 0)
      })
    ))
})
