/**
 * Turns an operation and the caller's input into an HTTP request, or a `ReinferRequestError` naming the field.
 *
 * Every check runs before anything is sent: unknown input fields, path and query parameters against their
 * schemas, and the body against the operation's request schema with unknown fields rejected. The body is
 * encoded once here and the same bytes are sent on every attempt.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import * as Headers from "effect/http/Headers"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as UrlParams from "effect/http/UrlParams"
import type { OperationDefinition } from "../generated/operations.ts"
import { formatField, ReinferRequestError } from "./errors.ts"
import { isSecretName, redactBuiltUrl } from "./internal/redact.ts"
import { compileUrl, type PathParameterValue, type QueryParameterValue } from "./internal/url.ts"
import { weakMemo } from "./internal/weak-memo.ts"
import { type InputIssue, validateInput } from "./internal/validate-input.ts"

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
  readonly url: string
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

/**
 * Whether a request body still has to be checked, or is `validateInput`'s own output for the operation's body
 * schema (bulk sync checks every item as it admits it, and sends the batch as it is).
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export type BodyState = "unchecked" | "checked"

/** What preparation needs to know about an operation's inputs, worked out once per operation. */
interface InputShape {
  readonly pathNames: ReadonlyArray<string>
  readonly queryNames: ReadonlyArray<string>
  readonly known: ReadonlySet<string>
  /** Whether a query parameter's name looks like a credential, so its URL is always redacted. */
  readonly secretQueryName: boolean
}

const shapeOf = weakMemo((operation: OperationDefinition): InputShape => {
  const pathNames = fieldNames(operation.pathParameters)
  const queryNames = operation.queryParameters === undefined ? [] : fieldNames(operation.queryParameters)
  return {
    pathNames,
    queryNames,
    known: new Set([...pathNames, ...queryNames, ...(operation.requestBody === undefined ? [] : ["body"])]),
    secretQueryName: queryNames.some(isSecretName)
  }
})

/** What one client's requests of one operation share: the compiled route and the fixed headers. */
interface RequestTemplate {
  readonly url: ReturnType<typeof compileUrl>
  readonly accept: string
  readonly headers: Headers.Headers
}

const templateOf = weakMemo((settings: RequestSettings) =>
  weakMemo((operation: OperationDefinition): RequestTemplate => {
    const accept = acceptOf(operation)
    return {
      url: compileUrl(settings.endpoint, operation.path),
      accept,
      headers: Headers.fromInput({
        accept,
        "user-agent": settings.userAgent,
        authorization: `Bearer ${Redacted.value(settings.token)}`
      })
    }
  })
)

/**
 * Validates the input of one call and builds its request, in plain code: a valid call goes through neither
 * Effect nor Schema (validate-input.ts says how). Fails with a `ReinferRequestError` whose `field` is the input
 * path at fault (`project`, `limit`, `body.comments[3].id`); nothing has been sent then.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const prepareRequest = (
  operation: OperationDefinition,
  input: unknown,
  settings: RequestSettings,
  headers: Readonly<Record<string, string>> | undefined = undefined,
  body: BodyState = "unchecked"
): Result.Result<PreparedRequest, ReinferRequestError> => {
  const invalid = (field: string, issue: string, cause?: unknown) =>
    Result.fail(invalidInput(operation, { endpoint: settings.endpoint }, field, issue, cause))
  if (input !== undefined && !isRecord(input)) return invalid("input", "must be an object of parameters")
  const fields = input ?? {}
  const { known, pathNames, queryNames } = shapeOf(operation)
  let parts: { readonly path: Record<string, unknown>; readonly query: Record<string, unknown>; readonly body: unknown }
  try {
    for (const key of Object.keys(fields)) {
      if (!known.has(key)) {
        const expected = [...known].join(", ")
        return invalid(key, `is not a parameter of ${operation.operationId} (expected ${expected || "none"})`)
      }
    }
    parts = { path: pick(fields, pathNames), query: pick(fields, queryNames), body: fields.body }
  } catch (error) {
    // A getter or a Proxy trap on the input object itself threw.
    return invalid("input", `could not be read: ${error instanceof Error ? error.message : String(error)}`)
  }

  const pathParameters = validateInput(operation.pathParameters, parts.path)
  if (Result.isFailure(pathParameters)) return invalidPart("", pathParameters.failure)
  const queryParameters = operation.queryParameters === undefined
    ? Result.succeed({})
    : validateInput(operation.queryParameters, parts.query)
  if (Result.isFailure(queryParameters)) return invalidPart("", queryParameters.failure)
  // A body whose every field is optional may be left out: `{}` is what Re:infer expects then.
  const checkedBody = operation.requestBody === undefined
    ? Result.succeed(NO_BODY)
    : body === "checked"
    ? Result.succeed(parts.body ?? {})
    : validateInput(operation.requestBody, parts.body ?? {})
  if (Result.isFailure(checkedBody)) return invalidPart("body", checkedBody.failure)

  const template = templateOf(settings)(operation)
  const url = template.url(
    pathParameters.success as Record<string, PathParameterValue>,
    queryParameters.success as Record<string, QueryParameterValue>
  )
  if (Result.isFailure(url)) return invalid(url.failure.field, url.failure.issue)
  return Result.succeed(finish(operation, template, url.success, checkedBody.success, settings, headers))

  function invalidPart(prefix: string, issue: InputIssue) {
    return invalid(formatField(prefix, issue.path), issue.issue, issue.cause)
  }
}

const NO_BODY = Symbol("NO_BODY")

// The first media type the operation answers with (JSON where it has a choice: the spec lists it first).
const acceptOf = (operation: OperationDefinition): string => operation.responseContentTypes[0] ?? "application/json"

const finish = (
  operation: OperationDefinition,
  template: RequestTemplate,
  url: string,
  body: unknown,
  settings: RequestSettings,
  headers: Readonly<Record<string, string>> | undefined
): PreparedRequest => {
  // The call's headers go last: the ones it may not set were refused already (call-options.ts), and a
  // `user-agent` of its own replaces the layer's.
  const requestHeaders = headers === undefined ? template.headers : Headers.setAll(template.headers, headers)
  let request = HttpClientRequest.makeWith(operation.method, url, UrlParams.empty, NO_HASH, requestHeaders, HttpBody.empty)
  if (body !== NO_BODY) {
    request = HttpClientRequest.setBody(
      request,
      operation.requestContentType === "multipart/form-data"
        ? HttpBody.formData(toFormData(body))
        : HttpBody.text(JSON.stringify(body), "application/json")
    )
  }
  return {
    operation,
    request,
    url: redactBuiltUrl(url, settings.token, shapeOf(operation).secretQueryName),
    accept: template.accept
  }
}

const NO_HASH = Option.none<string>()

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
