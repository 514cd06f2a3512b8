/**
 * Tests of the layer options: endpoint checks (https only, except loopback; no credentials; path prefix kept),
 * token normalisation to Redacted without ever echoing it, defaults, and reading REINFER_* through Config.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Redacted } from "effect"
import { readFileSync } from "node:fs"
import {
  DEFAULT_TIMEOUT,
  DEFAULT_USER_AGENT,
  MIN_TOKEN_LENGTH,
  optionsFromEnvironment,
  resolveEndpoint,
  resolveOptions,
  resolveToken,
  VERSION
} from "../src/config.ts"
import { ReinferConfigError } from "../src/errors.ts"
import { redactText } from "../src/internal/redact.ts"
import { DEFAULT_RETRY_OPTIONS } from "../src/retry.ts"

const TOKEN = "tok-5e4d3c2b1a0f9e8d7c6b"

/** The ReinferConfigError an effect fails with (fails the test if it succeeds). */
const configError = <A>(effect: Effect.Effect<A, ReinferConfigError>) =>
  Effect.flip(effect).pipe(Effect.tap((error) => Effect.sync(() => assert.instanceOf(error, ReinferConfigError))))

describe("Config", () => {
  describe("resolveEndpoint", () => {
    it.effect("accepts https and keeps the path prefix", () =>
      Effect.gen(function*() {
        assert.strictEqual((yield* resolveEndpoint("https://acme.reinfer.io")).href, "https://acme.reinfer.io/")
        assert.strictEqual(
          (yield* resolveEndpoint("  https://cloud.uipath.com/acme/prod/reinfer_ ")).href,
          "https://cloud.uipath.com/acme/prod/reinfer_"
        )
        assert.strictEqual(
          (yield* resolveEndpoint(new URL("https://cloud.uipath.com/acme/prod/reinfer_/"))).href,
          "https://cloud.uipath.com/acme/prod/reinfer_/"
        )
      }))

    it.effect("accepts plain http for loopback hosts only", () =>
      Effect.gen(function*() {
        for (
          const endpoint of [
            "http://localhost:8080",
            "http://LOCALHOST",
            "http://127.0.0.1:3000/prefix",
            "http://127.255.0.9",
            "http://127.1",
            "http://[::1]:9000",
            "http://[0:0:0:0:0:0:0:1]"
          ]
        ) {
          const url = yield* resolveEndpoint(endpoint)
          assert.strictEqual(url.protocol, "http:", endpoint)
        }
      }))

    it.effect("refuses plain http to any other host, saying why", () =>
      Effect.gen(function*() {
        for (
          const endpoint of [
            "http://acme.reinfer.io",
            "http://10.0.0.1",
            "http://128.0.0.1",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "http://[::2]",
            "http://0.0.0.0"
          ]
        ) {
          const error = yield* configError(resolveEndpoint(endpoint))
          assert.strictEqual(error.setting, "endpoint", endpoint)
          assert.match(error.issue, /^must use https: plain http would send the token in clear text/, endpoint)
        }
      }))

    it.effect("refuses other schemes and text that is not an absolute URL", () =>
      Effect.gen(function*() {
        assert.strictEqual(
          (yield* configError(resolveEndpoint("ftp://acme.reinfer.io"))).message,
          "Invalid endpoint: must use https, got ftp:"
        )
        assert.match((yield* configError(resolveEndpoint("acme.reinfer.io/api"))).issue, /must be an absolute URL/)
        assert.match((yield* configError(resolveEndpoint(""))).issue, /must be an absolute URL/)
      }))

    it.effect("refuses credentials in the URL without repeating them", () =>
      Effect.gen(function*() {
        const error = yield* configError(resolveEndpoint(`https://bot:${TOKEN}@acme.reinfer.io`))
        assert.match(error.issue, /must not contain a user name or password/)
        for (const text of [error.message, String(error), JSON.stringify(error)]) assert.notInclude(text, TOKEN)
      }))

    it.effect("refuses a query string or fragment, redacting secret-looking values", () =>
      Effect.gen(function*() {
        const error = yield* configError(resolveEndpoint(`https://acme.reinfer.io/?token=${TOKEN}`))
        assert.match(error.issue, /must not have a query string or fragment/)
        assert.notInclude(error.message, TOKEN)
        assert.match((yield* configError(resolveEndpoint("https://acme.reinfer.io/#x"))).issue, /fragment/)
      }))
  })

  describe("resolveToken", () => {
    it.effect("wraps a plain or Redacted token in Redacted, trimming a trailing newline", () =>
      Effect.gen(function*() {
        for (const token of [TOKEN, `${TOKEN}\n`, Redacted.make(` ${TOKEN} `)]) {
          const redacted = yield* resolveToken(token)
          assert.isTrue(Redacted.isRedacted(redacted))
          assert.strictEqual(Redacted.value(redacted), TOKEN)
          assert.strictEqual(String(redacted), "<redacted>")
        }
      }))

    it.effect("refuses an empty token, a Bearer prefix and inner whitespace, never echoing the token", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<readonly [string, RegExp]> = [
          ["", /must not be empty/],
          ["   ", /must not be empty/],
          [`Bearer ${TOKEN}`, /without the "Bearer " prefix/],
          [`${TOKEN} ${TOKEN}`, /whitespace or control characters/],
          [`${TOKEN}\r\nX-Injected: 1`, /whitespace or control characters/]
        ]
        for (const [token, issue] of cases) {
          const error = yield* configError(resolveToken(token))
          assert.strictEqual(error.setting, "token")
          assert.match(error.issue, issue)
          for (const text of [error.message, String(error), JSON.stringify(error)]) assert.notInclude(text, TOKEN)
        }
      }))
  })

  describe("resolveOptions", () => {
    it.effect("applies the defaults: 60 s per attempt, the library user agent, default retries", () =>
      Effect.gen(function*() {
        const options = yield* resolveOptions({ endpoint: "https://acme.reinfer.io", token: TOKEN })
        assert.strictEqual(options.endpoint.href, "https://acme.reinfer.io/")
        assert.strictEqual(Redacted.value(options.token), TOKEN)
        assert.strictEqual(Duration.toMillis(options.timeout), 60_000)
        assert.strictEqual(options.timeout, DEFAULT_TIMEOUT)
        assert.strictEqual(options.userAgent, `effect-reinfer/${VERSION}`)
        assert.strictEqual(options.userAgent, DEFAULT_USER_AGENT)
        assert.deepStrictEqual(options.retry, DEFAULT_RETRY_OPTIONS)
        assert.notInclude(JSON.stringify(options), TOKEN)
      }))

    it.effect("keeps what was given", () =>
      Effect.gen(function*() {
        const options = yield* resolveOptions({
          endpoint: "http://127.0.0.1:4010/prefix",
          token: Redacted.make(TOKEN),
          retry: false,
          timeout: "2 minutes",
          userAgent: "acme-sync/2.0"
        })
        assert.isFalse(options.retry)
        assert.strictEqual(Duration.toMillis(options.timeout), 120_000)
        assert.strictEqual(options.userAgent, "acme-sync/2.0")
        const retried = yield* resolveOptions({ endpoint: "https://a.reinfer.io", token: TOKEN, retry: { maxRetries: 7 } })
        assert.strictEqual(retried.retry === false ? undefined : retried.retry.maxRetries, 7)
        const unlimited = yield* resolveOptions({ endpoint: "https://a.reinfer.io", token: TOKEN, timeout: "Infinity" })
        assert.isFalse(Duration.isFinite(unlimited.timeout))
      }))

    it.effect("refuses bad retry options, timeouts and user agents, naming the setting", () =>
      Effect.gen(function*() {
        const base = { endpoint: "https://acme.reinfer.io", token: TOKEN }
        assert.strictEqual((yield* configError(resolveOptions({ ...base, retry: { maxRetries: -1 } }))).setting, "retry.maxRetries")
        assert.strictEqual((yield* configError(resolveOptions({ ...base, timeout: 0 }))).setting, "timeout")
        assert.strictEqual((yield* configError(resolveOptions({ ...base, timeout: "-5 seconds" }))).setting, "timeout")
        assert.strictEqual((yield* configError(resolveOptions({ ...base, userAgent: " " }))).setting, "userAgent")
        assert.strictEqual((yield* configError(resolveOptions({ ...base, userAgent: "a\r\nb: c" }))).setting, "userAgent")
        assert.strictEqual((yield* configError(resolveOptions({ ...base, endpoint: "http://acme.reinfer.io" }))).setting, "endpoint")
        assert.strictEqual((yield* configError(resolveOptions({ ...base, token: "" }))).setting, "token")
      }))
  })

  describe("optionsFromEnvironment", () => {
    const fromVariables = (variables: Record<string, string>) =>
      optionsFromEnvironment.pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: variables }))))

    it.effect("reads REINFER_ENDPOINT and REINFER_TOKEN (as Redacted) from the environment", () =>
      Effect.gen(function*() {
        const options = yield* fromVariables({ REINFER_ENDPOINT: "https://acme.reinfer.io", REINFER_TOKEN: TOKEN })
        assert.strictEqual(options.endpoint, "https://acme.reinfer.io")
        assert.isTrue(Redacted.isRedacted(options.token))
        assert.isUndefined(options.timeout)
        assert.isUndefined(options.userAgent)
        const resolved = yield* resolveOptions(options)
        assert.strictEqual(Redacted.value(resolved.token), TOKEN)
      }))

    it.effect("reads the optional REINFER_TIMEOUT and REINFER_USER_AGENT", () =>
      Effect.gen(function*() {
        const options = yield* fromVariables({
          REINFER_ENDPOINT: "https://acme.reinfer.io",
          REINFER_TOKEN: TOKEN,
          REINFER_TIMEOUT: " 90 seconds ",
          REINFER_USER_AGENT: "acme-sync/2.0"
        })
        const resolved = yield* resolveOptions(options)
        assert.strictEqual(Duration.toMillis(resolved.timeout), 90_000)
        assert.strictEqual(resolved.userAgent, "acme-sync/2.0")
      }))

    // Defect 6 of issue 11: a missing variable was `ConfigError(SchemaError(Expected string at ["REINFER_ENDPOINT"]))`.
    it.effect("names a missing variable and what it must hold", () =>
      Effect.gen(function*() {
        const noEndpoint = yield* configError(fromVariables({}))
        assert.strictEqual(noEndpoint.setting, "REINFER_ENDPOINT")
        assert.strictEqual(
          noEndpoint.message,
          "Invalid REINFER_ENDPOINT: is not set; set it to the tenant's base URL, such as https://<tenant>.reinfer.io"
        )
        const noToken = yield* configError(fromVariables({ REINFER_ENDPOINT: "https://acme.reinfer.io" }))
        assert.strictEqual(noToken.message, "Invalid REINFER_TOKEN: is not set; set it to an API token")
      }))

    it.effect("says what form REINFER_TIMEOUT takes when it is a bare number or a word", () =>
      Effect.gen(function*() {
        for (const timeout of ["30", "soon"]) {
          const error = yield* configError(
            fromVariables({ REINFER_ENDPOINT: "https://a.reinfer.io", REINFER_TOKEN: TOKEN, REINFER_TIMEOUT: timeout })
          )
          assert.strictEqual(error.setting, "REINFER_TIMEOUT")
          assert.strictEqual(
            error.issue,
            `must be a duration such as "90 seconds" or "2 minutes", got ${JSON.stringify(timeout)}`
          )
          assert.notInclude(error.message, TOKEN)
        }
      }))
  })

  // Defect 7 of issue 11: redacting a one-letter token turned "bad port" into "bad por<redacted>".
  describe("short tokens", () => {
    it.effect("are refused, so that redaction only ever removes a real token", () =>
      Effect.gen(function*() {
        for (const token of ["t", "t0ken", "x".repeat(MIN_TOKEN_LENGTH - 1)]) {
          const error = yield* configError(resolveToken(token))
          // The exact message also shows the token is not echoed.
          assert.strictEqual(
            error.message,
            `Invalid token: is ${token.length} characters long; an API token has at least ${MIN_TOKEN_LENGTH}`
          )
        }
        const shortest = "x".repeat(MIN_TOKEN_LENGTH)
        assert.strictEqual(Redacted.value(yield* resolveToken(shortest)), shortest)
      }))

    it("redaction of an accepted token removes exact occurrences and leaves other text alone", () => {
      const token = "port-4f3e2d1c"
      assert.isAtLeast(token.length, MIN_TOKEN_LENGTH)
      const text = `bad port; token ${token}, again ${encodeURIComponent(token)}; Bearer ${token}; report`
      assert.strictEqual(
        redactText(text, [Redacted.make(token)]),
        "bad port; token <redacted>, again <redacted>; Bearer <redacted>; report"
      )
    })
  })

  it("VERSION matches package.json", () => {
    const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    assert.strictEqual(VERSION, packageJson.version)
  })
})
