/**
 * IR → generated/schemas/*.ts: one Effect Schema + type pair per component schema, grouped by module.
 *
 * How a node becomes a schema depends on its component's side:
 * - request side: plain `Schema.Struct`s and `Schema.Literals` (strictness comes from decoding with
 *   `{ onExcessProperty: "error" }`, which the runtime does for every request body);
 * - response side: objects keep unknown fields (`Schema.StructWithRest` with a `Record(String, Json)` rest) and
 *   enums accept unknown values (`Union([Literals([...]), StringForLiteralAutocomplete])`).
 *
 * Declarations are ordered so that a schema comes after the ones it uses (ties broken by name); references
 * inside a cycle go through `Schema.suspend` and the cycle's types are written out, because TypeScript cannot
 * infer a type that mentions itself.
 *
 * @since 0.1.0
 */
import {
  array,
  arrow,
  call,
  importStatement,
  type Code,
  jsDoc,
  literal,
  method,
  object,
  printCode,
  printTypeAfter,
  text,
  type TypeCode,
  type TypeMember,
  typeApply,
  typeIntersection,
  typeObject,
  typeText,
  typeUnion
} from "./code.ts"
import type { Check, ComponentSchema, ObjectNode, SchemaNode, Side, Spec } from "./ir.ts"
import { compareStrings, moduleName, SHARED_MODULE } from "./names.ts"

/** What a node is being emitted for: its component's side, and the cycle whose members must be suspended. */
export interface EmitContext {
  readonly side: Side
  readonly cycle: ReadonlySet<string>
  /** Component names the emitted code refers to, collected for the import list. */
  readonly used: Set<string>
}

/** `schemas/<module>.ts` → file body (without the header line), including `schemas/index.ts`. */
export const emitSchemaModules = (spec: Spec): ReadonlyMap<string, string> => {
  const files = new Map<string, string>()
  const modules = [...new Set(spec.schemas.map((schema) => schema.module))].sort(compareStrings)
  const moduleOf = new Map(spec.schemas.map((schema) => [schema.name, schema.module] as const))
  for (const module of modules) {
    const schemas = spec.schemas.filter((schema) => schema.module === module)
    files.set(`schemas/${module}.ts`, emitModule(module, schemas, moduleOf, spec))
  }
  files.set(
    "schemas/index.ts",
    [
      jsDoc(
        "Every schema of the Re:infer API, re-exported from its resource's module.\n\n" +
          "@since 0.1.0"
      ),
      ...modules.map((module) => `export * from "./${module}.ts"`)
    ].join("\n") + "\n"
  )
  return files
}

const emitModule = (
  module: string,
  schemas: ReadonlyArray<ComponentSchema>,
  moduleOf: ReadonlyMap<string, string>,
  spec: Spec
): string => {
  const used = new Set<string>()
  const declarations = declarationOrder(schemas).map((schema) => emitDeclaration(schema, used))
  const imports = new Map<string, Array<string>>()
  for (const name of [...used].sort(compareStrings)) {
    const from = moduleOf.get(name)!
    if (from === module) continue
    imports.set(from, [...(imports.get(from) ?? []), name])
  }
  const tag = spec.operations.find((operation) => moduleName(operation.tag) === module)?.tag ?? module
  const title = module === SHARED_MODULE
    ? "Schemas that operations of several resources use (or that no operation uses)."
    : `Schemas of the ${tag} operations.`
  return [
    jsDoc(`${title}\n\n@since 0.1.0`),
    `import { Schema } from "effect"`,
    ...[...imports.keys()].sort(compareStrings).map((from) =>
      importStatement(imports.get(from)!, `./${from}.ts`)
    ),
    "",
    declarations.join("\n\n"),
    ""
  ].join("\n")
}

/** Dependencies first, ties broken by name; references inside a cycle do not order (they are suspended). */
const declarationOrder = (schemas: ReadonlyArray<ComponentSchema>): ReadonlyArray<ComponentSchema> => {
  const local = new Map(schemas.map((schema) => [schema.name, schema] as const))
  const pending = new Map(
    schemas.map((schema) => [
      schema.name,
      new Set(
        schema.references.filter((name) =>
          local.has(name) && !schema.cycle.includes(name) && name !== schema.name
        )
      )
    ] as const)
  )
  const ordered: Array<ComponentSchema> = []
  while (pending.size > 0) {
    const ready = [...pending.keys()].filter((name) => pending.get(name)!.size === 0).sort(compareStrings)
    // A cycle between modules cannot happen (schema-graph.ts keeps cycles in one module); fall back to names.
    const next = ready[0] ?? [...pending.keys()].sort(compareStrings)[0]!
    ordered.push(local.get(next)!)
    pending.delete(next)
    for (const waiting of pending.values()) waiting.delete(next)
  }
  return ordered
}

