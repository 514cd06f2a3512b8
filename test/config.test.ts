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
  optionsConfig,
  resolveEndpoint,
  resolveOptions,
  resolveToken,
  VERSION
} from "../src/config.ts"
import { ReinferConfigError } from "../src/errors.ts"
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

  describe("optionsConfig", () => {
    it.effect("reads REINFER_ENDPOINT and REINFER_TOKEN (as Redacted) from the environment", () =>
      Effect.gen(function*() {
        const options = yield* optionsConfig.parse(
          ConfigProvider.fromEnv({ env: { REINFER_ENDPOINT: "https://acme.reinfer.io", REINFER_TOKEN: TOKEN } })
        )
        assert.strictEqual(options.endpoint, "https://acme.reinfer.io")
        assert.isTrue(Redacted.isRedacted(options.token))
        assert.isUndefined(options.timeout)
        assert.isUndefined(options.userAgent)
        const resolved = yield* resolveOptions(options)
        assert.strictEqual(Redacted.value(resolved.token), TOKEN)
      }))

    it.effect("reads the optional REINFER_TIMEOUT and REINFER_USER_AGENT", () =>
      Effect.gen(function*() {
        const options = yield* optionsConfig.parse(
          ConfigProvider.fromUnknown({
            REINFER_ENDPOINT: "https://acme.reinfer.io",
            REINFER_TOKEN: TOKEN,
            REINFER_TIMEOUT: "90 seconds",
            REINFER_USER_AGENT: "acme-sync/2.0"
          })
        )
        const resolved = yield* resolveOptions(options)
        assert.strictEqual(Duration.toMillis(resolved.timeout), 90_000)
        assert.strictEqual(resolved.userAgent, "acme-sync/2.0")
      }))

    it.effect("fails with a ConfigError when a required key is missing or the timeout is not a duration", () =>
      Effect.gen(function*() {
        const missing = yield* optionsConfig.parse(ConfigProvider.fromUnknown({ REINFER_ENDPOINT: "https://a.reinfer.io" })).pipe(
          Effect.flip
        )
        assert.strictEqual(missing._tag, "ConfigError")
        const badTimeout = yield* optionsConfig.parse(
          ConfigProvider.fromUnknown({ REINFER_ENDPOINT: "https://a.reinfer.io", REINFER_TOKEN: TOKEN, REINFER_TIMEOUT: "soon" })
        ).pipe(Effect.flip)
        assert.strictEqual(badTimeout._tag, "ConfigError")
        assert.notInclude(String(badTimeout), TOKEN)
      }))
  })

  it("VERSION matches package.json", () => {
    const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    assert.strictEqual(VERSION, packageJson.version)
  })
})
