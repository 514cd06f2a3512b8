/**
 * Tells a Re:infer ok envelope from a Re:infer error envelope from a response that is not Re:infer's at all.
 *
 * Every JSON answer from Re:infer carries a top-level `status` of `"ok"` (payload fields beside it) or `"error"`
 * (with an optional `message`), and the Rust client treats a `status` that contradicts the HTTP code as a
 * protocol error; we do the same. Proxies and gateways in front of the platform answer in other formats (an HTML
 * 502, plain text, an empty body), and those must never pass for a Re:infer error. This module is pure: the
 * client reads the body, calls `decodeEnvelope`, and builds the error or decodes the payload.
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import type { UnexpectedResponseReason } from "./errors.ts"
import { redactText, type Secret } from "./internal/redact.ts"

/**
 * What the client read from a response: the HTTP status, the `Content-Type` header, and the body as text.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface ReceivedResponse {
  readonly status: number
  readonly contentType: string | undefined
  readonly body: string
}

/**
 * A Re:infer ok envelope with a 2xx status: the whole JSON object, `status` included, ready for the operation's
 * response schema.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface OkEnvelope {
  readonly _tag: "OkEnvelope"
  readonly payload: { readonly status: "ok"; readonly [field: string]: unknown }
}

/**
 * A Re:infer error envelope with a 4xx or 5xx status; becomes a `ReinferApiError`.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface ErrorEnvelope {
  readonly _tag: "ErrorEnvelope"
  /** The server's `message`, with secrets redacted; `undefined` when absent or not a string. */
  readonly message: string | undefined
}

/**
 * A response that is not a Re:infer envelope; becomes a `ReinferUnexpectedResponse`.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface NotAnEnvelope {
  readonly _tag: "NotAnEnvelope"
  readonly reason: UnexpectedResponseReason
  /** The start of the body: at most 200 characters, whitespace collapsed, secrets redacted. */
  readonly excerpt: string
}

/**
 * The longest body excerpt an error carries. Enough to recognise "502 Bad Gateway" or a stack-trace line, short
 * enough for a log line.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export const EXCERPT_LENGTH = 200

/**
 * Decodes a response into its envelope. Succeeds with the ok envelope (2xx with `status: "ok"`); fails with the
 * error envelope (non-2xx with `status: "error"`) or with the reason it is not an envelope. Never throws.
 *
 * The JSON body decides, whatever the `Content-Type` says; only a body that is not JSON is looked at as HTML
 * (by content type or a leading `<`). A 204 with an empty body is read as `{"status": "ok"}`, since HTTP forbids
 * a body there. Pass the token in `secrets` so it is redacted from the message and excerpt.
 *
 * **Example**
 *
 * ```ts
 * import { Result } from "effect"
 * import { decodeEnvelope } from "./envelope.ts"
 *
 * const envelope = decodeEnvelope({ status: 404, contentType: "application/json", body: `{"status":"error","message":"Dataset not found"}` })
 * if (Result.isFailure(envelope) && envelope.failure._tag === "ErrorEnvelope") envelope.failure.message // "Dataset not found"
 * ```
 *
 * @internal
 * @since 0.1.0
 * @category parsing
 */
export const decodeEnvelope = (
  response: ReceivedResponse,
  secrets: ReadonlyArray<Secret> = []
): Result.Result<OkEnvelope, ErrorEnvelope | NotAnEnvelope> => {
  const successful = response.status >= 200 && response.status < 300
  const notAnEnvelope = (reason: UnexpectedResponseReason) =>
    Result.fail<NotAnEnvelope>({ _tag: "NotAnEnvelope", reason, excerpt: bodyExcerpt(response.body, secrets) })

  // Only a body that starts with white space can be blank; a JSON body almost never does, and is not copied.
  const { body } = response
  if (body.length === 0 || (isWhiteSpace(body.charCodeAt(0)) && body.trim() === "")) {
    return response.status === 204
      ? Result.succeed({ _tag: "OkEnvelope", payload: { status: "ok" } })
      : notAnEnvelope("EmptyBody")
  }

  let json: unknown
  try {
    // A byte-order mark is legal before JSON on the wire but JSON.parse refuses it.
    json = JSON.parse(body.charCodeAt(0) === BYTE_ORDER_MARK ? body.slice(1) : body)
  } catch {
    return notAnEnvelope(looksLikeHtml(response) ? "HtmlPage" : "NotJson")
  }

  if (typeof json !== "object" || json === null || Array.isArray(json)) return notAnEnvelope("NotAnObject")
  if (!("status" in json)) return notAnEnvelope("NoStatusField")
  const envelope = json as { readonly status: unknown; readonly message?: unknown }
  if (envelope.status === "ok") {
    return successful
      ? Result.succeed({ _tag: "OkEnvelope", payload: envelope as OkEnvelope["payload"] })
      : notAnEnvelope("StatusContradictsHttpCode")
  }
  if (envelope.status === "error") {
    if (successful) return notAnEnvelope("StatusContradictsHttpCode")
    const message = typeof envelope.message === "string" && envelope.message.trim() !== ""
      ? redactText(envelope.message, secrets)
      : undefined
    return Result.fail({ _tag: "ErrorEnvelope", message })
  }
  return notAnEnvelope("UnknownStatus")
}

/**
 * The start of a body for an error: secrets redacted first (so truncation cannot leave half a token), then
 * whitespace collapsed, then cut to 200 characters with a trailing `…`.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const bodyExcerpt = (body: string, secrets: ReadonlyArray<Secret> = []): string => {
  const text = redactText(body, secrets).replace(/\s+/g, " ").trim()
  if (text.length <= EXCERPT_LENGTH) return text
  // Never cut between the two halves of a surrogate pair.
  const end = isHighSurrogate(text.charCodeAt(EXCERPT_LENGTH - 2)) ? EXCERPT_LENGTH - 2 : EXCERPT_LENGTH - 1
  return `${text.slice(0, end)}…`
}

const BYTE_ORDER_MARK = 0xfeff

// Whether a character may be one `String.prototype.trim` removes (a cheap test before trimming; control
// characters pass it too, and trim then keeps them).
const isWhiteSpace = (code: number): boolean =>
  code <= 0x20 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 ||
  code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === BYTE_ORDER_MARK

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff

const looksLikeHtml = (response: ReceivedResponse): boolean =>
  /\bhtml\b/i.test(response.contentType ?? "") || /^\s*</.test(response.body)
