/**
 * `reinfer --verbose`: a tracer that prints every span as it ends, one line each, indented under its parent, so a
 * person sees what a command did: each call, each attempt of it with its status and the platform's Server-Timing,
 * the retries between them.
 *
 * ```text
 *   · GET /api/_private/projects attempt 1 → 503 in 3.1 ms (server 2.0 ms)
 *   · GET /api/_private/projects attempt 2 → 200 in 1.2 ms (server 0.4 ms)
 * ReinferClient.listProjects ok in 254.0 ms (2 attempts)
 * ```
 *
 * The spans carry no secret (the client redacts URLs before they reach a span), so nothing here can print the
 * token.
 *
 * @since 0.1.0
 */
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

/**
 * A tracer that writes each span, as it ends, with `write`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const verboseTracer = (write: (line: string) => void): Tracer.Tracer =>
  Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      const end = span.end.bind(span)
      span.end = (endTime, exit) => {
        end(endTime, exit)
        write(`${describeSpan(span, endTime, exit)}\n`)
      }
      return span
    }
  })

/**
 * One span as a line: its name, for an attempt its number and status, whether it failed, how long it took and
 * the platform's own time; indented by two spaces per parent that is not the command's root.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeSpan = (
  span: Tracer.NativeSpan,
  endTime: bigint,
  exit: Exit.Exit<unknown, unknown>
): string => {
  const attributes = span.attributes
  const milliseconds = Number(endTime - span.startTime) / 1e6
  const status = attributes.get("http.response.status_code")
  // The attempt spans are the HTTP client spans; the call span around them is internal.
  const isAttempt = span.kind === "client"
  const resends = attributes.get("http.request.resend_count")
  const attempt = typeof resends === "number" ? resends + 1 : 1
  const outcome = isAttempt
    ? `attempt ${attempt} → ${status ?? attributes.get("error.type") ?? "failed"}`
    : Exit.isSuccess(exit)
    ? "ok"
    : `failed (${attributes.get("error.type") ?? "error"})`
  // The call span repeats its last attempt's Server-Timing; its own news is how many attempts it took.
  const server = attributes.get("reinfer.server_timing.total")
  const attempts = attributes.get("reinfer.attempts")
  const detail = isAttempt
    ? typeof server === "number" ? ` (server ${server.toFixed(1)} ms)` : ""
    : typeof attempts === "number" && attempts > 1 ? ` (${attempts} attempts)` : ""
  const prefix = isAttempt ? "· " : ""
  return `${"  ".repeat(depthOf(span))}${prefix}${span.name} ${outcome} in ${milliseconds.toFixed(1)} ms${detail}`
}

// Parents that this tracer made (an external parent, such as a trace a caller started, does not indent).
const depthOf = (span: Tracer.AnySpan): number => {
  let depth = 0
  let parent = span._tag === "Span" ? span.parent : Option.none()
  while (Option.isSome(parent) && parent.value._tag === "Span") {
    depth += 1
    parent = parent.value.parent
  }
  return depth
}
