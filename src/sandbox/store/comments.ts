/**
 * Comments in the sandbox store: sync (upsert with new/updated/unchanged counts), insert (no overwrite),
 * sync-raw-emails, get, delete, and iteration in timestamp order with an opaque continuation.
 *
 * "Unchanged" compares content: the comment is normalised (timestamps to UTC, empty string properties
 * dropped, as the Rust client does) and serialised with sorted keys, so re-sending the same batch, even with
 * keys in another order, counts every comment as unchanged (catalogue §4.1).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { decodeCursor, encodeCursor } from "../cursor.ts"
import { badRequest, conflict, notFound, type SandboxFailure } from "../failure.ts"
import type { Comment, Message, NewComment, RawEmailDocument, UserProperties } from "../models.ts"
import { commentFromRawEmail } from "../raw-email.ts"
import {
  commentsOf,
  normalizeTimestamp,
  now,
  projectIds,
  recordAudit,
  requireSource,
  type StoreState,
  type StoredComment
} from "./state.ts"

/**
 * The platform's default page size for comment iteration; 256 is its maximum (catalogue §4.3).
 *
 * @category configuration
 * @since 0.1.0
 */
export const DEFAULT_COMMENT_PAGE_SIZE = 64

/**
 * The largest comment page the platform serves.
 *
 * @category configuration
 * @since 0.1.0
 */
export const MAXIMUM_COMMENT_PAGE_SIZE = 256

/**
 * The most comment ids one delete call may name (the Rust CLI: "maximum the API permits").
 *
 * @category configuration
 * @since 0.1.0
 */
export const MAXIMUM_DELETED_COMMENTS = 32

/**
 * What a sync did to each comment of the batch.
 *
 * @category models
 * @since 0.1.0
 */
export interface SyncCounts {
  readonly new: number
  readonly updated: number
  readonly unchanged: number
}

/**
 * One page of a source's comments.
 *
 * @category models
 * @since 0.1.0
 */
export interface CommentPage {
  readonly comments: ReadonlyArray<Comment>
  /** Present when more comments follow; pass it back as `after`. */
  readonly continuation?: string
}

/**
 * Options of comment iteration.
 *
 * @category models
 * @since 0.1.0
 */
export interface ListCommentsOptions {
  readonly fromTimestamp?: string | undefined
  readonly toTimestamp?: string | undefined
  readonly after?: string | undefined
  readonly limit?: number | undefined
}

/**
 * Comment operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface CommentStore {
  /** Upserts comments by id and counts what changed. */
  readonly syncComments: (project: string, source: string, comments: ReadonlyArray<NewComment>) => Effect.Effect<SyncCounts, SandboxFailure>
  /** Inserts comments; re-sending identical content is fine, different content under an existing id is a 409. */
  readonly insertComments: (project: string, source: string, comments: ReadonlyArray<NewComment>) => Effect.Effect<void, SandboxFailure>
  /** Parses raw e-mails into comments and syncs them; returns the comments too when asked. */
  readonly syncRawEmails: (
    project: string,
    source: string,
    documents: ReadonlyArray<RawEmailDocument>,
    includeComments: boolean
  ) => Effect.Effect<SyncCounts & { readonly comments?: ReadonlyArray<NewComment> }, SandboxFailure>
  /** One comment; 404 if unknown. */
  readonly getComment: (project: string, source: string, commentId: string) => Effect.Effect<Comment, SandboxFailure>
  /** Deletes comments by id (unknown ids are ignored); at most 32 ids a call. */
  readonly deleteComments: (project: string, source: string, ids: ReadonlyArray<string>) => Effect.Effect<void, SandboxFailure>
  /** A page of comments in increasing `timestamp` order (ties by id). */
  readonly listComments: (project: string, source: string, options: ListCommentsOptions) => Effect.Effect<CommentPage, SandboxFailure>
}

