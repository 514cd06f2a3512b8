/**
 * The `ReinferClient` service: one method per operation of the spec, built from the generated operation table.
 *
 * A call validates and encodes its input (`request.ts`), then sends attempts until one succeeds or the retry
 * policy (`retry.ts`) gives up. Each attempt gets its own HTTP client span (`tracing.ts`); its answer is sorted
 * into a decoded payload, a Re:infer error, or "not a Re:infer response" (`envelope.ts`, `errors.ts`).
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import * as Tracer from "effect/Tracer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpTraceContext from "effect/http/HttpTraceContext"
import type { OperationTypes } from "../generated/client-shape.ts"
import { type OperationDefinition, type OperationId, operations } from "../generated/operations.ts"
import {
  type CallOptions,
  type CallSettings,
  CurrentCallOptions,
  resolveCallSettings,
  withCallOptions
} from "./call-options.ts"
import { optionsFromEnvironment, type ReinferOptions, type ResolvedOptions, resolveOptions } from "./config.ts"
import { decodeEnvelope } from "./envelope.ts"
import {
  ReinferApiError,
  type ReinferConfigError,
  ReinferDecodeError,
  type ReinferCallError,
  type ReinferErrorContext,
  ReinferTransportError,
  ReinferUnexpectedResponse
} from "./errors.ts"
import { responseDecoder } from "./internal/fast-codec.ts"
import { redactHeaders, redactText } from "./internal/redact.ts"
import { summarizeSchemaError } from "./internal/schema-issues.ts"
import { classifyTransportError, describeTransportError, safeCause } from "./internal/transport-failure.ts"
import { timeoutOrFail } from "./internal/timeout.ts"
import { weakMemo } from "./internal/weak-memo.ts"
import { type BodyState, type PreparedRequest, prepareRequest } from "./request.ts"
import { deleteNotFoundIsSuccess, parseRetryAfter } from "./retry.ts"
import * as ServerTiming from "./server-timing.ts"
import { attemptAttributes, attemptSpanName, callSpanName, recordFailure, recordResponse } from "./tracing.ts"

export type { CallOptions } from "./call-options.ts"

/**
 * A decoded payload with what the response said about it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReinferResponse<A> {
  /** The decoded success payload, as the plain method returns it. */
  readonly data: A
  /** The request URL of the last attempt, secrets removed. */
  readonly url: string
  /** The HTTP status of the last attempt. */
  readonly status: number
  /** The response headers of the last attempt (lower-case names). */
  readonly headers: Headers.Headers
  /** The Server-Timing metrics of the last attempt; Re:infer sends `total`, in milliseconds. */
  readonly serverTiming: ReadonlyArray<ServerTiming.Metric>
  /** How many attempts the call took, 1 when it succeeded at once. */
  readonly attempts: number
}

/**
 * The arguments of a method: the input may be left out when every field of it is optional.
 *
 * @since 0.1.0
 * @category models
 */
export type MethodArguments<Input> = {} extends Input ? [input?: Input, options?: CallOptions]
  : [input: Input, options?: CallOptions]

/**
 * One method per operation, named by its `operationId`; each returns the decoded success payload.
 *
 * @since 0.1.0
 * @category models
 */
export type ReinferMethods = {
  readonly [K in keyof OperationTypes]: (
    ...args: MethodArguments<OperationTypes[K]["input"]>
  ) => Effect.Effect<OperationTypes[K]["output"], ReinferCallError>
}

/**
 * The same methods, returning the payload together with status, headers, Server-Timing and attempts.
 *
 * @since 0.1.0
 * @category models
 */
export type ReinferMethodsWithResponse = {
  readonly [K in keyof OperationTypes]: (
    ...args: MethodArguments<OperationTypes[K]["input"]>
  ) => Effect.Effect<ReinferResponse<OperationTypes[K]["output"]>, ReinferCallError>
}

/**
 * A success payload as the server sent it, not decoded: the envelope's `status: "ok"` and every other field as
 * JSON.
 *
 * @since 0.1.0
 * @category models
 */
export interface RawPayload {
  readonly status: "ok"
  readonly [field: string]: Schema.Json
}

/**
 * What a `raw` method returns: the undecoded payload for JSON operations; bytes or text as usual otherwise.
 *
 * @since 0.1.0
 * @category models
 */
