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
import { Data, Result } from "effect"

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
): Result.Result<URL, InvalidUrlParameter> => {
  let failure: InvalidUrlParameter | undefined
  const path = template.replace(PLACEHOLDER, (_, name: string) => {
    const encoded = encodePathParameter(name, pathParameters[name])
    if (Result.isFailure(encoded)) {
      failure ??= encoded.failure
      return ""
    }
    return encoded.success
  })
  if (failure !== undefined) return Result.fail(failure)

  const query: Array<string> = []
  for (const [name, value] of Object.entries(queryParameters)) {
    const values = Array.isArray(value) ? value : [value]
    for (const item of values as ReadonlyArray<QueryParameterValue>) {
      if (item === undefined || item === null) continue
      const key = encode(name)
      const encoded = encode(String(item))
      if (key === undefined || encoded === undefined) {
        return Result.fail(new InvalidUrlParameter({ field: name, issue: "is not valid Unicode text" }))
      }
      query.push(`${key}=${encoded}`)
    }
  }

  const url = new URL(base.href)
  url.username = ""
  url.password = ""
  url.hash = ""
  // The base path is a prefix: "/acme/prod/reinfer_" and "/acme/prod/reinfer_/" both keep it.
  const prefix = url.pathname.replace(/\/+$/, "")
  url.pathname = `${prefix}${path.startsWith("/") ? "" : "/"}${path}`
  url.search = query.length === 0 ? "" : `?${query.join("&")}`
  return Result.succeed(url)
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

// encodeURIComponent leaves only A-Z a-z 0-9 - _ . ! ~ * ' ( ) unescaped: none of them ends a segment.
// It throws on a lone surrogate, which cannot be written as UTF-8.
const encode = (text: string): string | undefined => {
  try {
    return encodeURIComponent(text)
  } catch {
    return undefined
  }
}
