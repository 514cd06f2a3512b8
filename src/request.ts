/**
 * Turns an operation and the caller's input into an HTTP request, or a `ReinferRequestError` naming the field.
 *
 * Every check runs before anything is sent: unknown input fields, path and query parameters against their
 * schemas, and the body against the operation's request schema with unknown fields rejected. The body is
 * encoded once here and the same bytes are sent on every attempt.
 *
 * @since 0.1.0
 */
import { Effect, type Redacted, Result, Schema, type SchemaAST } from "effect"
import { HttpClientRequest } from "effect/http"
import type { OperationDefinition } from "../generated/operations.ts"
import { formatPath, ReinferRequestError, summarizeSchemaError } from "./errors.ts"
import { redactUrl } from "./internal/redact.ts"
import { NOT_VOUCHED, type RequestEncoder, requestEncoder } from "./internal/fast-codec.ts"
import { snapshotInput } from "./internal/input-snapshot.ts"
import { buildUrl, type PathParameterValue, type QueryParameterValue } from "./internal/url.ts"

/**
 * What every request of one client shares.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface RequestSettings {
  readonly endpoint: URL
  readonly token: Redacted.Redacted<string>
  readonly userAgent: string
}

/**
 * Per-call request tweaks from the call options.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface RequestTweaks {
  /** Extra headers; `authorization` cannot be replaced this way. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The media type to ask for, among the operation's response content types. */
  readonly accept?: string | undefined
}

/**
 * A request ready to be sent, and what errors and spans need to know about it.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface PreparedRequest {
  readonly operation: OperationDefinition
  readonly request: HttpClientRequest.HttpClientRequest
  /** The request URL with secrets removed, for errors, logs and spans. */
  readonly redactedUrl: URL
  /** The media type asked for. */
  readonly accept: string
}

/**
 * The error for input that fails a check before anything is sent: the operation, the input `field` at fault and
 * what is wrong. `where` is the request URL when one was built; otherwise the endpoint, to which the route is
 * appended with its placeholders unfilled.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const invalidInput = (
  operation: Pick<OperationDefinition, "operationId" | "method" | "path">,
  where: { readonly url: string } | { readonly endpoint: URL },
  field: string,
  issue: string,
  cause?: unknown
): ReinferRequestError =>
  new ReinferRequestError({
    operationId: operation.operationId,
    method: operation.method,
    url: "url" in where ? where.url : routeUrl(where.endpoint, operation.path),
    route: operation.path,
    attempts: 0,
    field,
    issue,
    cause
  })

/**
 * The endpoint with a route appended, placeholders left as they are (`{project}`, not `%7Bproject%7D`): where an
 * error points before a URL exists. The endpoint was checked when the layer was built: it holds no credentials.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const routeUrl = (endpoint: URL, route: string): string =>
  `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, "")}${route}`

// Unknown keys are a mistake in a request: Re:infer rejects them, or worse, ignores them silently.
const STRICT: SchemaAST.ParseOptions = { onExcessProperty: "error", errors: "all" }

/**
 * Validates the input of one call and builds its request. Fails with a `ReinferRequestError` whose `field` is the
 * input path at fault (`project`, `limit`, `body.comments[3].id`); nothing has been sent then.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const prepareRequest = (
  operation: OperationDefinition,
  input: unknown,
  settings: RequestSettings,
  tweaks: RequestTweaks = {}
): Effect.Effect<PreparedRequest, ReinferRequestError> =>
  Effect.suspend(() => {
    const headerIssue = tweaks.headers === undefined ? undefined : checkHeaders(tweaks.headers)
    if (headerIssue !== undefined) {
      return Effect.fail(
        invalidInput(operation, { endpoint: settings.endpoint }, headerIssue.field, headerIssue.issue)
      )
    }
    // Most calls are valid. The compiled encoders vouch for those in plain code, without Effect or Schema; anything
    // they cannot vouch for takes the checked path, which decides the same way and names the field at fault.
    const prepared = prepareValid(operation, input, settings, tweaks)
    return prepared === undefined ? prepareChecked(operation, input, settings, tweaks) : Effect.succeed(prepared)
  })

/** What the fast path needs to know about an operation's inputs, worked out once per operation. */
interface InputShape {
  readonly pathNames: ReadonlyArray<string>
  readonly queryNames: ReadonlyArray<string>
  readonly known: ReadonlySet<string>
  readonly pathEncoder: RequestEncoder | undefined
  readonly queryEncoder: RequestEncoder | undefined
  readonly bodyEncoder: RequestEncoder | undefined
}

