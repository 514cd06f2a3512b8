/**
 * Limits (a `maxItems`, a `maximum`) and choices (string literals) read from the generated schemas, so that code
 * enforcing them before a request is built (bulk sync's batch sizes, the stream consumer's fetch size, the command
 * line's choices) states them once, in the spec.
 *
 * @internal
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"

/**
 * The payload field each limit is kept under in Effect's filter representation.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export type Limit = "maxLength" | "minLength" | "maximum" | "minimum"

const FILTERS: Record<Limit, string> = {
  maxLength: "effect/schema/isMaxLength",
  minLength: "effect/schema/isMinLength",
  maximum: "effect/schema/isLessThanOrEqualTo",
  minimum: "effect/schema/isGreaterThanOrEqualTo"
}

/**
 * The limit a schema's checks set, or a thrown error naming `where` when it has none: the spec is then out of
 * step with the code that relies on it, which the test suite catches on generation.
 *
 * @internal
 * @since 0.1.0
 * @category parsing
 */
export const limitOf = (schema: Schema.Top, limit: Limit, where: string): number => {
  for (const filter of filtersOf(schema.ast)) {
    const representation = filter.annotations?.representation as
      | { readonly id?: unknown; readonly payload?: Readonly<Record<string, unknown>> | null }
      | undefined
    const value = representation?.payload?.[limit]
    if (representation?.id === FILTERS[limit] && typeof value === "number") return value
  }
  throw new Error(`${where} has no ${limit} in the generated schema: regenerate, or update the code that uses it`)
}

/**
 * Every filter among a schema's checks, groups flattened.
 *
 * @internal
 * @since 0.1.0
 * @category parsing
 */
export const filtersOf = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.Filter<unknown>> => {
  const filters: Array<SchemaAST.Filter<unknown>> = []
  const flatten = (check: SchemaAST.Check<unknown>): void => {
    if (check._tag === "Filter") filters.push(check)
    else for (const inner of check.checks) flatten(inner)
  }
  for (const check of ast.checks ?? []) flatten(check)
  return filters
}

/**
 * The string literals a schema names (`Schema.Literals([...])`, also inside a union with an open string, as the
 * generated enums that accept values added later are): what a command line offers as choices.
 *
 * @internal
 * @since 0.1.0
 * @category parsing
 */
export const literalsOf = (schema: Schema.Top): ReadonlyArray<string> => {
  const found: Array<string> = []
  const walk = (ast: SchemaAST.AST): void => {
    if (ast._tag === "Literal" && typeof ast.literal === "string") found.push(ast.literal)
    else if (ast._tag === "Union") ast.types.forEach(walk)
  }
  walk(schema.ast)
  return found
}