/**
 * Builds the comment operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeCommentStore = (state: StoreState): CommentStore => {
  const upsert = (
    project: string,
    sourceName: string,
    comments: ReadonlyArray<NewComment>,
    mode: "sync" | "insert"
  ): Effect.Effect<SyncCounts, SandboxFailure> =>
    Effect.gen(function*() {
      const source = yield* requireSource(state, project, sourceName)
      const normalized: Array<NewComment> = []
      for (const [index, comment] of comments.entries()) {
        normalized.push(yield* normalizeComment(comment, `["comments"][${index}]`))
      }
      const stored = commentsOf(state, source.id)
      if (mode === "insert") {
        for (const comment of normalized) {
          const existing = stored.get(comment.id)
          if (existing !== undefined && existing.fingerprint !== canonicalJson(comment)) {
            return yield* Effect.fail(
              conflict(`Comment '${comment.id}' already exists in '${project}/${sourceName}' with different content`)
            )
          }
        }
      }
      const timestamp = yield* now
      const counts = { new: 0, updated: 0, unchanged: 0 }
      for (const comment of normalized) {
        const fingerprint = canonicalJson(comment)
        const existing = stored.get(comment.id)
        if (existing !== undefined && existing.fingerprint === fingerprint) {
          counts.unchanged++
          continue
        }
        const readModel: Comment = {
          ...comment,
          uid: `${source.id}.${comment.id}`,
          source_id: source.id,
          user_properties: comment.user_properties ?? {},
          attachments: comment.attachments ?? [],
          created_at: existing?.comment.created_at ?? timestamp,
          has_annotations: existing?.comment.has_annotations ?? false
        }
        const entry: StoredComment = existing === undefined
          ? { comment: readModel, fingerprint, sequence: ++state.sequence, createdAtMillis: Date.parse(timestamp) }
          : { ...existing, comment: readModel, fingerprint }
        stored.set(comment.id, entry)
        if (existing === undefined) counts.new++
        else counts.updated++
      }
      yield* recordAudit(state, mode === "sync" ? "comments_synced" : "comments_inserted", {
        projectIds: projectIds(state, project)
      })
      return counts
    })

  const syncRawEmails: CommentStore["syncRawEmails"] = (project, sourceName, documents, includeComments) =>
    Effect.gen(function*() {
      const source = yield* requireSource(state, project, sourceName)
      const timestamp = yield* now
      const stored = state.comments.get(source.id)
      const comments = documents.map((document) =>
        commentFromRawEmail(document, (commentId) => stored?.get(commentId)?.comment.timestamp ?? timestamp)
      )
      const counts = yield* upsert(project, sourceName, comments, "sync")
      return includeComments ? { ...counts, comments } : counts
    })

  const getComment: CommentStore["getComment"] = (project, sourceName, commentId) =>
    Effect.flatMap(requireSource(state, project, sourceName), (source) => {
      const stored = state.comments.get(source.id)?.get(commentId)
      return stored === undefined
        ? Effect.fail(notFound(`Comment '${commentId}' does not exist in '${project}/${sourceName}'`))
        : Effect.succeed(stored.comment)
    })

  const deleteComments: CommentStore["deleteComments"] = (project, sourceName, ids) =>
    Effect.gen(function*() {
      const source = yield* requireSource(state, project, sourceName)
      if (ids.length === 0) return yield* Effect.fail(badRequest("Expected at least one comment id at [\"id\"]"))
      if (ids.length > MAXIMUM_DELETED_COMMENTS) {
        return yield* Effect.fail(badRequest(`At most ${MAXIMUM_DELETED_COMMENTS} comment ids can be deleted per request at ["id"]`))
      }
      const stored = state.comments.get(source.id)
      for (const id of ids) stored?.delete(id)
      yield* recordAudit(state, "comments_deleted", { projectIds: projectIds(state, project) })
    })

  const listComments: CommentStore["listComments"] = (project, sourceName, options) =>
    Effect.gen(function*() {
      const source = yield* requireSource(state, project, sourceName)
      const limit = options.limit ?? DEFAULT_COMMENT_PAGE_SIZE
      if (!Number.isInteger(limit) || limit < 1 || limit > MAXIMUM_COMMENT_PAGE_SIZE) {
        return yield* Effect.fail(badRequest(`Expected an integer between 1 and ${MAXIMUM_COMMENT_PAGE_SIZE} at ["limit"]`))
      }
      const lower = yield* timestampBound(options.fromTimestamp, "from_timestamp")
      const upper = yield* timestampBound(options.toTimestamp, "to_timestamp")
      let position: readonly [number, string] | undefined
      if (options.after !== undefined) {
        const decoded = decodeCursor("comments", options.after)
        if (!isCommentPosition(decoded)) return yield* Effect.fail(badRequest("Invalid continuation at [\"after\"]"))
        position = decoded
      }
      const ordered = [...(state.comments.get(source.id)?.values() ?? [])]
        .map((stored) => ({ comment: stored.comment, time: Date.parse(stored.comment.timestamp) }))
        .filter(({ time }) => (lower === undefined || time >= lower) && (upper === undefined || time <= upper))
        .filter(({ comment, time }) => position === undefined || compare([time, comment.id], position) > 0)
        .sort((left, right) => compare([left.time, left.comment.id], [right.time, right.comment.id]))
      const page = ordered.slice(0, limit)
      const last = page.at(-1)
      return {
        comments: page.map(({ comment }) => comment),
        ...(ordered.length > limit && last !== undefined
          ? { continuation: encodeCursor("comments", [last.time, last.comment.id]) }
          : {})
      }
    })

  return {
    syncComments: (project, source, comments) => upsert(project, source, comments, "sync"),
    insertComments: (project, source, comments) => Effect.asVoid(upsert(project, source, comments, "insert")),
    syncRawEmails,
    getComment,
    deleteComments,
    listComments
  }
}

/**
 * Serialises JSON with object keys sorted, so equal content gives equal text whatever the key order.
 *
 * @category constructors
 * @since 0.1.0
 */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)))
      : inner)

