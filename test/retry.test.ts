/**
 * Tests of the retry policy: which errors are retryable, Retry-After parsing, option defaults and merging, and
 * the schedule itself, stepped directly (delays, cap, jitter bounds, Retry-After, stopping) and driven by
 * `Effect.retry` under the TestClock (no real waiting anywhere).
 */
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Exit, Fiber, Pull, Random, Result, Schedule } from "effect"
import { TestClock } from "effect/testing"
import {
  ReinferApiError,
  ReinferDecodeError,
  type ReinferCallError,
  type ReinferErrorContext,
  ReinferRequestError,
  ReinferTransportError,
  ReinferUnexpectedResponse,
  type TransportReason
} from "../src/errors.ts"
import {
  DEFAULT_RETRY_OPTIONS,
  deleteNotFoundIsSuccess,
  isRetryable,
  makeSchedule,
  scheduleOf,
  mergeRetryOptions,
  parseRetryAfter,
  resolveRetryOptions,
  type ResolvedRetryOptions,
  type RetryDefinition,
  type RetryOptions
} from "../src/retry.ts"

const SAFE: RetryDefinition = { safe: true, conflict: false }
const SAFE_WITH_CONFLICT: RetryDefinition = { safe: true, conflict: true }
const UNSAFE: RetryDefinition = { safe: false, conflict: false }

const context: ReinferErrorContext = {
  operationId: "listSources",
  method: "GET",
  url: "https://acme.reinfer.io/api/v1/sources",
  route: "/api/v1/sources",
  attempts: 1
}

const api = (status: number, retryAfter?: Duration.Input, overrides: Partial<ReinferErrorContext> = {}) =>
  new ReinferApiError({
    ...context,
    ...overrides,
    status,
    serverMessage: "x",
    serverTiming: [],
    retryAfter: retryAfter === undefined ? undefined : Duration.fromInputUnsafe(retryAfter)
  })
const transport = (reason: TransportReason = "ConnectionReset") => new ReinferTransportError({ ...context, reason })
const unexpected = (status: number) =>
  new ReinferUnexpectedResponse({ ...context, status, contentType: "text/html", reason: "HtmlPage", excerpt: "<html>", serverTiming: [] })
const decode = new ReinferDecodeError({ ...context, status: 200, path: ["sources"], issue: "Expected array" })
const request = new ReinferRequestError({ ...context, attempts: 0, field: "project", issue: "must not be empty" })

const resolved = (options: RetryOptions = {}): ResolvedRetryOptions => Result.getOrThrow(resolveRetryOptions(options))

/** A Random whose every draw is `draw`: 0.5 makes the ±20 % jitter exactly ×1. */
const fixedRandom = (draw: number): Random.Random => ({ nextIntUnsafe: () => 0, nextDoubleUnsafe: () => draw })

/** Feeds `inputs` to a schedule one by one; each step gives its delay in ms, or "stop" when the schedule ends. */
const stepDelays = (
  schedule: Schedule.Schedule<unknown, ReinferCallError>,
  inputs: ReadonlyArray<ReinferCallError>
): Effect.Effect<ReadonlyArray<number | "stop">> =>
  Effect.gen(function*() {
    const step = yield* Schedule.toStep(schedule)
    const delays: Array<number | "stop"> = []
    for (const input of inputs) {
      const now = yield* Clock.currentTimeMillis
      const exit = yield* Effect.exit(step(now, input))
      if (Exit.isSuccess(exit)) {
        delays.push(Math.round(Duration.toMillis(exit.value[1]) * 1000) / 1000)
        continue
      }
      assert.isTrue(Pull.isDoneCause(exit.cause), "the schedule ended rather than failed")
      delays.push("stop")
      break
    }
    return delays
  })

