/**
 * IR → generated/operations.ts: the operation table the runtime is built from.
 *
 * One entry per operationId with its method, path template, parameters and body schemas, response schema,
 * content types, retry safety and pagination, plus the interfaces that describe an entry. The runtime never
 * spells a route: it reads them here.
 *
 * @since 0.1.0
 */
import { array, call, type Code, type Entry, importStatement, jsDoc, literal, object, printCode, text } from "./code.ts"
import type { Operation, Parameter, Spec } from "./ir.ts"
import { compareStrings } from "./names.ts"
import { type EmitContext, schemaCode } from "./emit-schemas.ts"

const DEFINITIONS = `/**
 * Retry safety of an operation, from its \`x-reinfer-retry\` extension.
 *
 * @category models
 * @since 0.1.0
 */
export interface RetryDefinition {
  /** The operation may be retried automatically (idempotent or read-only). */
  readonly safe: boolean
  /** Also retry on 409 Conflict (only where the official client does). */
  readonly conflict: boolean
}

/**
 * How a paginated operation pages, from its \`x-reinfer-pagination\` extension.
 *
 * @category models
 * @since 0.1.0
 */
export interface PaginationDefinition {
  /** The response field holding the page's items (an array). */
  readonly items: string
  readonly cursor: {
    /** Where the request carries the cursor. */
    readonly in: "query" | "body"
    /** The request parameter or body field carrying the cursor. */
    readonly name: string
    /** The response field carrying the next cursor. */
    readonly response: string
    /** A request field only the first page sends (the cursor replaces it afterwards). */
    readonly replaces?: string
  }
  readonly pageSize?: {
    readonly in: "query" | "body"
    readonly name: string
    /** The platform's default page size. */
    readonly default?: number
    /** The largest page size the platform accepts. */
    readonly maximum?: number
  }
  /** \`cursor-absent\`: a missing or null cursor ends the iteration; \`empty-page\`: a page without items does. */
  readonly end: "cursor-absent" | "empty-page"
}

/**
 * One entry of the operation table.
 *
 * @category models
 * @since 0.1.0
 */
export interface OperationDefinition {
  readonly operationId: string
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** The path template as in the spec, e.g. \`/api/v1/datasets/{project}/{dataset}\`. */
  readonly path: string
  /** The resource the operation belongs to (its only OpenAPI tag). */
  readonly tag: string
  readonly summary: string
  /** Permissions the caller needs, as the platform names them. */
  readonly permissions: ReadonlyArray<string>
  /** One field per path template parameter. */
  readonly pathParameters: Schema.Codec<{ readonly [name: string]: unknown }>
  /** Query parameters under their wire names; undefined when the operation takes none. */
  readonly queryParameters: Schema.Codec<{ readonly [name: string]: unknown }> | undefined
  /** The JSON or multipart request body schema. */
  readonly requestBody: Schema.Codec<unknown> | undefined
  readonly requestContentType: "application/json" | "multipart/form-data" | undefined
  /** The JSON success body schema (it includes \`status: "ok"\`); undefined for binary or empty responses. */
  readonly response: Schema.Codec<unknown> | undefined
  /** Media types of the success response, e.g. \`["application/json", "text/csv"]\`. */
  readonly responseContentTypes: ReadonlyArray<string>
  readonly retry: RetryDefinition
  readonly pagination: PaginationDefinition | undefined
}`

/** The body of generated/operations.ts (without the header line). */
export const emitOperations = (spec: Spec): string => {
  const used = new Set<string>()
  const context: EmitContext = { side: "request", cycle: new Set(), used, codecs: new Set() }
  const table = object(spec.operations.map((operation) => operationEntry(operation, context)))

  for (const operation of spec.operations) {
    if (operation.requestBody !== undefined) used.add(operation.requestBody.schema)
    if (operation.response.schema !== undefined) used.add(operation.response.schema)
  }
  const names = [...used].sort(compareStrings)
  const head = "export const operations = "
  return [
    jsDoc(
      "The Re:infer operation table: every operation's route, parameters, body and response schemas, retry\n" +
        "safety and pagination, by operationId. The runtime builds the client from it.\n\n@since 0.1.0"
    ),
    `import * as Schema from "effect/Schema"`,
    // A building block an inline parameter schema uses (a timestamp) comes from the codecs module.
    ...(context.codecs.size === 0 ? [] : [importStatement([...context.codecs].sort(compareStrings), "./schemas/codecs.ts")]),
    ...(names.length === 0 ? [] : [importStatement(names, "./schemas/index.ts")]),
    "",
    DEFINITIONS,
    "",
    jsDoc("Every operation of the API, by operationId.\n\n@category models\n@since 0.1.0"),
    `${head}${printCode(table, "", head.length)} as const satisfies Record<string, OperationDefinition>`,
    "",
    jsDoc("The operationId of any operation.\n\n@category models\n@since 0.1.0"),
    "export type OperationId = keyof typeof operations",
    ""
  ].join("\n")
}