const normalizeComment = (comment: NewComment, at: string): Effect.Effect<NewComment, SandboxFailure> =>
  Effect.gen(function*() {
    const timestamp = normalizeTimestamp(comment.timestamp)
    if (timestamp === undefined) {
      return yield* Effect.fail(badRequest(`Expected an RFC 3339 timestamp at ${at}["timestamp"]`))
    }
    const messages: Array<Message> = []
    for (const [index, message] of comment.messages.entries()) {
      if (message.sent_at === undefined) {
        messages.push(message)
        continue
      }
      const sentAt = normalizeTimestamp(message.sent_at)
      if (sentAt === undefined) {
        return yield* Effect.fail(badRequest(`Expected an RFC 3339 timestamp at ${at}["messages"][${index}]["sent_at"]`))
      }
      messages.push({ ...message, sent_at: sentAt })
    }
    const userProperties: Record<string, string | number> = {}
    for (const [name, value] of Object.entries(comment.user_properties ?? {})) {
      const valid = (name.startsWith("string:") && typeof value === "string") ||
        (name.startsWith("number:") && typeof value === "number")
      if (!valid) {
        return yield* Effect.fail(
          badRequest(`Expected a "string:" property with a string or a "number:" property with a number at ${at}["user_properties"]["${name}"]`)
        )
      }
      // The Rust client drops blank string properties; doing the same keeps "unchanged" counts stable.
      if (typeof value === "string" && value.trim() === "") continue
      userProperties[name] = value
    }
    // Every key was checked above to carry its type's prefix.
    const properties = userProperties as UserProperties
    return { ...comment, timestamp, messages, user_properties: properties }
  })

const timestampBound = (value: string | undefined, name: string): Effect.Effect<number | undefined, SandboxFailure> => {
  if (value === undefined) return Effect.succeed(undefined)
  const normalized = normalizeTimestamp(value)
  return normalized === undefined
    ? Effect.fail(badRequest(`Expected an RFC 3339 timestamp at ["${name}"]`))
    : Effect.succeed(Date.parse(normalized))
}

const isCommentPosition = (value: unknown): value is readonly [number, string] =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === "number" && typeof value[1] === "string"

const compare = (left: readonly [number, string], right: readonly [number, string]): number =>
  left[0] !== right[0] ? left[0] - right[0] : left[1] < right[1] ? -1 : left[1] > right[1] ? 1 : 0
