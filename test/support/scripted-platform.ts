/**
 * A small stateful Re:infer for the data-at-scale tests (pagination, stream consumer, bulk sync), answering in
 * process through an `HttpClient`: no socket, so the tests run on the TestClock without waiting on I/O.
 *
 * It answers only the routes those modules use, found from the generated operation table by the sandbox's own
 * router, keeps state between requests (synced comments, stream positions, tagged exceptions) and records every
 * request, so a test can count requests and check what was sent. Sources can be *virtual*: their comments are
 * computed from their position, so a test can page through hundreds of thousands of comments without holding them.
 * Faults are explicit and scripted, which is why these tests do not use the sandbox itself (a faithful platform
 * has none of them): a cursor that stops advancing, comment ids rejected with a 400, stream entries the stream's
 * filter rejects, and error statuses per route.
 *
 * **Example**
 *
 * ```ts
 * const platform = ScriptedPlatform.make()
 * platform.setVirtualSource("acme", "big", 1_000)
 * yield* Pagination.stream("listComments", { project: "acme", source: "big" }).pipe(
 *   Stream.runCount,
 *   Effect.provide(platform.clientLayer())
 * )
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import { operations } from "../../generated/operations.ts"
import type { ReinferClient } from "../../src/client.ts"
import { makeRouter } from "../../src/sandbox/router.ts"
import * as TestClient from "./client.ts"

/**
 * A comment as the server stores and returns it (the response-side `Comment`).
 *
 * @category models
 * @since 0.1.0
 */
export interface StoredComment {
  readonly id: string
  readonly uid: string
  readonly source_id: string
  readonly timestamp: string
  readonly created_at: string
  readonly messages: ReadonlyArray<unknown>
  readonly user_properties?: Readonly<Record<string, unknown>>
}

/**
 * One request as the server received it.
 *
 * @category models
 * @since 0.1.0
 */
export interface RecordedRequest {
  /** The route's operationId (`listComments`, `syncComments`, ...), or `unknown`. */
  readonly operation: string
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  /** The parsed JSON body, `undefined` without one. */
  readonly body: unknown
}

/**
 * A stream's comments: a `filtered` comment is one the stream's filter rejects.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamEntry {
  readonly comment: StoredComment
  readonly filtered?: boolean
}

/**
 * A stream's server-side state.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamState {
  readonly entries: Array<StreamEntry>
  /** The index of the first comment not yet acknowledged. */
  position: number
  /** Every `sequence_id` advanced to, in order. */
  readonly advances: Array<string>
  /** Every exception tagged, in order. */
  readonly exceptions: Array<{ readonly uid: string; readonly type: string }>
  fetches: number
}

/**
 * Options of a source whose comments are listed by `listComments`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ListingOptions {
  /** From this offset on, every page returns the cursor of this offset again (a cursor that never advances). */
  readonly stuckAt?: number | undefined
  /** How the last page says "no more": `null` (default) or leaving `continuation` out. */
  readonly endCursor?: "null" | "absent" | undefined
}

/**
 * A scripted platform and its state.
 *
 * @category models
 * @since 0.1.0
 */
