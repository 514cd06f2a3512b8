/**
 * The `ReinferClient` service: one method per operation of the spec, built from the generated operation table.
 *
 * A call validates and encodes its input (`request.ts`), then sends attempts until one succeeds or the retry
 * policy (`retry.ts`) gives up. Each attempt gets its own HTTP client span (`tracing.ts`); its answer is sorted
 * into a decoded payload, a Re:infer error, or "not a Re:infer response" (`envelope.ts`, `errors.ts`).
 *
 * @since 0.1.0
 */
import { Clock, Context, Duration, Effect, Layer, Option, Result, type Schedule, Schema, type SchemaAST } from "effect"
import { FetchHttpClient, Headers, HttpClient, HttpClientRequest, HttpTraceContext } from "effect/http"
import type { OperationTypes } from "../generated/client-shape.ts"
import { type OperationDefinition, type OperationId, operations } from "../generated/operations.ts"
import { optionsFromEnvironment, type ReinferOptions, type ResolvedOptions, resolveOptions } from "./config.ts"
import { decodeEnvelope } from "./envelope.ts"
import {
  ReinferApiError,
  type ReinferConfigError,
  ReinferDecodeError,
  type ReinferCallError,
  ReinferRequestError,
  ReinferTransportError,
  ReinferUnexpectedResponse,
  summarizeSchemaError
} from "./errors.ts"
import { responseDecoder } from "./internal/fast-codec.ts"
import { redactHeaders, redactText } from "./internal/redact.ts"
import { classifyTransportError, describeTransportError, safeCause } from "./internal/transport-failure.ts"
import { invalidInput, type PreparedRequest, prepareRequest } from "./request.ts"
import {
  deleteNotFoundIsSuccess,
  mergeRetryOptions,
  parseRetryAfter,
  resolveRetryOptions,
  type RetryOptions,
  scheduleOf
} from "./retry.ts"
import * as ServerTiming from "./server-timing.ts"
import { attemptAttributes, attemptSpanName, callSpanName, recordFailure, recordResponse } from "./tracing.ts"

/**
 * Options for one call; each one overrides the layer's setting for this call only.
 *
 * @since 0.1.0
 * @category configuration
 */
export interface CallOptions {
  /**
   * Retry options laid over the layer's (a field set here wins); `false` turns retries off for this call.
   * Operations the spec does not mark safe are never retried, whatever this says.
   * @default the layer's `retry`
   */
  readonly retry?: RetryOptions | false | undefined
  /**
   * How long one attempt may take.
   * @default the layer's `timeout` ("60 seconds" unless set)
   */
  readonly timeout?: Duration.Input | undefined
  /** Extra request headers (an `authorization` header here is ignored: the layer's token is always used). */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

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
    return {
      ...(methods as ReinferMethods),
      withResponse: withResponse as ReinferMethodsWithResponse,
      raw: raw as ReinferMethodsRaw,
      execute: execute as ReinferClientShape["execute"],
      endpoint: resolved.endpoint
    }
  })

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

const makeExecute = (settings: ResolvedOptions, http: HttpClient.HttpClient) =>
(
  operationId: OperationId,
  input: unknown,
  callOptions: CallOptions = {},
  decoding: Decoding = "decode"
): Effect.Effect<ReinferResponse<unknown>, ReinferCallError> => {
  const operation = operations[operationId] as OperationDefinition
  return Effect.gen(function*() {
    const prepared = yield* prepareRequest(operation, input, settings, { headers: callOptions.headers })
    const timeout = yield* resolveCallTimeout(operation, prepared, settings, callOptions)
    const schedule = yield* resolveCallSchedule(operation, prepared, settings, callOptions)

    let attempt = 0
    let lastServerTiming: ReadonlyArray<ServerTiming.Metric> = []
    const once = Effect.suspend(() => {
      attempt += 1
      return sendAttempt(http, prepared, settings, attempt, timeout, decoding, (metrics) => {
        lastServerTiming = metrics
      })
    })
    // Most calls succeed at once, so the retry driver is only set up after a first failure; that failure is
    // replayed to it as its first input, so Retry-After and the retry count see exactly what they would otherwise.
    const retried = schedule === undefined ? once : Effect.catch(once, (first) => {
      let replay: ReinferCallError | undefined = first
      const next = Effect.suspend(() => {
        if (replay === undefined) return once
        const failure = replay
        replay = undefined
        return Effect.fail(failure)
      })
      return Effect.retry(next, schedule)
    })
    return yield* retried.pipe(
      Effect.catchIf(deleteNotFoundIsSuccess, (error) => deletedEarlier(operation, error)),
      // The call's span carries the last attempt's Server-Timing, whether the call succeeded or not.
      Effect.ensuring(Effect.suspend(() =>
        Effect.annotateCurrentSpan({ ...ServerTiming.toSpanAttributes(lastServerTiming), "reinfer.attempts": attempt })
      ))
    )
  }).pipe(
    Effect.withSpan(
      callSpanName(operationId),
      {
        attributes: {
          "reinfer.operation_id": operationId,
          "http.request.method": operation.method,
          "url.template": operation.path
        }
      },
      // A captured stack would point into this file, not at the caller, and capturing one costs more than the
      // rest of the call's own work.
      { captureStackTrace: false }
    )
  )
}