export type RawOutput<A> = A extends Uint8Array | string | void ? A : RawPayload

/**
 * The same methods again, returning the payload undecoded: the escape hatch for a response the spec describes
 * wrongly. Retries, spans and error classification are those of the plain method; only the check against the
 * response schema is skipped.
 *
 * @since 0.1.0
 * @category models
 */
export type ReinferMethodsRaw = {
  readonly [K in keyof OperationTypes]: (
    ...args: MethodArguments<OperationTypes[K]["input"]>
  ) => Effect.Effect<ReinferResponse<RawOutput<OperationTypes[K]["output"]>>, ReinferCallError>
}

/**
 * What `ReinferClient` offers: every operation as a method, the `withResponse` and `raw` variants, and `execute`
 * for code that picks the operation at run time (pagination, bulk helpers).
 *
 * @since 0.1.0
 * @category models
 */
export interface ReinferClientShape extends ReinferMethods {
  /** Every method again, returning a `ReinferResponse` (status, headers, Server-Timing) around the data. */
  readonly withResponse: ReinferMethodsWithResponse
  /**
   * Every method again, returning a `ReinferResponse` around the payload as the server sent it, not checked against
   * the response schema. For the day a response does not match the spec: the call still gets the same
   * validation of its input, retries, spans and errors.
   */
  readonly raw: ReinferMethodsRaw
  /** Calls an operation by id. */
  readonly execute: <K extends OperationId>(
    operationId: K,
    input: OperationTypes[K]["input"],
    options?: CallOptions
  ) => Effect.Effect<ReinferResponse<OperationTypes[K]["output"]>, ReinferCallError>
  /** The endpoint every route is appended to. */
  readonly endpoint: URL
}

// Exposed as `ReinferClient.make`.
const make = (
  options: ReinferOptions
): Effect.Effect<ReinferClientShape, ReinferConfigError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const resolved = yield* resolveOptions(options)
    const provided = yield* HttpClient.HttpClient
    const http = resolved.transformClient === undefined ? provided : resolved.transformClient(provided)
    const execute = makeExecute(resolved, http)
    const methods: Record<string, unknown> = {}
    const withResponse: Record<string, unknown> = {}
    const raw: Record<string, unknown> = {}
    for (const operationId of Object.keys(operations) as Array<OperationId>) {
      withResponse[operationId] = (input: unknown, callOptions?: CallOptions) =>
        execute(operationId, input, callOptions)
      raw[operationId] = (input: unknown, callOptions?: CallOptions) =>
        execute(operationId, input, callOptions, "raw")
      methods[operationId] = (input: unknown, callOptions?: CallOptions) =>
        Effect.map(execute(operationId, input, callOptions), (response) => response.data)
    }
    // The method tables are built by walking the generated operation table; their types come from the
    // generated OperationTypes, which describe the same table.
    const client: ReinferClientShape = {
      ...(methods as ReinferMethods),
      withResponse: withResponse as ReinferMethodsWithResponse,
      raw: raw as ReinferMethodsRaw,
      execute: execute as ReinferClientShape["execute"],
      endpoint: resolved.endpoint
    }
    checkedBodyExecutors.set(client, (operationId, input, callOptions) =>
      execute(operationId, input, callOptions, "decode", "checked"))
    return client
  })

type Execute = (
  operationId: OperationId,
  input: unknown,
  callOptions: CallOptions | undefined
) => Effect.Effect<ReinferResponse<unknown>, ReinferCallError>

const checkedBodyExecutors = new WeakMap<ReinferClientShape, Execute>()

