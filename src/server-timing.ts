/**
 * Parses the `Server-Timing` response header into named metrics.
 *
 * Re:infer reports the time it spent on a request as `total;dur=37.7`. This module turns any Server-Timing
 * value (several metrics, `dur` and `desc` parameters, quoted strings, odd spacing) into metrics; it never
 * fails, because malformed parts are skipped. Putting them on spans is tracing.ts's job; this module only says
 * which attribute each metric becomes.
 *
 * @since 0.1.0
 */

/**
 * One metric of a `Server-Timing` header: `total;dur=37.7;desc="Total time"`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Metric {
  /** The metric name, as sent (`total`). */
  readonly name: string
  /** The `dur` parameter in milliseconds, when present and a finite number. */
  readonly duration: number | undefined
  /** The `desc` parameter, unquoted, when present. */
  readonly description: string | undefined
}

/**
 * The prefix of the span attribute each timed metric becomes: `reinfer.server_timing.total`.
 *
 * @since 0.1.0
 * @category tracing
 */
export const SPAN_ATTRIBUTE_PREFIX = "reinfer.server_timing."

/**
 * Parses a `Server-Timing` header value into its metrics, in order. A metric without a valid name is skipped; a
 * malformed or repeated parameter is ignored (the first valid `dur` and `desc` win, as the specification says).
 * Several header lines may be given joined by commas, or as an array.
 *
 * **Example**
 *
 * ```ts
 * import { ServerTiming } from "effect-reinfer"
 *
 * ServerTiming.parse(`total;dur=37.7, db;dur=12;desc="Query, cached"`)
 * // [{ name: "total", duration: 37.7, description: undefined },
 * //  { name: "db", duration: 12, description: "Query, cached" }]
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (header: string | ReadonlyArray<string> | undefined): ReadonlyArray<Metric> => {
  if (header === undefined) return []
  const text = typeof header === "string" ? header : header.join(",")
  const metrics: Array<Metric> = []
  for (const entry of splitOutsideQuotes(text, ",")) {
    const metric = parseMetric(entry)
    if (metric !== undefined) metrics.push(metric)
  }
  return metrics
}

/**
 * Maps every metric that has a duration to the span attribute `reinfer.server_timing.<name>` (milliseconds, a
 * number). When a name repeats, the first one wins, as in `parse`.
 *
 * **Example**
 *
 * ```ts
 * import { ServerTiming } from "effect-reinfer"
 *
 * ServerTiming.toSpanAttributes(ServerTiming.parse("total;dur=37.7, cache;desc=hit"))
 * // { "reinfer.server_timing.total": 37.7 }
 * ```
 *
 * @since 0.1.0
 * @category tracing
 */
export const toSpanAttributes = (metrics: ReadonlyArray<Metric>): Record<string, number> => {
  const attributes: Record<string, number> = {}
  for (const metric of metrics) {
    if (metric.duration === undefined) continue
    const key = `${SPAN_ATTRIBUTE_PREFIX}${metric.name}`
    if (!(key in attributes)) attributes[key] = metric.duration
  }
  return attributes
}

// RFC 9110 token characters: what a metric or parameter name may hold.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// A decimal number as Server-Timing senders write it; `Number` alone would also take "0x1f", "1e3" or "".
const DURATION = /^[+-]?(\d+\.?\d*|\.\d+)$/

const parseMetric = (entry: string): Metric | undefined => {
  const [head, ...parameters] = splitOutsideQuotes(entry, ";")
  const name = head?.trim() ?? ""
  if (!TOKEN.test(name)) return undefined
  let duration: number | undefined
  let description: string | undefined
  for (const parameter of parameters) {
    const separator = parameter.indexOf("=")
    if (separator === -1) continue
    const key = parameter.slice(0, separator).trim().toLowerCase()
    const value = unquote(parameter.slice(separator + 1).trim())
    if (value === undefined) continue
    if (key === "dur" && duration === undefined && DURATION.test(value)) {
      const parsed = Number(value)
      if (Number.isFinite(parsed)) duration = parsed
    } else if (key === "desc" && description === undefined) {
      description = value
    }
  }
  return { name, duration, description }
}

// A parameter value is a token or a quoted string with backslash escapes; anything else is malformed.
const unquote = (value: string): string | undefined => {
  if (!value.startsWith("\"")) return TOKEN.test(value) ? value : undefined
  if (value.length < 2 || !value.endsWith("\"")) return undefined
  let result = ""
  for (let index = 1; index < value.length - 1; index++) {
    const character = value[index]!
    if (character === "\\") {
      index++
      if (index >= value.length - 1) return undefined
      result += value[index]
    } else if (character === "\"") {
      return undefined
    } else {
      result += character
    }
  }
  return result
}

// Splits on `separator` except inside double quotes, so `desc="a, b; c"` stays whole.
const splitOutsideQuotes = (text: string, separator: string): Array<string> => {
  const parts: Array<string> = []
  let current = ""
  let quoted = false
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!
    if (quoted && character === "\\" && index + 1 < text.length) {
      current += character + text[index + 1]
      index++
      continue
    }
    if (character === "\"") quoted = !quoted
    if (character === separator && !quoted) {
      parts.push(current)
      current = ""
    } else {
      current += character
    }
  }
  // An unterminated quote would swallow everything after it: split that tail as if it held no quotes, so the
  // metrics after a malformed one survive.
  if (quoted) parts.push(...current.split(separator))
  else parts.push(current)
  return parts
}
