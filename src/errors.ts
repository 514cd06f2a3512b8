/**
 * Every error a Re:infer call can fail with, their union, and the one function that words their messages.
 *
 * Each call fails with exactly one of five tagged errors, told apart with `Effect.catchTag`: no HTTP response
 * at all (`ReinferTransportError`), a Re:infer error envelope (`ReinferApiError`), a response that is not a
 * Re:infer envelope (`ReinferUnexpectedResponse`), an ok envelope that does not match the operation's schema
 * (`ReinferDecodeError`), or input that failed validation before anything was sent (`ReinferRequestError`).
 * Each carries `operationId`, `method`, the request URL without secrets, the route (path template) and
 * `attempts`. A sixth error, `ReinferConfigError`, fails a layer built from bad options, never a call.
 *
 * Messages say what happened, then where: `Dataset not found (404 GET /api/v1/datasets/acme/support, getDataset)`,
 * and `String(error)` prefixes the tag: `ReinferApiError: Dataset not found (…)`. Nothing here holds the token:
 * the client passes URLs through `redactUrl`, response headers through `redactHeaders` and wire text through
 * `redactText` before building an error.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import { redactText } from "./internal/redact.ts"
import type { SchemaIssueSummary } from "./internal/schema-issues.ts"
import type { TransportReason } from "./internal/transport-failure.ts"
import type * as ServerTiming from "./server-timing.ts"

/**
 * The mark every call error carries, so that `isReinferError` recognises the family by one property, as Effect's
 * own guards do, whichever copy of this module built the error.
 *
 * @since 0.1.0
 * @category type IDs
 */
export const ReinferErrorTypeId = "~effect-reinfer/ReinferError" as const

/**
 * The type of `ReinferErrorTypeId`.
 *
 * @since 0.1.0
 * @category type IDs
 */
export type ReinferErrorTypeId = typeof ReinferErrorTypeId

/**
 * Where a call failed; every call error carries these five fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReinferErrorContext {
  /** The operation, as in the spec and the generated table (`getDataset`). */
  readonly operationId: string
  /** The HTTP method (`GET`, `POST`, `PUT`, `DELETE`). */
  readonly method: string
  /**
   * The request URL with secrets removed. Before a URL could be built (a `ReinferRequestError` about a path
   * parameter), the endpoint with the route appended, placeholders unfilled.
   */
  readonly url: string
  /** The operation's path template (`/api/v1/datasets/{project}/{dataset}`), the same for every call of it. */
  readonly route: string
  /** How many requests were sent, retries included; 0 when nothing was sent. */
  readonly attempts: number
}

export type { SchemaIssueSummary } from "./internal/schema-issues.ts"
export type { TransportReason } from "./internal/transport-failure.ts"

/**
 * Why a response is not a Re:infer envelope.
 *
 * - `EmptyBody`: no body at all.
 * - `HtmlPage`: an HTML page, typically a proxy or gateway error page.
 * - `NotJson`: a body that is neither JSON nor HTML (plain text, truncated JSON).
 * - `NotAnObject`: JSON, but not an object (an array, a string, `null`).
 * - `NoStatusField`: a JSON object without a `status` field.
 * - `UnknownStatus`: a `status` other than `"ok"` or `"error"`.
 * - `StatusContradictsHttpCode`: `"ok"` with a non-2xx code, or `"error"` with a 2xx code.
 *
 * @since 0.1.0
 * @category models
 */
export type UnexpectedResponseReason =
  | "EmptyBody"
  | "HtmlPage"
  | "NotJson"
  | "NotAnObject"
  | "NoStatusField"
  | "UnknownStatus"
  | "StatusContradictsHttpCode"

/**
 * No HTTP response arrived: the connection was refused or reset, the host did not resolve, TLS failed, the
 * per-attempt timeout elapsed, or the request was aborted; `reason` says which and `detail` gives the
 * low-level text (`connect ECONNREFUSED 127.0.0.1:8080`).
 *
 * **Retried?** Yes on operations marked safe, except `TlsFailure` and `Aborted`, which another attempt does not
 * fix. `attempts` counts every attempt made.
 *
 * **Carries:** the context fields, `reason`, `detail` and `cause` (the low-level error, never the request).
 *
 * @since 0.1.0
 * @category errors
 */
export class ReinferTransportError extends Data.TaggedError("ReinferTransportError")<
  ReinferErrorContext & {
    readonly reason: TransportReason
    readonly detail?: string | undefined
    readonly cause?: unknown
  }
> {
  declare readonly [ReinferErrorTypeId]: ReinferErrorTypeId

  override get message(): string {
    return formatMessage(this)
  }

  override toJSON(): unknown {
    return jsonOf(this)
  }
}

