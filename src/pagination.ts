/**
 * A `Stream` per paginated operation, driven by the operation table's `pagination` definition.
 *
 * Re:infer pages with forward-only cursors (catalogue §4.3): source comments send `after=<continuation>` (and
 * drop `from_timestamp` once a cursor is sent), the dataset query, recent comments, bucket emails and audit events
 * send a body `continuation`, and labellings send `after` and end on an empty page rather than on a missing cursor.
 * `paginate` reads all of that from `x-reinfer-pagination` (generated into `operations`), so no route or field name
 * is spelled here. Each page is one `client.execute` call, so it gets the same validation, retries and spans as a
 * single call. A page is requested only when the consumer pulls, and only the cursor is kept between pages, so
 * memory does not grow with the number of pages.
 *
 * @since 0.1.0
 */
import { Effect, Option, Stream } from "effect"
import { dual } from "effect/Function"
import type { OperationTypes } from "../generated/client-shape.ts"
import {
  type OperationDefinition,
  type OperationId,
  operations,
  type PaginationDefinition
} from "../generated/operations.ts"
import { type CallOptions, ReinferClient, type ReinferClientShape } from "./client.ts"
import { type ReinferError, ReinferPaginationError } from "./errors.ts"
import { invalidInput } from "./request.ts"

/**
 * The operations that have an `x-reinfer-pagination` definition.
 *
 * @since 0.1.0
 * @category models
 */
export type PaginatedOperationId = {
  [K in OperationId]: (typeof operations)[K]["pagination"] extends { readonly items: string } ? K : never
}[OperationId]

/**
 * The response field holding a paginated operation's items (`comments`, `results`, `emails`, `audit_events`).
 *
 * @since 0.1.0
 * @category models
 */
export type ItemsField<K extends PaginatedOperationId> = (typeof operations)[K]["pagination"] extends
  { readonly items: infer Field extends string } ? Field : never

/**
 * The type of one item of a paginated operation, read from the generated response type.
 *
 * @since 0.1.0
 * @category models
 */
export type PageItem<K extends PaginatedOperationId> = OperationTypes[K]["output"] extends
  { readonly [P in ItemsField<K>]?: ReadonlyArray<infer Item> | undefined } ? Item : never

/**
 * Options of a paginated stream: the call options every page request is sent with, plus the page size.
 *
 * @since 0.1.0
 * @category configuration
 */
export interface PaginateOptions extends CallOptions {
  /**
   * Items per page, sent as the operation's page-size parameter (`limit`). It wins over a `limit` in the input.
   * Must be a positive integer no larger than the spec's maximum (256 for source comments and bucket emails);
   * otherwise the stream fails with a `ReinferRequestError` naming `pageSize` before anything is sent.
   * @default the input's page size, else the spec's default (64 for source comments and bucket emails), else the
   * server's
   */
  readonly pageSize?: number | undefined
}

/**
 * The items of every page of a paginated operation, as a `Stream`.
 *
 * The input is the operation's input; a cursor in it (`after`, `body.continuation`) resumes from there. The next
 * page is requested only when the consumer pulls past the current one, and the stream ends on the definition's end
 * condition (no cursor, or an empty page). Each page request is one `client.execute` call (validation, retries,
 * spans); the page's call span carries `reinfer.page`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Pagination, ReinferClient } from "effect-reinfer"
 *
 * const ids = Effect.gen(function*() {
 *   const client = yield* ReinferClient
 *   return yield* Pagination.paginate(client, "listComments", { project: "acme", source: "emails" }, { pageSize: 256 })
 *     .pipe(Stream.map((comment) => comment.id), Stream.runCollect)
 * })
 * ```
 *
 * **Gotchas**
 *
 * A server cursor that does not advance fails the stream with `ReinferPaginationError` (only an immediate repeat
 * is detected, as the official CLI does; remembering every cursor would make memory grow with the pages).
 *
 * @since 0.1.0
 * @category streams
 */
export const paginate: {
  <K extends PaginatedOperationId>(
    operationId: K,
    input: OperationTypes[K]["input"],
    options?: PaginateOptions
  ): (client: ReinferClientShape) => Stream.Stream<PageItem<K>, ReinferError>
  <K extends PaginatedOperationId>(
    client: ReinferClientShape,
    operationId: K,
    input: OperationTypes[K]["input"],
    options?: PaginateOptions
  ): Stream.Stream<PageItem<K>, ReinferError>
} = dual(
  (args) => typeof args[0] !== "string",
  <K extends PaginatedOperationId>(
    client: ReinferClientShape,
    operationId: K,
    input: OperationTypes[K]["input"],
    options: PaginateOptions = {}
  ): Stream.Stream<PageItem<K>, ReinferError> =>
    pages(client, operationId, input, options) as Stream.Stream<PageItem<K>, ReinferError>
)