const sendAttempt = (
  http: HttpClient.HttpClient,
  prepared: PreparedRequest,
  settings: ResolvedOptions,
  attempt: number,
  timeout: Duration.Duration,
  decoding: Decoding,
  onServerTiming: (metrics: ReadonlyArray<ServerTiming.Metric>) => void
): Effect.Effect<ReinferResponse<unknown>, ReinferCallError> => {
  const { operation } = prepared
  const secrets = [settings.token]
  const context = {
    operationId: operation.operationId,
    method: operation.method,
    url: prepared.redactedUrl.href,
    route: operation.path,
    attempts: attempt
  }
  const transportError = (cause: unknown) =>
    new ReinferTransportError({
      ...context,
      reason: classifyTransportError(cause),
      detail: describeTransportError(cause, secrets),
      cause: safeCause(cause, secrets)
    })

  return Effect.useSpan(
    attemptSpanName(operation.method, operation.path),
    {
      kind: "client",
      attributes: attemptAttributes({
        method: operation.method,
        pathTemplate: operation.path,
        url: prepared.redactedUrl,
        attempt
      })
    },
    (span) =>
      Effect.gen(function*() {
        // Our span replaces the HttpClient's own, so it propagates the trace context itself.
        const request = HttpClientRequest.setHeaders(prepared.request, HttpTraceContext.toHeaders(span))
        const response = yield* http.execute(request).pipe(
          Effect.provideService(HttpClient.TracerDisabledWhen, () => true),
          Effect.mapError(transportError)
        )
        // Every value derived from a header comes from this redacted copy: a server echoing the token in a header
        // must not put it into an error, a log line or a span. (Some transports, undici, also build the headers
        // object anew on every read of `response.headers`.)
        const headers = redactHeaders(response.headers, secrets)
        const serverTiming = ServerTiming.parse(headers["server-timing"])
        onServerTiming(serverTiming)
        recordResponse(span, response.status, serverTiming)
        const respond = (data: unknown): ReinferResponse<unknown> => ({
          data,
          url: context.url,
          status: response.status,
          headers,
          serverTiming,
          attempts: attempt
        })
        const successful = response.status >= 200 && response.status < 300

        if (successful && prepared.accept !== "application/json") {
          if (prepared.accept.startsWith("text/")) return respond(yield* Effect.mapError(response.text, transportError))
          const bytes = yield* Effect.mapError(response.arrayBuffer, transportError)
          return respond(new Uint8Array(bytes))
        }

        const body = yield* Effect.mapError(response.text, transportError)
        const contentType = headers["content-type"]
        const envelope = decodeEnvelope({ status: response.status, contentType, body }, secrets)
        if (Result.isFailure(envelope)) {
          const now = yield* Clock.currentTimeMillis
          const retryAfter = parseRetryAfter(headers["retry-after"], now)
          const failure = envelope.failure
          return yield* failure._tag === "ErrorEnvelope"
            ? new ReinferApiError({
              ...context,
              status: response.status,
              serverMessage: failure.message,
              serverTiming,
              retryAfter
            })
            : new ReinferUnexpectedResponse({
              ...context,
              status: response.status,
              contentType,
              reason: failure.reason,
              excerpt: failure.excerpt,
              serverTiming,
              retryAfter
            })
        }
        const { payload } = envelope.success
        if (operation.response === undefined || decoding === "raw") return respond(payload)
        // A payload the compiled decoder vouches for is now its own decoding (fast-codec.ts); anything else is
        // decoded with the schema, which also gives the error report when the payload is invalid.
        if (responseDecoder(operation.response.ast)?.(payload) === true) return respond(payload)
        const decode = decoderOf(operation.response)
        const decoded = yield* decode(payload, { errors: "all" }).pipe(Effect.mapError((error) => {
          // A schema message quotes the value it refused, which may be the token echoed back.
          const issues = summarizeSchemaError(error).map((issue) => ({
            path: issue.path,
            message: redactText(issue.message, secrets)
          }))
          const first = issues[0]
          return new ReinferDecodeError({
            ...context,
            status: response.status,
            path: first?.path ?? [],
            issue: first?.message ?? redactText(error.message, secrets),
            issues,
            cause: safeCause(error, secrets)
          })
        }))
        return respond(decoded)
      }).pipe(
        Effect.timeoutOrElse({
          duration: timeout,
          orElse: () =>
            Effect.fail(
              new ReinferTransportError({
                ...context,
                reason: "Timeout",
                detail: `no complete answer within ${Duration.format(timeout)}`
              })
            )
        }),
        Effect.tapError((error) =>
          Effect.sync(() => recordFailure(span, error)).pipe(
            Effect.andThen(Effect.logDebug(`Attempt ${attempt} failed: ${error.message}`))
          )
        ),
        Effect.withParentSpan(span, { captureStackTrace: false })
      )
  )
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

const resolveCallTimeout = (
  operation: OperationDefinition,
  prepared: PreparedRequest,
  settings: ResolvedOptions,
  callOptions: CallOptions
): Effect.Effect<Duration.Duration, ReinferRequestError> => {
  if (callOptions.timeout === undefined) return Effect.succeed(settings.timeout)
  const decoded = Duration.fromInput(callOptions.timeout)
  return Option.isSome(decoded) && Duration.isPositive(decoded.value)
    ? Effect.succeed(decoded.value)
    : Effect.fail(callOptionError(operation, prepared, "options.timeout", "must be a positive duration"))
}

const resolveCallSchedule = (
  operation: OperationDefinition,
  prepared: PreparedRequest,
  settings: ResolvedOptions,
  callOptions: CallOptions
) => {
  // Checked on every operation, so that a wrong option shows on its first call, not on the first retry-safe one.
  if (callOptions.retry !== undefined && callOptions.retry !== false) {
    const checked = resolveRetryOptions(callOptions.retry)
    if (Result.isFailure(checked)) {
      const { field, issue } = checked.failure
      return Effect.fail(callOptionError(operation, prepared, `options.${field}`, issue))
    }
  }
  // Unsafe operations are sent exactly once, whatever the options say.
  if (!operation.retry.safe) return Effect.succeed(undefined)
  // Without call options the schedule depends only on the layer's options and the operation's retry definition,
  // so it is made once for each pair instead of on every call.
  const layerSchedules = callOptions.retry === undefined ? layerSchedulesOf(settings) : undefined
  if (layerSchedules?.has(operation.retry)) return Effect.succeed(layerSchedules.get(operation.retry))
  const merged = mergeRetryOptions(settings.retry === false ? false : settings.retry, callOptions.retry)
  if (merged === false) {
    layerSchedules?.set(operation.retry, undefined)
    return Effect.succeed(undefined)
  }
  const resolved = resolveRetryOptions(merged)
  if (Result.isFailure(resolved)) {
    return Effect.fail(
      callOptionError(operation, prepared, `options.${resolved.failure.field}`, resolved.failure.issue)
    )
  }
  const schedule = scheduleOf(resolved.success, operation.retry)
  layerSchedules?.set(operation.retry, schedule)
  return Effect.succeed(schedule)
}

type LayerSchedules = Map<object, Schedule.Schedule<unknown, ReinferCallError> | undefined>
const schedulesByLayer = new WeakMap<ResolvedOptions, LayerSchedules>()
const layerSchedulesOf = (settings: ResolvedOptions) => {
  let schedules = schedulesByLayer.get(settings)
  if (schedules === undefined) {
    schedules = new Map()
    schedulesByLayer.set(settings, schedules)
  }
  return schedules
}

type Codec = (input: unknown, options?: SchemaAST.ParseOptions) => Effect.Effect<unknown, Schema.SchemaError>

// Making a decoder costs more than a small payload's decoding, so there is one per response schema.
const decoders = new WeakMap<Schema.Top, Codec>()
const decoderOf = (schema: Schema.Top): Codec => {
  let decoder = decoders.get(schema)
  if (decoder === undefined) {
    decoder = Schema.decodeUnknownEffect(schema as Schema.Codec<unknown, unknown>)
    decoders.set(schema, decoder)
  }
  return decoder
}

const callOptionError = (operation: OperationDefinition, prepared: PreparedRequest, field: string, issue: string) =>
  invalidInput(operation, { url: prepared.redactedUrl.href }, field, issue)