const shapes = new WeakMap<OperationDefinition, InputShape>()
const shapeOf = (operation: OperationDefinition): InputShape => {
  let shape = shapes.get(operation)
  if (shape === undefined) {
    const pathNames = fieldNames(operation.pathParameters)
    const queryNames = operation.queryParameters === undefined ? [] : fieldNames(operation.queryParameters)
    shape = {
      pathNames,
      queryNames,
      known: new Set([...pathNames, ...queryNames, ...(operation.requestBody === undefined ? [] : ["body"])]),
      pathEncoder: requestEncoder(operation.pathParameters.ast),
      queryEncoder: operation.queryParameters === undefined ? undefined : requestEncoder(operation.queryParameters.ast),
      bodyEncoder: operation.requestBody === undefined ? undefined : requestEncoder(operation.requestBody.ast)
    }
    shapes.set(operation, shape)
  }
  return shape
}

// The fast path: `undefined` whenever it cannot vouch for the input, never an error.
const prepareValid = (
  operation: OperationDefinition,
  input: unknown,
  settings: RequestSettings,
  tweaks: RequestTweaks
): PreparedRequest | undefined => {
  if (input !== undefined && !isRecord(input)) return undefined
  const fields: Record<string, unknown> = input ?? {}
  const shape = shapeOf(operation)
  for (const key of Object.keys(fields)) if (!shape.known.has(key)) return undefined
  const pathParameters = shape.pathEncoder?.(pick(fields, shape.pathNames)) ?? NOT_VOUCHED
  if (pathParameters === NOT_VOUCHED) return undefined
  const queryParameters = operation.queryParameters === undefined
    ? {}
    : shape.queryEncoder?.(pick(fields, shape.queryNames)) ?? NOT_VOUCHED
  if (queryParameters === NOT_VOUCHED) return undefined
  const body = operation.requestBody === undefined ? NO_BODY : shape.bodyEncoder?.(fields.body ?? {}) ?? NOT_VOUCHED
  if (body === NOT_VOUCHED) return undefined
  const url = buildUrl(
    settings.endpoint,
    operation.path,
    pathParameters as Record<string, PathParameterValue>,
    queryParameters as Record<string, QueryParameterValue>
  )
  const accept = acceptOf(operation, tweaks)
  if (Result.isFailure(url) || !operation.responseContentTypes.includes(accept)) return undefined
  return finish(operation, url.success, accept, body, settings, tweaks)
}

// The checked path: every check through the schemas, each failure a ReinferRequestError naming its field. The
// schemas check a snapshot of the input (input-snapshot.ts), and the request is built from what they return.
const prepareChecked = (
  operation: OperationDefinition,
  input: unknown,
  settings: RequestSettings,
  tweaks: RequestTweaks
): Effect.Effect<PreparedRequest, ReinferRequestError> =>
  Effect.gen(function*() {
    const invalid = (field: string, issue: string, cause?: unknown) =>
      invalidInput(operation, { endpoint: settings.endpoint }, field, issue, cause)

    if (input !== undefined && !isRecord(input)) {
      return yield* invalid("input", "must be an object of parameters")
    }
    const snapshot = snapshotInput(input ?? {})
    if (Result.isFailure(snapshot)) {
      return yield* invalid(formatPath(snapshot.failure.path) || "input", snapshot.failure.issue)
    }
    const fields = snapshot.success as Record<string, unknown>

    const { known, pathNames, queryNames } = shapeOf(operation)
    for (const key of Object.keys(fields)) {
      if (!known.has(key)) {
        const expected = [...known].join(", ")
        return yield* invalid(key, `is not a parameter of ${operation.operationId} (expected ${expected || "none"})`)
      }
    }

    const encodeOrFail = (schema: Schema.Top, value: unknown, prefix: string) =>
      encoderOf(schema)(value, STRICT).pipe(
        Effect.mapError((error) => {
          const [first] = summarizeSchemaError(error)
          const path = first === undefined ? [] : first.path
          const field = prefix === "" ? formatPath(path) : path.length === 0 ? prefix : `${prefix}${
            typeof path[0] === "number" ? "" : "."
          }${formatPath(path)}`
          return invalid(field === "" ? "input" : field, first?.message ?? error.message, error)
        })
      )

    const pathParameters = (yield* encodeOrFail(operation.pathParameters, pick(fields, pathNames), "")) as Record<
      string,
      string | number | boolean
    >
    const queryParameters = operation.queryParameters === undefined
      ? {}
      : (yield* encodeOrFail(operation.queryParameters, pick(fields, queryNames), "")) as Record<string, never>

    const url = buildUrl(settings.endpoint, operation.path, pathParameters, queryParameters)
    if (Result.isFailure(url)) return yield* invalid(url.failure.field, url.failure.issue)

    const accept = acceptOf(operation, tweaks)
    if (!operation.responseContentTypes.includes(accept)) {
      return yield* invalid(
        "accept",
        `must be one of ${operation.responseContentTypes.join(", ")} for ${operation.operationId}, got ${accept}`
      )
    }

    // A body whose every field is optional may be left out: `{}` is what Re:infer expects then.
    const body = operation.requestBody === undefined
      ? NO_BODY
      : yield* encodeOrFail(operation.requestBody, fields.body ?? {}, "body")
    return finish(operation, url.success, accept, body, settings, tweaks)
  })

