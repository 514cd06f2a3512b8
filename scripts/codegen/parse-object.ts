/**
 * Object schemas: properties and `required`, `additionalProperties`, `patternProperties`, `propertyNames`, and
 * `allOf` of objects merged into one object.
 *
 * Part of parse-schema.ts (which calls back into it for every property), split out because objects are where
 * JSON Schema and Effect's `Struct` / `StructWithRest` differ most, and each difference is decided here.
 *
 * @since 0.1.0
 */
import type {
  AdditionalProperties,
  Check,
  JsonPointer,
  ObjectNode,
  PatternProperty,
  Property,
  SchemaNode
} from "./ir.ts"
import { compareStrings, sortedBy } from "./names.ts"
import {
  ANNOTATIONS,
  checkKeywordsApply,
  checkKnownKeywords,
  describe,
  invalid,
  isEmptyCollection,
  isRecord,
  lengthCheck,
  parseComponent,
  parseSchema,
  type Raw,
  type SchemaContext,
  TYPED_KEYWORDS
} from "./parse-schema.ts"
import { pointerTo } from "./warnings.ts"

export const parseObject = (raw: Raw, pointer: JsonPointer, context: SchemaContext): ObjectNode => {
  const { node, required } = parseObjectPart(raw, pointer, context)
  checkRequiredDeclared(node, required, pointer, context)
  checkRestSchema(node, context)
  return node
}

/**
 * `Schema.StructWithRest` checks its records against every key, declared ones included, while JSON Schema applies
 * `additionalProperties` only to undeclared keys. With a JSON-value rest both agree; with a narrower schema they
 * would not, so that combination is refused rather than generated wrong.
 */
const checkRestSchema = (node: ObjectNode, context: SchemaContext): void => {
  if (
    node.additionalProperties.kind === "schema" &&
    (node.properties.length > 0 || node.patternProperties.length > 0)
  ) {
    context.diagnostics.error(
      pointerTo(node.pointer, "additionalProperties"),
      "an additionalProperties schema beside properties or patternProperties is not supported " +
        "(only true, false, or none)"
    )
  }
}

/** An object without the check that every `required` name is declared (an allOf member may require another's). */
const parseObjectPart = (
  raw: Raw,
  pointer: JsonPointer,
  context: SchemaContext
): { readonly node: ObjectNode; readonly required: ReadonlySet<string> } => {
  const propertiesRaw = raw["properties"] ?? {}
  const required = raw["required"] ?? []
  if (!isRecord(propertiesRaw)) {
    context.diagnostics.error(pointerTo(pointer, "properties"), "\"properties\" must be an object")
  }
  if (!Array.isArray(required) || required.some((name) => typeof name !== "string")) {
    context.diagnostics.error(pointerTo(pointer, "required"), "\"required\" must be a list of property names")
  }
  const requiredNames = new Set<string>(Array.isArray(required) ? required.filter((n) => typeof n === "string") : [])
  const declared = isRecord(propertiesRaw) ? propertiesRaw : {}
  const properties: Array<Property> = sortedBy(Object.keys(declared), (name) => name).map((name) => {
    const at = pointerTo(pointer, "properties", name)
    const node = parseSchema(declared[name], at, context)
    return {
      name,
      required: requiredNames.has(name),
      node,
      emptyDefault: parseEmptyDefault(declared[name], node, requiredNames.has(name), at, context)
    }
  })
  const node: ObjectNode = {
    kind: "object",
    pointer,
    description: describe(raw),
    properties,
    patternProperties: parsePatternProperties(raw, pointer, context),
    additionalProperties: parseAdditionalProperties(raw, pointer, context),
    propertyNames: parsePropertyNames(raw, pointer, context),
    checks: [
      ...lengthCheck(raw, "minProperties", pointer, context),
      ...lengthCheck(raw, "maxProperties", pointer, context)
    ],
    mergedFrom: [],
    unexpectedKeyMessage: parseUnexpectedKeyMessage(raw, pointer, context)
  }
  return { node, required: requiredNames }
}