/**
 * `client.execute` for a body that is already `validateInput`'s output for the operation's body schema: it is sent
 * as it is, while parameters, options and everything after are as in `execute`. Bulk sync checks each item as it
 * admits it, so checking the batch again would only repeat that work. A client that `make` did not build (a test
 * double) is called through its own `execute`.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const executeWithCheckedBody = <K extends OperationId>(
  client: ReinferClientShape,
  operationId: K,
  input: OperationTypes[K]["input"],
  callOptions?: CallOptions
): Effect.Effect<ReinferResponse<OperationTypes[K]["output"]>, ReinferCallError> => {
  const execute = checkedBodyExecutors.get(client)
  return (execute === undefined
    ? client.execute(operationId, input, callOptions)
    : execute(operationId, input, callOptions)) as Effect.Effect<
      ReinferResponse<OperationTypes[K]["output"]>,
      ReinferCallError
    >
}

/**
 * The Re:infer API client.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { ReinferClient } from "effect-reinfer"
 *
 * const program = Effect.flatMap(ReinferClient, (client) => client.listSources())
 * Effect.runPromise(program.pipe(Effect.provide(ReinferClient.layerConfigFetch)))
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class ReinferClient extends Context.Service<ReinferClient, ReinferClientShape>()("effect-reinfer/ReinferClient") {
  /**
   * Builds the client from options over the `HttpClient` in context, for code that wants the service value rather
   * than a layer. Invalid options fail with a `ReinferConfigError` naming the setting.
   *
   * **Example**
   *
   * ```ts
   * import { Effect } from "effect"
   * import { FetchHttpClient } from "effect/http"
   * import { ReinferClient } from "effect-reinfer"
   *
   * const sources = Effect.gen(function*() {
   *   const client = yield* ReinferClient.make({ endpoint: "https://acme.reinfer.io", token: "api-token-0123456789" })
   *   return yield* client.listSources()
   * }).pipe(Effect.provide(FetchHttpClient.layer))
   * ```
   *
   * @since 0.1.0
   * @category constructors
   */
  static readonly make: (
    options: ReinferOptions
  ) => Effect.Effect<ReinferClientShape, ReinferConfigError, HttpClient.HttpClient> = make

  /**
   * A client over the `HttpClient` you provide. Invalid options (an `http://` endpoint that is not loopback, an
   * empty token) fail the layer with a `ReinferConfigError` naming the setting.
   *
   * **Example**
   *
   * ```ts
   * import { Layer } from "effect"
   * import { FetchHttpClient } from "effect/http"
   * import { ReinferClient } from "effect-reinfer"
   *
   * const Reinfer = ReinferClient.layer({ endpoint: "https://acme.reinfer.io", token: "api-token-0123456789" }).pipe(
   *   Layer.provide(FetchHttpClient.layer)
   * )
   * ```
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer = (
    options: ReinferOptions
  ): Layer.Layer<ReinferClient, ReinferConfigError, HttpClient.HttpClient> => Layer.effect(ReinferClient, make(options))

  /**
   * A client configured from `REINFER_ENDPOINT`, `REINFER_TOKEN` (read as `Redacted`), and optionally
   * `REINFER_TIMEOUT` and `REINFER_USER_AGENT`, over the `HttpClient` you provide; `overrides` sets the other
   * options. A variable that is missing or malformed fails the layer with a `ReinferConfigError` naming it and the
   * form it takes.
   *
   * **Example**
   *
   * ```ts
   * import { Layer } from "effect"
   * import { FetchHttpClient } from "effect/http"
   * import { ReinferClient } from "effect-reinfer"
   *
   * const Reinfer = ReinferClient.layerConfig({ retry: { maxRetries: 5 } }).pipe(Layer.provide(FetchHttpClient.layer))
   * ```
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerConfig = (
    overrides: Partial<Omit<ReinferOptions, "endpoint" | "token">> = {}
  ): Layer.Layer<ReinferClient, ReinferConfigError, HttpClient.HttpClient> =>
    Layer.effect(
      ReinferClient,
      Effect.gen(function*() {
        const fromEnvironment = yield* optionsFromEnvironment
        return yield* make({ ...fromEnvironment, ...overrides })
      })
    )

  /**
   * The ready-made client: `layerConfig()` over `FetchHttpClient`, which runs wherever `fetch` does (Node, Deno,
   * Bun, browsers, edge runtimes).
   *
   * **Example**
   *
   * ```ts
   * import { Effect } from "effect"
   * import { ReinferClient } from "effect-reinfer"
   *
   * const count = Effect.flatMap(ReinferClient, (client) => client.listSources()).pipe(
   *   Effect.map(({ sources }) => sources.length),
   *   Effect.provide(ReinferClient.layerConfigFetch)
   * )
   * ```
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerConfigFetch: Layer.Layer<ReinferClient, ReinferConfigError> = ReinferClient
    .layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

  /**
   * Runs an effect with call options for every Re:infer call inside it; see `CallOptions` for what they hold and
   * how they combine with the layer's options and a call's own.
   *
   * **Example**
   *
   * ```ts
   * import { Effect } from "effect"
   * import { ReinferClient } from "effect-reinfer"
   *
   * const nightly = Effect.gen(function*() {
   *   const client = yield* ReinferClient
   *   yield* client.listSources()
   *   yield* client.listDatasets()
   * }).pipe(ReinferClient.withCallOptions({ timeout: "5 minutes", retry: { maxRetries: 6 } }))
   * ```
   *
   * @since 0.1.0
   * @category combinators
   */
  static readonly withCallOptions = withCallOptions

  /**
   * The former name of `layerConfigFetch`.
   *
   * @deprecated Use `ReinferClient.layerConfigFetch`; `Default` is removed in 0.2.
   * @since 0.1.0
   * @category layers
   */
  static readonly Default: Layer.Layer<ReinferClient, ReinferConfigError> = ReinferClient.layerConfigFetch
}

