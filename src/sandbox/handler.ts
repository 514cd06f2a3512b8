/**
 * The sandbox's transport-independent request handler: request in, response out, as an `Effect`.
 *
 * Both transports call it: the `node:http` server of `startSandbox` and the in-process `HttpClient` of
 * `Sandbox.layer`. In order, it strips the base path, matches the route in the operation table, applies the
 * fault knobs, checks the bearer token, validates path and query parameters and the JSON body against the
 * operation's schemas (400 naming the field), runs the route, and encodes the answer through the operation's
 * response schema, so what leaves the sandbox is valid against the spec. Every answer it builds (errors
 * included) carries `Server-Timing: total;dur=<ms>`, measured on Effect's clock; only the proxy error page
 * fault leaves it out, since a proxy, not the platform, would have sent it.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { MAX_DEPTH } from "../internal/fast-codec.ts"
import { type FaultController, proxyErrorPage } from "./faults.ts"
import { badRequest, SandboxFailure } from "./failure.ts"
import { makeRouter, type RoutableOperation } from "./router.ts"
import type { SandboxStore } from "./store.ts"

/**
 * What the handler needs of a generated operation-table entry.
 *
 * @category models
 * @since 0.1.0
 */
export interface SandboxOperation extends RoutableOperation {
  readonly pathParameters: Schema.Codec<unknown, unknown>
  readonly queryParameters: Schema.Codec<unknown, unknown> | undefined
  readonly requestBody: Schema.Codec<unknown, unknown> | undefined
  readonly requestContentType?: string | undefined
  readonly response: Schema.Codec<unknown, unknown> | undefined
}

/**
 * A request as a transport hands it over. `url` is the path and query relative to the sandbox's origin
 * (base path included); header names are matched case-insensitively.
 *
 * @category models
 * @since 0.1.0
 */
export interface SandboxRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: Uint8Array | string
}

/**
 * The handler's answer: a response to send, or an instruction to drop the connection (a fault).
 *
 * @category models
 * @since 0.1.0
 */
export type SandboxResponse =
  | {
    readonly _tag: "Response"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string | Uint8Array
  }
  | { readonly _tag: "DropConnection" }

/**
 * What a route implementation receives: the store, the decoded path and query parameters (flat, by wire
 * name), and the decoded body (undefined when the operation has none).
 *
 * @category models
 * @since 0.1.0
 */
export interface RouteContext {
  readonly store: SandboxStore
  readonly parameters: Readonly<Record<string, unknown>>
  readonly body: unknown
}

/**
 * A binary success body (attachments, documents), sent as is instead of a JSON envelope.
 *
 * @category models
 * @since 0.1.0
 */
export class BinaryPayload {
  constructor(readonly bytes: Uint8Array, readonly contentType: string) {}
}

/**
 * A route implementation: the success payload, without `status` (the handler adds `"status": "ok"`), or a
 * {@link BinaryPayload} for operations whose success response is binary.
 *
 * @category models
 * @since 0.1.0
 */
export type RouteImplementation = (context: RouteContext) => Effect.Effect<object, SandboxFailure>

/**
 * Route implementations by operation id; an operation without one answers 501.
 *
 * @category models
 * @since 0.1.0
 */
export type RouteTable = Readonly<Record<string, RouteImplementation>>

/**
 * Everything the handler is built from.
 *
 * @category configuration
 * @since 0.1.0
 */
export interface HandlerOptions {
  readonly operations: ReadonlyArray<SandboxOperation>
  readonly routes: RouteTable
  readonly store: SandboxStore
  readonly faults: FaultController
  /** The bearer token every request must carry. */
  readonly token: string
  /** Path prefix the API is served under, such as `/org/tenant/reinfer_` (`""` for none). */
  readonly basePath: string
}

/**
 * The status of an operation the spec knows but the sandbox does not implement. 501 is "Not Implemented":
 * the route exists, this server cannot do it, and retrying will not help (clients retry only 409/429/5xx
 * that are transient, and none treat 501 as transient).
 *
 * @category configuration
 * @since 0.1.0
 */
export const NOT_IMPLEMENTED_STATUS = 501

/**
 * Normalises a base path option: a leading slash, no trailing slash, `""` for none.
 *
 * @category parsing
 * @since 0.1.0
 */
export const normalizeBasePath = (basePath: string | undefined): string => {
  const trimmed = (basePath ?? "").replace(/\/+$/, "")
  return trimmed === "" ? "" : trimmed.startsWith("/") ? trimmed : `/${trimmed}`
}

