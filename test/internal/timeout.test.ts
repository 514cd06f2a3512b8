/**
 * Tests of the attempt timeout: on the system clock it is one child fiber and one timer (driven here by Vitest's
 * fake timers, so nothing waits), and it behaves as `Effect.timeoutOrElse` does: the result or failure passes
 * through, the timer is cleared at once, a late effect is interrupted (its finalizers run) before the timeout
 * failure is reported, the effect sees the caller's context, and interrupting the caller stops it. Under a
 * `TestClock` it is `Effect.timeoutOrElse` itself.
 */
import { assert, describe, it } from "@effect/vitest"
import { Context, Duration, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, beforeEach, vi } from "vitest"
import { timeoutOrFail } from "../../src/internal/timeout.ts"

const TIMEOUT = Duration.seconds(30)
const timedOut = () => "timed out" as const

const Tenant = Context.Reference<string>("test/Tenant", { defaultValue: () => "none" })

describe("timeoutOrFail", () => {
  describe("on the system clock", () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    })
    afterEach(() => {
      vi.useRealTimers()
    })

    it("passes a success or a failure through and leaves no timer behind", async () => {
      assert.strictEqual(await Effect.runPromise(timeoutOrFail(Effect.succeed(1), TIMEOUT, timedOut)), 1)
      const failed = await Effect.runPromiseExit(timeoutOrFail(Effect.fail("refused" as const), TIMEOUT, timedOut))
      assert.deepStrictEqual(failed, Exit.fail("refused"))
      const later = await Effect.runPromise(timeoutOrFail(Effect.promise(() => Promise.resolve(2)), TIMEOUT, timedOut))
      assert.strictEqual(later, 2)
      assert.strictEqual(vi.getTimerCount(), 0)
    })

    it("interrupts an effect that outlives the timeout, runs its finalizers, then fails", async () => {
      const events: Array<string> = []
      const never = Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => events.push("interrupted"))))
      const fiber = Effect.runFork(
        timeoutOrFail(never, TIMEOUT, () => {
          events.push("timed out")
          return "timed out" as const
        })
      )
      vi.advanceTimersByTime(Duration.toMillis(TIMEOUT) - 1)
      assert.deepStrictEqual(events, [])
      vi.advanceTimersByTime(1)
      assert.deepStrictEqual(await Effect.runPromise(Fiber.await(fiber)), Exit.fail("timed out"))
      assert.deepStrictEqual(events, ["interrupted", "timed out"])
    })

    it("runs the effect with the caller's context", async () => {
      const tenant = await Effect.runPromise(
        timeoutOrFail(Effect.service(Tenant), TIMEOUT, timedOut).pipe(Effect.provideService(Tenant, "acme"))
      )
      assert.strictEqual(tenant, "acme")
    })

    it("stops the effect and clears the timer when the caller is interrupted", async () => {
      const events: Array<string> = []
      const never = Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => events.push("interrupted"))))
      const fiber = Effect.runFork(timeoutOrFail(never, TIMEOUT, timedOut))
      await Effect.runPromise(Fiber.interrupt(fiber))
      assert.deepStrictEqual(events, ["interrupted"])
      assert.strictEqual(vi.getTimerCount(), 0)
    })
  })

  it.effect("follows a TestClock", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(timeoutOrFail(Effect.never, TIMEOUT, timedOut))
      yield* TestClock.adjust(Duration.seconds(29))
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust(Duration.seconds(1))
      assert.deepStrictEqual(yield* Fiber.await(fiber), Exit.fail("timed out"))
    }))
})
