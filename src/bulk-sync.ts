/**
 * Uploads any number of comments (or raw emails) in batches, isolating the ones the server rejects.
 *
 * `syncComments` and `syncRawEmails` are upserts keyed by comment id, so sending a batch again is harmless
 * (catalogue §4.1); so is `addEmails`, which adds raw emails to a bucket by email id. `syncCommentsBulk` reads its input lazily (an `Iterable`, an `AsyncIterable` or a `Stream`),
 * validates each comment against the request schema (an invalid one is reported without a request), groups the
 * rest into batches of 128 and sends a few batches at a time. When the server rejects a batch with a 4xx that is
 * about its content, the batch is split in two and each half is sent again, until the rejected comments are
 * alone: k bad comments among n cost about 2·k·log2(batch size) extra requests instead of n. The result counts
 * what the server created, updated and left unchanged, and lists every comment that failed with its error.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { OperationTypes } from "../generated/client-shape.ts"
import { type OperationDefinition, operations } from "../generated/operations.ts"
import { SyncCommentsRequest } from "../generated/schemas/comments.ts"
import { type CallOptions, executeWithCheckedBody, ReinferClient, type ReinferClientShape } from "./client.ts"
import { formatField, type ReinferCallError, type ReinferRequestError } from "./errors.ts"
import { limitOf } from "./internal/schema-limits.ts"
import { validateInput } from "./internal/validate-input.ts"
import { invalidInput } from "./request.ts"

/**
 * A comment to upsert, as `syncComments` takes it.
 *
 * @since 0.1.0
 * @category models
 */
export type NewComment = OperationTypes["syncComments"]["input"]["body"]["comments"][number]

/**
 * A raw email to parse and upsert, as `syncRawEmails` takes it.
 *
 * @since 0.1.0
 * @category models
 */
export type RawEmailDocument = OperationTypes["syncRawEmails"]["input"]["body"]["documents"][number]

/**
 * A raw email to add to a bucket, as `addEmails` takes it.
 *
 * @since 0.1.0
 * @category models
 */
export type NewEmail = OperationTypes["addEmails"]["input"]["body"]["emails"][number]

/**
 * Where the items to upload come from. An `Iterable` (an array, a generator) or `AsyncIterable` is read lazily;
 * an exception it throws is a defect, so pass a `Stream` to keep such failures typed.
 *
 * @since 0.1.0
 * @category models
 */
export type BulkInput<A, E = never, R = never> = Iterable<A> | AsyncIterable<A> | Stream.Stream<A, E, R>

/**
 * Comments per request when `batchSize` is not given: 128, what the official CLI sends. The API accepts up to
 * 16384 comments per request (`MAX_COMMENTS_PER_REQUEST`); bigger batches are faster per comment but slower to
 * bisect and more likely to hit proxy body limits.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_BATCH_SIZE = 128

/**
 * The API's limit on comments per `syncComments` request, read from the spec's `maxItems` (16384).
 *
 * @since 0.1.0
 * @category configuration
 */
export const MAX_COMMENTS_PER_REQUEST: number = limitOf(
  SyncCommentsRequest.fields.comments,
  "maxLength",
  "SyncCommentsRequest.comments"
)

/**
 * The limit on raw emails per `syncRawEmails` request: the spec's schema allows 16384 (its description notes the
 * documentation's "at most 4096"), so this is a deliberate choice of the stricter figure, not a restatement of
 * the schema.
 *
 * @since 0.1.0
 * @category configuration
 */
export const MAX_DOCUMENTS_PER_REQUEST = 4096

/**
 * The limit on emails per `addEmails` request. Neither the spec nor the catalogue gives one; this is the same
 * bound as for raw-email documents, so that a batch of raw emails is never larger than the API takes elsewhere.
 *
 * @since 0.1.0
 * @category configuration
 */
export const MAX_EMAILS_PER_REQUEST = MAX_DOCUMENTS_PER_REQUEST

/**
 * Batches in flight at once when `concurrency` is not given: 4 keeps a large upload moving while one batch is being
 * bisected, without loading the platform like an unbounded fan-out would.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_CONCURRENCY = 4

/**
 * One item that was not synced, with why.
 *
 * @since 0.1.0
 * @category models
 */