/**
 * Every comment of a source, in increasing `timestamp` order (`listComments`, pages of 64 unless `pageSize` says
 * otherwise, at most 256). `from_timestamp` is sent on the first page only; `to_timestamp` on every page.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Pagination } from "effect-reinfer"
 *
 * const printIds = Pagination.listCommentsStream({ project: "acme", source: "emails" }).pipe(
 *   Stream.runForEach((comment) => Effect.log(comment.id))
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const listCommentsStream = (
  input: OperationTypes["listComments"]["input"],
  options?: PaginateOptions
): Stream.Stream<PageItem<"listComments">, ReinferError, ReinferClient> =>
  fromService("listComments", input, options)

/**
 * Every annotated comment a dataset query matches (`queryDataset`, body `continuation`).
 *
 * **Example**
 *
 * ```ts
 * import { Stream } from "effect"
 * import { Pagination } from "effect-reinfer"
 *
 * const firstHundred = Pagination.queryDatasetStream(
 *   { project: "acme", dataset: "support", body: { filter: {}, order: { kind: "recent" } } },
 *   { pageSize: 100 }
 * ).pipe(Stream.take(100), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const queryDatasetStream = (
  input: OperationTypes["queryDataset"]["input"],
  options?: PaginateOptions
): Stream.Stream<PageItem<"queryDataset">, ReinferError, ReinferClient> =>
  fromService("queryDataset", input, options)

/**
 * The most recent comments matching a filter (`queryRecentComments`, body `continuation`). The spec does not mark
 * this operation safe to retry, so its pages are sent once each.
 *
 * **Example**
 *
 * ```ts
 * import { Stream } from "effect"
 * import { Pagination } from "effect-reinfer"
 *
 * const recent = Pagination.queryRecentCommentsStream({
 *   project: "acme",
 *   dataset: "support",
 *   body: { limit: 50, filter: {} }
 * }).pipe(Stream.take(50), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const queryRecentCommentsStream = (
  input: OperationTypes["queryRecentComments"]["input"],
  options?: PaginateOptions
): Stream.Stream<PageItem<"queryRecentComments">, ReinferError, ReinferClient> =>
  fromService("queryRecentComments", input, options)

/**
 * The annotated comments of one source in a dataset (`getLabellings` with `source_id`, query `after`); the
 * iteration ends on an empty page.
 *
 * **Example**
 *
 * ```ts
 * import { Stream } from "effect"
 * import { Pagination } from "effect-reinfer"
 *
 * const reviewed = Pagination.getLabellingsStream({
 *   project: "acme",
 *   dataset: "support",
 *   source_id: "18ba5ce699f8da1f"
 * }).pipe(Stream.runCount)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const getLabellingsStream = (
  input: OperationTypes["getLabellings"]["input"],
  options?: PaginateOptions
): Stream.Stream<PageItem<"getLabellings">, ReinferError, ReinferClient> =>
  fromService("getLabellings", input, options)

/**
 * Every email of a bucket (`listEmails`, body `continuation`, pages of 64 unless `pageSize` says otherwise, at
 * most 256).
 *
 * **Example**
 *
 * ```ts
 * import { Stream } from "effect"
 * import { Pagination } from "effect-reinfer"
 *
 * const emails = Pagination.listEmailsStream({ project: "acme", bucket: "inbox", body: { limit: 64 } }).pipe(
 *   Stream.runCount
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const listEmailsStream = (
  input: OperationTypes["listEmails"]["input"],
  options?: PaginateOptions
): Stream.Stream<PageItem<"listEmails">, ReinferError, ReinferClient> =>
  fromService("listEmails", input, options)

/**
 * Every audit event matching a filter (`queryAuditEvents`, body `continuation`; the server picks the page size).
 * Each item is the event alone; the side arrays that resolve its ids are per page, use `paginate` over
 * `client.execute` yourself if you need them.
 *
 * **Example**
 *
 * ```ts
 * import { Stream } from "effect"
 * import { Pagination } from "effect-reinfer"
 *
 * const events = Pagination.queryAuditEventsStream({
 *   body: { filter: { timestamp: { minimum: "2024-01-01T00:00:00Z" } } }
 * }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const queryAuditEventsStream = (
  input: OperationTypes["queryAuditEvents"]["input"],
  options?: PaginateOptions
): Stream.Stream<PageItem<"queryAuditEvents">, ReinferError, ReinferClient> =>
  fromService("queryAuditEvents", input, options)

// ---------------------------------------------------------------------------------------------------------

/**
 * The state between pages: the cursor to send (none for the first page unless the input had one), or the error
 * to fail with instead of sending a cursor that did not advance.
 */
interface PageState {
  readonly cursor: string | undefined
  readonly page: number
  readonly stuck?: ReinferPaginationError | undefined
}

const fromService = <K extends PaginatedOperationId>(
  operationId: K,
  input: OperationTypes[K]["input"],
  options: PaginateOptions | undefined
): Stream.Stream<PageItem<K>, ReinferError, ReinferClient> =>
  Stream.unwrap(Effect.map(ReinferClient, (client) => paginate(client, operationId, input, options)))

