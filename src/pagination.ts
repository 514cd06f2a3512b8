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
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
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
 * Options of a paginated stream: the page size, and the call options every page request is sent with.
 *
 * @since 0.1.0
 * @category configuration
 */
export interface PaginateOptions {
  /**
   * Items per page, sent as the operation's page-size parameter (`limit`). It wins over a `limit` in the input.
   * Must be a positive integer no larger than the spec's maximum (256 for source comments and bucket emails);
   * otherwise the stream fails with a `ReinferRequestError` naming `pageSize` before anything is sent.
   * @default the input's page size, else the spec's default (64 for source comments and bucket emails), else the
   * server's
   */
  readonly pageSize?: number | undefined
  /**
   * Options for every page request (timeout, retries, headers), as for a single call. `withCallOptions` around the
   * stream's consumer sets them too.
   * @default none
   */
  readonly callOptions?: CallOptions | undefined
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
    pageStream(client, operationId, input, options, "items") as Stream.Stream<PageItem<K>, ReinferError>
)

/**
 * The items of every page of a paginated operation, as a `Stream` that uses the `ReinferClient` in context: the
 * same as `paginate`, for code that does not hold the client. Every operation the table marks paginated has one:
 * `listComments` (a source's comments in `timestamp` order, pages of 64 unless `pageSize` says otherwise, at most
 * 256; `from_timestamp` on the first page only), `queryDataset`, `queryRecentComments` (sent once per page: the
 * spec does not mark it retry-safe), `getLabellings` (with `source_id`; ends on an empty page), `listEmails` and
 * `queryAuditEvents` (the server picks the page size; each item is an event alone, without the page's side
 * arrays).
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Pagination } from "effect-reinfer"
 *
 * const printIds = Pagination.stream("listComments", { project: "acme", source: "emails" }, { pageSize: 256 }).pipe(
 *   Stream.runForEach((comment) => Effect.log(comment.id))
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const stream = <K extends PaginatedOperationId>(
  operationId: K,
  input: OperationTypes[K]["input"],
  options?: PaginateOptions
): Stream.Stream<PageItem<K>, ReinferError, ReinferClient> =>
  Stream.unwrap(Effect.map(Effect.service(ReinferClient), (client) => paginate(client, operationId, input, options)))

/**
 * Every page of a paginated operation, whole, as a `Stream` that uses the `ReinferClient` in context: the same
 * requests as `stream`, for when a page holds more than its items, such as `queryAuditEvents`, whose `users`,
 * `tenants`, `projects` and `datasets` resolve the ids its events carry.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Pagination } from "effect-reinfer"
 *
 * const actors = Pagination.pages("queryAuditEvents", { body: { filter: { timestamp: {} } } }).pipe(
 *   Stream.runForEach((page) => {
 *     const emails = new Map(page.users.map((user) => [user.id, user.email]))
 *     return Effect.forEach(page.audit_events, (event) =>
 *       Effect.log(`${event.event_type} by ${emails.get(event.actor_user_id)}`))
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const pages = <K extends PaginatedOperationId>(
  operationId: K,
  input: OperationTypes[K]["input"],
  options?: PaginateOptions
): Stream.Stream<OperationTypes[K]["output"], ReinferError, ReinferClient> =>
  Stream.unwrap(Effect.map(
    Effect.service(ReinferClient),
    (client) =>
      pageStream(client, operationId, input, options ?? {}, "pages") as Stream.Stream<OperationTypes[K]["output"], ReinferError>
  ))

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

// The pages of an operation, as their items or whole.
const pageStream = (
  client: ReinferClientShape,
  operationId: PaginatedOperationId,
  input: unknown,
  options: PaginateOptions,
  emit: "items" | "pages"
): Stream.Stream<unknown, ReinferError> => {
  const operation = operations[operationId] as OperationDefinition
  const definition = operation.pagination
  const { callOptions, pageSize } = options
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
        const emitted = emit === "items" ? items : [data]
        if (ended) return [emitted, Option.none()] as const
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
          return [emitted, Option.some({ cursor: next, page: state.page + 1, stuck })] as const
        }
        return [emitted, Option.some({ cursor: next, page: state.page + 1 })] as const
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