const emitDeclaration = (schema: ComponentSchema, used: Set<string>): string => {
  const context: EmitContext = { side: schema.side, cycle: new Set(schema.cycle), used }
  const doc = schema.description === undefined ? "" : `${jsDoc(schema.description)}\n`
  const head = `export const ${schema.name} = `
  const value = `${doc}${head}${printCode(schemaCode(schema.node, context), "", head.length)}`
  if (schema.cycle.length === 0) {
    return `${value}\n${doc}export type ${schema.name} = typeof ${schema.name}.Type`
  }
  // TypeScript cannot infer a type that refers to itself, so a cycle's types are spelled out; the suspended
  // references are annotated with them, and the compiler checks that the schema really has this type.
  const typeHead = `export type ${schema.name} = `
  return `${doc}${printTypeAfter(typeHead, schemaType(schema.node, schema.side, used))}\n${value}`
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------------------------

export const schemaCode = (node: SchemaNode, context: EmitContext): Code => {
  switch (node.kind) {
    case "ref":
      context.used.add(node.name)
      return context.cycle.has(node.name)
        ? call("Schema.suspend", arrow(`(): Schema.Codec<${node.name}> =>`, text(node.name)))
        : text(node.name)
    case "string":
      return withChecks(text("Schema.String"), node.checks)
    case "number":
      return withChecks(text(node.integer ? "Schema.Int" : "Schema.Number"), node.checks)
    case "boolean":
      return text("Schema.Boolean")
    case "null":
      return text("Schema.Null")
    case "literal":
      return call("Schema.Literal", literal(node.value))
    case "enum": {
      const known = node.values.length === 1
        ? call("Schema.Literal", literal(node.values[0]!))
        : call("Schema.Literals", array(node.values.map(literal)))
      if (context.side === "request") return known
      // Forward compatible: a value added to the enum later still decodes, the known ones stay autocompletable.
      const other = node.valueType === "string" ? "Schema.StringForLiteralAutocomplete" : "Schema.Number"
      return call("Schema.Union", array([known, text(other)]))
    }
    case "array":
      return withChecks(call("Schema.Array", schemaCode(node.items, context)), node.checks)
    case "object":
      return withChecks(objectCode(node, context), node.checks)
    case "union": {
      const union = call("Schema.Union", array(node.members.map((member) => schemaCode(member, context))))
      return node.discriminator === undefined
        ? union
        : method(union, "pipe", call("Schema.toTaggedUnion", literal(node.discriminator)))
    }
    case "nullable":
      return call("Schema.NullOr", schemaCode(node.inner, context))
    case "json":
      return text("Schema.Json")
    case "binary":
      return call("Schema.instanceOf", text("Blob"), object([{ key: "identifier", value: literal("Blob") }]))
  }
}

const objectCode = (node: ObjectNode, context: EmitContext): Code => {
  const fields = object(
    node.properties.map((property) => {
      const value = schemaCode(property.node, context)
      return {
        key: property.name,
        value: property.required ? value : call("Schema.optionalKey", value),
        doc: property.node.description
      }
    })
  )
  const records = [
    ...node.patternProperties.map((pattern) =>
      call(
        "Schema.Record",
        call(
          "Schema.TemplateLiteral",
          array([
            ...pattern.parts.map((part) =>
              typeof part === "string" ? literal(part) : call("Schema.Literals", array(part.map(literal)))
            ),
            text("Schema.String")
          ])
        ),
        schemaCode(pattern.node, context)
      )
    ),
    ...restValue(node, context.side).map((value) =>
      call(
        "Schema.Record",
        withChecks(text("Schema.String"), node.propertyNames ?? []),
        value === "json" ? text("Schema.Json") : schemaCode(value, context)
      )
    )
  ]
  if (records.length === 0) {
    // `Schema.Struct({})` is the type `{}`, which accepts any value but null (even a string); an object that
    // allows no keys at all is a record of nothing, as openapi-typescript also reads it (`Record<string, never>`).
    return node.properties.length === 0
      ? call("Schema.Record", text("Schema.String"), text("Schema.Never"))
      : call("Schema.Struct", fields)
  }
  if (node.properties.length === 0 && records.length === 1) return records[0]!
  return call("Schema.StructWithRest", call("Schema.Struct", fields), array(records))
}

/** The value schema for keys the object does not declare; none when such keys are not allowed. */
const restValue = (node: ObjectNode, side: Side): ReadonlyArray<SchemaNode | "json"> => {
  switch (node.additionalProperties.kind) {
    case "forbidden":
      return []
    case "any":
      return ["json"]
    case "schema":
      return [node.additionalProperties.schema]
    case "unspecified":
      // Response objects are open: a field a newer server adds is kept (and typed as JSON), not dropped.
      return side === "response" ? ["json"] : []
  }
}

const withChecks = (base: Code, checks: ReadonlyArray<Check>): Code =>
  checks.length === 0 ? base : method(base, "check", ...checks.map((check) => checkCode(check, base)))

const checkCode = (check: Check, base: Code): Code => {
  const isString = base.kind === "text" && base.text === "Schema.String"
  const value = check.value
  switch (check.keyword) {
    // JSON Schema counts a string's length in code points, not UTF-16 units.
    case "minLength":
      return call(isString ? "Schema.isMinCodePoints" : "Schema.isMinLength", literal(value))
    case "maxLength":
      return call(isString ? "Schema.isMaxCodePoints" : "Schema.isMaxLength", literal(value))
    case "pattern":
      return call("Schema.isPattern", text(String(new RegExp(String(value)))))
    case "minimum":
      return call("Schema.isGreaterThanOrEqualTo", literal(value))
    case "maximum":
      return call("Schema.isLessThanOrEqualTo", literal(value))
    case "exclusiveMinimum":
      return call("Schema.isGreaterThan", literal(value))
    case "exclusiveMaximum":
      return call("Schema.isLessThan", literal(value))
    case "multipleOf":
      return call("Schema.isMultipleOf", literal(value))
    case "minItems":
      return call("Schema.isMinLength", literal(value))
    case "maxItems":
      return call("Schema.isMaxLength", literal(value))
    case "uniqueItems":
      return call("Schema.isUnique")
    case "minProperties":
      return call("Schema.isMinProperties", literal(value))
    case "maxProperties":
      return call("Schema.isMaxProperties", literal(value))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

/**
 * The TypeScript type `schemaCode` produces for a node, written out: for cycles (see emitDeclaration) and for
 * the client shape's inputs. It must match Effect's own type exactly; the compiler checks that for cycles.
 */
export const schemaType = (node: SchemaNode, side: Side, used: Set<string>): TypeCode => {
  switch (node.kind) {
    case "ref":
      used.add(node.name)
      return typeText(node.name)
    case "string":
      return typeText("string")
    case "number":
      return typeText("number")
    case "boolean":
      return typeText("boolean")
    case "null":
      return typeText("null")
    case "literal":
      return typeText(JSON.stringify(node.value))
    case "enum": {
      const known = node.values.map((value) => typeText(JSON.stringify(value)))
      if (side === "request") return typeUnion(known)
      return typeUnion([...known, typeText(node.valueType === "string" ? "string & {}" : "number")])
    }
    case "array":
      return typeApply("ReadonlyArray", schemaType(node.items, side, used))
    case "object":
      return objectType(node, side, used)
    case "union":
      return typeUnion(node.members.map((member) => schemaType(member, side, used)))
    case "nullable":
      return typeUnion([schemaType(node.inner, side, used), typeText("null")])
    case "json":
      return typeText("Schema.Json")
    case "binary":
      return typeText("Blob")
  }
}

const objectType = (node: ObjectNode, side: Side, used: Set<string>): TypeCode => {
  const properties: ReadonlyArray<TypeMember> = node.properties.map((property) => ({
    key: property.name,
    optional: !property.required,
    value: schemaType(property.node, side, used),
    doc: property.node.description
  }))
  const indexes: ReadonlyArray<TypeMember> = [
    ...node.patternProperties.map((pattern) => ({
      key: `[x: \`${pattern.parts.map(templatePart).join("")}\${string}\`]`,
      index: true,
      value: schemaType(pattern.node, side, used)
    })),
    ...restValue(node, side).map((value) => ({
      key: "[x: string]",
      index: true,
      value: value === "json" ? typeText("Schema.Json") : schemaType(value, side, used)
    }))
  ]
  // Index signatures go in their own literal: in one literal TypeScript would check every property against them.
  if (indexes.length === 0) {
    return properties.length === 0
      ? typeObject([{ key: "[x: string]", index: true, value: typeText("never") }])
      : typeObject(properties)
  }
  if (properties.length === 0) return typeObject(indexes)
  return typeIntersection([typeObject(properties), typeObject(indexes)])
}

/** One part of a template literal type: escaped literal text, or `${"a" | "b"}` for alternatives. */
const templatePart = (part: string | ReadonlyArray<string>): string =>
  typeof part === "string"
    ? part.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${")
    : `\${${part.map((alternative) => JSON.stringify(alternative)).join(" | ")}}`
