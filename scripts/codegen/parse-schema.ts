/**
 * Turns one JSON Schema (OpenAPI 3.1 dialect) into a SchemaNode.
 *
 * The supported subset is listed keyword by keyword below; any other keyword is an error naming its pointer,
 * never a silent `Schema.Unknown`. Objects and `allOf` (merged into one object, so emitters only ever see flat
 * objects) are parse-object.ts's part.
 * Sides (request/response) are not decided here: a node describes the spec, emit-schemas.ts decides how open
 * to make it.
 *
 * @since 0.1.0
 */
import type { Check, JsonPointer, SchemaNode } from "./ir.ts"
import { compareStrings } from "./names.ts"
import { parseAllOf, parseObject } from "./parse-object.ts"
import { type Diagnostics, pointerTo } from "./warnings.ts"

export interface SchemaContext {
  /** The bundled document, to follow `$ref`s that `allOf` and discriminators need to look into. */
  readonly document: Raw
  readonly diagnostics: Diagnostics
  /** Component nodes parsed so far, by name; shared with parse.ts so each component is parsed once. */
  readonly components: Map<string, SchemaNode | "parsing">
}

/** A schema object as written in the spec. */
export type Raw = Readonly<Record<string, unknown>>

export const COMPONENT_SCHEMA_PREFIX = "#/components/schemas/"

/** Keywords that only document a schema; they never change the generated code. */
export const ANNOTATIONS = new Set([
  "$comment",
  "default",
  "deprecated",
  "description",
  "example",
  "examples",
  "externalDocs",
  "format",
  "readOnly",
  "summary",
  "title",
  "writeOnly",
  "xml"
])

/** Keywords that apply to one instance type; a keyword whose type the schema does not allow is an error. */
export const TYPED_KEYWORDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  string: ["minLength", "maxLength", "pattern", "contentMediaType", "contentEncoding"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  integer: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  array: ["items", "minItems", "maxItems", "uniqueItems"],
  object: [
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties"
  ]
}

const STRUCTURAL = new Set(["type", "enum", "const", "allOf", "oneOf", "anyOf", "discriminator", "nullable"])

const KNOWN = new Set([...ANNOTATIONS, ...STRUCTURAL, ...Object.values(TYPED_KEYWORDS).flat()])

const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object", "null"])

const BINARY_MEDIA_TYPE = "application/octet-stream"

/** Parses the component `#/components/schemas/<name>` once and caches it. */
export const parseComponent = (name: string, context: SchemaContext): SchemaNode | undefined => {
  const cached = context.components.get(name)
  if (cached === "parsing") return undefined
  if (cached !== undefined) return cached
  const raw = componentSchemas(context.document)[name]
  if (raw === undefined) return undefined
  context.components.set(name, "parsing")
  const node = parseSchema(raw, pointerTo("#/components/schemas", name), context)
  context.components.set(name, node)
  return node
}

export const componentSchemas = (document: Raw): Raw => {
  const components = document["components"]
  const schemas = isRecord(components) ? components["schemas"] : undefined
  return isRecord(schemas) ? schemas : {}
}

export const parseSchema = (raw: unknown, pointer: JsonPointer, context: SchemaContext): SchemaNode => {
  if (raw === true) return emptySchema({}, pointer, context)
  if (!isRecord(raw)) return invalid(pointer, "expected a schema object", context)
  checkKnownKeywords(raw, pointer, context)
  if ("$ref" in raw) return parseRef(raw, pointer, context)
  if ("nullable" in raw) {
    return invalid(
      pointerTo(pointer, "nullable"),
      `"nullable" is OpenAPI 3.0; in 3.1 write type: [<type>, "null"]`,
      context
    )
  }
  if ("allOf" in raw) return parseAllOf(raw, pointer, context)
  if ("oneOf" in raw || "anyOf" in raw) return parseUnion(raw, pointer, context)
  if ("const" in raw) return parseConst(raw, pointer, context)
  if ("enum" in raw) return parseEnum(raw, pointer, context)
  if ("discriminator" in raw) {
    return invalid(pointerTo(pointer, "discriminator"), "a discriminator needs a oneOf beside it", context)
  }
  const types = declaredTypes(raw, pointer, context)
  if (types === undefined) return emptySchema(raw, pointer, context)
  checkKeywordsApply(raw, types, pointer, context)
  const nonNull = types.filter((type) => type !== "null")
  const nodes = nonNull.map((type) => parseTyped(raw, type, pointer, context))
  const description = describe(raw)
  if (nodes.length === 0) return { kind: "null", pointer, description }
  const inner: SchemaNode = nodes.length === 1
    ? nodes[0]!
    : { kind: "union", pointer, description, members: nodes, discriminator: undefined }
  return types.includes("null") ? { kind: "nullable", pointer, description, inner } : inner
}

