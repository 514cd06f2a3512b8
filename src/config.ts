/**
 * The options a client layer is built from: endpoint, token, retries, per-attempt timeout and user agent.
 *
 * `resolveOptions` checks them once, when the layer is built, and fails with a `ReinferConfigError` naming the
 * setting: the endpoint must be an absolute `https` URL (plain `http` only for loopback hosts, so a token never
 * crosses a network in clear text), without credentials, query or fragment; its path is kept as a prefix
 * (UiPath tenants live under `/<org>/<tenant>/reinfer_`). The token becomes `Redacted` at once.
 * `optionsFromEnvironment` reads the same options from `REINFER_*` variables through Effect's `Config`, naming a
 * missing one.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type * as HttpClient from "effect/http/HttpClient"
import { ReinferConfigError } from "./errors.ts"
import { redactUrl } from "./internal/redact.ts"
import { resolveRetryOptions, type ResolvedRetryOptions, type RetryOptions } from "./retry.ts"

/**
 * What a client layer needs. Only `endpoint` and `token` are required.
 *
 * **Example**
 *
 * ```ts
 * import { Redacted } from "effect"
 * import type { ReinferOptions } from "effect-reinfer"
 *
 * const options: ReinferOptions = {
 *   endpoint: "https://cloud.uipath.com/acme/production/reinfer_",
 *   token: Redacted.make(process.env["REINFER_TOKEN"] ?? ""),
 *   retry: { maxRetries: 5 },
 *   timeout: "2 minutes"
 * }
 * ```
 *
 * @since 0.1.0
 * @category configuration
 */
