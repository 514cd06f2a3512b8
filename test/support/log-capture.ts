/**
 * Captures every Effect log line as text, so a test can scan them all (for example for a leaked token).
 *
 * Each log event becomes one logfmt line (`Logger.formatLogFmt`): level, every message part, the pretty
 * cause, log spans and annotations; and one JSON line (`Logger.formatJson`), what a structured log pipeline
 * would ship. The layer replaces the current loggers (nothing reaches the console)
 * unless `keepExisting` is set, and lowers the minimum log level to `All` so debug and trace lines are
 * captured too.
 *
 * **Example**
 *
 * ```ts
 * const logs = LogCapture.make()
 * yield* program.pipe(Effect.provide(logs.layer))
 * assert.deepStrictEqual(logs.linesContaining("secret-token"), [])
 * ```
 *
 * @since 0.1.0
 */
import { Cause, Layer, Logger, References } from "effect"
import type { LogLevel } from "effect"

/**
 * One captured log event.
 *
 * @category models
 * @since 0.1.0
 */
export interface LogEntry {
  readonly level: LogLevel.LogLevel
  /** The message parts as logged (`Effect.log("a", obj)` gives `["a", obj]`). */
  readonly message: ReadonlyArray<unknown>
  /** `Cause.pretty` of the logged cause, when there is one. */
  readonly cause: string | undefined
  /** The whole event as one logfmt line. */
  readonly line: string
  /** The whole event as one JSON line. */
  readonly json: string
}

/**
 * A log capture: its layer and what it has captured.
 *
 * @category models
 * @since 0.1.0
 */
export interface LogCapture {
  /** Every captured logfmt line, in order (a live view). */
  readonly lines: ReadonlyArray<string>
  /** Every captured JSON line, in order (a live view). */
  readonly jsonLines: ReadonlyArray<string>
  /** Every captured event, in order (a live view). */
  readonly entries: ReadonlyArray<LogEntry>
  readonly layer: Layer.Layer<never>
  /** The captured lines, logfmt and JSON, that contain `needle`. */
  readonly linesContaining: (needle: string) => ReadonlyArray<string>
  /** Forgets everything captured so far. */
  readonly clear: () => void
}

/**
 * Options for `make`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Keep the loggers already installed (e.g. the console logger) beside the capture. Default: false. */
  readonly keepExisting?: boolean | undefined
  /** The minimum level that reaches the capture. Default: `"All"`. */
  readonly minimumLevel?: LogLevel.LogLevel | undefined
}

/**
 * Builds a log capture.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options = {}): LogCapture => {
  const entries: Array<LogEntry> = []
  const lines: Array<string> = []
  const jsonLines: Array<string> = []
  const logger = Logger.make<unknown, void>((event) => {
    const line = Logger.formatLogFmt.log(event)
    const json = Logger.formatJson.log(event)
    entries.push({
      level: event.logLevel,
      message: Array.isArray(event.message) ? event.message : [event.message],
      cause: event.cause.reasons.length > 0 ? Cause.pretty(event.cause) : undefined,
      line,
      json
    })
    lines.push(line)
    jsonLines.push(json)
  })
  const layer = Layer.merge(
    Logger.layer([logger], { mergeWithExisting: options.keepExisting ?? false }),
    Layer.succeed(References.MinimumLogLevel, options.minimumLevel ?? "All")
  )
  return {
    lines,
    jsonLines,
    entries,
    layer,
    linesContaining: (needle) => [...lines, ...jsonLines].filter((line) => line.includes(needle)),
    clear: () => {
      entries.length = 0
      lines.length = 0
      jsonLines.length = 0
    }
  }
}