/**
 * Builds the handler.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeRequestHandler = (options: HandlerOptions): (request: SandboxRequest) => Effect.Effect<SandboxResponse> => {
  const route = makeRouter(options.operations)
  const basePath = normalizeBasePath(options.basePath)

  return (request) =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeNanos
      const timed = (status: number, body: object, headers: Record<string, string> = {}) =>
        Effect.map(Clock.currentTimeNanos, (ended): SandboxResponse => {
          const binary = body instanceof BinaryPayload
          return {
            _tag: "Response",
            status,
            headers: {
              "content-type": binary ? body.contentType : "application/json",
              "server-timing": `total;dur=${formatMillis(ended - started)}`,
              ...headers
            },
            body: binary ? body.bytes : JSON.stringify(body)
          }
        })
      const envelope = (status: number, message: string, headers: Record<string, string> = {}) =>
        timed(status, { status: "error", message }, headers)

      const { path, query } = splitUrl(request.url)
      const relative = basePath === "" ? path : path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined
      const match = relative === undefined ? { _tag: "NotFound" as const } : route(request.method, relative)
      const operationId = match._tag === "Matched" ? match.operation.operationId : undefined

      const decision = options.faults.decide(operationId)
      if (Duration.isGreaterThan(decision.latency, Duration.zero)) yield* Effect.sleep(decision.latency)
      switch (decision.outcome._tag) {
        case "DropConnection":
          return { _tag: "DropConnection" } as const
        case "ProxyError":
          return {
            _tag: "Response",
            status: decision.outcome.status,
            headers: { "content-type": "text/html" },
            body: proxyErrorPage(decision.outcome.status)
          } as const
        case "RateLimit":
          return yield* envelope(429, "429 Too Many Requests: rate limit exceeded, retry later", {
            "retry-after": String(decision.outcome.retryAfterSeconds)
          })
        case "ServerError":
          return yield* envelope(decision.outcome.status, `${decision.outcome.status} Internal Server Error (sandbox fault)`)
        case "Pass":
        case "ApplyThenDrop":
          break
      }

      if (!isAuthorized(headerValue(request.headers, "authorization"), options.token)) {
        return yield* envelope(401, "401 Unauthorized: missing or invalid API token", { "www-authenticate": "Bearer" })
      }
      if (match._tag === "NotFound") return yield* envelope(404, "404 Not Found")
      if (match._tag === "MethodNotAllowed") {
        return yield* envelope(405, "405 Method Not Allowed", { allow: match.allowed.join(", ") })
      }

      const operation = match.operation
      const implementation = options.routes[operation.operationId]
      if (implementation === undefined) {
        return yield* envelope(
          NOT_IMPLEMENTED_STATUS,
          `${operation.operationId} (${operation.method} ${operation.path}) is not implemented by the sandbox`
        )
      }

      const outcome = yield* Effect.exit(Effect.gen(function*() {
        const pathParameters = yield* decodeParameters(operation.pathParameters, match.pathParameters, "path")
        const queryParameters = operation.queryParameters === undefined
          ? yield* rejectUnexpectedQuery(query)
          : yield* decodeParameters(operation.queryParameters, queryRecord(operation.queryParameters, query), "query")
        const body = operation.requestBody === undefined
          ? undefined
          : operation.requestContentType === "multipart/form-data"
          ? yield* decodeMultipart(operation.requestBody, request)
          : yield* decodeBody(operation.requestBody, request.body)
        const payload = yield* implementation({
          store: options.store,
          parameters: { ...queryParameters, ...pathParameters },
          body
        })
        if (payload instanceof BinaryPayload) return payload
        const response = { status: "ok", ...payload }
        if (operation.response === undefined) return response
        return yield* Schema.encodeUnknownEffect(operation.response)(response, { errors: "all" }).pipe(
          Effect.map((encoded): object => encoded as object),
          Effect.mapError((error) =>
            new SandboxFailure({
              status: 500,
              message: `The sandbox built a response that does not match the spec (${operation.operationId}): ${
                flattenIssue(error.message)
              }`
            })
          )
        )
      }))
      // The request was carried out (or refused); only the answer is lost.
      if (decision.outcome._tag === "ApplyThenDrop") return { _tag: "DropConnection" } as const
      if (outcome._tag === "Success") return yield* timed(200, outcome.value)
      const failure = outcome.cause.reasons.find(Cause.isFailReason)
      if (failure !== undefined) return yield* envelope(failure.error.status, failure.error.message)
      return yield* envelope(500, `500 Internal Server Error: ${flattenIssue(String(Cause.squash(outcome.cause)))}`)
    })
}

const splitUrl = (url: string): { readonly path: string; readonly query: URLSearchParams } => {
  const hash = url.indexOf("#")
  const withoutHash = hash < 0 ? url : url.slice(0, hash)
  const question = withoutHash.indexOf("?")
  return question < 0
    ? { path: withoutHash, query: new URLSearchParams() }
    : { path: withoutHash.slice(0, question), query: new URLSearchParams(withoutHash.slice(question + 1)) }
}

const headerValue = (headers: SandboxRequest["headers"], name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return typeof value === "string" ? value : value?.[0]
  }
  return undefined
}

const isAuthorized = (authorization: string | undefined, token: string): boolean => {
  const match = authorization === undefined ? null : /^Bearer\s+(.+)$/i.exec(authorization.trim())
  return match !== null && match[1] === token
}

/** Path and query parameters arrive as strings; the StringTree codec turns them into numbers, booleans, arrays. */
const decodeParameters = (
  schema: Schema.Codec<unknown, unknown>,
  input: Readonly<Record<string, string | ReadonlyArray<string>>>,
  where: "path" | "query"
): Effect.Effect<Readonly<Record<string, unknown>>, SandboxFailure> =>
  Schema.decodeUnknownEffect(Schema.toCodecStringTree(schema))(input, { onExcessProperty: "error" }).pipe(
    Effect.map((decoded) => decoded as Readonly<Record<string, unknown>>),
    Effect.mapError((error) => badRequest(`Invalid ${where} parameter: ${flattenIssue(error.message)}`))
  )