export interface ScriptedPlatform {
  /** A `ReinferClient` over this platform (in process); `options` are laid over the test defaults. */
  readonly clientLayer: (options?: TestClient.TestOptions) => Layer.Layer<ReinferClient>
  /** Every request received so far, in arrival order. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** How many requests of one operation were received. */
  readonly count: (operation: string) => number
  /** Forgets the recorded requests (state stays). */
  readonly clearRequests: () => void
  /** Stores comments in a source (sorted by timestamp for listing), replacing what it held. */
  readonly setComments: (project: string, source: string, comments: ReadonlyArray<StoredComment>) => void
  /** A source of `count` comments computed from their offset; nothing is held in memory. */
  readonly setVirtualSource: (project: string, source: string, count: number) => void
  /** Listing options for a source. */
  readonly setListing: (project: string, source: string, options: ListingOptions) => void
  /** The comments a source holds, in timestamp order. */
  readonly comments: (project: string, source: string) => ReadonlyArray<StoredComment>
  /** Comment ids the sync routes reject with a 400 naming the id. */
  readonly rejectIds: Set<string>
  /** The next `times` requests of an operation answer `status` with an error envelope. */
  readonly failNext: (operation: string, status: number, times?: number) => void
  /** Creates (or replaces) a stream over the given comments, positioned at the start. */
  readonly setStream: (project: string, dataset: string, stream: string, entries: ReadonlyArray<StreamEntry>) => void
  /** A stream's state, to append comments or inspect its position. */
  readonly stream: (project: string, dataset: string, stream: string) => StreamState
  /** The annotated comments of a dataset, for `queryDataset`, `queryRecentComments` and `getLabellings`. */
  readonly setDataset: (project: string, dataset: string, comments: ReadonlyArray<StoredComment>) => void
  /** The emails of a bucket, for `listEmails`. */
  readonly setBucket: (project: string, bucket: string, count: number) => void
  /** The tenant's audit events, for `queryAuditEvents`. */
  readonly setAuditEvents: (count: number) => void
}

/**
 * A comment with the given id and position; its timestamp grows with the position (one second apart).
 *
 * @category constructors
 * @since 0.1.0
 */
export const comment = (id: string, position: number, sourceId = "5eed5eed5eed5eed"): StoredComment => {
  const timestamp = new Date(Date.UTC(2024, 0, 1) + position * 1000).toISOString()
  return {
    id,
    uid: `${sourceId}.${id}`,
    source_id: sourceId,
    timestamp,
    created_at: timestamp,
    messages: [{ body: { text: `Comment ${id}` } }]
  }
}

