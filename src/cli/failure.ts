/**
 * How the `reinfer` command line fails: one readable line (what, then where, and the platform's Server-Timing when
 * there is one) and an exit code that tells the kind of failure apart.
 *
 * | Exit code | Kind |
 * |---|---|
 * | 1 | anything else (a bug: please report it) |
 * | 2 | usage: an unknown command or flag, a missing argument, input the API would refuse |
 * | 3 | configuration: no endpoint or token, a missing context, a contexts file others can read |
 * | 4 | the API refused the request (4xx) |
 * | 5 | the platform failed (5xx, or an answer that does not match the spec) |
 * | 6 | the request did not reach Re:infer (network, proxy, gateway, timeout) |
 *
 * The messages come from the library's tagged errors, which never hold the token.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Runtime from "effect/Runtime"
import { isReinferError, ReinferConfigError, type ReinferError } from "../errors.ts"
import { redactText } from "../internal/redact.ts"

/**
 * The kinds of failure, each with its exit code.
 *
 * @since 0.1.0
 * @category models
 */
export const EXIT_CODES = {
  unexpected: 1,
  usage: 2,
  config: 3,
  api: 4,
  platform: 5,
  transport: 6
} as const

/**
 * A kind of failure.
 *
 * @since 0.1.0
 * @category models
 */
export type FailureKind = keyof typeof EXIT_CODES

/**
 * A failure already worded for people; the runtime exits with its kind's code and does not log it again.
 *
 * @since 0.1.0
 * @category errors
 */
export class CliFailure extends Data.TaggedError("CliFailure")<{
  readonly kind: FailureKind
  readonly message: string
}> {
  override get [Runtime.errorExitCode](): number {
    return EXIT_CODES[this.kind]
  }
  // Printed once by the command line itself; the runtime's own report would repeat it with a stack.
  override readonly [Runtime.errorReported] = false
}

/**
 * Words any failure of a command as a `CliFailure`: the library's errors by their tag and status, anything else as
 * unexpected (its message, secrets removed).
 *
 * @since 0.1.0
 * @category constructors
 */
export const toCliFailure = (error: unknown, secrets: ReadonlyArray<string> = []): CliFailure => {
  if (error instanceof CliFailure) return error
  if (isReinferError(error) || error instanceof ReinferConfigError) {
    return new CliFailure({ kind: kindOf(error), message: withServerTiming(error) })
  }
  const text = error instanceof Error ? error.message : String(error)
  return new CliFailure({ kind: "unexpected", message: redactText(text, secrets) })
}

const kindOf = (error: ReinferError | ReinferConfigError): FailureKind => {
  switch (error._tag) {
    case "ReinferConfigError":
      return "config"
    case "ReinferRequestError":
      return "usage"
    case "ReinferApiError":
      return error.status >= 500 ? "platform" : "api"
    case "ReinferDecodeError":
    case "ReinferPaginationError":
      return "platform"
    case "ReinferUnexpectedResponse":
      // Not a Re:infer answer: something in front of it (a proxy, a gateway) answered.
      return "transport"
    case "ReinferTransportError":
      return "transport"
  }
}

const withServerTiming = (error: ReinferError | ReinferConfigError): string => {
  const timing = "serverTiming" in error ? error.serverTiming.find((metric) => metric.name === "total") : undefined
  return timing?.duration === undefined ? error.message : `${error.message} [server ${timing.duration} ms]`
}