export const checkKnownKeywords = (
  raw: Raw,
  pointer: JsonPointer,
  context: SchemaContext
): void => {
  for (const key of Object.keys(raw).sort(compareStrings)) {
    if (!KNOWN.has(key) && !key.startsWith("x-") && key !== "$ref") {
      context.diagnostics.error(pointer, `unsupported keyword "${key}"`)
    }
  }
}

const parseRef = (raw: Raw, pointer: JsonPointer, context: SchemaContext): SchemaNode => {
  const ref = raw["$ref"]
  for (const key of Object.keys(raw).sort(compareStrings)) {
    // `default` beside a $ref is how a property says "absent means empty" (see parse-object.ts).
    const annotation = key === "description" || key === "summary" || key === "title" || key === "default"
    if (key !== "$ref" && !annotation && !key.startsWith("x-")) {
      context.diagnostics.error(
        pointerTo(pointer, key),
        `keyword "${key}" beside $ref is not supported; put it on the referenced schema`
      )
    }
  }
  const name = componentRefName(ref)
  if (name === undefined) {
    return invalid(pointer, `$ref ${JSON.stringify(ref)} does not point to #/components/schemas/<name>`, context)
  }
  if (componentSchemas(context.document)[name] === undefined) {
    return invalid(pointer, `$ref ${JSON.stringify(ref)} points to a schema that does not exist`, context)
  }
  return { kind: "ref", pointer, description: describe(raw), name }
}

/** `#/components/schemas/Foo` → `Foo`; undefined for any other reference. */
export const componentRefName = (ref: unknown): string | undefined => {
  if (typeof ref !== "string" || !ref.startsWith(COMPONENT_SCHEMA_PREFIX)) return undefined
  const name = ref.slice(COMPONENT_SCHEMA_PREFIX.length)
  return name.includes("/") ? undefined : name.replaceAll("~1", "/").replaceAll("~0", "~")
}

const declaredTypes = (
  raw: Raw,
  pointer: JsonPointer,
  context: SchemaContext
): ReadonlyArray<string> | undefined => {
  const type = raw["type"]
  if (type === undefined) {
    const keywords = Object.keys(raw)
    const typeOf = (name: string) => keywords.some((keyword) => TYPED_KEYWORDS[name]!.includes(keyword))
    if (typeOf("object")) return ["object"]
    if (typeOf("array")) return ["array"]
    const stray = keywords.find((keyword) => typeOf("string") || typeOf("number") ? isTypedKeyword(keyword) : false)
    if (stray !== undefined) {
      context.diagnostics.error(pointerTo(pointer, stray), `"${stray}" without a "type" beside it`)
    }
    return undefined
  }
  const types = Array.isArray(type) ? type : [type]
  if (types.length === 0 || types.some((t) => typeof t !== "string" || !TYPES.has(t))) {
    context.diagnostics.error(pointerTo(pointer, "type"), `unsupported type ${JSON.stringify(type)}`)
    return ["null"]
  }
  return types as ReadonlyArray<string>
}

const isTypedKeyword = (keyword: string): boolean =>
  Object.values(TYPED_KEYWORDS).some((keywords) => keywords.includes(keyword))

export const checkKeywordsApply = (
  raw: Raw,
  types: ReadonlyArray<string>,
  pointer: JsonPointer,
  context: SchemaContext
): void => {
  for (const keyword of Object.keys(raw).sort(compareStrings)) {
    if (!isTypedKeyword(keyword)) continue
    if (!types.some((type) => TYPED_KEYWORDS[type]?.includes(keyword))) {
      context.diagnostics.error(
        pointerTo(pointer, keyword),
        `"${keyword}" does not apply to type ${types.join(" | ")}`
      )
    }
  }
}

