/**
 * A timeout for one attempt that costs one fiber and one timer, not `Effect.timeoutOrElse`'s race of two fibers.
 *
 * Every attempt of every call is timed, and nearly all finish in time, so the common case is what this makes cheap:
 * the attempt runs in one child fiber watched by a plain timer, which is cleared the moment the attempt ends.
 * With any clock but the system's (a `TestClock`), or a duration a timer cannot hold, it is `Effect.timeoutOrElse`
 * itself, so tests move time exactly as before.
 *
 * @internal
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

/**
 * Runs `self`, or fails with `onTimeout()` once `duration` has passed; `self` is interrupted then, and the
 * failure is reported after its interruption finished (its finalizers ran), as with `Effect.timeoutOrElse`.
 *
 * @internal
 * @since 0.1.0
 * @category combinators
 */
export const timeoutOrFail = <A, E>(
  self: Effect.Effect<A, E>,
  duration: Duration.Duration,
  onTimeout: () => E
): Effect.Effect<A, E> => {
  const millis = Duration.toMillis(duration)
  return Effect.withFiber((parent) => {
    if (parent.getRef(Clock.Clock) !== systemClock || !(millis <= MAX_TIMER_MILLIS)) {
      return Effect.timeoutOrElse(self, { duration, orElse: () => Effect.fail(onTimeout()) })
    }
    return Effect.callback<A, E>((resume) => {
      let timedOut = false
      // The child gets the parent's whole context (its span, references and services), like a forked fiber.
      const child = Effect.runForkWith(parent.context)(self)
      const timer = setTimeout(() => {
        timedOut = true
        child.interruptUnsafe(parent.id)
      }, millis)
      child.addObserver((exit) => {
        clearTimeout(timer)
        resume(timedOut ? Effect.fail(onTimeout()) : exit)
      })
      // The caller was interrupted: stop the attempt and wait until it has stopped.
      return Effect.suspend(() => {
        clearTimeout(timer)
        return Fiber.interrupt(child)
      })
    })
  })
}

// setTimeout holds at most 2^31 - 1 ms; longer timeouts go through Effect's own sleep, which splits them.
const MAX_TIMER_MILLIS = 2 ** 31 - 1

const systemClock = Context.get(Context.empty(), Clock.Clock)