export interface BulkSyncFailure {
  /** The comment id; for a raw email without `comment_id`, `undefined` (the server would derive it). */
  readonly id: string | undefined
  /** The item's position in the input, from 0. */
  readonly index: number
  /**
   * Why: the server's `ReinferApiError` for that item alone, or a `ReinferRequestError` (nothing sent) when it
   * failed local validation or repeated an earlier id.
   */
  readonly error: ReinferCallError
}

/**
 * What a bulk sync did.
 *
 * @since 0.1.0
 * @category models
 */
export interface BulkSyncResult {
  /** Comments the server created. */
  readonly new: number
  /** Comments the server updated. */
  readonly updated: number
  /** Comments the server already had, identical. */
  readonly unchanged: number
  /** Every item that was not synced, in input order. */
  readonly failed: ReadonlyArray<BulkSyncFailure>
  /** HTTP requests sent, retries and bisection included. */
  readonly requests: number
}

/**
 * A snapshot of a running bulk sync, reported after every batch and once at the end.
 *
 * @since 0.1.0
 * @category models
 */
export interface BulkSyncProgress {
  /** Items read from the input so far. */
  readonly read: number
  /** Items the server accepted so far (`new + updated + unchanged`). */
  readonly synced: number
  /** Items that failed so far. */
  readonly failed: number
  readonly new: number
  readonly updated: number
  readonly unchanged: number
  /** HTTP requests sent so far. */
  readonly requests: number
  /** How many items there are in all, when known (an array input, or the `total` option). */
  readonly total: number | undefined
  /** `true` on the last report, once everything was sent. */
  readonly done: boolean
}

/**
 * Options shared by `syncCommentsBulk`, `syncRawEmailsBulk` and (without `source`) `addEmailsBulk`.
 *
 * @since 0.1.0
 * @category models
 */
export interface BulkSyncOptions {
  readonly project: string
  /** The source's name. */
  readonly source: string
  /**
   * Items per request.
   * @default 128 (at most 16384 comments, or 4096 raw emails)
   */
  readonly batchSize?: number | undefined
  /**
   * Batches in flight at once.
   * @default 4
   */
  readonly concurrency?: number | undefined
  /**
   * What to do with an item whose id an earlier item already had. `"reject"` reports it in `failed` without
   * sending it, so the result never depends on which of two concurrent batches the server applied last; it keeps
   * every id seen in memory (about 50 bytes plus the id per comment). `"allow"` sends it like any other item.
   * @default "reject"
   */
  readonly duplicates?: "reject" | "allow" | undefined
  /** Sends `no_charge=true` (an internal billing bypass; most tokens may not use it). */
  readonly noCharge?: boolean | undefined
  /** Called after every batch and once at the end; a CLI can draw a progress bar with it. */
  readonly onProgress?: ((progress: BulkSyncProgress) => Effect.Effect<void> | void) | undefined
  /**
   * Called each time the API confirmed a batch (or, after a rejection, a part of one), with the input positions of
   * its items (0-based, as in `failed[].index`): what a checkpoint records, so that a run started again can skip
   * them. It runs before that batch counts as done.
   */
  readonly onConfirmed?: ((indexes: ReadonlyArray<number>) => Effect.Effect<void> | void) | undefined
  /** The number of items, for `progress.total`, when the input is not an array. */
  readonly total?: number | undefined
  /** Call options for every request (timeout, retry, headers). */
  readonly callOptions?: CallOptions | undefined
}

/**
 * Options of `syncCommentsBulk`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncCommentsBulkOptions<E, R> extends BulkSyncOptions {
  readonly comments: BulkInput<NewComment, E, R>
}

/**
 * Options of `syncRawEmailsBulk`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncRawEmailsBulkOptions<E, R> extends BulkSyncOptions {
  readonly documents: BulkInput<RawEmailDocument, E, R>
  /** Names the email integration configuration the server parses with (given during integration setup). */
  readonly transformTag: string
  /** User properties of the parsed comments to take from the documents instead. */
  readonly overrideUserProperties?: ReadonlyArray<string> | undefined
}

/**
 * Options of `addEmailsBulk`: those of a bulk sync, with a bucket in place of the source.
 *
 * @since 0.1.0
 * @category models
 */
