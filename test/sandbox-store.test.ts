import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import type { SandboxFailure } from "../src/sandbox/failure.ts"
import type { NewComment, RawEmailDocument } from "../src/sandbox/models.ts"
import { predictLabels } from "../src/sandbox/predictions.ts"
import { makeStore, type SandboxStore } from "../src/sandbox/store.ts"

const comment = (id: string, timestamp: string, text: string, extra: Partial<NewComment> = {}): NewComment => ({
  id,
  timestamp,
  messages: [{ body: { text }, from: "alice@company.com", to: ["bob@organisation.org"] }],
  ...extra
})

/** A store with project "acme", source "inbox" and dataset "support" over it. */
const setup = Effect.gen(function*() {
  const store = yield* makeStore({ projects: ["acme"] })
  const source = yield* store.createSource("acme", "inbox", { title: "Inbox" })
  const dataset = yield* store.createDataset("acme", "support", {
    source_ids: [source.id],
    label_defs: [{ name: "Billing" }, { name: "Billing > Refund" }, { name: "Delivery" }]
  })
  return { store, source, dataset }
})

/** The same JSON with every object's keys in reverse order. */
const reverseKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(reverseKeys)
    : value !== null && typeof value === "object"
    ? Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reverseKeys(inner)]))
    : value

const failureOf = <A>(effect: Effect.Effect<A, SandboxFailure>) =>
  Effect.map(Effect.flip(effect), (failure) => ({ status: failure.status, message: failure.message }))

const allComments = (store: SandboxStore, limit: number) =>
  Effect.gen(function*() {
    const pages: Array<ReadonlyArray<string>> = []
    let after: string | undefined
    do {
      const page = yield* store.listComments("acme", "inbox", { limit, after })
      pages.push(page.comments.map((item) => item.id))
      after = page.continuation
    } while (after !== undefined)
    return pages
  })

