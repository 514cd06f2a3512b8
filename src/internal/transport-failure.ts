/**
 * Why a request got no HTTP response, read from whatever the transport failed with: an `HttpClientError`, its
 * reason, a Node or undici error, fetch's `TypeError: fetch failed` and its `cause`, an `AggregateError`,
 * `Cause.TimeoutError`. Only the client uses it, to build a `ReinferTransportError`.
 *
 * @internal
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Predicate from "effect/Predicate"
import { redactText, type Secret } from "./redact.ts"

/**
 * Why no HTTP response arrived.
 *
 * - `ConnectionRefused`: nothing accepted the connection (ECONNREFUSED; also unreachable host or network).
 * - `ConnectionReset`: the connection dropped mid-request (ECONNRESET, EPIPE, undici "other side closed").
 * - `DnsLookupFailed`: the host name did not resolve (ENOTFOUND, EAI_AGAIN).
 * - `TlsFailure`: the TLS handshake or certificate check failed (CERT_*, ERR_TLS_*, self-signed, expired).
 * - `Timeout`: the per-attempt timeout elapsed (`Cause.TimeoutError`, ETIMEDOUT, undici timeouts).
 * - `Aborted`: the request was cancelled (AbortError).
 * - `Unknown`: anything else.
 *
 * @since 0.1.0
 * @category models
 */
export type TransportReason =
  | "ConnectionRefused"
  | "ConnectionReset"
  | "DnsLookupFailed"
  | "TlsFailure"
  | "Timeout"
  | "Aborted"
  | "Unknown"

/**
 * Reads the cause of a failed request (an `HttpClientError`, its reason, a Node or undici error, fetch's
 * `TypeError: fetch failed` and its `cause`, an `AggregateError`, `Cause.TimeoutError`) and says why no response
 * arrived. Looks through up to eight nested causes; `Unknown` when none is recognised.
 *
 * @internal
 * @since 0.1.0
 * @category error handling
 */
export const classifyTransportError = (cause: unknown): TransportReason => {
  for (const error of causeChain(cause)) {
    const reason = reasonOf(error)
    if (reason !== undefined) return reason
  }
  return "Unknown"
}

/**
 * The most specific human-readable text of a transport failure's cause (`connect ECONNREFUSED 127.0.0.1:8080`
 * rather than `fetch failed`), for `ReinferTransportError.detail`. Any `Bearer` credential and the given
 * `secrets` (pass the token) are redacted.
 *
 * @internal
 * @since 0.1.0
 * @category error handling
 */
export const describeTransportError = (cause: unknown, secrets: ReadonlyArray<Secret> = []): string | undefined => {
  let detail: string | undefined
  for (const error of causeChain(cause)) {
    // Effect's HttpClientError and its reasons print the request URL, query included: never use their text.
    if (Predicate.hasProperty(error, "reason") || Predicate.hasProperty(error, "request")) continue
    const message = Predicate.hasProperty(error, "message") && typeof error.message === "string"
      ? error.message
      : undefined
    if (message !== undefined && message !== "" && !GENERIC_MESSAGES.has(message)) detail = message
  }
  return detail === undefined ? undefined : redactText(detail, secrets)
}

/**
 * The cause to keep on an error: the low-level error as it is, unless its text holds one of `secrets` (a server or
 * proxy that echoed the token), in which case an `Error` with the redacted message stands in for it, so that
 * printing the error (`util.inspect`, `Cause.pretty`) cannot show the token.
 *
 * @internal
 * @since 0.1.0
 * @category error handling
 */
export const safeCause = (cause: unknown, secrets: ReadonlyArray<Secret>): unknown => {
  if (cause === undefined) return undefined
  const texts = causeChain(cause).flatMap((error) => {
    if (typeof error !== "object" || error === null) return [String(error)]
    const { message, stack } = error as { readonly message?: unknown; readonly stack?: unknown }
    return [String(message), String(stack)]
  })
  const leaks = texts.some((text) => redactText(text, secrets) !== text)
  if (!leaks) return cause
  const message = Predicate.hasProperty(cause, "message") ? String(cause.message) : String(cause)
  return new Error(redactText(message, secrets))
}

// Wrappers whose message says nothing the reason does not: look further down the chain for the real text.
const GENERIC_MESSAGES = new Set(["fetch failed", "Transport error", "terminated"])

const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT"
])
const REFUSED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL"])
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED"])
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA"])
const ABORT_CODES = new Set(["ABORT_ERR", "UND_ERR_ABORTED"])
// Node's certificate-verification codes that do not contain "CERT".
const TLS_CODES = new Set([
  "HOSTNAME_MISMATCH",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "PATH_LENGTH_EXCEEDED",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "EPROTO"
])

const reasonOf = (error: unknown): TransportReason | undefined => {
  if (Cause.isTimeoutError(error)) return "Timeout"
  const code = Predicate.hasProperty(error, "code") && typeof error.code === "string" ? error.code : undefined
  if (code !== undefined) {
    if (TIMEOUT_CODES.has(code)) return "Timeout"
    if (REFUSED_CODES.has(code)) return "ConnectionRefused"
    if (RESET_CODES.has(code)) return "ConnectionReset"
    if (DNS_CODES.has(code)) return "DnsLookupFailed"
    if (ABORT_CODES.has(code)) return "Aborted"
    if (
      TLS_CODES.has(code) || code.includes("CERT") || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_")
    ) return "TlsFailure"
  }
  const name = Predicate.hasProperty(error, "name") && typeof error.name === "string" ? error.name : undefined
  if (name === "AbortError") return "Aborted"
  if (name === "TimeoutError") return "Timeout"
  return undefined
}

// The error itself, then what it wraps: `.reason` (HttpClientError), `.cause`, and `.errors` (AggregateError,
// which Node raises when every address of a host refused).
const causeChain = (cause: unknown): Array<unknown> => {
  const chain: Array<unknown> = []
  const queue: Array<unknown> = [cause]
  while (queue.length > 0 && chain.length < 8) {
    const current = queue.shift()
    if (current === undefined || current === null || chain.includes(current)) continue
    chain.push(current)
    if (typeof current !== "object") continue
    if (Predicate.hasProperty(current, "reason") && typeof current.reason === "object") queue.push(current.reason)
    if (Predicate.hasProperty(current, "cause")) queue.push(current.cause)
    if (Predicate.hasProperty(current, "errors") && Array.isArray(current.errors)) queue.push(...current.errors)
  }
  return chain
}