/** Whether a success payload is checked against the operation's response schema (`raw` skips it). */
type Decoding = "decode" | "raw"

/** What every call of an operation shares, whatever the client: worked out on the operation's first call. */
interface OperationPlan {
  readonly callSpanName: string
  readonly callSpanOptions: Tracer.SpanOptions
  readonly attemptSpanName: string
  /** Only a DELETE can find nothing on a retry because an earlier attempt did its work. */
  readonly isDelete: boolean
}

const planOf = weakMemo((operation: OperationDefinition): OperationPlan => ({
  callSpanName: callSpanName(operation.operationId),
  callSpanOptions: {
    attributes: {
      "reinfer.operation_id": operation.operationId,
      "http.request.method": operation.method,
      "url.template": operation.path
    },
    // A captured stack would point into this file, not at the caller, and capturing one costs more than the
    // rest of the call's own work.
    captureStackTrace: false
  },
  attemptSpanName: attemptSpanName(operation.method, operation.path),
  isDelete: operation.method.toUpperCase() === "DELETE"
}))

const makeExecute = (settings: ResolvedOptions, http: HttpClient.HttpClient) =>
(
  operationId: OperationId,
  input: unknown,
  callOptions: CallOptions | undefined,
  decoding: Decoding = "decode",
  body: BodyState = "unchecked"
): Effect.Effect<ReinferResponse<unknown>, ReinferCallError> => {
  const operation = operations[operationId] as OperationDefinition
  const plan = planOf(operation)
  return Effect.useSpan(plan.callSpanName, plan.callSpanOptions, (callSpan) =>
    Effect.withFiber((fiber) => {
      // Settings and request are plain values worked out before anything is sent; only the attempts are effects.
      const call = resolveCallSettings(operation, settings, fiber.getRef(CurrentCallOptions), callOptions)
      if (Result.isFailure(call)) return Effect.fail(call.failure)
      const prepared = prepareRequest(operation, input, settings, call.success.headers, body)
      if (Result.isFailure(prepared)) return Effect.fail(prepared.failure)
      const attempts = sendAttempts(http, prepared.success, settings, call.success, decoding, callSpan)
      return plan.isDelete
        ? Effect.catchIf(attempts, deleteNotFoundIsSuccess, (error) => deletedEarlier(operation, error))
        : attempts
    }))
}

// The attempts of one call, retried as its schedule says. The call's span carries the attempt count and the
// last answer's Server-Timing, whether the call succeeded or not.
const sendAttempts = (
  http: HttpClient.HttpClient,
  prepared: PreparedRequest,
  settings: ResolvedOptions,
  call: CallSettings,
  decoding: Decoding,
  callSpan: Tracer.Span
): Effect.Effect<ReinferResponse<unknown>, ReinferCallError> => {
  let attempt = 0
  const once = Effect.suspend(() => {
    attempt += 1
    callSpan.attribute("reinfer.attempts", attempt)
    return sendAttempt(http, prepared, settings, attempt, call.timeout, decoding, callSpan)
  })
  return retryAfterFirstFailure(once, call.schedule)
}