export interface AddEmailsBulkOptions<E, R> extends Omit<BulkSyncOptions, "source"> {
  /** The bucket's name. */
  readonly bucket: string
  readonly emails: BulkInput<NewEmail, E, R>
}

/**
 * A bulk sync as a stream of events: a `Progress` after every batch, then one `Done` with the result.
 *
 * @since 0.1.0
 * @category models
 */
export type BulkSyncEvent =
  | { readonly _tag: "Progress"; readonly progress: BulkSyncProgress }
  | { readonly _tag: "Done"; readonly result: BulkSyncResult }

/**
 * Upserts any number of comments into a source through `syncComments`, in batches, isolating rejected comments.
 *
 * - Each comment is validated against the request schema first; an invalid one is reported in `failed` with a
 *   `ReinferRequestError` (field such as `comments[17].messages[0].body`) and never sent.
 * - A batch rejected with a 4xx about its content (400, 409, 413, 422, ...) is bisected until each rejected comment
 *   is alone; its single-comment error is reported in `failed`, the rest are synced.
 * - A 401, 403, 404, 408 or 429, a 5xx, a transport failure (after the client's retries) or an unexpected response
 *   fails the whole sync with that error: it says nothing about which comments are at fault, bisecting would
 *   multiply the load on a struggling server, and calling every comment of the batch failed would blame good data.
 *   Since sync is an upsert, running the whole upload again is safe; comments already sent count as `unchanged`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { BulkSync } from "effect-reinfer"
 *
 * const upload = BulkSync.syncCommentsBulk({
 *   project: "acme",
 *   source: "emails",
 *   comments: [{ id: "1", timestamp: "2024-05-01T09:00:00Z", messages: [{ body: { text: "Hello" } }] }],
 *   onProgress: (progress) => Effect.log(`${progress.read} read, ${progress.synced} synced`)
 * }).pipe(Effect.tap((result) => Effect.log(`${result.failed.length} failed`)))
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const syncCommentsBulk = <E = never, R = never>(
  options: SyncCommentsBulkOptions<E, R>
): Effect.Effect<BulkSyncResult, E | ReinferCallError, R | ReinferClient> =>
  Effect.flatMap(ReinferClient, (client) =>
    run(client, {
      operationId: "syncComments",
      location: { project: options.project, source: options.source },
      itemsField: "comments",
      maximum: MAX_COMMENTS_PER_REQUEST,
      idOf: (comment) => comment.id,
      bodyOf: (comments) => ({ comments }),
      countsOf: syncCounts
    }, options, options.comments))

/**
 * Upserts any number of raw emails into a source through `syncRawEmails`, with the same batching, bisection and
 * reporting as `syncCommentsBulk`. The parsed comments are never asked back (`include_comments: false`), so memory
 * stays flat; duplicate detection only applies to documents with a `comment_id`.
 *
 * **Example**
 *
 * ```ts
 * import { BulkSync } from "effect-reinfer"
 *
 * const upload = BulkSync.syncRawEmailsBulk({
 *   project: "acme",
 *   source: "emails",
 *   transformTag: "generic.0.CONVKER5",
 *   documents: [{
 *     raw_email: { headers: { raw: "Subject: Hello\r\n" }, body: { plain: "Hello" }, attachments: [] },
 *     user_properties: {}
 *   }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const syncRawEmailsBulk = <E = never, R = never>(
  options: SyncRawEmailsBulkOptions<E, R>
): Effect.Effect<BulkSyncResult, E | ReinferCallError, R | ReinferClient> =>
  Effect.flatMap(ReinferClient, (client) =>
    run(client, {
      operationId: "syncRawEmails",
      location: { project: options.project, source: options.source },
      itemsField: "documents",
      maximum: MAX_DOCUMENTS_PER_REQUEST,
      idOf: (document) => document.comment_id,
      bodyOf: (documents) => ({
        documents,
        transform_tag: options.transformTag,
        include_comments: false,
        ...(options.overrideUserProperties === undefined
          ? {}
          : { override_user_properties: options.overrideUserProperties })
      }),
      countsOf: syncCounts
    }, options, options.documents))

/**
 * Adds any number of raw emails to a bucket through `addEmails`, with the same validation, batching, bisection,
 * progress and checkpoint hook as `syncCommentsBulk`. The API's answer does not say which emails the bucket
 * already had, so every email it accepted is counted in `new` (`updated` and `unchanged` stay 0).
 *
 * **Example**
 *
 * ```ts
 * import { BulkSync } from "effect-reinfer"
 *
 * const upload = BulkSync.addEmailsBulk({
 *   project: "acme",
 *   bucket: "inbox",
 *   emails: [{
 *     id: "e1",
 *     mailbox: "support@acme.example",
 *     timestamp: "2024-05-01T09:00:00Z",
 *     mime_content: "Subject: Hello\r\n\r\nHello"
 *   }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const addEmailsBulk = <E = never, R = never>(
  options: AddEmailsBulkOptions<E, R>
): Effect.Effect<BulkSyncResult, E | ReinferCallError, R | ReinferClient> =>
  Effect.flatMap(ReinferClient, (client) =>
    run(client, {
      operationId: "addEmails",
      location: { project: options.project, bucket: options.bucket },
      itemsField: "emails",
      maximum: MAX_EMAILS_PER_REQUEST,
      idOf: (email) => email.id,
      bodyOf: (emails) => ({ emails }),
      countsOf: (_, sent) => ({ new: sent, updated: 0, unchanged: 0 })
    }, options, options.emails))

/**
 * `syncCommentsBulk` as a stream of events, for a progress display that pulls: a `Progress` event after every
 * batch and a final `Done` carrying the result. Progress events are snapshots, so when the consumer falls behind
 * the oldest unread ones are dropped (the latest is always kept).
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { BulkSync } from "effect-reinfer"
 *
 * declare const comments: AsyncIterable<BulkSync.NewComment>
 * const upload = BulkSync.syncCommentsBulkStream({ project: "acme", source: "emails", comments }).pipe(
 *   Stream.runForEach((event) =>
 *     event._tag === "Progress"
 *       ? Effect.log(`${event.progress.synced} synced`)
 *       : Effect.log(`done, ${event.result.failed.length} failed`)
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const syncCommentsBulkStream = <E = never, R = never>(
  options: Omit<SyncCommentsBulkOptions<E, R>, "onProgress">
): Stream.Stream<BulkSyncEvent, E | ReinferCallError, R | ReinferClient> =>
  asEvents((onProgress) => syncCommentsBulk({ ...options, onProgress }))

/**
 * `syncRawEmailsBulk` as a stream of events, like `syncCommentsBulkStream`.
 *
 * **Example**
 *
 * ```ts
 * import { Stream } from "effect"
 * import { BulkSync } from "effect-reinfer"
 *
 * declare const documents: ReadonlyArray<BulkSync.RawEmailDocument>
 * const last = BulkSync.syncRawEmailsBulkStream({ project: "acme", source: "emails", transformTag: "tag", documents })
 *   .pipe(Stream.runLast)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const syncRawEmailsBulkStream = <E = never, R = never>(
  options: Omit<SyncRawEmailsBulkOptions<E, R>, "onProgress">
): Stream.Stream<BulkSyncEvent, E | ReinferCallError, R | ReinferClient> =>
  asEvents((onProgress) => syncRawEmailsBulk({ ...options, onProgress }))

// ---------------------------------------------------------------------------------------------------------

/**
 * How one bulk operation is driven: which operation on which resource, where its items go in the body, each
 * item's id, and what the answer says of the items it took.
 */
