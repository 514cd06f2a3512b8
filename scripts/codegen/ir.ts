/**
 * The intermediate representation between the OpenAPI document and the emitters.
 *
 * parse.ts turns the bundled spec into these plain readonly values; every emit-*.ts file reads only these, never
 * raw OpenAPI. Every node keeps the JSON pointer it came from, so later stages can name it in errors.
 *
 * @since 0.1.0
 */

/** A JSON pointer into the bundled spec, written as a URI fragment: `#/components/schemas/Dataset`. */
export type JsonPointer = string

/**
 * Which way a component schema travels. Request-side schemas are strict; response-side schemas keep unknown
 * fields and accept unknown enum values, so a server that adds a field or an enum member does not break clients.
 */
export type Side = "request" | "response"

/** The whole spec, ready to emit. */
export interface Spec {
  /** The spec's path relative to the repository root, as written in every generated file's header. */
  readonly source: string
  readonly title: string
  readonly version: string
  /** Every component schema, sorted by name. */
  readonly schemas: ReadonlyArray<ComponentSchema>
  /** Every operation, sorted by operationId. */
  readonly operations: ReadonlyArray<Operation>
}

/** One entry of `#/components/schemas`. */
export interface ComponentSchema {
  readonly name: string
  readonly pointer: JsonPointer
  readonly description: string | undefined
  readonly side: Side
  /** The file under generated/schemas/ (without `.ts`) that declares it: a tag, or `shared`. */
  readonly module: string
  /**
   * The other components of its reference cycle (itself included when it refers to itself), empty when it is
   * not recursive. References inside a cycle go through `Schema.suspend`, and the type is written out.
   */
  readonly cycle: ReadonlyArray<string>
  /** Component schemas its emitted schema refers to (allOf sources are merged in, not referred to), sorted. */
  readonly references: ReadonlyArray<string>
  readonly node: SchemaNode
}

/** A JSON Schema, reduced to the constructs the generator supports. */
export type SchemaNode =
  | RefNode
  | StringNode
  | NumberNode
  | BooleanNode
  | NullNode
  | LiteralNode
  | EnumNode
  | ArrayNode
  | ObjectNode
  | UnionNode
  | NullableNode
  | JsonNode
  | BinaryNode

interface NodeBase {
  readonly pointer: JsonPointer
  readonly description: string | undefined
}

/** `$ref: '#/components/schemas/<name>'`. */
export interface RefNode extends NodeBase {
  readonly kind: "ref"
  readonly name: string
}

export interface StringNode extends NodeBase {
  readonly kind: "string"
  readonly checks: ReadonlyArray<Check>
  /**
   * `format: date-time`: a timestamp. On the request side it accepts a `Date` or an ISO 8601 string (with or
   * without an offset) and is sent in one canonical RFC 3339 form; on the response side it stays a string.
   */
  readonly format: "date-time" | undefined
  /** `x-reinfer-expected`: what a valid value looks like, in words, for the message of a failed check. */
  readonly expected: string | undefined
}

export interface NumberNode extends NodeBase {
  readonly kind: "number"
  readonly integer: boolean
  readonly checks: ReadonlyArray<Check>
}

export interface BooleanNode extends NodeBase {
  readonly kind: "boolean"
}

export interface NullNode extends NodeBase {
  readonly kind: "null"
}

/** `const`. Literals stay exact on both sides: they are what discriminated unions dispatch on. */
export interface LiteralNode extends NodeBase {
  readonly kind: "literal"
  readonly value: string | number | boolean | null
}

/**
 * `enum` without `null` (a nullable enum is a NullableNode around this). An open enum is written
 * `anyOf: [{type: string, enum: [...]}, {type: string}]`: any string is valid and the listed values are the
 * known ones (they stay autocompletable). Every response-side enum must be open, so that a value the server adds
 * later decodes, for our schemas and for any JSON Schema validator given the spec.
 */
export interface EnumNode extends NodeBase {
  readonly kind: "enum"
  readonly valueType: "string" | "number"
  readonly values: ReadonlyArray<string | number>
  readonly open: boolean
}

export interface ArrayNode extends NodeBase {
  readonly kind: "array"
  readonly items: SchemaNode
  readonly checks: ReadonlyArray<Check>
}

export interface ObjectNode extends NodeBase {
  readonly kind: "object"
  /** Sorted by name. */
  readonly properties: ReadonlyArray<Property>
  /** Sorted by pattern. */
  readonly patternProperties: ReadonlyArray<PatternProperty>
  readonly additionalProperties: AdditionalProperties
  /**
   * `propertyNames` string checks (e.g. a pattern) every undeclared key must pass; only allowed on a plain map
   * (no `properties`, no `patternProperties`). Undefined when the keyword is absent.
   */
  readonly propertyNames: ReadonlyArray<Check> | undefined
  readonly checks: ReadonlyArray<Check>
  /** Components whose members were merged in by `allOf`; they count as used wherever this object is. */
  readonly mergedFrom: ReadonlyArray<string>
  /** `x-reinfer-unexpected-key`: the message for a key the object does not allow (request side). */
  readonly unexpectedKeyMessage: string | undefined
}

