/**
 * IR → generated/schemas/*.ts: one Effect Schema + type pair per component schema, grouped by module.
 *
 * How a node becomes a schema depends on its component's side:
 * - request side: plain `Schema.Struct`s (strictness comes from encoding with `{ onExcessProperty: "error" }`,
 *   which the runtime does for every request body), timestamps as `TimestampInput` (a `Date` or an ISO 8601
 *   string, sent in one canonical form);
 * - response side: objects keep unknown fields (`openStruct`) while their static type lists the declared fields
 *   only, and are declared as named interfaces (`interface Dataset`); an optional field that may be `null` reads
 *   `null` as absent (`absentWhenNull`), and an optional collection with `default: []` or `{}` reads absent as
 *   empty (`emptyWhenAbsent`).
 * Enums are open (`Union([Literals([...]), StringForLiteralAutocomplete])`) where the spec writes them open, on
 * either side; the spec must write every response-side enum open. The building blocks live in
 * `schemas/codecs.ts` (emit-codecs.ts).
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
  WIDTH,
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
import { type CodecName, emitCodecs } from "./emit-codecs.ts"
import type { Check, ComponentSchema, ObjectNode, Property, SchemaNode, Side, Spec } from "./ir.ts"
import { compareStrings, moduleName, SHARED_MODULE } from "./names.ts"

/** What a node is being emitted for: its component's side, and the cycle whose members must be suspended. */
export interface EmitContext {
  readonly side: Side
  readonly cycle: ReadonlySet<string>
  /** Component names the emitted code refers to, collected for the import list. */
  readonly used: Set<string>
  /** The blocks of schemas/codecs.ts the emitted code uses. */
  readonly codecs: Set<CodecName>
}

/** The module holding the building blocks (emit-codecs.ts). */
const CODECS_MODULE = "codecs"