const rejectUnexpectedQuery = (query: URLSearchParams): Effect.Effect<Readonly<Record<string, unknown>>, SandboxFailure> => {
  const first = [...query.keys()][0]
  return first === undefined
    ? Effect.succeed({})
    : Effect.fail(badRequest(`Invalid query parameter: Expected no excess property at ["${first}"]`))
}

/** Repeated keys become arrays; a single value becomes a one-element array where the schema wants an array. */
const queryRecord = (
  schema: Schema.Codec<unknown, unknown>,
  query: URLSearchParams
): Record<string, string | ReadonlyArray<string>> => {
  const arrayKeys = arrayProperties(schema.ast)
  const record: Record<string, string | ReadonlyArray<string>> = {}
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key)
    record[key] = values.length > 1 || arrayKeys.has(key) ? values : values[0]!
  }
  return record
}

const arrayProperties = (ast: SchemaAST.AST): ReadonlySet<string> => {
  const names = new Set<string>()
  if (ast._tag === "Objects") {
    for (const property of ast.propertySignatures) {
      if (isArrayLike(property.type)) names.add(String(property.name))
    }
  }
  return names
}

const isArrayLike = (ast: SchemaAST.AST): boolean =>
  ast._tag === "Arrays" || (ast._tag === "Union" && ast.types.some(isArrayLike)) ||
  (ast._tag === "Suspend" && isArrayLike(ast.thunk()))

const decodeBody = (schema: Schema.Codec<unknown, unknown>, raw: Uint8Array | string): Effect.Effect<unknown, SandboxFailure> =>
  Effect.gen(function*() {
    const text = typeof raw === "string" ? raw : new TextDecoder().decode(raw)
    if (text.trim() === "") return yield* Effect.fail(badRequest("Invalid request body: expected a JSON body"))
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      return yield* Effect.fail(badRequest(`Invalid request body: not JSON (${error instanceof Error ? error.message : String(error)})`))
    }
    if (depthOf(json) > MAX_BODY_DEPTH) {
      return yield* Effect.fail(badRequest(`Invalid request body: nests deeper than ${MAX_BODY_DEPTH} levels`))
    }
    return yield* Schema.decodeUnknownEffect(schema)(json, { onExcessProperty: "error" }).pipe(
      Effect.mapError((error) => badRequest(`Invalid request body: ${flattenIssue(error.message)}`))
    )
  })

// The deepest request body the sandbox takes is the client's own limit: anything deeper is refused with a 400
// before any code walks it recursively (a schema, the store's comparison of comments).
const MAX_BODY_DEPTH = MAX_DEPTH

// Iterative, so that measuring a runaway structure cannot itself overflow the stack.
const depthOf = (json: unknown): number => {
  let deepest = 0
  const pending: Array<readonly [unknown, number]> = [[json, 0]]
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!
    if (typeof value !== "object" || value === null) continue
    if (depth + 1 > deepest) deepest = depth + 1
    if (deepest > MAX_BODY_DEPTH) return deepest
    for (const item of Array.isArray(value) ? value : Object.values(value)) pending.push([item, depth + 1])
  }
  return deepest
}

/** Multipart bodies are parsed by the platform's own `Request.formData()`; file parts become `File` (a `Blob`). */
const decodeMultipart = (
  schema: Schema.Codec<unknown, unknown>,
  request: SandboxRequest
): Effect.Effect<unknown, SandboxFailure> =>
  Effect.gen(function*() {
    const contentType = headerValue(request.headers, "content-type") ?? ""
    if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
      return yield* Effect.fail(badRequest("Invalid request body: expected multipart/form-data"))
    }
    const body = typeof request.body === "string" ? request.body : new Uint8Array(request.body)
    const form = yield* Effect.tryPromise({
      try: () => new Request("http://sandbox.invalid/", { method: "POST", headers: { "content-type": contentType }, body }).formData(),
      catch: (error) => badRequest(`Invalid request body: malformed multipart (${error instanceof Error ? error.message : String(error)})`)
    })
    const fields: Record<string, unknown> = {}
    for (const [name, value] of form.entries()) fields[name] = value
    return yield* Schema.decodeUnknownEffect(schema)(fields, { onExcessProperty: "error" }).pipe(
      Effect.mapError((error) => badRequest(`Invalid request body: ${flattenIssue(error.message)}`))
    )
  })

/** Schema messages put the path on its own line ("Expected string\n  at [\"id\"]"); envelopes want one line. */
const flattenIssue = (message: string): string => message.replace(/\s*\n\s*/g, " ")

const formatMillis = (nanos: bigint): string => {
  const millis = Number(nanos) / 1_000_000
  return String(Math.round(millis * 1000) / 1000)
}
