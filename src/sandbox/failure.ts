/**
 * The one error the sandbox's store and routes fail with: an HTTP status plus a Re:infer-style message.
 *
 * The handler turns it into the platform's error envelope `{"status": "error", "message": ...}`, so store
 * code can say "not found" or "conflict" without knowing about HTTP responses.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/**
 * A request the sandbox refuses, with the status and message it answers with.
 *
 * @category errors
 * @since 0.1.0
 */
export class SandboxFailure extends Data.TaggedError("SandboxFailure")<{
  readonly status: number
  readonly message: string
}> {}

/**
 * A 400: the request is malformed or names something invalid.
 *
 * @category constructors
 * @since 0.1.0
 */
export const badRequest = (message: string): SandboxFailure => new SandboxFailure({ status: 400, message })

/**
 * A 404: the named resource does not exist.
 *
 * @category constructors
 * @since 0.1.0
 */
export const notFound = (message: string): SandboxFailure => new SandboxFailure({ status: 404, message })

/**
 * A 409: the request conflicts with what the store holds (an existing name, different content under an id).
 *
 * @category constructors
 * @since 0.1.0
 */
export const conflict = (message: string): SandboxFailure => new SandboxFailure({ status: 409, message })