const parseTyped = (
  raw: Raw,
  type: string,
  pointer: JsonPointer,
  context: SchemaContext
): SchemaNode => {
  const description = describe(raw)
  switch (type) {
    case "string": {
      if (raw["format"] === "binary" || raw["contentMediaType"] === BINARY_MEDIA_TYPE) {
        return { kind: "binary", pointer, description }
      }
      if (raw["contentEncoding"] !== undefined) {
        context.diagnostics.warn(
          "ignored-keyword",
          pointerTo(pointer, "contentEncoding"),
          "contentEncoding is not checked; the value stays an encoded string"
        )
      }
      const checks = [
        ...lengthCheck(raw, "minLength", pointer, context),
        ...lengthCheck(raw, "maxLength", pointer, context),
        ...patternCheck(raw, pointer, context)
      ]
      const format = raw["format"] === "date-time" ? "date-time" : undefined
      if (format !== undefined && checks.length > 0) {
        context.diagnostics.error(pointer, "a date-time string takes no pattern or length checks: the format is the check")
      }
      return { kind: "string", pointer, description, checks, format, expected: expectedText(raw, pointer, context) }
    }
    case "number":
    case "integer": {
      const checks: Array<Check> = []
      for (const keyword of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] as const) {
        const value = raw[keyword]
        if (value === undefined) continue
        if (typeof value !== "number" || !Number.isFinite(value)) {
          context.diagnostics.error(
            pointerTo(pointer, keyword),
            typeof value === "boolean"
              ? `boolean "${keyword}" is OpenAPI 3.0; in 3.1 it holds the bound itself`
              : `"${keyword}" must be a number`
          )
          continue
        }
        checks.push({ keyword, value })
      }
      return { kind: "number", pointer, description, integer: type === "integer", checks }
    }
    case "boolean":
      return { kind: "boolean", pointer, description }
    case "array": {
      const items = raw["items"]
      if (items === undefined || Array.isArray(items)) {
        return invalid(pointer, "an array schema needs a single \"items\" schema", context)
      }
      const checks = [
        ...lengthCheck(raw, "minItems", pointer, context),
        ...lengthCheck(raw, "maxItems", pointer, context)
      ]
      if (raw["uniqueItems"] === true) checks.push({ keyword: "uniqueItems", value: 1 })
      return {
        kind: "array",
        pointer,
        description,
        items: parseSchema(items, pointerTo(pointer, "items"), context),
        checks
      }
    }
    default:
      return parseObject(raw, pointer, context)
  }
}

export const lengthCheck = (
  raw: Raw,
  keyword: "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties",
  pointer: JsonPointer,
  context: SchemaContext
): ReadonlyArray<Check> => {
  const value = raw[keyword]
  if (value === undefined) return []
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    context.diagnostics.error(pointerTo(pointer, keyword), `"${keyword}" must be a non-negative integer`)
    return []
  }
  return [{ keyword, value }]
}

const patternCheck = (
  raw: Raw,
  pointer: JsonPointer,
  context: SchemaContext
): ReadonlyArray<Check> => {
  const pattern = raw["pattern"]
  if (pattern === undefined) return []
  if (typeof pattern !== "string" || !isValidRegExp(pattern)) {
    context.diagnostics.error(
      pointerTo(pointer, "pattern"),
      `${JSON.stringify(pattern)} is not a valid regular expression`
    )
    return []
  }
  return [{ keyword: "pattern", value: pattern }]
}

const isValidRegExp = (pattern: string): boolean => {
  try {
    new RegExp(pattern)
    return true
  } catch {
    return false
  }
}

const parseConst = (raw: Raw, pointer: JsonPointer, context: SchemaContext): SchemaNode => {
  const value = raw["const"]
  if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    const message = "only string, number, boolean and null constants are supported"
    return invalid(pointerTo(pointer, "const"), message, context)
  }
  if (raw["type"] !== undefined && !typeAllows(raw["type"], value)) {
    context.diagnostics.error(pointerTo(pointer, "const"), `${JSON.stringify(value)} does not match the declared type`)
  }
  return { kind: "literal", pointer, description: describe(raw), value }
}

