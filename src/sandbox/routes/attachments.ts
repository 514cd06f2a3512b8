/**
 * Attachment routes of the sandbox: upload the content of a comment's attachment (multipart `file`) and
 * download it by reference (binary).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { BinaryPayload } from "../handler.ts"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the attachments tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const attachmentRoutes = {
  uploadCommentAttachment: ({ attachmentIndex, commentId, sourceId }, body, store) =>
    store.uploadCommentAttachment(sourceId, commentId, attachmentIndex, body.file),
  getAttachment: ({ attachmentReference }, _, store) =>
    Effect.map(store.getAttachment(attachmentReference), (file) => new BinaryPayload(file.bytes, file.contentType))
} satisfies RouteDefinitions
