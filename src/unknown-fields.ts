/**
 * Reads the fields of a response that its schema does not declare.
 *
 * Response objects keep every field the server sent, so a field that a newer Re:infer adds is not lost; but their
 * types list only the declared fields, so that a misspelt name is a compile error. `unknownFields` is the one way to
 * read the others: it returns, as JSON, every own field of a decoded object that its schema does not declare.
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { weakMemo } from "./internal/weak-memo.ts"

/**
 * The fields of `value` that `schema` does not declare, with their JSON values (`{}` when there are none).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { ReinferClient, Schemas, unknownFields } from "effect-reinfer"
 *
 * const dataset = Effect.gen(function*() {
 *   const client = yield* ReinferClient
 *   const { dataset } = yield* client.getDataset({ project: "acme", dataset: "support" })
 *   // A field the spec does not know (yet) is still there, typed as JSON.
 *   const extra = unknownFields(Schemas.Dataset, dataset)
 *   return extra["_retention_days"]
 * })
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const unknownFields = <S extends Schema.Top>(
  schema: S,
  value: S["Type"]
): Readonly<Record<string, Schema.Json>> => {
  const declared = declaredNames(schema.ast)
  const fields: Record<string, Schema.Json> = {}
  if (typeof value !== "object" || value === null) return fields
  for (const [name, field] of Object.entries(value)) {
    if (!declared.has(name)) fields[name] = field as Schema.Json
  }
  return fields
}

const declaredNames = weakMemo((ast: SchemaAST.AST): ReadonlySet<string> => {
  const type = SchemaAST.toType(ast)
  return new Set(type._tag === "Objects" ? type.propertySignatures.map((property) => String(property.name)) : [])
})