export interface ReinferOptions {
  /**
   * The tenant's base URL, such as `https://acme.reinfer.io` or `https://cloud.uipath.com/<org>/<tenant>/reinfer_`.
   * Must be `https`, except for loopback hosts (`localhost`, 127.0.0.0/8, `::1`), which may use `http`.
   */
  readonly endpoint: string | URL
  /** The API token, sent as `Authorization: Bearer <token>`. Kept `Redacted` from here on. */
  readonly token: string | Redacted.Redacted<string>
  /**
   * How safe operations are retried; `false` turns retries off.
   * @default { maxRetries: 3, baseDelay: "250 millis", maxDelay: "8 seconds", retryAfterCap: "60 seconds" }
   */
  readonly retry?: RetryOptions | false | undefined
  /**
   * How long one attempt may take before it fails with a `Timeout` transport error (retried like one).
   * @default "60 seconds"
   */
  readonly timeout?: Duration.Input | undefined
  /**
   * The `User-Agent` header.
   * @default "effect-reinfer/0.1.0"
   */
  readonly userAgent?: string | undefined
  /**
   * Middleware over the `HttpClient` every attempt is sent with: add a header, log or meter requests, route
   * through a proxy-aware client. It runs inside each attempt's span, after the client has set its headers, so it
   * sees the `authorization` header: keep it out of anything you log.
   *
   * **Example**
   *
   * ```ts
   * import { HttpClient, HttpClientRequest } from "effect/http"
   *
   * const tagged = (client: HttpClient.HttpClient) =>
   *   HttpClient.mapRequest(client, HttpClientRequest.setHeader("x-tenant-region", "eu"))
   * ```
   *
   * @default the client as provided
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Options after `resolveOptions`: every default applied, the endpoint parsed, the token `Redacted`.
 *
 * @internal
 * @since 0.1.0
 * @category configuration
 */
export interface ResolvedOptions {
  readonly endpoint: URL
  readonly token: Redacted.Redacted<string>
  readonly retry: ResolvedRetryOptions | false
  readonly timeout: Duration.Duration
  readonly userAgent: string
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * 60 s per attempt. A Re:infer call normally answers in well under a second (its Server-Timing `total` is
 * usually tens of milliseconds) and even large syncs and exports take seconds, so a minute leaves ample room
 * while a hung connection fails in one minute rather than the Rust client's 240 s (16 minutes with its
 * retries). Raise it per call for exceptionally large requests.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_TIMEOUT: Duration.Duration = Duration.seconds(60)

/**
 * The library's version, sent in the default user agent. A test keeps it equal to package.json's `version`.
 *
 * @since 0.1.0
 * @category configuration
 */
export const VERSION = "0.1.0"

/**
 * `effect-reinfer/<version>`, so platform operators can tell this client's traffic apart.
 *
 * @since 0.1.0
 * @category configuration
 */
export const DEFAULT_USER_AGENT = `effect-reinfer/${VERSION}`

/**
 * Checks an endpoint and returns it as a `URL`: absolute, `https` (or `http` to a loopback host), without user
 * name, password, query or fragment. The path is kept; the client appends routes to it.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const resolveEndpoint = (endpoint: string | URL): Effect.Effect<URL, ReinferConfigError> =>
  Effect.suspend(() => {
    const text = typeof endpoint === "string" ? endpoint.trim() : endpoint.href
    const invalid = (issue: string) => Effect.fail(new ReinferConfigError({ setting: "endpoint", issue }))
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return invalid(
        `must be an absolute URL such as https://<tenant>.reinfer.io, got ${JSON.stringify(redactUrl(text))}`
      )
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return invalid(`must use https, got ${url.protocol}`)
    }
    if (url.username !== "" || url.password !== "") {
      return invalid("must not contain a user name or password; pass the API token as `token`")
    }
    if (url.search !== "" || url.hash !== "") {
      return invalid(`must not have a query string or fragment, got ${redactUrl(url)}`)
    }
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
      return invalid(
        `must use https: plain http would send the token in clear text, and is only allowed for loopback hosts (localhost, 127.0.0.0/8, ::1), got ${
          redactUrl(url)
        }`
      )
    }
    return Effect.succeed(url)
  })

/**
 * The shortest token accepted. Re:infer's API tokens are long random strings; a shorter value is a mistake (a
 * variable holding something else), and redacting it from every message would mangle ordinary text, since a
 * short string turns up by chance (a token `t` would turn "bad port" into "bad por<redacted>").
 *
 * @since 0.1.0
 * @category configuration
 */
export const MIN_TOKEN_LENGTH = 12

/**
 * Checks a token and wraps it in `Redacted`: surrounding whitespace (a trailing newline from a file) is trimmed;
 * an empty token, one shorter than `MIN_TOKEN_LENGTH`, or one with inner whitespace or control characters is
 * refused, without echoing it.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const resolveToken = (
  token: string | Redacted.Redacted<string>
): Effect.Effect<Redacted.Redacted<string>, ReinferConfigError> =>
  Effect.suspend(() => {
    const value = (Redacted.isRedacted(token) ? Redacted.value(token) : token).trim()
    const invalid = (issue: string) => Effect.fail(new ReinferConfigError({ setting: "token", issue }))
    if (value === "") return invalid("must not be empty")
    if (value.length < MIN_TOKEN_LENGTH) {
      return invalid(`is ${value.length} characters long; an API token has at least ${MIN_TOKEN_LENGTH}`)
    }
    if (/^bearer\s/i.test(value)) return invalid("must be the token alone, without the \"Bearer \" prefix")
    // A header value cannot hold control characters; whitespace inside means a copy-paste went wrong.
    if (/[\s\u0000-\u001f\u007f]/.test(value)) {
      return invalid("must not contain whitespace or control characters")
    }
    return Effect.succeed(Redacted.make(value))
  })

/**
 * Checks all options and applies the defaults; fails with a `ReinferConfigError` naming the first bad setting.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const resolveOptions = (options: ReinferOptions): Effect.Effect<ResolvedOptions, ReinferConfigError> =>
  Effect.gen(function*() {
    const endpoint = yield* resolveEndpoint(options.endpoint)
    const token = yield* resolveToken(options.token)
    const retry = options.retry === false ? false : yield* resolveRetry(options.retry)
    const timeout = yield* resolveTimeout(options.timeout)
    const userAgent = yield* resolveUserAgent(options.userAgent)
    if (options.transformClient !== undefined && typeof options.transformClient !== "function") {
      return yield* new ReinferConfigError({ setting: "transformClient", issue: "must be a function of an HttpClient" })
    }
    return { endpoint, token, retry, timeout, userAgent, transformClient: options.transformClient }
  })

// The configuration variables the client reads, and what each must hold, for the message when one is missing or
// malformed.
const ENVIRONMENT_VARIABLES = {
  endpoint: { name: "REINFER_ENDPOINT", expected: "the tenant's base URL, such as https://<tenant>.reinfer.io" },
  token: { name: "REINFER_TOKEN", expected: "an API token" },
  timeout: { name: "REINFER_TIMEOUT", expected: "a duration such as \"90 seconds\" or \"2 minutes\"" },
  userAgent: { name: "REINFER_USER_AGENT", expected: "a User-Agent value" }
} as const

/**
 * Reads `ReinferOptions` from the current `ConfigProvider` (the environment by default): `REINFER_ENDPOINT`,
 * `REINFER_TOKEN` (read as `Redacted`), and the optional `REINFER_TIMEOUT` and `REINFER_USER_AGENT`. A variable
 * that is missing or malformed is a `ReinferConfigError` naming it and saying what it must hold; the values are
 * then checked by `resolveOptions`, as options given in code are. Retries keep their defaults.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { optionsFromEnvironment, ReinferClient } from "effect-reinfer"
 *
 * // The environment's options, with a longer timeout for a batch job.
 * const client = Effect.flatMap(optionsFromEnvironment, (options) => ReinferClient.make({ ...options, timeout: "5 minutes" }))
 * ```
 *
 * @since 0.1.0
 * @category configuration
 */
export const optionsFromEnvironment: Effect.Effect<ReinferOptions, ReinferConfigError> = Effect.gen(function*() {
  const { endpoint, timeout, token, userAgent } = ENVIRONMENT_VARIABLES
  const read = <A>(config: Config.Config<A>): Effect.Effect<A, ReinferConfigError> =>
    Effect.mapError(
      Effect.gen(function*() {
        return yield* config
      }),
      (error) => new ReinferConfigError({ setting: "configuration", issue: `could not be read: ${error.message}` })
    )
  const missing = (variable: { readonly name: string; readonly expected: string }) =>
    new ReinferConfigError({ setting: variable.name, issue: `is not set; set it to ${variable.expected}` })
  const endpointValue = yield* read(Config.option(Config.String(endpoint.name)))
  if (Option.isNone(endpointValue)) return yield* missing(endpoint)
  const tokenValue = yield* read(Config.option(Config.Redacted(token.name)))
  if (Option.isNone(tokenValue)) return yield* missing(token)
  const timeoutText = yield* read(Config.option(Config.String(timeout.name)))
  let timeoutValue: Duration.Duration | undefined
  if (Option.isSome(timeoutText)) {
    const parsed = Duration.fromInput(timeoutText.value.trim() as Duration.Input)
    if (Option.isNone(parsed)) {
      return yield* new ReinferConfigError({
        setting: timeout.name,
        issue: `must be ${timeout.expected}, got ${JSON.stringify(timeoutText.value)}`
      })
    }
    timeoutValue = parsed.value
  }
  const userAgentValue = yield* read(Config.option(Config.String(userAgent.name)))
  const options: ReinferOptions = {
    endpoint: endpointValue.value,
    token: tokenValue.value,
    timeout: timeoutValue,
    userAgent: Option.getOrUndefined(userAgentValue)
  }
  return options
})

// 127.0.0.0/8, ::1 and localhost. The URL parser has already normalised `127.1`, `0x7f.0.0.1` and
// `[0:0:0:0:0:0:0:1]` to these forms and lower-cased the name.
const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

const resolveRetry = (retry: RetryOptions | undefined): Effect.Effect<ResolvedRetryOptions, ReinferConfigError> => {
  const resolved = resolveRetryOptions(retry)
  return Result.isSuccess(resolved)
    ? Effect.succeed(resolved.success)
    : Effect.fail(new ReinferConfigError({ setting: resolved.failure.field, issue: resolved.failure.issue }))
}

/**
 * Reads a per-attempt timeout: a positive duration (`"90 seconds"`, a number of milliseconds, a `Duration`,
 * `"Infinity"` for none), or why not. The layer's option and a call's both go through it.
 *
 * @internal
 * @since 0.1.0
 * @category parsing
 */
export const decodeTimeout = (timeout: Duration.Input): Result.Result<Duration.Duration, string> => {
  const decoded = Duration.fromInput(timeout)
  if (Option.isNone(decoded)) return Result.fail(`is not a duration: ${String(timeout)}`)
  if (!Duration.isPositive(decoded.value)) return Result.fail("must be a positive duration")
  return Result.succeed(decoded.value)
}

const resolveTimeout = (timeout: Duration.Input | undefined): Effect.Effect<Duration.Duration, ReinferConfigError> => {
  if (timeout === undefined) return Effect.succeed(DEFAULT_TIMEOUT)
  const decoded = decodeTimeout(timeout)
  return Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(new ReinferConfigError({ setting: "timeout", issue: decoded.failure }))
}

const resolveUserAgent = (userAgent: string | undefined): Effect.Effect<string, ReinferConfigError> => {
  if (userAgent === undefined) return Effect.succeed(DEFAULT_USER_AGENT)
  const value = userAgent.trim()
  if (value === "") return Effect.fail(new ReinferConfigError({ setting: "userAgent", issue: "must not be empty" }))
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return Effect.fail(new ReinferConfigError({ setting: "userAgent", issue: "must not contain control characters" }))
  }
  return Effect.succeed(value)
}
