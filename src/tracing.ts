/**
 * The spans of a call: one per call, named after the operation, and one HTTP client span per attempt.
 *
 * The attempt span follows the OpenTelemetry HTTP client conventions (`http.request.method`, `url.full`,
 * `url.template`, `server.address`, `http.response.status_code`, `http.request.resend_count`, `error.type`) and
 * carries every Server-Timing duration as `reinfer.server_timing.<metric>`. The client makes this span itself
 * instead of using the HttpClient's own, because the HttpClient's span ends when the headers arrive and cannot
 * know the path template or the attempt number.
 *
 * @since 0.1.0
 */
import type * as Tracer from "effect/Tracer"
import type { ReinferCallError } from "./errors.ts"
import { weakMemo } from "./internal/weak-memo.ts"
import * as ServerTiming from "./server-timing.ts"

/**
 * The name of the span wrapping one whole call, retries included: `ReinferClient.<operationId>`.
 *
 * @internal
 * @since 0.1.0
 * @category tracing
 */
export const callSpanName = (operationId: string): string => `ReinferClient.${operationId}`

/**
 * The name of one attempt's HTTP client span, as the OpenTelemetry conventions ask: `{METHOD} {path template}`,
 * e.g. `GET /api/v1/datasets/{project}/{dataset}`. The template keeps names of projects and comments out of span
 * names, so traces group by route.
 *
 * @internal
 * @since 0.1.0
 * @category tracing
 */
export const attemptSpanName = (method: string, pathTemplate: string): string => `${method} ${pathTemplate}`

/**
 * What is known about an attempt before it is sent.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface AttemptDescription {
  readonly method: string
  readonly pathTemplate: string
  /** The endpoint the URL was built on. */
  readonly endpoint: URL
  /** The URL with secrets removed, as built on `endpoint` (its origin, then the path and query). */
  readonly url: string
  /** 1 for the first attempt. */
  readonly attempt: number
}

/**
 * The attributes an attempt span starts with. `http.request.resend_count` is only set on retries, as the
 * conventions say.
 *
 * @internal
 * @since 0.1.0
 * @category tracing
 */
export const attemptAttributes = (attempt: AttemptDescription): Record<string, string | number> => {
  const server = serverOf(attempt.endpoint)
  const { url } = attempt
  const queryStart = url.indexOf("?")
  const attributes: Record<string, string | number> = {
    "http.request.method": attempt.method,
    "url.full": url,
    "url.scheme": server.scheme,
    "url.path": url.slice(server.origin.length, queryStart === -1 ? undefined : queryStart),
    "url.template": attempt.pathTemplate,
    "server.address": server.address,
    "server.port": server.port
  }
  if (queryStart !== -1) attributes["url.query"] = url.slice(queryStart + 1)
  if (attempt.attempt > 1) attributes["http.request.resend_count"] = attempt.attempt - 1
  return attributes
}

// The same for every attempt on one endpoint.
const serverOf = weakMemo((endpoint: URL) => ({
  origin: endpoint.origin,
  scheme: endpoint.protocol.replace(/:$/, ""),
  address: endpoint.hostname,
  port: endpoint.port === "" ? (endpoint.protocol === "https:" ? 443 : 80) : Number(endpoint.port)
}))

/**
 * Records a received response on an attempt span: the status code, every Server-Timing duration, and
 * `error.type` for 4xx and 5xx.
 *
 * @internal
 * @since 0.1.0
 * @category tracing
 */
export const recordResponse = (
  span: Tracer.Span,
  status: number,
  serverTiming: ReadonlyArray<ServerTiming.Metric>
): void => {
  span.attribute("http.response.status_code", status)
  for (const [name, value] of Object.entries(ServerTiming.toSpanAttributes(serverTiming))) {
    span.attribute(name, value)
  }
  if (status >= 400) span.attribute("error.type", String(status))
}

/**
 * Records why an attempt failed without a usable answer, as `error.type`: the transport reason
 * (`ConnectionRefused`, `Timeout`, …) or the error's tag.
 *
 * @internal
 * @since 0.1.0
 * @category tracing
 */
export const recordFailure = (span: Tracer.Span, error: ReinferCallError): void => {
  if (error._tag === "ReinferTransportError") span.attribute("error.type", error.reason)
  else if (!span.attributes.has("error.type")) span.attribute("error.type", error._tag)
}