const parseEnum = (raw: Raw, pointer: JsonPointer, context: SchemaContext): SchemaNode => {
  const values = raw["enum"]
  const at = pointerTo(pointer, "enum")
  if (!Array.isArray(values) || values.length === 0) return invalid(at, "\"enum\" must be a non-empty list", context)
  const description = describe(raw)
  const nonNull = values.filter((value) => value !== null)
  const nullable = nonNull.length < values.length || (Array.isArray(raw["type"]) && raw["type"].includes("null"))
  if (new Set(values).size !== values.length) context.diagnostics.error(at, "\"enum\" lists a value twice")
  if (raw["type"] !== undefined && values.some((value) => !typeAllows(raw["type"], value))) {
    context.diagnostics.error(at, "an enum value does not match the declared type")
  }
  let inner: SchemaNode
  if (nonNull.length === 0) {
    return { kind: "null", pointer, description }
  } else if (nonNull.every((value) => typeof value === "string")) {
    inner = { kind: "enum", pointer, description, valueType: "string", values: nonNull, open: false }
  } else if (nonNull.every((value) => typeof value === "number")) {
    inner = { kind: "enum", pointer, description, valueType: "number", values: nonNull, open: false }
  } else if (nonNull.length === 1 && typeof nonNull[0] === "boolean") {
    inner = { kind: "literal", pointer, description, value: nonNull[0] }
  } else {
    return invalid(at, "an enum must list only strings or only numbers (plus null)", context)
  }
  return nullable ? { kind: "nullable", pointer, description, inner } : inner
}

const typeAllows = (type: unknown, value: unknown): boolean => {
  const types: ReadonlyArray<unknown> = Array.isArray(type) ? type : [type]
  return types.some((t) =>
    value === null
      ? t === "null"
      : t === "integer"
      ? Number.isInteger(value)
      : t === typeof value
  )
}

const parseUnion = (raw: Raw, pointer: JsonPointer, context: SchemaContext): SchemaNode => {
  if ("oneOf" in raw && "anyOf" in raw) {
    return invalid(pointer, "\"oneOf\" and \"anyOf\" together are not supported", context)
  }
  const keyword = "oneOf" in raw ? "oneOf" : "anyOf"
  for (const key of Object.keys(raw).sort(compareStrings)) {
    const allowed = key === keyword || key === "discriminator" || ANNOTATIONS.has(key) || key.startsWith("x-") ||
      (key === "type" && raw["type"] === "object" && !("properties" in raw))
    if (!allowed) {
      context.diagnostics.error(pointerTo(pointer, key), `keyword "${key}" beside ${keyword} is not supported`)
    }
  }
  const membersRaw = raw[keyword]
  if (!Array.isArray(membersRaw) || membersRaw.length === 0) {
    return invalid(pointerTo(pointer, keyword), `"${keyword}" must be a non-empty list`, context)
  }
  const description = describe(raw)
  const parsed = membersRaw.map((member, index) => parseSchema(member, pointerTo(pointer, keyword, index), context))
  const members = parsed.filter((member) => member.kind !== "null")
  const nullable = members.length < parsed.length
  if (members.length === 0) return { kind: "null", pointer, description }
  const openEnum = asOpenEnum(members, pointer, description)
  if (openEnum !== undefined) {
    if (keyword !== "anyOf") {
      context.diagnostics.error(
        pointerTo(pointer, keyword),
        "an open enum is written with anyOf: with oneOf, a known value matches both members and is rejected"
      )
    }
    return nullable ? { kind: "nullable", pointer, description, inner: openEnum } : openEnum
  }
  const discriminator = "discriminator" in raw
    ? parseDiscriminator(raw["discriminator"], members, pointer, context)
    : undefined
  const inner: SchemaNode = members.length === 1 && discriminator === undefined
    ? { ...members[0]!, description: members[0]!.description ?? description }
    : { kind: "union", pointer, description, members, discriminator }
  return nullable ? { kind: "nullable", pointer, description, inner } : inner
}

/**
 * `anyOf: [{type: string, enum: [...]}, {type: string}]` (in either order): an open enum; likewise with numbers.
 * The plain member must carry no checks, or the known values would not be the only thing that tells the two apart.
 */
const asOpenEnum = (
  members: ReadonlyArray<SchemaNode>,
  pointer: JsonPointer,
  description: string | undefined
): SchemaNode | undefined => {
  if (members.length !== 2) return undefined
  const known = members.find((member) => member.kind === "enum" && !member.open)
  const other = members.find((member) => member !== known)
  if (known?.kind !== "enum" || other === undefined) return undefined
  const plainString = other.kind === "string" && other.checks.length === 0 && other.format === undefined
  const plainNumber = other.kind === "number" && other.checks.length === 0
  if (!(known.valueType === "string" ? plainString : plainNumber)) return undefined
  return { ...known, pointer, description: description ?? known.description, open: true }
}