const checkRequiredDeclared = (
  node: ObjectNode,
  required: ReadonlySet<string>,
  pointer: JsonPointer,
  context: SchemaContext
): void => {
  for (const name of [...required].sort(compareStrings)) {
    if (!node.properties.some((property) => property.name === name)) {
      context.diagnostics.error(
        pointerTo(pointer, "required"),
        `required property "${name}" is not declared in "properties"`
      )
    }
  }
}

const parsePatternProperties = (
  raw: Raw,
  pointer: JsonPointer,
  context: SchemaContext
): ReadonlyArray<PatternProperty> => {
  const patterns = raw["patternProperties"]
  if (patterns === undefined) return []
  if (!isRecord(patterns)) {
    context.diagnostics.error(pointerTo(pointer, "patternProperties"), "\"patternProperties\" must be an object")
    return []
  }
  return sortedBy(Object.keys(patterns), (pattern) => pattern).flatMap((pattern) => {
    const at = pointerTo(pointer, "patternProperties", pattern)
    const parts = literalPrefix(pattern)
    if (parts === undefined) {
      context.diagnostics.error(
        at,
        `pattern ${JSON.stringify(pattern)} is not supported: only an anchored literal prefix (with optional ` +
          "groups of literal alternatives, like \"^(string|number):\") becomes a template-literal key"
      )
      return []
    }
    return [{ pattern, parts, node: parseSchema(patterns[pattern], at, context) }]
  })
}

/**
 * `^string:` → `["string:"]`; `^(string|number):` → `[["string", "number"], ":"]`; `^a\.b` → `["a.b"]`. Undefined
 * for anything else: the pattern must be anchored and match exactly the keys a template literal can describe.
 */
const literalPrefix = (pattern: string): ReadonlyArray<string | ReadonlyArray<string>> | undefined => {
  if (!pattern.startsWith("^")) return undefined
  const parts: Array<string | ReadonlyArray<string>> = []
  let literal = ""
  let group: Array<string> | undefined
  for (let index = 1; index < pattern.length; index++) {
    const char = pattern[index]!
    if (char === "\\") {
      const next = pattern[index + 1]
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined
      literal += next
      index++
    } else if (char === "(" && group === undefined) {
      if (literal !== "") parts.push(literal)
      literal = ""
      group = []
      if (pattern.startsWith("?:", index + 1)) index += 2
    } else if (char === "|" && group !== undefined) {
      group.push(literal)
      literal = ""
    } else if (char === ")" && group !== undefined) {
      group.push(literal)
      if (group.some((alternative) => alternative === "")) return undefined
      parts.push(group)
      literal = ""
      group = undefined
    } else if (".*+?()[]{}|^$".includes(char)) {
      return undefined
    } else {
      literal += char
    }
  }
  if (group !== undefined) return undefined
  if (literal !== "") parts.push(literal)
  return parts.length > 0 ? parts : undefined
}

/** `propertyNames: {type: string, pattern, minLength, maxLength}` → the checks every key must pass. */
const parsePropertyNames = (
  raw: Raw,
  pointer: JsonPointer,
  context: SchemaContext
): ReadonlyArray<Check> | undefined => {
  const names = raw["propertyNames"]
  if (names === undefined) return undefined
  const at = pointerTo(pointer, "propertyNames")
  const withType = isRecord(names) && names["type"] === undefined ? { type: "string", ...names } : names
  const node = parseSchema(withType, at, context)
  if (node.kind !== "string") {
    context.diagnostics.error(at, "propertyNames must be a string schema (pattern, minLength, maxLength)")
    return undefined
  }
  if (isRecord(raw["properties"]) || isRecord(raw["patternProperties"])) {
    context.diagnostics.error(at, "propertyNames beside properties or patternProperties is not supported")
  }
  return node.checks
}

const parseAdditionalProperties = (
  raw: Raw,
  pointer: JsonPointer,
  context: SchemaContext
): AdditionalProperties => {
  const additional = raw["additionalProperties"]
  if (additional === undefined) return { kind: "unspecified" }
  if (additional === false) return { kind: "forbidden" }
  if (additional === true) return { kind: "any" }
  const at = pointerTo(pointer, "additionalProperties")
  if (isRecord(additional) && Object.keys(additional).every((key) => ANNOTATIONS.has(key) || key.startsWith("x-"))) {
    return { kind: "any" }
  }
  return { kind: "schema", schema: parseSchema(additional, at, context) }
}