/**
 * A fresh platform with nothing in it.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (): ScriptedPlatform => {
  const requests: Array<RecordedRequest> = []
  const counts = new Map<string, number>()
  const sources = new Map<string, StoredSource>()
  const streams = new Map<string, StreamState>()
  const datasets = new Map<string, ReadonlyArray<StoredComment>>()
  const buckets = new Map<string, number>()
  let auditEvents = 0
  const rejectIds = new Set<string>()
  const faults = new Map<string, Array<number>>()

  const sourceOf = (project: string, source: string): StoredSource => {
    const key = `${project}/${source}`
    let stored = sources.get(key)
    if (stored === undefined) {
      stored = { kind: "stored", byId: new Map(), sorted: undefined, listing: {} }
      sources.set(key, stored)
    }
    return stored
  }

  const handle = (recorded: RecordedRequest, at: Readonly<Record<string, string>>): Answer => {
    const fault = faults.get(recorded.operation)
    if (fault !== undefined && fault.length > 0) {
      const status = fault.shift()!
      return error(status, `scripted ${status} for ${recorded.operation}`)
    }
    const body = (recorded.body ?? {}) as Record<string, unknown>
    switch (recorded.operation) {
      case "listComments":
        return listComments(sourceOf(at.project!, at.source!), recorded.query)
      case "syncComments":
        return syncComments(sourceOf(at.project!, at.source!), body.comments as ReadonlyArray<NewComment>, rejectIds)
      case "syncRawEmails":
        return syncComments(
          sourceOf(at.project!, at.source!),
          (body.documents as ReadonlyArray<RawDocument>).map((document, index) => ({
            id: document.comment_id ?? `derived-${index}-${document.raw_email.body.plain ?? ""}`,
            timestamp: "2024-01-01T00:00:00.000Z",
            messages: [{ body: { text: document.raw_email.body.plain ?? document.raw_email.body.html ?? "" } }]
          })),
          rejectIds
        )
      case "fetchStream":
        return fetchStream(streamOf(at.project!, at.dataset!, at.stream!), body)
      case "advanceStream":
        return advanceStream(streamOf(at.project!, at.dataset!, at.stream!), body)
      case "tagStreamExceptions": {
        const state = streamOf(at.project!, at.dataset!, at.stream!)
        for (const exception of body.exceptions as ReadonlyArray<{ uid: string; metadata: { type: string } }>) {
          state.exceptions.push({ uid: exception.uid, type: exception.metadata.type })
        }
        return ok({})
      }
      case "queryDataset":
      case "queryRecentComments": {
        const comments = datasets.get(`${at.project}/${at.dataset}`) ?? []
        return page(comments.length, bodyCursor(body.continuation), numberOr(body.limit, 16), "q", (i) => ({
          comment: comments[i]
        }), "results", "null")
      }
      case "getLabellings": {
        const comments = datasets.get(`${at.project}/${at.dataset}`) ?? []
        const after = recorded.query.get("after")
        const offset = after === null ? 0 : decodeOffset(after, "l")
        if (offset === undefined) return error(400, `invalid after ${after}`)
        const limit = numberOr(Number(recorded.query.get("limit") ?? 8), 8)
        const end = Math.min(comments.length, offset + limit)
        // Like the platform, the cursor stays present on the last (empty) page.
        return ok({ results: comments.slice(offset, end).map((c) => ({ comment: c })), after: `l${end}` })
      }
      case "listEmails": {
        const count = buckets.get(`${at.project}/${at.bucket}`) ?? 0
        return page(count, bodyCursor(body.continuation), numberOr(body.limit, 64), "e", (i) => ({
          id: `email-${i}`,
          mailbox: "support@example.com",
          timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
          mime_content: `Subject: ${i}\r\n\r\nBody ${i}`,
          attachments: []
        }), "emails", "absent")
      }
      case "queryAuditEvents": {
        const answer = page(auditEvents, bodyCursor(body.continuation), 10, "a", (i) => ({
          event_id: `event-${i}`,
          event_type: "login",
          timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
          actor_user_id: "u1",
          actor_tenant_id: "t1",
          tenant_ids: ["t1"]
        }), "audit_events", "null")
        return answer.status === 200
          ? { ...answer, body: { ...answer.body, projects: [], datasets: [], tenants: [], users: [] } }
          : answer
      }
      default:
        return error(404, `no route for ${recorded.method} ${recorded.path}`)
    }
  }

  const streamOf = (project: string, dataset: string, stream: string): StreamState => {
    const state = streams.get(`${project}/${dataset}/${stream}`)
    if (state === undefined) throw new NotFound(`stream ${project}/${dataset}/${stream} not found`)
    return state
  }

  const route = makeRouter(Object.values(operations))
  const http = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const text = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      const match = route(request.method, url.pathname)
      let answer: Answer
      try {
        const recorded: RecordedRequest = {
          operation: match._tag === "Matched" ? match.operation.operationId : "unknown",
          method: request.method,
          path: url.pathname,
          query: url.searchParams,
          body: text === "" ? undefined : JSON.parse(text)
        }
        requests.push(recorded)
        counts.set(recorded.operation, (counts.get(recorded.operation) ?? 0) + 1)
        answer = handle(recorded, match._tag === "Matched" ? match.pathParameters : {})
      } catch (cause) {
        answer = cause instanceof NotFound ? error(404, cause.message) : error(400, String(cause))
      }
      const payload = JSON.stringify(
        answer.status < 300 ? { status: "ok", ...answer.body } : { status: "error", ...answer.body }
      )
      return HttpClientResponse.fromWeb(
        request,
        new Response(payload, {
          status: answer.status,
          headers: { "content-type": "application/json", "server-timing": "total;dur=1.5" }
        })
      )
    })
  )

  const fetchStream = (state: StreamState, body: Record<string, unknown>): Answer => {
    state.fetches += 1
    const size = body.size as number
    const maxFiltered = typeof body.max_filtered === "number" ? body.max_filtered : Number.POSITIVE_INFINITY
    const results: Array<unknown> = []
    let filtered = 0
    let index = state.position
    while (index < state.entries.length && results.length < size && filtered < maxFiltered) {
      const entry = state.entries[index]!
      index += 1
      if (entry.filtered === true) filtered += 1
      else results.push({ comment: entry.comment, sequence_id: String(index), labels: [], entities: [] })
    }
    return ok({
      results,
      filtered,
      sequence_id: String(index),
      is_end_sequence: index >= state.entries.length
    })
  }

  const advanceStream = (state: StreamState, body: Record<string, unknown>): Answer => {
    const target = Number(body.sequence_id)
    if (!Number.isInteger(target) || target < 0 || target > state.entries.length) {
      return error(400, `unknown sequence_id ${String(body.sequence_id)}`)
    }
    state.advances.push(String(body.sequence_id))
    state.position = Math.max(state.position, target)
    return ok({})
  }

  return {
    clientLayer: (options = {}) =>
      TestClient.overHttpClient(http, { timeout: "1 hour", ...options }),
    requests,
    count: (operation) => counts.get(operation) ?? 0,
    clearRequests: () => {
      requests.length = 0
      counts.clear()
    },
    setComments: (project, source, comments) => {
      const stored = sourceOf(project, source)
      const fresh: StoredSource = { kind: "stored", byId: new Map(), sorted: undefined, listing: stored.listing }
      for (const c of comments) fresh.byId.set(c.id, c)
      sources.set(`${project}/${source}`, fresh)
    },
    setVirtualSource: (project, source, count) => {
      sources.set(`${project}/${source}`, { kind: "virtual", count, listing: {} })
    },
    setListing: (project, source, options) => {
      sourceOf(project, source).listing = options
    },
    comments: (project, source) => {
      const stored = sourceOf(project, source)
      return stored.kind === "virtual" ? [] : sortedOf(stored)
    },
    rejectIds,
    failNext: (operation, status, times = 1) => {
      faults.set(operation, [...(faults.get(operation) ?? []), ...Array.from({ length: times }, () => status)])
    },
    setStream: (project, dataset, stream, entries) => {
      streams.set(`${project}/${dataset}/${stream}`, {
        entries: [...entries],
        position: 0,
        advances: [],
        exceptions: [],
        fetches: 0
      })
    },
    stream: (project, dataset, stream) => streamOf(project, dataset, stream),
    setDataset: (project, dataset, comments) => {
      datasets.set(`${project}/${dataset}`, comments)
    },
    setBucket: (project, bucket, count) => {
      buckets.set(`${project}/${bucket}`, count)
    },
    setAuditEvents: (count) => {
      auditEvents = count
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

interface NewComment {
  readonly id: string
  readonly timestamp: string
  readonly messages: ReadonlyArray<unknown>
  readonly user_properties?: Readonly<Record<string, unknown>>
}

interface RawDocument {
  readonly comment_id?: string
  readonly raw_email: { readonly body: { readonly plain?: string; readonly html?: string } }
}

type StoredSource =
  | {
    readonly kind: "stored"
    readonly byId: Map<string, StoredComment>
    sorted: ReadonlyArray<StoredComment> | undefined
    listing: ListingOptions
  }
  | { readonly kind: "virtual"; readonly count: number; listing: ListingOptions }

interface Answer {
  readonly status: number
  readonly body: Record<string, unknown>
}

class NotFound extends Error {}

const ok = (body: Record<string, unknown>): Answer => ({ status: 200, body })
const error = (status: number, message: string): Answer => ({ status, body: { message } })

const numberOr = (value: unknown, fallback: number): number =>
  typeof value === "number" && Number.isInteger(value) && value > 0 ? value : fallback

const decodeOffset = (cursor: string, prefix: string): number | undefined => {
  if (!cursor.startsWith(prefix)) return undefined
  const offset = Number(cursor.slice(prefix.length))
  return Number.isInteger(offset) && offset >= 0 ? offset : undefined
}

const bodyCursor = (value: unknown): string | undefined => typeof value === "string" ? value : undefined

// A generic offset-cursor page over `count` items; the cursor is `<prefix><offset>`.
const page = (
  count: number,
  cursor: string | undefined,
  limit: number,
  prefix: string,
  itemAt: (index: number) => unknown,
  field: string,
  endCursor: "null" | "absent"
): Answer => {
  const offset = cursor === undefined ? 0 : decodeOffset(cursor, prefix)
  if (offset === undefined) return error(400, `invalid continuation ${cursor}`)
  const end = Math.min(count, offset + limit)
  const items: Array<unknown> = []
  for (let index = offset; index < end; index++) items.push(itemAt(index))
  const next = end < count ? { continuation: `${prefix}${end}` } : endCursor === "null" ? { continuation: null } : {}
  return ok({ [field]: items, ...next })
}

const sortedOf = (source: Extract<StoredSource, { kind: "stored" }>): ReadonlyArray<StoredComment> => {
  if (source.sorted === undefined) {
    source.sorted = [...source.byId.values()].sort((a, b) =>
      a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
    )
  }
  return source.sorted
}

const MAX_LIST_LIMIT = 256

const listComments = (source: StoredSource, query: URLSearchParams): Answer => {
  const count = source.kind === "virtual" ? source.count : sortedOf(source).length
  const at = source.kind === "virtual"
    ? (index: number) => comment(`c${index}`, index)
    : (index: number) => sortedOf(source)[index]!
  const limit = query.has("limit") ? Number(query.get("limit")) : 64
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) return error(400, `invalid limit ${limit}`)
  const after = query.get("after")
  const from = query.get("from_timestamp")
  if (after !== null && from !== null) return error(400, "from_timestamp and after are exclusive")
  let offset: number
  if (after !== null) {
    const decoded = decodeOffset(after, "o")
    if (decoded === undefined) return error(400, `invalid after ${after}`)
    offset = decoded
  } else if (from !== null) {
    // The first comment at or after `from` (comments are sorted by timestamp).
    let low = 0
    let high = count
    while (low < high) {
      const middle = (low + high) >>> 1
      if (at(middle).timestamp < new Date(from).toISOString()) low = middle + 1
      else high = middle
    }
    offset = low
  } else {
    offset = 0
  }
  const to = query.get("to_timestamp")
  const toIso = to === null ? undefined : new Date(to).toISOString()
  const comments: Array<StoredComment> = []
  let index = offset
  let pastEnd = false
  while (index < count && comments.length < limit) {
    const next = at(index)
    if (toIso !== undefined && next.timestamp > toIso) {
      pastEnd = true
      break
    }
    comments.push(next)
    index += 1
  }
  const stuckAt = source.listing.stuckAt
  if (stuckAt !== undefined && offset >= stuckAt) return ok({ comments, continuation: `o${stuckAt}` })
  if (index < count && !pastEnd) return ok({ comments, continuation: `o${index}` })
  return ok(source.listing.endCursor === "absent" ? { comments } : { comments, continuation: null })
}

const syncComments = (
  source: StoredSource,
  comments: ReadonlyArray<NewComment>,
  rejected: ReadonlySet<string>
): Answer => {
  if (source.kind === "virtual") return error(400, "cannot sync into a virtual source")
  for (const c of comments) {
    if (rejected.has(c.id)) return error(400, `Invalid comment ${c.id}: rejected by the test server`)
  }
  let created = 0
  let updated = 0
  let unchanged = 0
  for (const c of comments) {
    const existing = source.byId.get(c.id)
    const stored: StoredComment = {
      id: c.id,
      uid: `5eed5eed5eed5eed.${c.id}`,
      source_id: "5eed5eed5eed5eed",
      timestamp: c.timestamp,
      created_at: existing?.created_at ?? c.timestamp,
      messages: c.messages,
      ...(c.user_properties === undefined ? {} : { user_properties: c.user_properties })
    }
    if (existing === undefined) created += 1
    else if (JSON.stringify(existing) === JSON.stringify(stored)) unchanged += 1
    else updated += 1
    source.byId.set(c.id, stored)
  }
  source.sorted = undefined
  return ok({ new: created, updated, unchanged })
}