interface BulkOperation<A> {
  readonly operationId: "syncComments" | "syncRawEmails" | "addEmails"
  readonly location: Readonly<Record<string, string>>
  readonly itemsField: string
  readonly maximum: number
  readonly idOf: (item: A) => string | undefined
  readonly bodyOf: (items: ReadonlyArray<A>) => Record<string, unknown>
  readonly countsOf: (data: unknown, sent: number) => Counts
}

interface Counts {
  readonly new: number
  readonly updated: number
  readonly unchanged: number
}

const syncCounts = (data: unknown): Counts => data as Counts

/** What every bulk operation is told besides its resource. */
type RunOptions = Omit<BulkSyncOptions, "project" | "source">

interface Indexed<A> {
  readonly item: A
  readonly index: number
}

// Statuses that say nothing about the batch's content: bisecting would only repeat them.
const NOT_ABOUT_CONTENT = new Set([401, 403, 404, 408, 429])

const run = <A, E, R>(
  client: ReinferClientShape,
  bulk: BulkOperation<A>,
  options: RunOptions,
  input: BulkInput<A, E, R>
): Effect.Effect<BulkSyncResult, E | ReinferCallError, R> =>
  Effect.gen(function*() {
    const operation = operations[bulk.operationId] as OperationDefinition
    const requestError = (field: string, issue: string, cause?: unknown) =>
      invalidInput(operation, { endpoint: client.endpoint }, field, issue, cause)
    const { batchSize, concurrency } = yield* checkOptions(bulk, options, requestError)
    const tally: Tally = { read: 0, new: 0, updated: 0, unchanged: 0, requests: 0, failed: [] }
    const total = options.total ?? (Array.isArray(input) ? input.length : undefined)
    const report = reporter(options, tally, total)
    const admit = admission(operation, bulk, options, tally, requestError)
    const sync = syncing(client, bulk, options, tally)

    yield* toStream(input).pipe(
      // Items are admitted a batch at a time, so that checking the next batch overlaps the requests in flight
      // instead of stopping them for a whole chunk of the input (4,096 items from an iterable, an array at once).
      Stream.rechunk(batchSize),
      Stream.map(admit),
      Stream.filter((admitted): admitted is Indexed<A> => admitted !== undefined),
      Stream.grouped(batchSize),
      Stream.mapEffect((batch) => Effect.andThen(sync(batch), report(false)), { concurrency, unordered: true }),
      Stream.runDrain
    )
    tally.failed.sort((a, b) => a.index - b.index)
    yield* report(true)
    return {
      new: tally.new,
      updated: tally.updated,
      unchanged: tally.unchanged,
      failed: tally.failed,
      requests: tally.requests
    }
  })