/**
 * `allOf` whose members are objects (inline or `$ref`) becomes one object: properties and `required` are
 * unioned, and a property declared twice must be declared the same way. `allOf: [{$ref}]` with only annotations
 * beside it is just a documented reference.
 */
export const parseAllOf = (raw: Raw, pointer: JsonPointer, context: SchemaContext): SchemaNode => {
  const membersRaw = raw["allOf"]
  const at = pointerTo(pointer, "allOf")
  if (!Array.isArray(membersRaw) || membersRaw.length === 0) {
    return invalid(at, "\"allOf\" must be a non-empty list", context)
  }
  const description = describe(raw)
  const siblings = Object.keys(raw).filter((key) => key !== "allOf" && !ANNOTATIONS.has(key) && !key.startsWith("x-"))
  if (membersRaw.length === 1 && siblings.length === 0) {
    const only = parseSchema(membersRaw[0], pointerTo(at, 0), context)
    return { ...only, description: description ?? only.description }
  }
  for (const key of siblings) {
    if (!(key === "type" && raw["type"] === "object") && !TYPED_KEYWORDS["object"]!.includes(key)) {
      context.diagnostics.error(pointerTo(pointer, key), `keyword "${key}" beside allOf is not supported`)
    }
  }
  const parts: Array<{ readonly node: ObjectNode; readonly required: ReadonlySet<string> }> = []
  const mergedFrom: Array<string> = []
  membersRaw.forEach((memberRaw, index) => {
    const memberPointer = pointerTo(at, index)
    if (isInlineObject(memberRaw)) {
      checkKnownKeywords(memberRaw, memberPointer, context)
      checkKeywordsApply(memberRaw, ["object"], memberPointer, context)
      parts.push(parseObjectPart(memberRaw, memberPointer, context))
      return
    }
    const member = parseSchema(memberRaw, memberPointer, context)
    const resolved = member.kind === "ref" ? parseComponent(member.name, context) : member
    if (member.kind === "ref") mergedFrom.push(member.name, ...(resolved?.kind === "object" ? resolved.mergedFrom : []))
    if (resolved === undefined) {
      context.diagnostics.error(member.pointer, "allOf member refers back to the schema being merged")
    } else if (resolved.kind !== "object") {
      context.diagnostics.error(member.pointer, "allOf member is not an object schema; only objects can be merged")
    } else {
      parts.push({ node: resolved, required: new Set() })
    }
  })
  const outer = siblings.length > 0 ? parseObjectPart(raw, pointer, context) : undefined
  const merged = mergeObjects(
    parts.map((part) => part.node),
    outer?.node,
    pointer,
    description,
    [...new Set(mergedFrom)].sort(compareStrings),
    context
  )
  const required = new Set([...parts, ...(outer === undefined ? [] : [outer])].flatMap((part) => [...part.required]))
  checkRequiredDeclared(merged, required, pointer, context)
  checkRestSchema(merged, context)
  return {
    ...merged,
    properties: merged.properties.map((property) =>
      required.has(property.name) ? { ...property, required: true, emptyDefault: undefined } : property
    )
  }
}

/** An allOf member written in place as an object (not a $ref, not itself a composition). */
const isInlineObject = (raw: unknown): raw is Raw =>
  isRecord(raw) && !("$ref" in raw) && !("allOf" in raw) && !("oneOf" in raw) && !("anyOf" in raw) &&
  (raw["type"] === "object" || (raw["type"] === undefined && TYPED_KEYWORDS["object"]!.some((key) => key in raw)))