/**
 * Re:infer answered with its own error envelope (`{"status": "error", "message": …}`) and a 4xx or 5xx status.
 *
 * **Retried?** On operations marked safe, for 408, 429, 500, 502, 503 and 504 (and 409 where the operation's
 * retry definition says `conflict`). A `Retry-After` is honoured up to the retry options' cap; above it the
 * call fails at once with this error so the caller decides. On a retried DELETE, a 404 counts as success.
 *
 * **Carries:** the context fields, `status`, `serverMessage` (the envelope's `message`, redacted; absent when
 * the server sent none), `serverTiming` (the answer's Server-Timing metrics, as `withResponse` gives them) and
 * `retryAfter` when present.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import type { ReinferApiError, ReinferTransportError } from "effect-reinfer"
 *
 * declare const getDataset: Effect.Effect<unknown, ReinferApiError | ReinferTransportError>
 * const orNull = getDataset.pipe(
 *   Effect.catchTag("ReinferApiError", (error) => error.status === 404 ? Effect.succeed(null) : Effect.fail(error))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ReinferApiError extends Data.TaggedError("ReinferApiError")<
  ReinferErrorContext & {
    readonly status: number
    readonly serverMessage: string | undefined
    readonly serverTiming: ReadonlyArray<ServerTiming.Metric>
    readonly retryAfter?: Duration.Duration | undefined
  }
> {
  declare readonly [ReinferErrorTypeId]: ReinferErrorTypeId

  override get message(): string {
    return formatMessage(this)
  }

  override toJSON(): unknown {
    return jsonOf(this)
  }
}

/**
 * An HTTP response arrived, but it is not a Re:infer envelope: an HTML 502 from a proxy, plain text, an empty
 * body, JSON without `status`, or an envelope whose `status` contradicts the HTTP code. Never confused with
 * `ReinferApiError`, which only a real Re:infer error envelope produces.
 *
 * **Retried?** Like `ReinferApiError`, by HTTP status: a gateway's 502, 503 or 504 page is retried on operations
 * marked safe; a 2xx that is not an envelope is not.
 *
 * **Carries:** the context fields, `status`, `contentType`, `reason`, `excerpt` (at most 200 characters,
 * whitespace collapsed, token redacted), `serverTiming` (usually none: a proxy does not send it) and `retryAfter`
 * when the response had one.
 *
 * @since 0.1.0
 * @category errors
 */
export class ReinferUnexpectedResponse extends Data.TaggedError("ReinferUnexpectedResponse")<
  ReinferErrorContext & {
    readonly status: number
    readonly contentType: string | undefined
    readonly reason: UnexpectedResponseReason
    readonly excerpt: string
    readonly serverTiming: ReadonlyArray<ServerTiming.Metric>
    readonly retryAfter?: Duration.Duration | undefined
  }
> {
  declare readonly [ReinferErrorTypeId]: ReinferErrorTypeId

  override get message(): string {
    return formatMessage(this)
  }

  override toJSON(): unknown {
    return jsonOf(this)
  }
}

/**
 * A 2xx ok envelope that does not match the operation's response schema: the server changed, or the spec is
 * wrong about it.
 *
 * **Retried?** No; the same answer would come back.
 *
 * **Carries:** the context fields, `status`, the first schema issue as `path` and `issue`, every issue in
 * `issues`, and `cause` (the `SchemaError`).
 *
 * @since 0.1.0
 * @category errors
 */
export class ReinferDecodeError extends Data.TaggedError("ReinferDecodeError")<
  ReinferErrorContext & {
    readonly status: number
    readonly path: ReadonlyArray<string | number>
    readonly issue: string
    readonly issues?: ReadonlyArray<SchemaIssueSummary> | undefined
    readonly cause?: unknown
  }
> {
  declare readonly [ReinferErrorTypeId]: ReinferErrorTypeId

  override get message(): string {
    return formatMessage(this)
  }

  override toJSON(): unknown {
    return jsonOf(this)
  }
}

/**
 * The caller's input failed validation (a body field, a path parameter that is empty or `..`, a call option), so
 * nothing was sent and `attempts` is 0.
 *
 * **Retried?** Never.
 *
 * **Carries:** the context fields, `field` (the input field at fault, such as `project` or
 * `body.comments[3].id`), `issue`, and `cause` when a `SchemaError` found it.
 *
 * @since 0.1.0
 * @category errors
 */
export class ReinferRequestError extends Data.TaggedError("ReinferRequestError")<
  ReinferErrorContext & {
    readonly field: string
    readonly issue: string
    readonly cause?: unknown
  }