const pages = (
  client: ReinferClientShape,
  operationId: PaginatedOperationId,
  input: unknown,
  options: PaginateOptions
): Stream.Stream<unknown, ReinferError> => {
  const operation = operations[operationId] as OperationDefinition
  const definition = operation.pagination
  const { pageSize, ...callOptions } = options
  const requestError = (field: string, issue: string) =>
    invalidInput(operation, { endpoint: client.endpoint }, field, issue)
  if (definition === undefined) {
    return Stream.fail(requestError("operationId", `${operationId} is not a paginated operation`))
  }
  const sizeIssue = checkPageSize(operationId, definition, pageSize)
  if (sizeIssue !== undefined) return Stream.fail(requestError("pageSize", sizeIssue))

  const sized = withPageSize(input, definition.pageSize, pageSize)
  const initialCursor = readField(sized, definition.cursor.in, definition.cursor.name)

  const stream = Stream.paginate<PageState, unknown, ReinferError>(
    { cursor: typeof initialCursor === "string" ? initialCursor : undefined, page: 1 },
    (state) =>
      Effect.gen(function*() {
        if (state.stuck !== undefined) return yield* state.stuck
        const request = state.cursor === undefined ? sized : withCursor(sized, definition, state.cursor)
        const response = yield* client.execute(operationId, request as never, callOptions).pipe(
          Effect.annotateSpans("reinfer.page", state.page)
        )
        const data = response.data as Readonly<Record<string, unknown>>
        const items = (data[definition.items] ?? []) as ReadonlyArray<unknown>
        const next = data[definition.cursor.response]
        const ended = typeof next !== "string" || (definition.end === "empty-page" && items.length === 0)
        if (ended) return [items, Option.none()] as const
        if (next === state.cursor) {
          // This page answered a cursor sent for the first time, so its items are new: deliver them, and fail
          // on the next pull instead of asking for the same page again.
          const stuck = new ReinferPaginationError({
            operationId,
            method: operation.method,
            url: response.url,
            route: operation.path,
            attempts: response.attempts,
            cursorField: definition.cursor.response,
            cursor: next,
            page: state.page,
            items: items.length
          })
          return [items, Option.some({ cursor: next, page: state.page + 1, stuck })] as const
        }
        return [items, Option.some({ cursor: next, page: state.page + 1 })] as const
      })
  )
  return stream.pipe(Stream.withSpan(`ReinferClient.${operationId}Stream`, {
    attributes: { "reinfer.operation_id": operationId }
  }))
}

const checkPageSize = (
  operationId: string,
  definition: PaginationDefinition,
  pageSize: number | undefined
): string | undefined => {
  if (pageSize === undefined) return undefined
  if (definition.pageSize === undefined) return `${operationId} has no page size (the server picks it)`
  if (!Number.isInteger(pageSize) || pageSize < 1) return `must be a positive integer, got ${pageSize}`
  const maximum = definition.pageSize.maximum
  if (maximum !== undefined && pageSize > maximum) {
    return `must be at most ${maximum} for ${operationId}, got ${pageSize}`
  }
  return undefined
}

// The page size sent: the option, else the input's own, else the spec's default, else none (the server's).
const withPageSize = (
  input: unknown,
  definition: PaginationDefinition["pageSize"],
  requested: number | undefined
): unknown => {
  if (definition === undefined) return input
  if (requested !== undefined) return withField(input, definition.in, definition.name, requested)
  if (readField(input, definition.in, definition.name) !== undefined || definition.default === undefined) return input
  return withField(input, definition.in, definition.name, definition.default)
}

// The cursor goes where the definition says; the field it replaces (`from_timestamp`) only goes with the first
// page, since the server treats the two as alternatives.
const withCursor = (input: unknown, definition: PaginationDefinition, cursor: string): unknown => {
  const { replaces } = definition.cursor
  const without = replaces === undefined ? input : withField(input, definition.cursor.in, replaces, undefined)
  return withField(without, definition.cursor.in, definition.cursor.name, cursor)
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const readField = (input: unknown, location: "query" | "body", name: string): unknown => {
  const holder = location === "query" ? input : isRecord(input) ? input.body : undefined
  return isRecord(holder) ? holder[name] : undefined
}

// Copies instead of mutating: the caller's input object is reused for every page and may be shared.
const withField = (input: unknown, location: "query" | "body", name: string, value: unknown): unknown => {
  const fields: Record<string, unknown> = isRecord(input) ? { ...input } : {}
  const holder: Record<string, unknown> = location === "query"
    ? fields
    : isRecord(fields.body)
    ? { ...fields.body }
    : {}
  if (value === undefined) delete holder[name]
  else holder[name] = value
  if (location === "body") fields.body = holder
  return fields
}