/** What a run has counted so far; every step adds to it. */
interface Tally {
  read: number
  new: number
  updated: number
  unchanged: number
  requests: number
  readonly failed: Array<BulkSyncFailure>
}

type RequestErrorOf = (field: string, issue: string, cause?: unknown) => ReinferRequestError

const checkOptions = <A>(bulk: BulkOperation<A>, options: RunOptions, requestError: RequestErrorOf) => {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > bulk.maximum) {
    return Effect.fail(requestError("batchSize", `must be an integer from 1 to ${bulk.maximum}, got ${batchSize}`))
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return Effect.fail(requestError("concurrency", `must be a positive integer, got ${concurrency}`))
  }
  return Effect.succeed({ batchSize, concurrency })
}

// Suspended, so the snapshot is taken when the report runs, not when the pipeline is built.
const reporter = (options: RunOptions, tally: Tally, total: number | undefined) => (done: boolean) =>
  Effect.suspend((): Effect.Effect<void> => {
    if (options.onProgress === undefined) return Effect.void
    const reported = options.onProgress({
      read: tally.read,
      synced: tally.new + tally.updated + tally.unchanged,
      failed: tally.failed.length,
      new: tally.new,
      updated: tally.updated,
      unchanged: tally.unchanged,
      requests: tally.requests,
      total,
      done
    })
    return Effect.isEffect(reported) ? reported : Effect.void
  })

// Checks one item before anything is sent; a failure is recorded and the item dropped from the upload.
const admission = <A>(
  operation: OperationDefinition,
  bulk: BulkOperation<A>,
  options: RunOptions,
  tally: Tally,
  requestError: RequestErrorOf
) => {
  const seen = (options.duplicates ?? "reject") === "reject" ? new Map<string, number>() : undefined
  return (item: A): Indexed<A> | undefined => {
    const index = tally.read
    tally.read += 1
    const at = `${bulk.itemsField}[${index}]`
    const checked = validateInput(operation.requestBody as Schema.Top, bulk.bodyOf([item]))
    if (Result.isFailure(checked)) {
      // The issue path starts at the one-item body (`comments`, 0, ...): report it at the input position.
      const { cause, issue, path } = checked.failure
      const inner = path[0] === bulk.itemsField && path[1] === 0 ? path.slice(2) : []
      tally.failed.push({ id: safeId(bulk, item), index, error: requestError(formatField(at, inner), issue, cause) })
      return undefined
    }
    // What was checked is what is sent: the encoded copy (timestamps in their canonical form), not the caller's
    // object, which could still change before its batch goes out.
    const encoded = (checked.success as Readonly<Record<string, ReadonlyArray<A>>>)[bulk.itemsField]![0]!
    const id = bulk.idOf(encoded)
    if (seen !== undefined && id !== undefined) {
      const earlier = seen.get(id)
      if (earlier !== undefined) {
        const issue = `repeats the id of ${bulk.itemsField}[${earlier}], so it was not sent (duplicates: "allow" sends both)`
        tally.failed.push({ id, index, error: requestError(`${at}.id`, issue) })
        return undefined
      }
      seen.set(id, index)
    }
    return { item: encoded, index }
  }
}