// Most calls succeed at once, so the retry driver is only set up after a first failure; that failure is replayed
// to it as its first input, so Retry-After and the retry count see exactly what they would otherwise.
const retryAfterFirstFailure = <A>(
  once: Effect.Effect<A, ReinferCallError>,
  schedule: CallSettings["schedule"]
): Effect.Effect<A, ReinferCallError> =>
  schedule === undefined ? once : Effect.catch(once, (first) => {
    let replay: ReinferCallError | undefined = first
    const next = Effect.suspend(() => {
      if (replay === undefined) return once
      const failure = replay
      replay = undefined
      return Effect.fail(failure)
    })
    return Effect.retry(next, schedule)
  })

// One attempt: its span, the request, the answer read into a response or an error, all within the timeout.
const sendAttempt = (
  http: HttpClient.HttpClient,
  prepared: PreparedRequest,
  settings: ResolvedOptions,
  attempt: number,
  timeout: Duration.Duration,
  decoding: Decoding,
  callSpan: Tracer.Span
): Effect.Effect<ReinferResponse<unknown>, ReinferCallError> => {
  const { operation } = prepared
  const facts: AttemptFacts = {
    prepared,
    secrets: [settings.token],
    context: {
      operationId: operation.operationId,
      method: operation.method,
      url: prepared.url,
      route: operation.path,
      attempts: attempt
    }
  }
  return Effect.useSpan(
    planOf(operation).attemptSpanName,
    {
      kind: "client",
      // Named rather than taken from the context: nothing else in a call runs below the call's span.
      parent: callSpan,
      attributes: attemptAttributes({
        method: operation.method,
        pathTemplate: operation.path,
        endpoint: settings.endpoint,
        url: prepared.url,
        attempt
      })
    },
    (span) => {
      const exchange = Effect.flatMap(
        send(http, facts, span),
        (response) => readResponse(response, facts, decoding, span, callSpan)
      )
      return timeoutOrFail(exchange, timeout, () => timedOut(timeout, facts)).pipe(
        Effect.tapError((error) =>
          Effect.sync(() => recordFailure(span, error)).pipe(
            Effect.andThen(Effect.logDebug(`Attempt ${attempt} failed: ${error.message}`))
          )
        ),
        Effect.updateContext((context: Context.Context<never>) => belowAttemptSpan(context, span))
      )
    }
  )
}

/** What every step of one attempt needs: the request, the secrets to keep out of errors, and the error context. */
interface AttemptFacts {
  readonly prepared: PreparedRequest
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  readonly context: ReinferErrorContext
}

const transportErrorOf = (facts: AttemptFacts) => (cause: unknown) =>
  new ReinferTransportError({
    ...facts.context,
    reason: classifyTransportError(cause),
    detail: describeTransportError(cause, facts.secrets),
    cause: safeCause(cause, facts.secrets)
  })

const timedOut = (timeout: Duration.Duration, facts: AttemptFacts) =>
  new ReinferTransportError({
    ...facts.context,
    reason: "Timeout",
    detail: `no complete answer within ${Duration.format(timeout)}`
  })

// Everything an attempt runs (the transport, a `transformClient`'s middleware, its log lines) is below its span,
// and the HttpClient makes no span of its own: the attempt span replaces it.
const belowAttemptSpan = (context: Context.Context<never>, span: Tracer.Span): Context.Context<never> =>
  Context.add(Context.add(context, Tracer.ParentSpan, span), HttpClient.TracerDisabledWhen, disableTracer)

const disableTracer = () => true

// The request carries the trace context of the attempt span.
const send = (http: HttpClient.HttpClient, facts: AttemptFacts, span: Tracer.Span) =>
  http.execute(HttpClientRequest.setHeaders(facts.prepared.request, HttpTraceContext.toHeaders(span))).pipe(
    Effect.mapError(transportErrorOf(facts))
  )

