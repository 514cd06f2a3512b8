/**
 * Running real loopback I/O under the TestClock: the clock only moves when a test says so, and responses only
 * arrive when the event loop gets a turn, so these helpers alternate the two.
 *
 * @since 0.1.0
 */
import { type Duration, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"

/**
 * One turn of the event loop, so pending socket events are delivered. Not a sleep: no timer is involved.
 *
 * @since 0.1.0
 * @category combinators
 */
export const nextTurn: Effect.Effect<void> = Effect.promise(() =>
  new Promise<void>((resolve) => setImmediate(resolve))
)

/**
 * Moves the TestClock forward in `step`s, giving the event loop a turn between steps, until `fiber` ends; returns
 * its exit. Bounded, so a test that would hang fails instead.
 *
 * @since 0.1.0
 * @category combinators
 */
export const driveFiber = <A, E>(fiber: Fiber.Fiber<A, E>, step: Duration.Input = "100 millis") =>
  Effect.gen(function*() {
    for (let round = 0; round < 10_000 && fiber.pollUnsafe() === undefined; round++) {
      yield* nextTurn
      yield* TestClock.adjust(step)
    }
    return yield* Fiber.await(fiber)
  })

/**
 * Forks `effect` and drives it to its end with `driveFiber`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const drive = <A, E, R>(effect: Effect.Effect<A, E, R>, step: Duration.Input = "100 millis") =>
  Effect.flatMap(Effect.forkChild(effect), (fiber) => driveFiber(fiber, step))

/**
 * The typed error an exit failed with; throws (failing the test) when it succeeded or died.
 *
 * @since 0.1.0
 * @category guards
 */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (!Exit.isFailure(exit)) throw new Error("expected the call to fail")
  const reason = exit.cause.reasons.find((candidate) => candidate._tag === "Fail")
  if (reason === undefined || reason._tag !== "Fail") throw new Error(`no failure in ${String(exit.cause)}`)
  return reason.error
}