/**
 * - `unspecified`: no keyword; closed on the request side, open (unknown fields kept) on the response side.
 * - `forbidden`: `false`.
 * - `any`: `true` or `{}`: any JSON value under any other key.
 * - `schema`: every other key holds this schema.
 */
export type AdditionalProperties =
  | { readonly kind: "unspecified" }
  | { readonly kind: "forbidden" }
  | { readonly kind: "any" }
  | { readonly kind: "schema"; readonly schema: SchemaNode }

export interface Property {
  readonly name: string
  readonly required: boolean
  readonly node: SchemaNode
  /**
   * `default: []` or `default: {}` on an optional array or map: on the response side an absent (or `null`) value
   * decodes to that empty collection, so a collection the server leaves out reads as empty.
   */
  readonly emptyDefault: "array" | "map" | undefined
}

/**
 * `patternProperties` entry whose pattern is an anchored literal prefix, possibly with groups of literal
 * alternatives: `^string:` → parts `["string:"]`, `^(string|number):` → parts `[["string", "number"], ":"]`.
 */
export interface PatternProperty {
  readonly pattern: string
  /** A literal piece of the prefix, or a group of literal alternatives. */
  readonly parts: ReadonlyArray<string | ReadonlyArray<string>>
  readonly node: SchemaNode
}

/**
 * `oneOf` / `anyOf`. With a discriminator every member is a ref to an object whose property is a literal: a
 * closed set of kinds. An open set is a `oneOf` without a discriminator whose last member takes any other kind
 * (its `kind` is a string with a pattern that excludes the known ones), so a kind the server adds later decodes
 * as that member with every field kept; OpenAPI's discriminator cannot say "any other value".
 */
export interface UnionNode extends NodeBase {
  readonly kind: "union"
  readonly members: ReadonlyArray<SchemaNode>
  readonly discriminator: string | undefined
}

/** 3.1 `type: [X, "null"]`, an enum listing `null`, or a `oneOf` with a `{type: "null"}` member. */
export interface NullableNode extends NodeBase {
  readonly kind: "nullable"
  readonly inner: SchemaNode
}

/** An opaque JSON value: `{}` (documented as such), `true`. */
export interface JsonNode extends NodeBase {
  readonly kind: "json"
}

/** `type: string` with `contentMediaType: application/octet-stream` or `format: binary`. */
export interface BinaryNode extends NodeBase {
  readonly kind: "binary"
}

/** A validation keyword, kept as written; emit-schemas.ts turns it into a `Schema.is*` check. */
export interface Check {
  readonly keyword:
    | "minLength"
    | "maxLength"
    | "pattern"
    | "minimum"
    | "maximum"
    | "exclusiveMinimum"
    | "exclusiveMaximum"
    | "multipleOf"
    | "minItems"
    | "maxItems"
    | "uniqueItems"
    | "minProperties"
    | "maxProperties"
  readonly value: number | string
}

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE"

export interface Operation {
  readonly operationId: string
  readonly pointer: JsonPointer
  readonly method: HttpMethod
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly description: string | undefined
  readonly permissions: ReadonlyArray<string>
  /** In path-template order. */
  readonly pathParameters: ReadonlyArray<Parameter>
  /** Sorted by name. */
  readonly queryParameters: ReadonlyArray<Parameter>
  readonly requestBody: RequestBody | undefined
  readonly response: SuccessResponse
  readonly retry: Retry
  readonly pagination: Pagination | undefined
}

export interface Parameter {
  readonly name: string
  readonly pointer: JsonPointer
  readonly required: boolean
  readonly description: string | undefined
  readonly node: SchemaNode
}

export interface RequestBody {
  readonly contentType: "application/json" | "multipart/form-data"
  /** The component schema of the body. */
  readonly schema: string
}

/** The 2xx response. */
export interface SuccessResponse {
  /** The JSON body's component schema; undefined for binary or empty responses. */
  readonly schema: string | undefined
  readonly binary: boolean
  /** Sorted, e.g. `["application/json", "text/csv"]`. */
  readonly contentTypes: ReadonlyArray<string>
}

/** `x-reinfer-retry`. */
export interface Retry {
  readonly safe: boolean
  readonly conflict: boolean
}

/** `x-reinfer-pagination`. */
export interface Pagination {
  readonly items: string
  readonly cursor: {
    readonly in: "query" | "body"
    readonly name: string
    readonly response: string
    readonly replaces: string | undefined
  }
  readonly pageSize:
    | {
      readonly in: "query" | "body"
      readonly name: string
      readonly default: number | undefined
      readonly maximum: number | undefined
    }
    | undefined
  readonly end: "cursor-absent" | "empty-page"
}
