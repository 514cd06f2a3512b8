/**
 * Binary content in the sandbox store: comment attachments (upload by position, download by reference),
 * comment audio, and IXP documents (each upload creates a comment; the original is downloadable).
 *
 * Uploading attachment #i fills in `attachment_reference` and `content_hash` (SHA-256, hex) on the
 * comment's i-th attachment, which must exist (the comment's metadata is synced first, as with the
 * platform). Document comment ids are derived from the content, so uploading the same file twice gives the
 * same comment.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { badRequest, notFound, type SandboxFailure } from "../failure.ts"
import type { Comment } from "../models.ts"
import { commentsOf, now, projectIds, recordAudit, type StoreState } from "./state.ts"

/**
 * Stored bytes and their media type.
 *
 * @category models
 * @since 0.1.0
 */
export interface StoredFile {
  readonly bytes: Uint8Array
  readonly contentType: string
}

/**
 * File operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface FileStore {
  /** Stores the content of attachment #index of a comment; returns its SHA-256 (hex). */
  readonly uploadCommentAttachment: (
    sourceId: string,
    commentId: string,
    attachmentIndex: number,
    file: Blob
  ) => Effect.Effect<{ readonly content_hash: string }, SandboxFailure>
  /** The content of an attachment by the reference its comment carries; 404 if unknown. */
  readonly getAttachment: (reference: string) => Effect.Effect<StoredFile, SandboxFailure>
  /** Stores the audio of a comment. */
  readonly uploadCommentAudio: (sourceId: string, commentId: string, file: Blob) => Effect.Effect<void, SandboxFailure>
  /** Creates a comment for a document (text files become its body text) and keeps the original. */
  readonly uploadDocument: (sourceId: string, file: Blob) => Effect.Effect<{ readonly comment_id: string }, SandboxFailure>
  /** The original of an uploaded document; 404 if unknown. */
  readonly getDocument: (sourceId: string, commentId: string) => Effect.Effect<StoredFile, SandboxFailure>
}

/**
 * Builds the file operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeFileStore = (state: StoreState): FileStore => {
  const attachments = new Map<string, StoredFile>()
  const audio = new Map<string, StoredFile>()
  const documents = new Map<string, StoredFile>()

  const requireSourceById = (sourceId: string) => {
    const source = state.sources.get(sourceId)
    return source === undefined ? Effect.fail(notFound(`Source 'id:${sourceId}' does not exist`)) : Effect.succeed(source)
  }

  const requireComment = (sourceId: string, commentId: string) =>
    Effect.flatMap(requireSourceById(sourceId), () => {
      const stored = state.comments.get(sourceId)?.get(commentId)
      return stored === undefined
        ? Effect.fail(notFound(`Comment '${commentId}' does not exist in source 'id:${sourceId}'`))
        : Effect.succeed(stored)
    })

  return {
    uploadCommentAttachment: (sourceId, commentId, attachmentIndex, file) =>
      Effect.gen(function*() {
        const stored = yield* requireComment(sourceId, commentId)
        const metadata = stored.comment.attachments[attachmentIndex]
        if (metadata === undefined) {
          return yield* Effect.fail(
            badRequest(`Comment '${commentId}' has no attachment at index ${attachmentIndex} at ["attachmentIndex"]`)
          )
        }
        const bytes = yield* readBlob(file)
        const contentHash = yield* sha256(bytes)
        const reference = `${sourceId}${commentId.length.toString(16)}${contentHash.slice(0, 32)}${attachmentIndex}`
        attachments.set(reference, { bytes, contentType: metadata.content_type || file.type || "application/octet-stream" })
        const updated: Comment = {
          ...stored.comment,
          attachments: stored.comment.attachments.map((attachment, index) =>
            index === attachmentIndex ? { ...attachment, attachment_reference: reference, content_hash: contentHash } : attachment
          )
        }
        commentsOf(state, sourceId).set(commentId, { ...stored, comment: updated })
        return { content_hash: contentHash }
      }),
    getAttachment: (reference) => {
      const file = attachments.get(reference)
      return file === undefined ? Effect.fail(notFound(`Attachment '${reference}' does not exist`)) : Effect.succeed(file)
    },
    uploadCommentAudio: (sourceId, commentId, file) =>
      Effect.gen(function*() {
        yield* requireComment(sourceId, commentId)
        audio.set(`${sourceId}.${commentId}`, { bytes: yield* readBlob(file), contentType: file.type || "application/octet-stream" })
      }),
    uploadDocument: (sourceId, file) =>
      Effect.gen(function*() {
        const source = yield* requireSourceById(sourceId)
        const bytes = yield* readBlob(file)
        const commentId = (yield* sha256(bytes)).slice(0, 16)
        const name = file instanceof File ? file.name : "document"
        const contentType = file.type || "application/octet-stream"
        documents.set(`${sourceId}.${commentId}`, { bytes, contentType })
        const comments = commentsOf(state, sourceId)
        if (!comments.has(commentId)) {
          const timestamp = yield* now
          const text = contentType.startsWith("text/") ? new TextDecoder().decode(bytes) : ""
          const comment: Comment = {
            id: commentId,
            uid: `${sourceId}.${commentId}`,
            source_id: sourceId,
            timestamp,
            messages: [{ body: { text } }],
            user_properties: { "string:Document Name": name },
            attachments: [{ name, size: bytes.length, content_type: contentType }],
            created_at: timestamp,
            has_annotations: false
          }
          comments.set(commentId, {
            comment,
            fingerprint: `document:${commentId}`,
            sequence: ++state.sequence,
            createdAtMillis: Date.parse(timestamp)
          })
        }
        yield* recordAudit(state, "document_uploaded", { projectIds: projectIds(state, source.owner) })
        return { comment_id: commentId }
      }),
    getDocument: (sourceId, commentId) =>
      Effect.flatMap(requireSourceById(sourceId), () => {
        const file = documents.get(`${sourceId}.${commentId}`)
        return file === undefined
          ? Effect.fail(notFound(`Document '${commentId}' does not exist in source 'id:${sourceId}'`))
          : Effect.succeed(file)
      })
  }
}

const readBlob = (blob: Blob): Effect.Effect<Uint8Array> => Effect.promise(async () => new Uint8Array(await blob.arrayBuffer()))

const sha256 = (bytes: Uint8Array): Effect.Effect<string> =>
  Effect.promise(async () => {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)))
    return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("")
  })