/** `schemas/<module>.ts` → file body (without the header line), including `schemas/index.ts`. */
export const emitSchemaModules = (spec: Spec): ReadonlyMap<string, string> => {
  const files = new Map<string, string>()
  const modules = [...new Set(spec.schemas.map((schema) => schema.module))].sort(compareStrings)
  const moduleOf = new Map(spec.schemas.map((schema) => [schema.name, schema.module] as const))
  const codecs = new Set<CodecName>()
  for (const module of modules) {
    const schemas = spec.schemas.filter((schema) => schema.module === module)
    files.set(`schemas/${module}.ts`, emitModule(module, schemas, moduleOf, spec, codecs))
  }
  // Inline parameter schemas are emitted into the operation table, and may need a timestamp too.
  for (const operation of spec.operations) {
    for (const parameter of [...operation.pathParameters, ...operation.queryParameters]) {
      schemaCode(parameter.node, { side: "request", cycle: new Set(), used: new Set(), codecs })
    }
  }
  if (codecs.size > 0) files.set(`schemas/${CODECS_MODULE}.ts`, emitCodecs(codecs))
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
  spec: Spec,
  allCodecs: Set<CodecName>
): string => {
  const used = new Set<string>()
  const codecs = new Set<CodecName>()
  // A schema identical to one declared before it in this module (same code, same side) is declared as an alias
  // of that one: one definition, and every name the spec gives it still exists.
  const firstWithShape = new Map<string, string>()
  const declarations = declarationOrder(schemas).map((schema) => {
    const shape = shapeKey(schema)
    const original = shape === undefined ? undefined : firstWithShape.get(shape)
    if (original !== undefined) return emitAlias(schema, original, used)
    if (shape !== undefined) firstWithShape.set(shape, schema.name)
    return emitDeclaration(schema, used, codecs)
  })
  for (const codec of codecs) allCodecs.add(codec)
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
    `import * as Schema from "effect/Schema"`,
    ...(codecs.size === 0 ? [] : [importStatement([...codecs].sort(compareStrings), `./${CODECS_MODULE}.ts`)]),
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

// What a schema's declaration would say apart from its name and description; none for a cycle (its declaration
// names itself).
const shapeKey = (schema: ComponentSchema): string | undefined => {
  if (schema.cycle.length > 0) return undefined
  const context: EmitContext = { side: schema.side, cycle: new Set(), used: new Set(), codecs: new Set() }
  const open = schema.node.kind === "object" && isOpenStruct(schema.node, schema.side)
  return `${schema.side} ${open ? "open" : "plain"} ${printCode(schemaCode(schema.node, context))}`
}

const emitAlias = (schema: ComponentSchema, original: string, used: Set<string>): string => {
  used.add(original)
  const doc = schema.description === undefined ? "" : `${jsDoc(schema.description)}\n`
  return `${doc}export const ${schema.name} = ${original}\n${doc}export type ${schema.name} = ${original}`
}

const emitDeclaration = (schema: ComponentSchema, used: Set<string>, codecs: Set<CodecName>): string => {
  const context: EmitContext = { side: schema.side, cycle: new Set(schema.cycle), used, codecs }
  const doc = schema.description === undefined ? "" : `${jsDoc(schema.description)}\n`
  if (schema.cycle.length === 0 && schema.node.kind === "object" && isOpenStruct(schema.node, schema.side)) {
    return emitOpenStruct(schema.name, schema.node, doc, context)
  }
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

/**
 * A response object declared by name, so that an editor shows `Dataset` rather than its expansion:
 *
 *     const DatasetFields = { … }
 *     export interface Dataset extends Schema.Struct.Type<typeof DatasetFields> {}
 *     export const Dataset: Schema.Codec<Dataset, Schema.Struct.Encoded<typeof DatasetFields>> = openStruct(…)
 *
 * The interface lists the declared fields only: reading a field the spec does not declare is a compile error,
 * while `openStruct` still keeps such fields at run time.
 */
const emitOpenStruct = (name: string, node: ObjectNode, doc: string, context: EmitContext): string => {
  context.codecs.add("openStruct")
  const fields = `${name}Fields`
  const fieldsHead = `const ${fields} = `
  const checks = node.checks.length === 0 ? "" : `.check(${node.checks.map((check) => printCode(checkCode(check, text("Schema.Struct")))).join(", ")})`
  const head = `export const ${name}: Schema.Codec<${name}, Schema.Struct.Encoded<typeof ${fields}>> =`
  const value = `openStruct(${fields})${checks}`
  return [
    `${fieldsHead}${printCode(fieldsCode(node, context), "", fieldsHead.length)}`,
    `${doc}export interface ${name} extends Schema.Struct.Type<typeof ${fields}> {}`,
    `${doc}${head}${head.length + 1 + value.length <= WIDTH ? " " : "\n  "}${value}`
  ].join("\n")
}

/** An object that decodes as `openStruct`: declared fields, and unknown ones kept (response side). */
const isOpenStruct = (node: ObjectNode, side: Side): boolean =>
  side === "response" && node.properties.length > 0 && node.patternProperties.length === 0 &&
  node.additionalProperties.kind === "unspecified"

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
      if (node.format === "date-time" && context.side === "request") {
        context.codecs.add("TimestampInput")
        return text("TimestampInput")
      }
      return withChecks(text("Schema.String"), node.checks, node.expected)
    case "number":
      // JSON has no NaN or Infinity (JSON.stringify would send null), so a request refuses them.
      return withChecks(
        text(node.integer ? "Schema.Int" : context.side === "request" ? "Schema.Finite" : "Schema.Number"),
        node.checks
      )
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
      if (!node.open) return known
      // Any value decodes (a value the server adds later, say), and the known ones stay autocompletable.
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
      context.codecs.add("FileUpload")
      return text("FileUpload")
  }
}

/** The fields of an object, as the argument of `Schema.Struct` or `openStruct`. */
const fieldsCode = (node: ObjectNode, context: EmitContext): Code =>
  object(
    node.properties.map((property) => ({
      key: property.name,
      value: propertyCode(property, context),
      doc: property.node.description
    }))
  )

/**
 * One field. On the response side an optional field that may be `null` reads `null` as absent, and an optional
 * collection with an empty default reads absent (and `null`) as empty; a required field keeps `null` as a value.
 */