describe("Retry", () => {
  describe("isRetryable", () => {
    it("retries transport errors except TLS failures and aborts", () => {
      const expected: ReadonlyArray<readonly [TransportReason, boolean]> = [
        ["ConnectionRefused", true],
        ["ConnectionReset", true],
        ["DnsLookupFailed", true],
        ["Timeout", true],
        ["Unknown", true],
        ["TlsFailure", false],
        ["Aborted", false]
      ]
      for (const [reason, retryable] of expected) assert.strictEqual(isRetryable(transport(reason), SAFE), retryable, reason)
    })

    it("retries API errors with 408, 429, 500, 502, 503, 504 only", () => {
      for (const status of [408, 429, 500, 502, 503, 504]) assert.isTrue(isRetryable(api(status), SAFE), String(status))
      for (const status of [400, 401, 403, 404, 409, 422, 501, 505]) {
        assert.isFalse(isRetryable(api(status), SAFE), String(status))
      }
    })

    it("retries 409 only where the operation's definition says conflict", () => {
      assert.isFalse(isRetryable(api(409), SAFE))
      assert.isTrue(isRetryable(api(409), SAFE_WITH_CONFLICT))
      assert.isTrue(isRetryable(unexpected(409), SAFE_WITH_CONFLICT))
    })

    it("retries a gateway's HTML 502/503/504 like an API error, but not an unexpected 2xx", () => {
      for (const status of [502, 503, 504]) assert.isTrue(isRetryable(unexpected(status), SAFE), String(status))
      assert.isFalse(isRetryable(unexpected(200), SAFE))
      assert.isFalse(isRetryable(unexpected(404), SAFE))
    })

    it("never retries decode or request errors", () => {
      assert.isFalse(isRetryable(decode, SAFE))
      assert.isFalse(isRetryable(request, SAFE))
    })

    it("never retries anything on an unsafe operation", () => {
      for (const error of [transport(), api(503), unexpected(502), api(409)]) {
        assert.isFalse(isRetryable(error, { safe: false, conflict: true }), error._tag)
      }
    })

    it("works data-last too", () => {
      assert.deepStrictEqual([api(503), api(400)].map(isRetryable(SAFE)), [true, false])
    })
  })

  describe("parseRetryAfter", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")

    it("reads whole seconds", () => {
      assert.strictEqual(Duration.toMillis(parseRetryAfter("120", now)!), 120_000)
      assert.strictEqual(Duration.toMillis(parseRetryAfter(" 5 ", now)!), 5_000)
      assert.strictEqual(Duration.toMillis(parseRetryAfter("0", now)!), 0)
    })

    it("reads an HTTP date as the time left from now, never negative", () => {
      assert.strictEqual(Duration.toMillis(parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now)!), 7_000)
      assert.strictEqual(Duration.toMillis(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)!), 0)
    })

    it("gives undefined when absent or malformed", () => {
      for (const header of [undefined, "", "soon", "-5", "1.5", "1e3", "Thursday"]) {
        assert.isUndefined(parseRetryAfter(header, now), String(header))
      }
    })
  })

  describe("deleteNotFoundIsSuccess", () => {
    it("counts a 404 on a retried DELETE as done", () => {
      assert.isTrue(deleteNotFoundIsSuccess(api(404, undefined, { method: "DELETE", attempts: 2 })))
      assert.isTrue(deleteNotFoundIsSuccess(api(404, undefined, { method: "delete", attempts: 4 })))
    })

    it("keeps every other failure a failure", () => {
      assert.isFalse(deleteNotFoundIsSuccess(api(404, undefined, { method: "DELETE", attempts: 1 })))
      assert.isFalse(deleteNotFoundIsSuccess(api(404, undefined, { method: "GET", attempts: 2 })))
      assert.isFalse(deleteNotFoundIsSuccess(api(500, undefined, { method: "DELETE", attempts: 2 })))
      assert.isFalse(deleteNotFoundIsSuccess(new ReinferUnexpectedResponse({
        ...context,
        method: "DELETE",
        attempts: 2,
        status: 404,
        contentType: "text/html",
        reason: "HtmlPage",
        excerpt: "",
        serverTiming: []
      })))
    })
  })

  describe("options", () => {
    it("default to 3 retries from 250 ms, capped at 8 s, Retry-After up to 60 s", () => {
      const defaults = resolved()
      assert.strictEqual(defaults.maxRetries, 3)
      assert.strictEqual(Duration.toMillis(defaults.baseDelay), 250)
      assert.strictEqual(Duration.toMillis(defaults.maxDelay), 8_000)
      assert.strictEqual(Duration.toMillis(defaults.retryAfterCap), 60_000)
      assert.isUndefined(defaults.schedule)
      assert.deepStrictEqual(defaults, DEFAULT_RETRY_OPTIONS)
    })

    it("take durations in any Duration form and allow an infinite cap", () => {
      const options = resolved({ maxRetries: 0, baseDelay: "1 second", maxDelay: Duration.minutes(1), retryAfterCap: "Infinity" })
      assert.strictEqual(options.maxRetries, 0)
      assert.strictEqual(Duration.toMillis(options.baseDelay), 1_000)
      assert.strictEqual(Duration.toMillis(options.maxDelay), 60_000)
      assert.isFalse(Duration.isFinite(options.retryAfterCap))
    })

    it("refuse unusable values, naming the option", () => {
      const cases: ReadonlyArray<readonly [RetryOptions, string]> = [
        [{ maxRetries: -1 }, "retry.maxRetries"],
        [{ maxRetries: 1.5 }, "retry.maxRetries"],
        [{ maxRetries: Number.NaN }, "retry.maxRetries"],
        [{ baseDelay: -5 }, "retry.baseDelay"],
        [{ baseDelay: "Infinity" }, "retry.baseDelay"],
        [{ maxDelay: "-1 seconds" }, "retry.maxDelay"],
        [{ retryAfterCap: "soon seconds" as Duration.Input }, "retry.retryAfterCap"]
      ]
      for (const [options, field] of cases) {
        const result = resolveRetryOptions(options)
        assert.isTrue(Result.isFailure(result), field)
        if (Result.isFailure(result)) assert.strictEqual(result.failure.field, field)
      }
    })

    it("merge per call over layer-wide, field by field", () => {
      assert.deepStrictEqual(mergeRetryOptions({ maxRetries: 5, baseDelay: "1 second" }, { maxRetries: 1 }), {
        maxRetries: 1,
        baseDelay: "1 second"
      })
      assert.deepStrictEqual(mergeRetryOptions({ maxRetries: 5 }, { maxRetries: undefined, maxDelay: "2 seconds" }), {
        maxRetries: 5,
        maxDelay: "2 seconds"
      })
      assert.deepStrictEqual(mergeRetryOptions({ maxRetries: 5 }, undefined), { maxRetries: 5 })
      assert.deepStrictEqual(mergeRetryOptions(undefined, undefined), {})
      assert.isFalse(mergeRetryOptions({ maxRetries: 5 }, false))
      assert.isFalse(mergeRetryOptions(false, undefined))
      assert.deepStrictEqual(mergeRetryOptions(false, { maxRetries: 2 }), { maxRetries: 2 })
    })
  })

  describe("makeSchedule", () => {
    it.effect("checks the options, then gives the schedule the client uses", () =>
      Effect.gen(function*() {
        const schedule = yield* makeSchedule({ maxRetries: 2 }, SAFE)
        const delays = yield* stepDelays(schedule, [api(503), api(503), api(503)])
        assert.deepStrictEqual(delays.slice(2), ["stop"])
        const error = yield* Effect.flip(makeSchedule({ maxRetries: -1 }))
        assert.strictEqual(error._tag, "ReinferConfigError")
        assert.strictEqual(error.setting, "retry.maxRetries")
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))
  })

  describe("scheduleOf (stepped)", () => {
    it.effect("backs off exponentially from 250 ms and stops after 3 retries", () =>
      Effect.gen(function*() {
        const delays = yield* stepDelays(scheduleOf(resolved(), SAFE), [api(503), transport(), api(429), api(503)])
        assert.deepStrictEqual(delays, [250, 500, 1000, "stop"])
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("caps the backoff at maxDelay", () =>
      Effect.gen(function*() {
        const errors = Array.from({ length: 9 }, () => api(503))
        const delays = yield* stepDelays(scheduleOf(resolved({ maxRetries: 8 }), SAFE), errors)
        assert.deepStrictEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 8000, 8000, "stop"])
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("keeps jitter within ±20 % of the backoff and never above the cap", () =>
      Effect.gen(function*() {
        const options = resolved({ maxRetries: 7, maxDelay: "5 seconds" })
        const lowest = yield* stepDelays(scheduleOf(options, SAFE), Array.from({ length: 7 }, () => api(503))).pipe(
          Effect.provideService(Random.Random, fixedRandom(0))
        )
        assert.deepStrictEqual(lowest, [200, 400, 800, 1600, 3200, 5000, 5000])
        const highest = yield* stepDelays(scheduleOf(options, SAFE), Array.from({ length: 7 }, () => api(503))).pipe(
          Effect.provideService(Random.Random, fixedRandom(0.999999))
        )
        for (const [index, delay] of highest.entries()) {
          assert.closeTo(delay as number, Math.min(250 * 2 ** index * 1.2, 5000), 0.01)
        }
        // With a real (seeded) generator: every delay within the bounds, and not all on the same point.
        const seeded = yield* stepDelays(scheduleOf(resolved({ maxRetries: 4 }), SAFE), Array.from({ length: 4 }, () => api(503))).pipe(
          Random.withSeed("jitter")
        )
        const factors = seeded.map((delay, index) => (delay as number) / (250 * 2 ** index))
        for (const factor of factors) {
          assert.isAtLeast(factor, 0.8)
          assert.isAtMost(factor, 1.2)
        }
        assert.isAbove(new Set(factors.map((factor) => factor.toFixed(3))).size, 1)
      }))

    it.effect("lets Retry-After replace the backoff, even above maxDelay, up to the cap", () =>
      Effect.gen(function*() {
        const delays = yield* stepDelays(scheduleOf(resolved(), SAFE), [api(429, "20 seconds"), api(503), unexpected(503)])
        assert.deepStrictEqual(delays, [20_000, 500, 1000])
        const exactlyAtCap = yield* stepDelays(scheduleOf(resolved(), SAFE), [api(503, "60 seconds")])
        assert.deepStrictEqual(exactlyAtCap, [60_000])
        const zero = yield* stepDelays(scheduleOf(resolved(), SAFE), [api(503, 0)])
        assert.deepStrictEqual(zero, [0])
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("honours Retry-After on a proxy's unexpected 503 too", () =>
      Effect.gen(function*() {
        const error = new ReinferUnexpectedResponse({
          ...context,
          status: 503,
          contentType: "text/html",
          reason: "HtmlPage",
          excerpt: "",
          serverTiming: [],
          retryAfter: Duration.seconds(3)
        })
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(resolved(), SAFE), [error]), [3000])
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("stops at once when Retry-After exceeds the cap", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(resolved(), SAFE), [api(429, "61 seconds")]), ["stop"])
        assert.deepStrictEqual(
          yield* stepDelays(scheduleOf(resolved(), SAFE), [api(503), api(429, "2 minutes")]),
          [250, "stop"]
        )
        const generous = resolved({ retryAfterCap: "5 minutes" })
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(generous, SAFE), [api(429, "2 minutes")]), [120_000])
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("stops on an error that is not retryable, whenever it comes", () =>
      Effect.gen(function*() {
        for (const error of [api(400), api(404), api(409), decode, request, transport("TlsFailure"), unexpected(200)]) {
          assert.deepStrictEqual(yield* stepDelays(scheduleOf(resolved(), SAFE), [error]), ["stop"], error.message)
        }
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(resolved(), SAFE), [api(503), api(400)]), [250, "stop"])
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(resolved(), SAFE_WITH_CONFLICT), [api(409)]), [250])
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("never retries an unsafe operation, and never when maxRetries is 0", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(resolved(), UNSAFE), [api(503)]), ["stop"])
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(resolved({ maxRetries: 0 }), SAFE), [api(503)]), ["stop"])
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("lets a user's schedule decide timing, but still only for retryable errors", () =>
      Effect.gen(function*() {
        const options = resolved({ schedule: Schedule.spaced("2 seconds").pipe(Schedule.upTo({ times: 2 })), maxRetries: 10 })
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(options, SAFE), [api(503), api(503), api(503)]), [2000, 2000, "stop"])
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(options, SAFE), [api(400)]), ["stop"])
        assert.deepStrictEqual(yield* stepDelays(scheduleOf(options, UNSAFE), [api(503)]), ["stop"])
      }))
  })

  describe("scheduleOf (with Effect.retry under the TestClock)", () => {
    /** An effect that fails with the scripted errors in turn, then succeeds; `calls` records each attempt's time. */
    const scripted = (errors: ReadonlyArray<ReinferCallError>) => {
      const calls: Array<number> = []
      const effect = Effect.gen(function*() {
        calls.push(yield* Clock.currentTimeMillis)
        const error = errors[calls.length - 1]
        if (error !== undefined) return yield* Effect.fail(error)
        return "done"
      })
      return { calls, effect }
    }

    it.effect("waits 250 ms, 500 ms, 1 s between attempts, then succeeds", () =>
      Effect.gen(function*() {
        const { calls, effect } = scripted([api(503), transport(), api(502)])
        const fiber = yield* effect.pipe(Effect.retry(scheduleOf(resolved(), SAFE)), Effect.forkChild)
        yield* TestClock.adjust("249 millis")
        assert.strictEqual(calls.length, 1)
        yield* TestClock.adjust("1 millis")
        assert.strictEqual(calls.length, 2)
        yield* TestClock.adjust("500 millis")
        assert.strictEqual(calls.length, 3)
        yield* TestClock.adjust("1 second")
        assert.strictEqual(yield* Fiber.join(fiber), "done")
        assert.deepStrictEqual(calls, [0, 250, 750, 1750])
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("fails with the last error after maxRetries retries", () =>
      Effect.gen(function*() {
        const { calls, effect } = scripted(Array.from({ length: 10 }, (_, index) => api(500 + (index % 2) * 3)))
        const fiber = yield* effect.pipe(Effect.retry(scheduleOf(resolved(), SAFE)), Effect.flip, Effect.forkChild)
        yield* TestClock.adjust("10 seconds")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(calls.length, 4)
        assert.strictEqual(error._tag === "ReinferApiError" ? error.status : undefined, 503)
      }).pipe(Effect.provideService(Random.Random, fixedRandom(0.5))))

    it.effect("honours a Retry-After HTTP date measured on the (test) clock", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
        const now = yield* Clock.currentTimeMillis
        const retryAfter = parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now)
        const { calls, effect } = scripted([api(503, retryAfter)])
        const fiber = yield* effect.pipe(Effect.retry(scheduleOf(resolved(), SAFE)), Effect.forkChild)
        yield* TestClock.adjust("6999 millis")
        assert.strictEqual(calls.length, 1)
        yield* TestClock.adjust("1 millis")
        assert.strictEqual(yield* Fiber.join(fiber), "done")
        assert.strictEqual(calls.length, 2)
      }))

    it.effect("fails at once with the ApiError when Retry-After is above the cap, so the caller decides", () =>
      Effect.gen(function*() {
        const { calls, effect } = scripted([api(429, "5 minutes")])
        const error = yield* effect.pipe(Effect.retry(scheduleOf(resolved(), SAFE)), Effect.flip)
        assert.strictEqual(calls.length, 1)
        assert.strictEqual(error._tag, "ReinferApiError")
        if (error._tag === "ReinferApiError") assert.strictEqual(Duration.toMillis(error.retryAfter!), 300_000)
      }))

    it.effect("does not retry a non-retryable error at all", () =>
      Effect.gen(function*() {
        const { calls, effect } = scripted([api(422)])
        const error = yield* effect.pipe(Effect.retry(scheduleOf(resolved(), SAFE)), Effect.flip)
        assert.strictEqual(calls.length, 1)
        assert.strictEqual(error._tag, "ReinferApiError")
      }))
  })
})
