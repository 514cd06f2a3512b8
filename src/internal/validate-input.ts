/**
 * The one check every piece of caller input goes through before it is sent (path and query parameters, request
 * bodies, each item of a bulk upload): the compiled encoder first, which vouches for the common valid case in plain
 * code and builds the copy to send; otherwise a snapshot of the input read once (input-snapshot.ts) encoded by the
 * schema with unknown keys refused, which decides the same way and says where the input is wrong. Either way what
 * was checked is what is sent.
 *
 * @internal
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { NOT_VOUCHED, requestEncoder } from "./fast-codec.ts"
import { snapshotInput } from "./input-snapshot.ts"
import { summarizeSchemaError } from "./schema-issues.ts"
import { weakMemo } from "./weak-memo.ts"

/**
 * Why input cannot be sent: where it is wrong (`["comments", 3, "id"]`, relative to the value checked), what is
 * wrong, and the `SchemaError` when the schema found it.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface InputIssue {
  readonly path: ReadonlyArray<string | number>
  readonly issue: string
  readonly cause?: unknown
}

/**
 * The value as it will be sent (encoded: timestamps in their canonical form, a fresh plain copy), or why not.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const validateInput = (schema: Schema.Top, value: unknown): Result.Result<unknown, InputIssue> => {
  const vouched = requestEncoder(schema.ast)?.(value) ?? NOT_VOUCHED
  if (vouched !== NOT_VOUCHED) return Result.succeed(vouched)
  const snapshot = snapshotInput(value)
  if (Result.isFailure(snapshot)) return Result.fail(snapshot.failure)
  const encoded = strictEncoderOf(schema)(snapshot.success, STRICT)
  if (Result.isSuccess(encoded)) return Result.succeed(encoded.success)
  const [first] = summarizeSchemaError(encoded.failure)
  return Result.fail({ path: first?.path ?? [], issue: first?.message ?? encoded.failure.message, cause: encoded.failure })
}

// Unknown keys are a mistake in a request: Re:infer rejects them, or worse, ignores them silently.
const STRICT = { onExcessProperty: "error", errors: "all" } as const

// Making an encoder costs more than encoding a few parameters, so there is one per schema.
type StrictEncoder = (input: unknown, options: typeof STRICT) => Result.Result<unknown, Schema.SchemaError>
const strictEncoderOf = weakMemo((schema: Schema.Top): StrictEncoder =>
  Schema.encodeUnknownResult(schema as Schema.Codec<unknown, unknown>)
)