const operationEntry = (operation: Operation, context: EmitContext): Entry => {
  const entries: Array<Entry> = [
    { key: "operationId", value: literal(operation.operationId) },
    { key: "method", value: literal(operation.method) },
    { key: "path", value: literal(operation.path) },
    { key: "tag", value: literal(operation.tag) },
    { key: "summary", value: literal(operation.summary) },
    { key: "permissions", value: array(operation.permissions.map(literal)) },
    { key: "pathParameters", value: parametersCode(operation.pathParameters, context) },
    {
      key: "queryParameters",
      value: operation.queryParameters.length === 0
        ? text("undefined")
        : parametersCode(operation.queryParameters, context)
    },
    { key: "requestBody", value: text(operation.requestBody?.schema ?? "undefined") },
    {
      key: "requestContentType",
      value: operation.requestBody === undefined ? text("undefined") : literal(operation.requestBody.contentType)
    },
    { key: "response", value: text(operation.response.schema ?? "undefined") },
    { key: "responseContentTypes", value: array(operation.response.contentTypes.map(literal)) },
    {
      key: "retry",
      value: object([
        { key: "safe", value: literal(operation.retry.safe) },
        { key: "conflict", value: literal(operation.retry.conflict) }
      ])
    },
    { key: "pagination", value: paginationCode(operation) }
  ]
  // No JSDoc per entry: its `summary`, `method` and `path` fields say what the doc would repeat.
  return { key: operation.operationId, value: object(entries) }
}

/** `summary` + `METHOD /path`: the JSDoc of an operation wherever it appears. */
export const routeDoc = (operation: Operation): string =>
  `${operation.summary}\n\n\`${operation.method} ${operation.path}\``

const parametersCode = (parameters: ReadonlyArray<Parameter>, context: EmitContext): Code =>
  call(
    "Schema.Struct",
    object(parameters.map((parameter) => {
      const value = schemaCode(parameter.node, context)
      // Parameter descriptions are documented where users read them (client-shape.ts); the table stays compact.
      return { key: parameter.name, value: parameter.required ? value : call("Schema.optionalKey", value) }
    }))
  )

const paginationCode = (operation: Operation): Code => {
  const pagination = operation.pagination
  if (pagination === undefined) return text("undefined")
  const cursor: Array<Entry> = [
    { key: "in", value: literal(pagination.cursor.in) },
    { key: "name", value: literal(pagination.cursor.name) },
    { key: "response", value: literal(pagination.cursor.response) }
  ]
  if (pagination.cursor.replaces !== undefined) {
    cursor.push({ key: "replaces", value: literal(pagination.cursor.replaces) })
  }
  const entries: Array<Entry> = [
    { key: "items", value: literal(pagination.items) },
    { key: "cursor", value: object(cursor) }
  ]
  if (pagination.pageSize !== undefined) {
    const pageSize: Array<Entry> = [
      { key: "in", value: literal(pagination.pageSize.in) },
      { key: "name", value: literal(pagination.pageSize.name) }
    ]
    if (pagination.pageSize.default !== undefined) {
      pageSize.push({ key: "default", value: literal(pagination.pageSize.default) })
    }
    if (pagination.pageSize.maximum !== undefined) {
      pageSize.push({ key: "maximum", value: literal(pagination.pageSize.maximum) })
    }
    entries.push({ key: "pageSize", value: object(pageSize) })
  }
  entries.push({ key: "end", value: literal(pagination.end) })
  return object(entries)
}