// The answer's headers, recorded on the spans, then its body read into the result.
const readResponse = (
  response: HttpClientResponse.HttpClientResponse,
  facts: AttemptFacts,
  decoding: Decoding,
  span: Tracer.Span,
  callSpan: Tracer.Span
): Effect.Effect<ReinferResponse<unknown>, ReinferCallError> => {
  // Every value derived from a header comes from this redacted copy: a server echoing the token in a header must
  // not put it into an error, a log line or a span. (Some transports, undici, also build the headers object anew
  // on every read of `response.headers`.)
  const headers = redactHeaders(response.headers, facts.secrets)
  const serverTiming = ServerTiming.parse(headers["server-timing"])
  recordResponse(span, response.status, serverTiming)
  for (const [name, value] of Object.entries(ServerTiming.toSpanAttributes(serverTiming))) {
    callSpan.attribute(name, value)
  }
  const { accept } = facts.prepared
  const status = response.status
  const toResponse = (data: unknown): ReinferResponse<unknown> => ({
    data,
    url: facts.context.url,
    status,
    headers,
    serverTiming,
    attempts: facts.context.attempts
  })
  const transportError = transportErrorOf(facts)
  if (status >= 200 && status < 300 && accept !== "application/json") {
    return accept.startsWith("text/")
      ? Effect.mapBoth(response.text, { onFailure: transportError, onSuccess: toResponse })
      : Effect.mapBoth(response.arrayBuffer, {
        onFailure: transportError,
        onSuccess: (bytes) => toResponse(new Uint8Array(bytes))
      })
  }
  return Effect.flatMap(
    Effect.mapError(response.text, transportError),
    (body) => Effect.map(settle(status, headers, serverTiming, body, facts, decoding), toResponse)
  )
}

// The success payload (decoded unless `raw`), or the error the answer amounts to.
const settle = (
  status: number,
  headers: Headers.Headers,
  serverTiming: ReadonlyArray<ServerTiming.Metric>,
  body: string,
  facts: AttemptFacts,
  decoding: Decoding
): Effect.Effect<unknown, ReinferCallError> => {
  const contentType = headers["content-type"]
  const envelope = decodeEnvelope({ status, contentType, body }, facts.secrets)
  if (Result.isSuccess(envelope)) {
    const { payload } = envelope.success
    const { response } = facts.prepared.operation
    if (response === undefined || decoding === "raw") return Effect.succeed(payload)
    return decodePayload(response, payload, status, facts)
  }
  return Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const answer = { ...facts.context, status, serverTiming }
    const retryAfter = parseRetryAfter(headers["retry-after"], now)
    const failure = envelope.failure
    return Effect.fail(
      failure._tag === "ErrorEnvelope"
        ? new ReinferApiError({ ...answer, serverMessage: failure.message, retryAfter })
        : new ReinferUnexpectedResponse({
          ...answer,
          contentType,
          reason: failure.reason,
          excerpt: failure.excerpt,
          retryAfter
        })
    )
  })
}

// A payload the compiled decoder vouches for is now its own decoding (fast-codec.ts); anything else is decoded
// with the schema, which also gives the error report when the payload is invalid.
const decodePayload = (
  schema: Schema.Top,
  payload: unknown,
  status: number,
  facts: AttemptFacts
): Effect.Effect<unknown, ReinferDecodeError> => {
  if (responseDecoder(schema.ast)?.(payload) === true) return Effect.succeed(payload)
  return decoderOf(schema)(payload, { errors: "all" }).pipe(Effect.mapError((error) => {
    // A schema message quotes the value it refused, which may be the token echoed back.
    const issues = summarizeSchemaError(error).map((issue) => ({
      path: issue.path,
      message: redactText(issue.message, facts.secrets)
    }))
    const first = issues[0]
    return new ReinferDecodeError({
      ...facts.context,
      status,
      path: first?.path ?? [],
      issue: first?.message ?? redactText(error.message, facts.secrets),
      issues,
      cause: safeCause(error, facts.secrets)
    })
  }))
}

// A retried DELETE that finds nothing most likely succeeded on an attempt whose answer was lost.
const deletedEarlier = (operation: OperationDefinition, error: ReinferCallError) => {
  const data = { status: "ok" as const }
  return Effect.succeed<ReinferResponse<unknown>>({
    data,
    url: error.url,
    status: error._tag === "ReinferApiError" ? error.status : 404,
    headers: Headers.empty,
    serverTiming: [],
    attempts: error._tag === "ReinferApiError" ? error.attempts : 0
  }).pipe(Effect.tap(() =>
    Effect.logDebug(`${operation.operationId}: 404 on a retried DELETE, counted as deleted by an earlier attempt`)
  ))
}

type Codec = (input: unknown, options?: SchemaAST.ParseOptions) => Effect.Effect<unknown, Schema.SchemaError>

// Making a decoder costs more than a small payload's decoding, so there is one per response schema.
const decoderOf = weakMemo((schema: Schema.Top): Codec => Schema.decodeUnknownEffect(schema as Schema.Codec<unknown, unknown>))