const propertyCode = (property: Property, context: EmitContext): Code => {
  if (property.required) return schemaCode(property.node, context)
  if (context.side === "response") {
    const nullable = property.node.kind === "nullable"
    const inner = property.node.kind === "nullable" ? property.node.inner : property.node
    if (property.emptyDefault !== undefined) {
      const codec = nullable ? "emptyWhenAbsentOrNull" : "emptyWhenAbsent"
      context.codecs.add(codec)
      return call(codec, schemaCode(inner, context), literal(property.emptyDefault))
    }
    if (nullable) {
      context.codecs.add("absentWhenNull")
      return call("absentWhenNull", schemaCode(inner, context))
    }
  }
  return call("Schema.optionalKey", schemaCode(property.node, context))
}

const objectCode = (node: ObjectNode, context: EmitContext): Code => {
  if (isOpenStruct(node, context.side)) {
    context.codecs.add("openStruct")
    return withChecks(call("openStruct", fieldsCode(node, context)), node.checks)
  }
  const fields = fieldsCode(node, context)
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
      : withUnexpectedKeyMessage(call("Schema.Struct", fields), node)
  }
  if (node.properties.length === 0 && records.length === 1) return withUnexpectedKeyMessage(records[0]!, node)
  return withUnexpectedKeyMessage(call("Schema.StructWithRest", call("Schema.Struct", fields), array(records)), node)
}

const withUnexpectedKeyMessage = (code: Code, node: ObjectNode): Code =>
  node.unexpectedKeyMessage === undefined
    ? code
    : method(code, "annotate", object([{ key: "messageUnexpectedKey", value: literal(node.unexpectedKeyMessage) }]))

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
      // Response objects are open: a field a newer server adds is kept (as JSON), not dropped.
      return side === "response" ? ["json"] : []
  }
}

const withChecks = (base: Code, checks: ReadonlyArray<Check>, expected?: string): Code =>
  checks.length === 0 ? base : method(base, "check", ...checks.map((check) => checkCode(check, base, expected)))

// A pattern reads badly in an error; the spec's `x-reinfer-expected` says in words what it allows.
const checkCode = (check: Check, base: Code, expected?: string): Code => {
  const isString = base.kind === "text" && base.text === "Schema.String"
  const value = check.value
  const annotations = expected === undefined ? [] : [object([{ key: "expected", value: literal(expected) }])]
  switch (check.keyword) {
    // JSON Schema counts a string's length in code points, not UTF-16 units.
    case "minLength":
      return call(isString ? "Schema.isMinCodePoints" : "Schema.isMinLength", literal(value))
    case "maxLength":
      return call(isString ? "Schema.isMaxCodePoints" : "Schema.isMaxLength", literal(value))
    case "pattern":
      return call("Schema.isPattern", text(String(new RegExp(String(value)))), ...annotations)
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
      return typeText(node.format === "date-time" && side === "request" ? "Date | string" : "string")
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
      if (!node.open) return typeUnion(known)
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
  const properties: ReadonlyArray<TypeMember> = node.properties.map((property) => {
    // As propertyCode decodes them: on the response side `null` in an optional field reads as absent, and an
    // optional collection with an empty default is always there.
    const decoded = side === "response" && !property.required && property.node.kind === "nullable"
      ? property.node.inner
      : property.node
    const alwaysThere = side === "response" && property.emptyDefault !== undefined
    return {
      key: property.name,
      optional: !property.required && !alwaysThere,
      value: schemaType(decoded, side, used),
      doc: property.node.description
    }
  })
  const indexes: ReadonlyArray<TypeMember> = [
    ...node.patternProperties.map((pattern) => ({
      key: `[x: \`${pattern.parts.map(templatePart).join("")}\${string}\`]`,
      index: true,
      value: schemaType(pattern.node, side, used)
    })),
    // An open response object keeps unknown fields at run time, but its type lists the declared ones only.
    ...(isOpenStruct(node, side) ? [] : restValue(node, side)).map((value) => ({
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
