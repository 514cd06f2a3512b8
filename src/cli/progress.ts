/**
 * Upload progress: a bar redrawn in place on a terminal (count, share, rate and time left), a plain line every
 * few seconds when standard error is a pipe or a file, or nothing (`--no-progress`). Times come from Effect's
 * `Clock`, so tests move them with the `TestClock`.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { BulkSyncProgress } from "../bulk-sync.ts"
import { CliIo } from "./output.ts"

/**
 * How progress is shown.
 *
 * @since 0.1.0
 * @category models
 */
export type ProgressMode = "bar" | "lines" | "none"

/**
 * What an upload tells the progress display.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgressDisplay {
  readonly update: (progress: BulkSyncProgress) => Effect.Effect<void>
}

/** A plain progress line at most this often when not on a terminal. */
const LINE_EVERY_MILLIS = 5_000
const BAR_WIDTH = 24

/**
 * A display for `mode`; `alreadyDone` is what a resumed upload skipped (counted in the bar, not in the rate), `noun`
 * what it counts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeProgress = (
  mode: ProgressMode,
  alreadyDone: number,
  noun = "comments"
): Effect.Effect<ProgressDisplay, never, CliIo> =>
  Effect.gen(function*() {
    const io = yield* CliIo
    const started = yield* Clock.currentTimeMillis
    let lastLine = started
    if (mode === "none") return { update: () => Effect.void }
    return {
      update: (progress) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const text = describe(progress, alreadyDone, now - started, noun)
          if (mode === "bar") {
            // Back to the start of the line and clear it: the bar is redrawn in place.
            yield* io.err(`\r\x1b[2K${text}${progress.done ? "\n" : ""}`)
          } else if (progress.done || now - lastLine >= LINE_EVERY_MILLIS) {
            lastLine = now
            yield* io.err(`${text}\n`)
          }
        })
    }
  })

const count = (value: number) => value.toLocaleString("en-US")

/**
 * One progress line: `[██████░░░░] 60% 12,000/20,000 comments · 4,100/s · 2s left` (no bar, share or time left
 * when the total is unknown).
 *
 * @since 0.1.0
 * @category constructors
 */
export const describe = (
  progress: BulkSyncProgress,
  alreadyDone: number,
  elapsedMillis: number,
  noun = "comments"
): string => {
  const done = alreadyDone + progress.synced + progress.failed
  const total = progress.total === undefined ? undefined : alreadyDone + progress.total
  const rate = elapsedMillis > 0 ? (progress.synced + progress.failed) / (elapsedMillis / 1000) : 0
  const parts: Array<string> = []
  if (total !== undefined && total > 0) {
    const share = Math.min(1, done / total)
    const filled = Math.round(share * BAR_WIDTH)
    parts.push(`[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${Math.floor(share * 100)}% ${count(done)}/${count(total)} ${noun}`)
  } else {
    parts.push(`${count(done)} ${noun}`)
  }
  parts.push(`${count(Math.round(rate))}/s`)
  if (progress.failed > 0) parts.push(`${count(progress.failed)} failed`)
  if (total !== undefined && !progress.done && rate > 0) parts.push(`${formatSeconds((total - done) / rate)} left`)
  return parts.join(" · ")
}

const formatSeconds = (seconds: number): string => {
  const whole = Math.max(0, Math.ceil(seconds))
  if (whole < 60) return `${whole}s`
  const minutes = Math.floor(whole / 60)
  return minutes < 60 ? `${minutes}m ${whole % 60}s` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`
}