const NO_BODY = Symbol("NO_BODY")

// RFC 9110: a field name is a token; a value holds no CR, LF or NUL (nor other controls but tab), which would
// end the header early or be refused by the transport after the call was already counted as an attempt.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/

/** The first call-option header that cannot be sent, with why. */
const checkHeaders = (
  headers: Readonly<Record<string, unknown>>
): { readonly field: string; readonly issue: string } | undefined => {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    return { field: "options.headers", issue: "must be an object of header names to values" }
  }
  for (const [name, value] of Object.entries(headers)) {
    const field = `options.headers[${JSON.stringify(name)}]`
    if (!HEADER_NAME.test(name)) return { field, issue: "is not a valid header name" }
    if (typeof value !== "string") return { field, issue: `must be a string, got ${typeof value}` }
    if (!HEADER_VALUE.test(value)) {
      return { field, issue: "must not contain line breaks or other control characters" }
    }
  }
  return undefined
}

const acceptOf = (operation: OperationDefinition, tweaks: RequestTweaks): string =>
  tweaks.accept ?? operation.responseContentTypes[0] ?? "application/json"

const finish = (
  operation: OperationDefinition,
  url: URL,
  accept: string,
  body: unknown,
  settings: RequestSettings,
  tweaks: RequestTweaks
): PreparedRequest => {
  let request = HttpClientRequest.make(operation.method)(url).pipe(
    HttpClientRequest.setHeaders(tweaks.headers ?? {}),
    HttpClientRequest.setHeaders({ accept, "user-agent": settings.userAgent }),
    HttpClientRequest.bearerToken(settings.token)
  )
  if (body !== NO_BODY) {
    request = operation.requestContentType === "multipart/form-data"
      ? HttpClientRequest.bodyFormData(request, toFormData(body))
      : HttpClientRequest.bodyText(request, JSON.stringify(body), "application/json")
  }
  return { operation, request, redactedUrl: new URL(redactUrl(url, [settings.token])), accept }
}

// Making an encoder costs more than encoding a few parameters, so there is one per schema.
const encoders = new WeakMap<
  Schema.Top,
  (input: unknown, options?: SchemaAST.ParseOptions) => Effect.Effect<unknown, Schema.SchemaError>
>()
const encoderOf = (schema: Schema.Top) => {
  let encoder = encoders.get(schema)
  if (encoder === undefined) {
    encoder = Schema.encodeUnknownEffect(schema as Schema.Codec<unknown, unknown>)
    encoders.set(schema, encoder)
  }
  return encoder
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// Parameter schemas are structs; their field names tell path and query parameters apart in the flat input.
const fieldNames = (schema: Schema.Top): ReadonlyArray<string> =>
  schema.ast._tag === "Objects" ? schema.ast.propertySignatures.map((property) => String(property.name)) : []

const pick = (fields: Record<string, unknown>, names: ReadonlyArray<string>): Record<string, unknown> => {
  const picked: Record<string, unknown> = {}
  for (const name of names) if (fields[name] !== undefined) picked[name] = fields[name]
  return picked
}

// Multipart bodies carry one part per field; Re:infer's uploads use a single `file` part.
const toFormData = (body: unknown): FormData => {
  const form = new FormData()
  if (!isRecord(body)) return form
  for (const [name, value] of Object.entries(body)) {
    if (value instanceof Blob) form.append(name, value, value instanceof File ? value.name : name)
    else if (value instanceof Uint8Array) form.append(name, new Blob([new Uint8Array(value)]), name)
    else if (value !== undefined) form.append(name, typeof value === "string" ? value : JSON.stringify(value))
  }
  return form
}
