/**
 * A `SchemaError` reduced to what a person needs, for `ReinferDecodeError`, `ReinferRequestError` and every
 * check of caller input.
 *
 * @internal
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"

/**
 * A schema issue reduced to what a person needs: where in the body (`["sources", 3, "name"]`) and what was
 * wrong (`Expected string, got null`).
 *
 * @since 0.1.0
 * @category models
 */
export interface SchemaIssueSummary {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/**
 * Reduces a `SchemaError` to its issues, each a path and a message, for `ReinferDecodeError` and
 * `ReinferRequestError`.
 *
 * @internal
 * @since 0.1.0
 * @category error handling
 */
export const summarizeSchemaError = (error: Schema.SchemaError): ReadonlyArray<SchemaIssueSummary> => {
  const issues = schemaFormatter(error.issue).issues.map((issue) => ({
    path: (issue.path ?? []).map((segment) => {
      const key = typeof segment === "object" && segment !== null ? segment.key : segment
      return typeof key === "number" ? key : String(key)
    }),
    message: issue.message
  }))
  return issues.length === 0 ? [{ path: [], message: error.message }] : issues
}

const schemaFormatter = SchemaIssue.makeFormatterStandardSchemaV1()