describe("SandboxStore", () => {
  describe("sync", () => {
    it.effect("counts new, then unchanged for the same batch with keys in another order", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        const batch = [
          comment("a", "2024-01-01T10:00:00Z", "hello"),
          comment("b", "2024-01-01T11:00:00Z", "world", { user_properties: { "string:Country": "uk" } })
        ]
        assert.deepStrictEqual(yield* store.syncComments("acme", "inbox", batch), { new: 2, updated: 0, unchanged: 0 })
        const reordered = batch.map((item) => reverseKeys(item) as NewComment)
        assert.deepStrictEqual(yield* store.syncComments("acme", "inbox", reordered), { new: 0, updated: 0, unchanged: 2 })
      }))

    it.effect("counts updated when content changes and treats equal instants as unchanged", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* store.syncComments("acme", "inbox", [comment("a", "2024-01-01T10:00:00Z", "hello")])
        const counts = yield* store.syncComments("acme", "inbox", [
          comment("a", "2024-01-01T10:00:00.000+00:00", "hello"),
          comment("b", "2024-01-02T10:00:00Z", "new one"),
          comment("c", "2024-01-03T10:00:00Z", "another")
        ])
        assert.deepStrictEqual(counts, { new: 2, updated: 0, unchanged: 1 })
        const changed = yield* store.syncComments("acme", "inbox", [comment("b", "2024-01-02T10:00:00Z", "edited")])
        assert.deepStrictEqual(changed, { new: 0, updated: 1, unchanged: 0 })
        assert.strictEqual((yield* store.getComment("acme", "inbox", "b")).messages[0]?.body.text, "edited")
      }))

    it.effect("keeps created_at and the uid on update", () =>
      Effect.gen(function*() {
        const { store, source } = yield* setup
        yield* store.syncComments("acme", "inbox", [comment("a", "2024-01-01T10:00:00Z", "one")])
        yield* TestClock.adjust("1 hour")
        yield* store.syncComments("acme", "inbox", [comment("a", "2024-01-01T10:00:00Z", "two")])
        const stored = yield* store.getComment("acme", "inbox", "a")
        assert.strictEqual(stored.created_at, "1970-01-01T00:00:00.000Z")
        assert.strictEqual(stored.uid, `${source.id}.a`)
        assert.strictEqual(stored.source_id, source.id)
      }))

    it.effect("rejects a user property whose value does not match its prefix, naming it", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        const failure = yield* failureOf(store.syncComments("acme", "inbox", [
          // The types forbid it; the store checks it anyway, for callers that bypass the handler's schemas.
          comment("a", "2024-01-01T10:00:00Z", "x", { user_properties: { "number:Count": "three" } as never })
        ]))
        assert.strictEqual(failure.status, 400)
        assert.include(failure.message, `["comments"][0]["user_properties"]["number:Count"]`)
      }))

    it.effect("insert accepts identical content again but answers 409 for different content", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* store.insertComments("acme", "inbox", [comment("a", "2024-01-01T10:00:00Z", "one")])
        yield* store.insertComments("acme", "inbox", [comment("a", "2024-01-01T10:00:00Z", "one")])
        const failure = yield* failureOf(store.insertComments("acme", "inbox", [comment("a", "2024-01-01T10:00:00Z", "two")]))
        assert.strictEqual(failure.status, 409)
      }))

    it.effect("404s for an unknown source", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        const failure = yield* failureOf(store.syncComments("acme", "nope", []))
        assert.deepStrictEqual(failure, { status: 404, message: "Source 'acme/nope' does not exist" })
      }))
  })

  describe("comment iteration", () => {
    it.effect("returns comments in timestamp order, page by page, and no continuation at the end", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* store.syncComments("acme", "inbox", [
          comment("e", "2024-01-05T00:00:00Z", "5"),
          comment("a", "2024-01-01T00:00:00Z", "1"),
          comment("c", "2024-01-03T00:00:00Z", "3"),
          comment("b", "2024-01-03T00:00:00Z", "3 too"),
          comment("d", "2024-01-04T00:00:00Z", "4")
        ])
        assert.deepStrictEqual(yield* allComments(store, 2), [["a", "b"], ["c", "d"], ["e"]])
        assert.deepStrictEqual(yield* allComments(store, 5), [["a", "b", "c", "d", "e"]])
      }))

    it.effect("applies from_timestamp and to_timestamp", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* store.syncComments("acme", "inbox", [
          comment("a", "2024-01-01T00:00:00Z", "1"),
          comment("b", "2024-01-02T00:00:00Z", "2"),
          comment("c", "2024-01-03T00:00:00Z", "3")
        ])
        const page = yield* store.listComments("acme", "inbox", {
          fromTimestamp: "2024-01-02T00:00:00Z",
          toTimestamp: "2024-01-02T23:00:00Z"
        })
        assert.deepStrictEqual(page.comments.map((item) => item.id), ["b"])
        assert.isUndefined(page.continuation)
      }))

    it.effect("rejects a continuation it did not issue and a limit above 256", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        assert.strictEqual((yield* failureOf(store.listComments("acme", "inbox", { after: "bogus" }))).status, 400)
        const tooMany = yield* failureOf(store.listComments("acme", "inbox", { limit: 257 }))
        assert.include(tooMany.message, `["limit"]`)
      }))

    it.effect("deletes comments by id, at most 32 a call", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* store.syncComments("acme", "inbox", [comment("a", "2024-01-01T00:00:00Z", "1"), comment("b", "2024-01-02T00:00:00Z", "2")])
        yield* store.deleteComments("acme", "inbox", ["a", "unknown"])
        assert.strictEqual((yield* failureOf(store.getComment("acme", "inbox", "a"))).status, 404)
        const ids = Array.from({ length: 33 }, (_, index) => String(index))
        assert.strictEqual((yield* failureOf(store.deleteComments("acme", "inbox", ids))).status, 400)
      }))
  })

  describe("raw e-mails", () => {
    const email: RawEmailDocument = {
      raw_email: {
        headers: {
          raw: "Subject: Refund please\nFrom: Alice <alice@company.com>\nTo: support@acme.com, bob@acme.com\n" +
            "Message-ID: <abc@company.com>\nDate: Tue, 02 Jan 2024 10:00:00 +0000"
        },
        body: { html: "<p>Please refund my <b>invoice</b></p>" },
        attachments: []
      },
      user_properties: { "string:Folder": "Inbox" }
    }

    it.effect("derives the comment from headers and body, and re-syncing is unchanged", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        const first = yield* store.syncRawEmails("acme", "inbox", [email], true)
        assert.deepStrictEqual({ new: first.new, updated: first.updated, unchanged: first.unchanged }, { new: 1, updated: 0, unchanged: 0 })
        const stored = yield* store.getComment("acme", "inbox", "abc@company.com")
        assert.strictEqual(stored.timestamp, "2024-01-02T10:00:00.000Z")
        assert.deepStrictEqual(stored.messages[0]?.to, ["support@acme.com", "bob@acme.com"])
        assert.strictEqual(stored.messages[0]?.subject?.text, "Refund please")
        assert.strictEqual(stored.messages[0]?.body.text, "Please refund my invoice")
        assert.strictEqual(stored.user_properties["string:Sender Domain"], "company.com")
        assert.strictEqual(stored.user_properties["string:Folder"], "Inbox")
        assert.strictEqual(first.comments?.[0]?.id, "abc@company.com")
        const again = yield* store.syncRawEmails("acme", "inbox", [email], false)
        assert.deepStrictEqual(again, { new: 0, updated: 0, unchanged: 1 })
      }))

    it.effect("uses the document's comment_id when given", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* store.syncRawEmails("acme", "inbox", [{ ...email, comment_id: "custom" }], false)
        assert.strictEqual((yield* store.getComment("acme", "inbox", "custom")).id, "custom")
      }))
  })

  describe("projects and sources", () => {
    it.effect("creates, rejects duplicates, and refuses to delete a non-empty project without force", () =>
      Effect.gen(function*() {
        const { store, source, dataset } = yield* setup
        assert.strictEqual((yield* failureOf(store.createProject("acme", {}))).status, 409)
        assert.strictEqual((yield* failureOf(store.createSource("ghost", "inbox", {}))).status, 404)
        assert.strictEqual((yield* failureOf(store.deleteProject("acme", false))).status, 409)
        yield* store.deleteProject("acme", true)
        assert.strictEqual((yield* failureOf(store.getSourceById(source.id))).status, 404)
        assert.strictEqual((yield* failureOf(store.getDatasetById(dataset.id))).status, 404)
        assert.deepStrictEqual(yield* store.listProjects(), [])
      }))

    it.effect("grants the current user every permission on a new project", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        const user = yield* store.getCurrentUser()
        assert.include(user.organisation_permissions["acme"] ?? [], "sources-add-comments")
      }))

    it.effect("updates only the fields sent and detaches a bucket with null", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        const bucket = yield* store.createBucket("acme", "mail", { bucket_type: "emails" })
        const attached = yield* store.updateSource("acme", "inbox", { bucket_id: bucket.id })
        assert.strictEqual(attached.bucket_id, bucket.id)
        assert.strictEqual(attached.title, "Inbox")
        const detached = yield* store.updateSource("acme", "inbox", { bucket_id: null, description: "d" })
        // Cleared: left out of what the source returns, which clients read as "no bucket".
        assert.isFalse("bucket_id" in detached)
        assert.strictEqual(detached.description, "d")
      }))

    it.effect("deleting a source removes it from datasets", () =>
      Effect.gen(function*() {
        const { store, source } = yield* setup
        yield* store.deleteSourceById(source.id)
        assert.deepStrictEqual((yield* store.getDataset("acme", "support")).source_ids, [])
      }))

    it.effect("gives the same ids for the same seed", () =>
      Effect.gen(function*() {
        const first = yield* setup
        const second = yield* setup
        assert.strictEqual(first.source.id, second.source.id)
        assert.match(first.source.id, /^[0-9a-f]{16}$/)
      }))
  })

  describe("datasets and predictions", () => {
    it.effect("puts label defs in the default group and merges a group update by name", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        const updated = yield* store.updateLabelDefs("acme", "support", "default", [
          { name: "Delivery", title: "Where is my parcel" },
          { name: "Complaint" }
        ])
        assert.deepStrictEqual(updated.label_defs.map((labelDef) => labelDef.name), ["Billing", "Billing > Refund", "Delivery", "Complaint"])
        assert.strictEqual(updated.label_defs[2]?.title, "Where is my parcel")
        const grouped = yield* store.updateLabelDefs("acme", "support", "extra", [{ name: "Other" }])
        assert.deepStrictEqual(grouped.label_groups.map((group) => group.name), ["default", "extra"])
      }))

    it("predicts a label whose keywords occur, deterministically", () => {
      const labelDefs = [{ name: "Billing > Refund", title: "", instructions: "" }, { name: "Delivery", title: "", instructions: "" }]
      const first = predictLabels("Could you refund my last payment?", labelDefs, { key: "k", hasSentiment: true })
      const second = predictLabels("Could you refund my last payment?", labelDefs, { key: "k", hasSentiment: true })
      assert.deepStrictEqual(first, second)
      assert.deepStrictEqual(first[0]?.name, ["Billing", "Refund"])
      assert.isAbove(first[0]?.probability ?? 0, 0.55)
      assert.isBelow(first[1]?.probability ?? 1, 0.15)
    })

    it.effect("predicts stored comments by uid with a threshold", () =>
      Effect.gen(function*() {
        const { store, source } = yield* setup
        yield* store.syncComments("acme", "inbox", [comment("a", "2024-01-01T00:00:00Z", "My delivery is late")])
        const [prediction] = yield* store.predictComments("acme", "support", [`${source.id}.a`], { threshold: 0.5 })
        assert.deepStrictEqual(prediction?.labels.map((label) => label.name), [["Delivery"]])
        assert.strictEqual((yield* failureOf(store.predictComments("acme", "support", ["nope.a"], {}))).status, 404)
      }))
  })

  describe("annotations", () => {
    it.effect("sets labels per group, keeps absent lists, clears empty ones, and marks the comment reviewed", () =>
      Effect.gen(function*() {
        const { source, store } = yield* setup
        yield* store.syncComments("acme", "inbox", [
          comment("a", "2024-01-01T00:00:00Z", "refund please"),
          comment("b", "2024-01-02T00:00:00Z", "where is my delivery")
        ])
        const uid = `${source.id}.a`
        yield* store.updateLabelling("acme", "support", uid, {
          labelling: [{ assigned: [{ name: "Billing > Refund", sentiment: "negative" }], dismissed: [{ name: "Delivery", sentiment: "positive" }] }]
        })
        const kept = yield* store.updateLabelling("acme", "support", uid, { labelling: [{ group: "default", dismissed: [] }] })
        assert.deepStrictEqual(kept.labelling, [{ group: "default", assigned: [{ name: "Billing > Refund", sentiment: "negative" }], dismissed: [] }])
        assert.isTrue(kept.comment.has_annotations)
        const [read] = yield* store.getLabellingsByUid("acme", "support", [uid, "unknown.x"])
        assert.deepStrictEqual(read?.labelling, kept.labelling)
        const reviewed = yield* store.queryDataset("acme", "support", { filter: { reviewed: "only_reviewed" }, order: { kind: "recent" } })
        assert.deepStrictEqual(reviewed.results.map((result) => result.comment.id), ["a"])
        const statistics = yield* store.getDatasetStatistics("acme", "support", {})
        assert.deepStrictEqual(statistics, { num_comments: 2, label_counts: { "Billing > Refund": { positive: 0, negative: 1 } } })
      }))

    it.effect("iterates reviewed comments of a source until an empty page", () =>
      Effect.gen(function*() {
        const { source, store } = yield* setup
        yield* store.syncComments("acme", "inbox", [comment("a", "2024-01-01T00:00:00Z", "x"), comment("b", "2024-01-02T00:00:00Z", "y")])
        for (const id of ["b", "a"]) {
          yield* store.updateLabelling("acme", "support", `${source.id}.${id}`, { labelling: [{ assigned: [{ name: "Delivery", sentiment: "positive" }] }] })
        }
        const first = yield* store.iterateLabellings("acme", "support", { sourceId: source.id, returnPredictions: true, limit: 1 })
        assert.deepStrictEqual(first.results.map((result) => result.comment.id), ["a"])
        assert.isDefined(first.results[0]?.labelling?.[0]?.predicted)
        const second = yield* store.iterateLabellings("acme", "support", { sourceId: source.id, returnPredictions: false, limit: 1, after: first.after ?? undefined })
        assert.deepStrictEqual(second.results.map((result) => result.comment.id), ["b"])
        const end = yield* store.iterateLabellings("acme", "support", { sourceId: source.id, returnPredictions: false, limit: 1, after: second.after ?? undefined })
        assert.lengthOf(end.results, 0)
      }))

    it.effect("orders a dataset query by a label's predicted probability and pages it", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* store.syncComments("acme", "inbox", [
          comment("a", "2024-01-01T00:00:00Z", "where is my delivery"),
          comment("b", "2024-01-02T00:00:00Z", "hello"),
          comment("c", "2024-01-03T00:00:00Z", "nothing")
        ])
        const first = yield* store.queryDataset("acme", "support", { filter: {}, order: { kind: "by_label", label: "Delivery" }, limit: 2 })
        assert.strictEqual(first.results[0]?.comment.id, "a")
        assert.isNotNull(first.continuation)
        const rest = yield* store.queryDataset("acme", "support", { filter: {}, order: { kind: "by_label", label: "Delivery" }, limit: 2, continuation: first.continuation ?? undefined })
        assert.lengthOf(rest.results, 1)
        assert.isNull(rest.continuation)
      }))
  })

  describe("streams", () => {
    const withComments = Effect.gen(function*() {
      const context = yield* setup
      yield* context.store.syncComments("acme", "inbox", [
        comment("a", "2024-01-01T00:00:00Z", "refund please", { user_properties: { "string:Country": "uk" } }),
        comment("b", "2024-01-02T00:00:00Z", "where is my delivery", { user_properties: { "string:Country": "de" } })
      ])
      yield* TestClock.adjust("1 hour")
      yield* context.store.syncComments("acme", "inbox", [
        comment("c", "2024-01-03T00:00:00Z", "another refund", { user_properties: { "string:Country": "uk" } })
      ])
      return context
    })

    it.effect("fetches the same batch until advanced, then the next one (at-least-once)", () =>
      Effect.gen(function*() {
        const { store } = yield* withComments
        yield* store.createStream("acme", "support", { name: "all", model: { version: 1 } })
        const first = yield* store.fetchStream("acme", "support", "all", { size: 2 })
        const again = yield* store.fetchStream("acme", "support", "all", { size: 2 })
        assert.deepStrictEqual(first, again)
        assert.deepStrictEqual(first.results.map((result) => result.comment.id), ["a", "b"])
        assert.isFalse(first.is_end_sequence)
        assert.deepStrictEqual(first.results[0]?.labels?.[0]?.name, ["Billing", "Refund"])
        yield* store.advanceStream("acme", "support", "all", first.sequence_id)
        const second = yield* store.fetchStream("acme", "support", "all", { size: 2 })
        assert.deepStrictEqual(second.results.map((result) => result.comment.id), ["c"])
        assert.isTrue(second.is_end_sequence)
        yield* store.advanceStream("acme", "support", "all", second.sequence_id)
        const empty = yield* store.fetchStream("acme", "support", "all", { size: 2 })
        assert.deepStrictEqual({ results: empty.results.length, filtered: empty.filtered, end: empty.is_end_sequence }, {
          results: 0,
          filtered: 0,
          end: true
        })
      }))

    it.effect("advances to a single result's sequence id", () =>
      Effect.gen(function*() {
        const { store } = yield* withComments
        yield* store.createStream("acme", "support", { name: "all" })
        const batch = yield* store.fetchStream("acme", "support", "all", { size: 3 })
        assert.isNull(batch.results[0]?.labels ?? null)
        yield* store.advanceStream("acme", "support", "all", batch.results[0]!.sequence_id)
        const next = yield* store.fetchStream("acme", "support", "all", { size: 3 })
        assert.deepStrictEqual(next.results.map((result) => result.comment.id), ["b", "c"])
      }))

    it.effect("counts comments the filter rejects as filtered", () =>
      Effect.gen(function*() {
        const { store } = yield* withComments
        yield* store.createStream("acme", "support", {
          name: "uk",
          comment_filter: { user_properties: { "string:Country": { one_of: ["uk"] } } }
        })
        const batch = yield* store.fetchStream("acme", "support", "uk", { size: 10 })
        assert.deepStrictEqual(batch.results.map((result) => result.comment.id), ["a", "c"])
        assert.strictEqual(batch.filtered, 1)
        const limited = yield* store.fetchStream("acme", "support", "uk", { size: 10, maxFiltered: 1 })
        assert.deepStrictEqual(limited.results.map((result) => result.comment.id), ["a"])
      }))

    it.effect("resets to comments created at or after a time", () =>
      Effect.gen(function*() {
        const { store } = yield* withComments
        yield* store.createStream("acme", "support", { name: "all" })
        const all = yield* store.fetchStream("acme", "support", "all", { size: 10 })
        yield* store.advanceStream("acme", "support", "all", all.sequence_id)
        yield* store.resetStream("acme", "support", "all", "1970-01-01T00:30:00Z")
        const afterReset = yield* store.fetchStream("acme", "support", "all", { size: 10 })
        assert.deepStrictEqual(afterReset.results.map((result) => result.comment.id), ["c"])
        yield* store.resetStream("acme", "support", "all", "1970-01-01T00:00:00Z")
        const fromStart = yield* store.fetchStream("acme", "support", "all", { size: 10 })
        assert.deepStrictEqual(fromStart.results.map((result) => result.comment.id), ["a", "b", "c"])
      }))

    it.effect("serves results with per-result continuations", () =>
      Effect.gen(function*() {
        const { store } = yield* withComments
        yield* store.createStream("acme", "support", { name: "all" })
        const page = yield* store.getStreamResults("acme", "support", "all", { maxResults: 1 })
        assert.strictEqual(page.results.length, 1)
        yield* store.advanceStream("acme", "support", "all", page.results[0]!.continuation)
        const next = yield* store.getStreamResults("acme", "support", "all", { maxResults: 5 })
        assert.deepStrictEqual(next.results.map((result) => result.comment.id), ["b", "c"])
      }))

    it.effect("rejects a sequence id it did not issue, and 404s an unknown stream", () =>
      Effect.gen(function*() {
        const { store } = yield* withComments
        yield* store.createStream("acme", "support", { name: "all" })
        assert.strictEqual((yield* failureOf(store.advanceStream("acme", "support", "all", "qs8QcHIBAADJ1p3W2FtmBB3QiOJsCJlR"))).status, 400)
        assert.strictEqual((yield* failureOf(store.fetchStream("acme", "support", "nope", { size: 1 }))).status, 404)
      }))

    it.effect("replaces a stream's definition on a second create and keeps its position", () =>
      Effect.gen(function*() {
        const { store } = yield* withComments
        const created = yield* store.createStream("acme", "support", { name: "all" })
        const batch = yield* store.fetchStream("acme", "support", "all", { size: 1 })
        yield* store.advanceStream("acme", "support", "all", batch.sequence_id)
        const replaced = yield* store.createStream("acme", "support", { name: "all", title: "All comments" })
        assert.strictEqual(replaced.id, created.id)
        assert.strictEqual(replaced.title, "All comments")
        assert.strictEqual((yield* store.fetchStream("acme", "support", "all", { size: 1 })).results[0]?.comment.id, "b")
      }))

    it.effect("tags and untags exceptions", () =>
      Effect.gen(function*() {
        const { store, source } = yield* withComments
        yield* store.createStream("acme", "support", { name: "all" })
        yield* store.tagStreamExceptions("acme", "support", "all", [{ uid: `${source.id}.a`, metadata: { type: "Wrong Prediction" } }])
        assert.strictEqual((yield* store.getStreamExceptions("acme", "support", "all")).get(`${source.id}.a`), "Wrong Prediction")
        yield* store.untagStreamExceptions("acme", "support", "all", [`${source.id}.a`])
        assert.strictEqual((yield* store.getStreamExceptions("acme", "support", "all")).size, 0)
      }))
  })

  describe("buckets", () => {
    it.effect("adds e-mails, counts them, pages through them and gets them by id", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* store.createBucket("acme", "mail", { bucket_type: "emails", title: "Mail" })
        const emails = ["3", "1", "2"].map((id) => ({
          id,
          mailbox: "support@acme.com",
          timestamp: `2024-01-0${id}T00:00:00Z`,
          mime_content: `Subject: ${id}\n\nbody`
        }))
        yield* store.addEmails("acme", "mail", emails)
        assert.deepStrictEqual(yield* store.getBucketStatistics("acme", "mail"), { count: { kind: "exact", value: 3 } })
        const first = yield* store.listEmails("acme", "mail", { limit: 2 })
        assert.deepStrictEqual(first.emails.map((email) => email.id), ["1", "2"])
        const second = yield* store.listEmails("acme", "mail", { limit: 2, continuation: first.continuation })
        assert.deepStrictEqual(second.emails.map((email) => email.id), ["3"])
        assert.isUndefined(second.continuation)
        assert.deepStrictEqual((yield* store.getEmails("acme", "mail", ["2", "9"])).map((email) => email.id), ["2"])
        assert.strictEqual((yield* failureOf(store.createBucket("acme", "mail", {}))).status, 409)
      }))
  })

  describe("audit events", () => {
    it.effect("records mutations and pages through them with the entities they mention", () =>
      Effect.gen(function*() {
        const { store, dataset } = yield* setup
        yield* store.syncComments("acme", "inbox", [comment("a", "2024-01-01T00:00:00Z", "x")])
        const first = yield* store.queryAuditEvents({ limit: 2 })
        assert.deepStrictEqual(first.audit_events.map((event) => event.event_type), ["project_created", "source_created"])
        assert.isDefined(first.continuation)
        const rest = yield* store.queryAuditEvents({ continuation: first.continuation })
        assert.deepStrictEqual(rest.audit_events.map((event) => event.event_type), ["dataset_created", "comments_synced"])
        assert.isUndefined(rest.continuation, "the last page has no cursor")
        assert.deepStrictEqual(rest.datasets.map((entry) => entry.id), [dataset.id])
        assert.deepStrictEqual(rest.projects.map((entry) => entry.name), ["acme"])
        assert.strictEqual(rest.users[0]?.username, "sandbox-user")
      }))

    it.effect("filters by time", () =>
      Effect.gen(function*() {
        const { store } = yield* setup
        yield* TestClock.adjust("1 hour")
        yield* store.createSource("acme", "later", {})
        const page = yield* store.queryAuditEvents({ minimum: "1970-01-01T00:30:00Z" })
        assert.deepStrictEqual(page.audit_events.map((event) => event.event_type), ["source_created"])
      }))
  })
})