> {
  declare readonly [ReinferErrorTypeId]: ReinferErrorTypeId

  override get message(): string {
    return formatMessage(this)
  }

  override toJSON(): unknown {
    return jsonOf(this)
  }
}

/**
 * A paginated operation returned the cursor it was sent while it still had results, so following it would fetch
 * the same page forever. The stream stops with this error instead.
 *
 * **Retried?** No: the pages before it were delivered; the server's cursor is at fault.
 *
 * **Carries:** the context fields (of the page request that got the cursor back), `cursorField` (the response
 * field, e.g. `continuation`), the repeated `cursor`, the 1-based `page` that returned it and how many `items`
 * that page had.
 *
 * @since 0.1.0
 * @category errors
 */
export class ReinferPaginationError extends Data.TaggedError("ReinferPaginationError")<
  ReinferErrorContext & {
    readonly cursorField: string
    readonly cursor: string
    readonly page: number
    readonly items: number
  }
> {
  declare readonly [ReinferErrorTypeId]: ReinferErrorTypeId

  override get message(): string {
    return formatMessage(this)
  }

  override toJSON(): unknown {
    return jsonOf(this)
  }
}

/**
 * The options given to a client layer are unusable: an endpoint that is not an absolute `https` URL (plain
 * `http` is allowed for loopback hosts only), one with credentials, query or fragment, an empty token, a
 * timeout that is not positive, or invalid retry options. Raised when the layer is built, never by a call.
 *
 * **Retried?** Never. **Carries:** `setting` (`endpoint`, `token`, `timeout`, `retry.maxRetries`, …) and `issue`.
 *
 * @since 0.1.0
 * @category errors
 */
export class ReinferConfigError extends Data.TaggedError("ReinferConfigError")<{
  readonly setting: string
  readonly issue: string
}> {
  override get message(): string {
    return formatMessage(this)
  }

  override toJSON(): unknown {
    return { _tag: this._tag, message: this.message, setting: this.setting, issue: this.issue }
  }
}

/**
 * What one call can fail with: the five errors of a single request.
 *
 * @since 0.1.0
 * @category errors
 */
export type ReinferCallError =
  | ReinferTransportError
  | ReinferApiError
  | ReinferUnexpectedResponse
  | ReinferDecodeError
  | ReinferRequestError

/**
 * Every error a Re:infer call or stream can fail with: the call errors and, for paginated streams,
 * `ReinferPaginationError`. (`ReinferConfigError` fails a layer, never a call, and is not part of it.)
 *
 * @since 0.1.0
 * @category errors
 */
export type ReinferError = ReinferCallError | ReinferPaginationError

// Set once on each prototype: the mark is not a field, so it stays out of equality, `JSON.stringify` and `toJSON`.
for (
  const errorClass of [
    ReinferTransportError,
    ReinferApiError,
    ReinferUnexpectedResponse,
    ReinferDecodeError,
    ReinferRequestError,
    ReinferPaginationError
  ]
) {
  Object.defineProperty(errorClass.prototype, ReinferErrorTypeId, { value: ReinferErrorTypeId })
}

/**
 * Whether a value is one of the Re:infer call or stream errors (not `ReinferConfigError`).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { isReinferError } from "effect-reinfer"
 *
 * const report = (cause: unknown) =>
 *   isReinferError(cause) ? Effect.logError(cause.message, { tag: cause._tag }) : Effect.die(cause)
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isReinferError = (u: unknown): u is ReinferError => Predicate.hasProperty(u, ReinferErrorTypeId)

/**
 * Words an error's message: what happened, then where.
 *
 * - `Dataset not found (404 GET /api/v1/datasets/acme/support, getDataset)`
 * - `Connection refused: connect ECONNREFUSED 127.0.0.1:8080 (GET http://127.0.0.1:8080/api/v1/sources, listSources, 4 attempts)`
 * - `Not a Re:infer response, HTML page: "<html>…" (502 GET /api/v1/sources, listSources)`
 *
 * Responses show the path only (the host answered); transport errors show the host too, since it is usually
 * the problem. The attempt count appears once there was more than one.
 *
 * @since 0.1.0
 * @category error handling
 */
export const formatMessage = (error: ReinferError | ReinferConfigError): string =>
  // The fields were redacted by whoever built the error; an echoed `Bearer <token>` is caught here regardless.
  redactText(wordMessage(error))

