/**
 * Comment routes of the sandbox: sync (upsert with counts), sync-raw-emails, insert, iterate, get, delete,
 * and audio upload.
 *
 * Reads leave out `text_markup` unless `include_markup=true`, as the platform does.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Comment, MessageText, NewComment } from "../models.ts"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the comments tag (attachment content is in attachments.ts).
 *
 * @category constructors
 * @since 0.1.0
 */
export const commentRoutes = {
  syncComments: ({ project, source }, body, store) => store.syncComments(project, source, body.comments.map(withoutContext)),
  insertComments: ({ project, source }, body, store) =>
    Effect.as(store.insertComments(project, source, body.comments.map(withoutContext)), {}),
  syncRawEmails: ({ project, source }, body, store) =>
    store.syncRawEmails(project, source, body.documents, body.include_comments),
  listComments: (parameters, _, store) =>
    Effect.map(
      store.listComments(parameters.project, parameters.source, {
        fromTimestamp: parameters.from_timestamp,
        toTimestamp: parameters.to_timestamp,
        after: parameters.after,
        limit: parameters.limit
      }),
      (page) => ({ ...page, comments: page.comments.map((comment) => withMarkup(comment, parameters.include_markup ?? false)) })
    ),
  getComment: (parameters, _, store) =>
    Effect.map(store.getComment(parameters.project, parameters.source, parameters.commentId), (comment) => ({
      comment: withMarkup(comment, parameters.include_markup ?? false)
    })),
  deleteComments: ({ id, project, source }, _, store) => Effect.as(store.deleteComments(project, source, id), {}),
  deleteMessages: ({ id, project, source }, _, store) => Effect.as(store.deleteComments(project, source, id), {}),
  uploadCommentAudio: ({ commentId, sourceId }, body, store) => Effect.as(store.uploadCommentAudio(sourceId, commentId, body.file), {})
} satisfies RouteDefinitions

/** `context` is a concurrency token, not content: it must not make an identical comment look changed. */
const withoutContext = (comment: NewComment & { readonly context?: string }): NewComment => {
  const { context: _context, ...content } = comment
  return content
}

const withMarkup = (comment: Comment, includeMarkup: boolean): Comment => {
  if (includeMarkup) return comment
  const strip = (text: MessageText): MessageText => {
    const { text_markup: _markup, translated_from_markup: _translatedMarkup, ...rest } = text
    return rest
  }
  return {
    ...comment,
    messages: comment.messages.map((message) => ({
      ...message,
      body: strip(message.body),
      ...(message.subject === undefined ? {} : { subject: strip(message.subject) }),
      ...(message.signature === undefined ? {} : { signature: strip(message.signature) })
    }))
  }
}
