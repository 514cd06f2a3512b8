/**
 * Joins the configured base URL with an operation's path template and parameters.
 *
 * A Re:infer base may carry a path prefix (UiPath tenants live under `/<org>/<tenant>/reinfer_`), so the template
 * is appended to the base path, never resolved against it. Each path parameter becomes exactly one segment: it is
 * percent-encoded whole, so a name holding `/`, `?` or `#` cannot change the route, and a parameter that is empty,
 * `.` or `..` is refused because URL parsers would drop or collapse that segment (`%2E%2E` is collapsed too).
 *
 * @internal
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Result from "effect/Result"

/**
 * A value that may fill a `{name}` placeholder of a path template.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export type PathParameterValue = string | number | boolean

/**
 * A value of one query parameter: arrays become repeated keys (`?id=a&id=b`), `undefined` and `null` are left
 * out, numbers and booleans are written with `String`.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export type QueryParameterValue =
  | PathParameterValue
  | bigint
  | null
  | undefined
  | ReadonlyArray<PathParameterValue | bigint>

/**
 * Why a URL could not be built: the parameter at fault (its name as in the template or query) and what is wrong.
 * The client turns it into a `ReinferRequestError`; nothing has been sent at that point.
 *
 * @internal
 * @since 0.1.0
 * @category errors
 */
export class InvalidUrlParameter extends Data.TaggedError("InvalidUrlParameter")<{
  readonly field: string
  readonly issue: string
}> {
  override get message(): string {
    return `${this.field}: ${this.issue}`
  }
}

/**
 * Builds the URL of one call: `base` path prefix + `template` with each `{name}` replaced by its encoded
 * parameter, then the query string. Placeholders may sit inside a segment (`id:{sourceId}`).
 *
 * **Example**
 *
 * ```ts
 * import { buildUrl } from "./url.ts"
 *
 * buildUrl(new URL("https://cloud.uipath.com/acme/prod/reinfer_/"), "/api/v1/sources/{project}/{source}", {
 *   project: "sales",
 *   source: "q3/emails"
 * }, { limit: 10 })
 * // Success: https://cloud.uipath.com/acme/prod/reinfer_/api/v1/sources/sales/q3%2Femails?limit=10
 * ```
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const buildUrl = (
  base: URL,
  template: string,
  pathParameters: Readonly<Record<string, PathParameterValue | undefined>> = {},
  queryParameters: Readonly<Record<string, QueryParameterValue>> = {}
): Result.Result<URL, InvalidUrlParameter> =>
  Result.map(compileUrl(base, template)(pathParameters, queryParameters), (href) => new URL(href))

/**
 * Compiles `base` and `template` into a function that builds the URL of one call as a string, the same text
 * `buildUrl`'s URL prints as `href`. The template is split once, so a call only encodes its parameters and joins
 * strings: the client compiles each operation's route when it first calls it, and the transport parses the result
 * once.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const compileUrl = (
  base: URL,
  template: string
): (
  pathParameters: Readonly<Record<string, PathParameterValue | undefined>>,
  queryParameters: Readonly<Record<string, QueryParameterValue>>
) => Result.Result<string, InvalidUrlParameter> => {
  // The base path is a prefix: "/acme/prod/reinfer_" and "/acme/prod/reinfer_/" both keep it; user info, query
  // and fragment of the base are dropped (origin holds none of them).
  const prefix = `${base.origin}${base.pathname.replace(/\/+$/, "")}${template.startsWith("/") ? "" : "/"}`
  // With its capturing group, split alternates literal text and placeholder names: [text, name, text, …, text].
  const pieces = template.split(PLACEHOLDER_SPLIT)
  return (pathParameters, queryParameters) => {
    let href = prefix + pieces[0]!
    for (let index = 1; index < pieces.length; index += 2) {
      const name = pieces[index]!
      const encoded = encodePathParameter(name, pathParameters[name])
      if (Result.isFailure(encoded)) return encoded
      href += encoded.success + pieces[index + 1]!
    }
    let separator = "?"
    for (const name in queryParameters) {
      const value = queryParameters[name]
      const values = Array.isArray(value) ? value : [value]
      for (const item of values as ReadonlyArray<QueryParameterValue>) {
        if (item === undefined || item === null) continue
        const key = encodeQueryComponent(name)
        const encoded = encodeQueryComponent(String(item))
        if (key === undefined || encoded === undefined) {
          return Result.fail(new InvalidUrlParameter({ field: name, issue: "is not valid Unicode text" }))
        }
        href += `${separator}${key}=${encoded}`
        separator = "&"
      }
    }
    return Result.succeed(href)
  }
}

/**
 * Like `buildUrl`, but throws the `InvalidUrlParameter`; for callers that validated the parameters already.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const buildUrlUnsafe = (
  base: URL,
  template: string,
  pathParameters?: Readonly<Record<string, PathParameterValue | undefined>>,
  queryParameters?: Readonly<Record<string, QueryParameterValue>>
): URL => {
  const result = buildUrl(base, template, pathParameters, queryParameters)
  if (Result.isFailure(result)) throw result.failure
  return result.success
}

/**
 * The names of the `{placeholders}` of a path template, in order.
 *
 * @internal
 * @since 0.1.0
 * @category parsing
 */
export const templateParameters = (template: string): ReadonlyArray<string> =>
  Array.from(template.matchAll(PLACEHOLDER), (match) => match[1]!)

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g
const PLACEHOLDER_SPLIT = /\{([A-Za-z_][A-Za-z0-9_]*)\}/

const encodePathParameter = (
  name: string,
  value: PathParameterValue | undefined
): Result.Result<string, InvalidUrlParameter> => {
  if (value === undefined || value === null) {
    return Result.fail(new InvalidUrlParameter({ field: name, issue: "is missing" }))
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Result.fail(new InvalidUrlParameter({ field: name, issue: `must be a finite number, got ${value}` }))
  }
  const text = String(value)
  // An empty segment changes the route (`/sources//x`), and `.`/`..` are removed or collapsed by every URL
  // parser even when percent-encoded, so they cannot be sent safely as a segment at all.
  if (text === "") return Result.fail(new InvalidUrlParameter({ field: name, issue: "must not be empty" }))
  if (text === "." || text === "..") {
    return Result.fail(new InvalidUrlParameter({ field: name, issue: `must not be "${text}"` }))
  }
  const encoded = encode(text)
  if (encoded === undefined) {
    return Result.fail(new InvalidUrlParameter({ field: name, issue: "is not valid Unicode text" }))
  }
  return Result.succeed(encoded)
}

// A URL parser percent-encodes `'` in the query of an http(s) URL; doing it here keeps the string equal to what
// `new URL(href).href` prints, so the URL in errors and spans is the one sent.
const encodeQueryComponent = (text: string): string | undefined => encode(text)?.replace(/'/g, "%27")

// encodeURIComponent leaves only A-Z a-z 0-9 - _ . ! ~ * ' ( ) unescaped: none of them ends a segment.
// It throws on a lone surrogate, which cannot be written as UTF-8.
const encode = (text: string): string | undefined => {
  try {
    return encodeURIComponent(text)
  } catch {
    return undefined
  }
}