// Sends a batch; a rejection about its content splits it in two until each rejected item is alone.
const syncing = <A>(client: ReinferClientShape, bulk: BulkOperation<A>, options: RunOptions, tally: Tally) => {
  // Every item was checked and encoded as it was admitted; the batch body is sent as it is.
  const send = (part: ReadonlyArray<Indexed<A>>) =>
    executeWithCheckedBody(
      client,
      bulk.operationId,
      {
        ...bulk.location,
        ...(options.noCharge === undefined ? {} : { no_charge: options.noCharge }),
        body: bulk.bodyOf(part.map(({ item }) => item))
      } as never,
      options.callOptions
    )
  const sync = (part: ReadonlyArray<Indexed<A>>): Effect.Effect<void, ReinferCallError> =>
    send(part).pipe(
      Effect.matchEffect({
        onSuccess: (response) => {
          const data = bulk.countsOf(response.data, part.length)
          tally.requests += response.attempts
          tally.new += data.new
          tally.updated += data.updated
          tally.unchanged += data.unchanged
          if (options.onConfirmed === undefined) return Effect.void
          const confirmed = options.onConfirmed(part.map(({ index }) => index))
          return Effect.isEffect(confirmed) ? confirmed : Effect.void
        },
        onFailure: (error) => {
          tally.requests += error.attempts
          if (!isAboutContent(error)) return Effect.fail(error)
          if (part.length === 1) {
            const [only] = part
            tally.failed.push({ id: bulk.idOf(only!.item), index: only!.index, error })
            return Effect.void
          }
          const middle = Math.ceil(part.length / 2)
          return Effect.andThen(sync(part.slice(0, middle)), sync(part.slice(middle)))
        }
      })
    )
  return sync
}

const toStream = <A, E, R>(input: BulkInput<A, E, R>): Stream.Stream<A, E, R> => {
  if (Stream.isStream(input)) return input as Stream.Stream<A, E, R>
  if (Symbol.asyncIterator in input) {
    return Stream.orDie(Stream.fromAsyncIterable(input, (cause) => cause))
  }
  return Stream.fromIterable(input)
}

const isAboutContent = (error: ReinferCallError): boolean => {
  switch (error._tag) {
    case "ReinferApiError":
      return error.status >= 400 && error.status < 500 && !NOT_ABOUT_CONTENT.has(error.status)
    case "ReinferUnexpectedResponse":
      // A proxy in front of the platform refusing a body that is too large answers with its own 413 page.
      return error.status === 413
    default:
      return false
  }
}

// The id of an item that failed validation may itself be missing or not a string.
const safeId = <A>(bulk: BulkOperation<A>, item: A): string | undefined => {
  try {
    const id = bulk.idOf(item)
    return typeof id === "string" ? id : undefined
  } catch {
    return undefined
  }
}

const asEvents = <E, R>(
  start: (onProgress: (progress: BulkSyncProgress) => Effect.Effect<void>) => Effect.Effect<BulkSyncResult, E, R>
): Stream.Stream<BulkSyncEvent, E, R> =>
  Stream.callback<BulkSyncEvent, E, R>(
    (queue) =>
      start((progress) => Effect.asVoid(Queue.offer(queue, { _tag: "Progress", progress }))).pipe(
        Effect.flatMap((result) => Queue.offer(queue, { _tag: "Done", result })),
        Effect.andThen(Queue.end(queue))
      ),
    // Progress events are snapshots: a slow reader loses old ones, never the latest nor `Done`.
    { bufferSize: 16, strategy: "sliding" }
  )