const mergeObjects = (
  members: ReadonlyArray<ObjectNode>,
  outer: ObjectNode | undefined,
  pointer: JsonPointer,
  description: string | undefined,
  mergedFrom: ReadonlyArray<string>,
  context: SchemaContext
): ObjectNode => {
  const all = outer === undefined ? members : [...members, outer]
  if (all.some((member) => member.propertyNames !== undefined)) {
    context.diagnostics.error(pointer, "propertyNames inside allOf is not supported")
  }
  const properties = new Map<string, Property>()
  const patterns = new Map<string, PatternProperty>()
  for (const member of all) {
    for (const property of member.properties) {
      const existing = properties.get(property.name)
      if (existing === undefined) {
        properties.set(property.name, property)
      } else if (shape(existing.node) !== shape(property.node)) {
        context.diagnostics.error(
          property.node.pointer,
          `property "${property.name}" is declared differently in several allOf members (also ${existing.node.pointer})`
        )
      } else if (property.required && !existing.required) {
        properties.set(property.name, { ...existing, required: true })
      }
    }
    for (const pattern of member.patternProperties) patterns.set(pattern.pattern, pattern)
  }
  // JSON Schema applies each member's additionalProperties to the whole instance, which makes `false` on one
  // member reject the others' properties. The usual intent is "the merged object is closed", so the keyword
  // beside the allOf wins, and members may only set it when they agree.
  const explicit = members
    .map((member) => member.additionalProperties)
    .filter((additional) => additional.kind !== "unspecified")
  const outerAdditional = outer?.additionalProperties ?? { kind: "unspecified" as const }
  if (
    outerAdditional.kind === "unspecified" &&
    explicit.some((additional) => shapeOfAdditional(additional) !== shapeOfAdditional(explicit[0]!))
  ) {
    context.diagnostics.error(pointer, "allOf members disagree on additionalProperties; set it beside the allOf")
  }
  return {
    kind: "object",
    pointer,
    description,
    properties: sortedBy(properties.values(), (property) => property.name),
    patternProperties: sortedBy(patterns.values(), (pattern) => pattern.pattern),
    additionalProperties: outerAdditional.kind !== "unspecified"
      ? outerAdditional
      : explicit[0] ?? { kind: "unspecified" },
    propertyNames: undefined,
    checks: all.flatMap((member) => member.checks),
    mergedFrom,
    unexpectedKeyMessage: outer?.unexpectedKeyMessage ??
      members.map((member) => member.unexpectedKeyMessage).find((message) => message !== undefined)
  }
}

/** A node's meaning without its pointers and descriptions, to compare two declarations of a property. */
const shape = (node: SchemaNode): string =>
  JSON.stringify(node, (key, value) => (key === "pointer" || key === "description" ? undefined : value))

const shapeOfAdditional = (additional: AdditionalProperties): string =>
  additional.kind === "schema" ? shape(additional.schema) : additional.kind

/**
 * `default: []` on an optional array property, or `default: {}` on an optional map: "absent means empty". A
 * default on a required property could never apply, and one of another kind says nothing the generator acts on.
 */
const parseEmptyDefault = (
  raw: unknown,
  node: SchemaNode,
  required: boolean,
  pointer: JsonPointer,
  context: SchemaContext
): Property["emptyDefault"] => {
  if (!isRecord(raw) || !("default" in raw)) return undefined
  const value = raw["default"]
  if (!isEmptyCollection(value)) return undefined
  const at = pointerTo(pointer, "default")
  const expected = Array.isArray(value) ? "array" : "map"
  if (required) {
    context.diagnostics.error(at, "a required property never takes its default; make it optional or drop the default")
    return undefined
  }
  if (collectionKind(node, context) !== expected) {
    context.diagnostics.error(at, `default ${JSON.stringify(value)} does not match the property's type`)
    return undefined
  }
  return expected
}

/** Whether a node (through `$ref`s and `null`) is an array, a map (an object with a rest schema) or neither. */
const collectionKind = (node: SchemaNode, context: SchemaContext): "array" | "map" | undefined => {
  const resolved = node.kind === "ref" ? parseComponent(node.name, context) : node
  if (resolved === undefined) return undefined
  if (resolved.kind === "nullable") return collectionKind(resolved.inner, context)
  if (resolved.kind === "array") return "array"
  if (resolved.kind === "object" && resolved.properties.length === 0) return "map"
  return undefined
}

const parseUnexpectedKeyMessage = (raw: Raw, pointer: JsonPointer, context: SchemaContext): string | undefined => {
  const message = raw["x-reinfer-unexpected-key"]
  if (message === undefined) return undefined
  if (typeof message !== "string" || message.trim() === "") {
    context.diagnostics.error(pointerTo(pointer, "x-reinfer-unexpected-key"), "must be a non-empty string")
    return undefined
  }
  return message.trim()
}