/**
 * Checks a discriminator against its members and returns the property name. Every member must be a `$ref` to an
 * object whose discriminator property is a required constant, and the mapping must list exactly those constants:
 * openapi-typescript types the property from the mapping keys (or from schema names without a mapping), so a
 * mismatch would make the two type sets disagree.
 */
const parseDiscriminator = (
  discriminator: unknown,
  members: ReadonlyArray<SchemaNode>,
  pointer: JsonPointer,
  context: SchemaContext
): string | undefined => {
  const at = pointerTo(pointer, "discriminator")
  if (!isRecord(discriminator) || typeof discriminator["propertyName"] !== "string") {
    context.diagnostics.error(at, "a discriminator needs a \"propertyName\"")
    return undefined
  }
  const propertyName = discriminator["propertyName"]
  const mapping = discriminator["mapping"]
  if (!isRecord(mapping)) {
    context.diagnostics.error(at, "a discriminator needs a \"mapping\" from each constant to its member schema")
    return propertyName
  }
  const mapped = new Map<string, string>()
  for (const key of Object.keys(mapping).sort(compareStrings)) {
    const name = componentRefName(mapping[key])
    if (name === undefined) {
      context.diagnostics.error(pointerTo(at, "mapping", key), "a mapping value must be #/components/schemas/<name>")
    } else {
      mapped.set(name, key)
    }
  }
  for (const member of members) {
    if (member.kind !== "ref") {
      context.diagnostics.error(member.pointer, "a member of a discriminated oneOf must be a $ref to an object schema")
      continue
    }
    const key = mapped.get(member.name)
    if (key === undefined) {
      context.diagnostics.error(at, `the mapping does not list member ${member.name}`)
      continue
    }
    mapped.delete(member.name)
    const target = parseComponent(member.name, context)
    if (target === undefined) continue
    const property = target.kind === "object"
      ? target.properties.find((candidate) => candidate.name === propertyName)
      : undefined
    const value = property === undefined
      ? undefined
      : property.node.kind === "literal"
      ? property.node.value
      : property.node.kind === "enum" && property.node.values.length === 1
      ? property.node.values[0]
      : undefined
    if (property === undefined || !property.required || value === undefined) {
      context.diagnostics.error(
        target.pointer,
        `member of a discriminated oneOf needs a required constant property "${propertyName}"`
      )
    } else if (value !== key) {
      context.diagnostics.error(
        pointerTo(at, "mapping", key),
        `maps "${key}" to ${member.name}, whose "${propertyName}" is ${JSON.stringify(value)}`
      )
    }
  }
  for (const [name, key] of mapped) {
    context.diagnostics.error(pointerTo(at, "mapping", key), `maps to ${name}, which is not a member of the oneOf`)
  }
  return propertyName
}

const emptySchema = (raw: Raw, pointer: JsonPointer, context: SchemaContext): SchemaNode => {
  const description = describe(raw)
  if (description === undefined) {
    context.diagnostics.warn(
      "opaque-json",
      pointer,
      "empty schema without a description becomes Schema.Json; describe what it holds"
    )
  }
  return { kind: "json", pointer, description }
}

export const invalid = (pointer: JsonPointer, message: string, context: SchemaContext): SchemaNode => {
  context.diagnostics.error(pointer, message)
  return { kind: "json", pointer, description: undefined }
}

export const describe = (raw: Raw): string | undefined => {
  const description = raw["description"]
  return typeof description === "string" && description.trim().length > 0 ? description.trim() : undefined
}

export const isRecord = (value: unknown): value is Raw =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** `x-reinfer-expected`: a sentence saying what a valid value looks like, used in place of a raw pattern. */
const expectedText = (raw: Raw, pointer: JsonPointer, context: SchemaContext): string | undefined => {
  const expected = raw["x-reinfer-expected"]
  if (expected === undefined) return undefined
  if (typeof expected !== "string" || expected.trim() === "") {
    context.diagnostics.error(pointerTo(pointer, "x-reinfer-expected"), "must be a non-empty string")
    return undefined
  }
  return expected.trim()
}

/** `[]` or `{}`: the only defaults the generator acts on. */
export const isEmptyCollection = (value: unknown): boolean =>
  (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0)