const wordMessage = (error: ReinferError | ReinferConfigError): string => {
  switch (error._tag) {
    case "ReinferConfigError":
      return `Invalid ${error.setting}: ${error.issue}`
    case "ReinferTransportError": {
      const what = error.detail === undefined || error.detail === ""
        ? TRANSPORT_REASON_TEXT[error.reason]
        : `${TRANSPORT_REASON_TEXT[error.reason]}: ${error.detail}`
      return `${what} (${where(error, undefined, originAndPath(error.url))})`
    }
    case "ReinferApiError":
      return `${error.serverMessage ?? "Re:infer returned an error without a message"} (${
        where(error, error.status, pathOf(error.url))
      })`
    case "ReinferUnexpectedResponse": {
      const excerpt = error.excerpt === "" ? "" : `: ${JSON.stringify(shorten(error.excerpt, 80))}`
      return `Not a Re:infer response, ${UNEXPECTED_REASON_TEXT[error.reason]}${excerpt} (${
        where(error, error.status, pathOf(error.url))
      })`
    }
    case "ReinferDecodeError": {
      const at = error.path.length === 0 ? "" : ` at ${formatPath(error.path)}`
      return `Response did not match the schema: ${error.issue}${at} (${
        where(error, error.status, pathOf(error.url))
      })`
    }
    case "ReinferRequestError":
      return `Invalid input ${error.field}: ${error.issue} (${error.method} ${error.url}, ${error.operationId}, nothing was sent)`
    case "ReinferPaginationError": {
      const items = error.items === 1 ? "1 item" : `${error.items} items`
      return `Cursor did not advance: ${error.cursorField} ${JSON.stringify(error.cursor)} came back unchanged after ${items} (page ${error.page}, ${
        where(error, undefined, pathOf(error.url))
      })`
    }
  }
}

/**
 * Writes an issue path the way a reader expects it: `sources[3].name`, or `["odd key"]` for keys that are not
 * identifiers.
 *
 * @internal
 * @since 0.1.0
 * @category error handling
 */
export const formatPath = (path: ReadonlyArray<string | number>): string =>
  path.map((segment, index) =>
    typeof segment === "number"
      ? `[${segment}]`
      : /^[A-Za-z_$][\w$]*$/.test(segment)
      ? `${index === 0 ? "" : "."}${segment}`
      : `[${JSON.stringify(segment)}]`
  ).join("")

/**
 * An issue path written below a field of the input: `formatField("body", ["comments", 3, "id"])` is
 * `body.comments[3].id`, `formatField("comments[3]", [])` is `comments[3]`, and with no prefix the path alone
 * (or `input` when that is empty too).
 *
 * @internal
 * @since 0.1.0
 * @category error handling
 */
export const formatField = (prefix: string, path: ReadonlyArray<string | number>): string => {
  if (path.length === 0) return prefix === "" ? "input" : prefix
  if (prefix === "") return formatPath(path)
  return `${prefix}${typeof path[0] === "number" || !/^[A-Za-z_$][\w$]*$/.test(path[0]!) ? "" : "."}${formatPath(path)}`
}

const TRANSPORT_REASON_TEXT: Record<TransportReason, string> = {
  ConnectionRefused: "Connection refused",
  ConnectionReset: "Connection reset",
  DnsLookupFailed: "DNS lookup failed",
  TlsFailure: "TLS failure",
  Timeout: "Timed out",
  Aborted: "Aborted",
  Unknown: "No response"
}

const UNEXPECTED_REASON_TEXT: Record<UnexpectedResponseReason, string> = {
  EmptyBody: "empty body",
  HtmlPage: "HTML page",
  NotJson: "not JSON",
  NotAnObject: "JSON but not an object",
  NoStatusField: "no status field",
  UnknownStatus: "unknown status value",
  StatusContradictsHttpCode: "status contradicts HTTP code"
}

const where = (context: ReinferErrorContext, status: number | undefined, target: string): string => {
  const attempts = context.attempts > 1 ? `, ${context.attempts} attempts` : ""
  return `${status === undefined ? "" : `${status} `}${context.method} ${target}, ${context.operationId}${attempts}`
}

const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}

const originAndPath = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return url
  }
}

const shorten = (text: string, length: number): string =>
  text.length <= length ? text : `${text.slice(0, length - 1)}…`

const jsonOf = (error: ReinferError): unknown => {
  const { _tag, cause: _cause, ...fields } = error as ReinferError & { readonly cause?: unknown }
  const json: Record<string, unknown> = { _tag, message: error.message, ...fields }
  if ("retryAfter" in json && Duration.isDuration(json.retryAfter)) {
    json.retryAfter = Duration.toMillis(json.retryAfter)
  }
  // The cause may be a low-level error object; its text is already in `detail` or `issue`.
  return json
}

