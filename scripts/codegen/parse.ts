/**
 * Turns the bundled OpenAPI document into the IR: component schemas (through parse-schema.ts), operations with
 * their parameters, bodies, responses and `x-reinfer-*` extensions, and finally the schema graph (sides,
 * modules, cycles; schema-graph.ts).
 *
 * Everything the project's OpenAPI conventions require of an operation (one tag, a summary, `x-reinfer-retry`,
 * request and response bodies as `$ref`s to components, …) is checked here, and each violation is an error naming
 * its JSON pointer. All errors are collected and reported together.
 *
 * @since 0.1.0
 */
import type {
  HttpMethod,
  JsonPointer,
  Operation,
  Pagination,
  Parameter,
  RequestBody,
  Retry,
  SchemaNode,
  Spec,
  SuccessResponse
} from "./ir.ts"
import { compareStrings, invalidSchemaName, isOperationId, moduleName, RESERVED_MODULES, sortedBy } from "./names.ts"
import {
  componentRefName,
  componentSchemas,
  isRecord,
  parseComponent,
  parseSchema,
  type SchemaContext
} from "./parse-schema.ts"
import { analyseSchemas, referencedNames, type Root } from "./schema-graph.ts"
import { type Diagnostics, pointerTo } from "./warnings.ts"

const METHODS: ReadonlyArray<string> = ["get", "put", "post", "delete"]
const UNSUPPORTED_METHODS: ReadonlyArray<string> = ["patch", "head", "options", "trace"]

const JSON_MEDIA_TYPE = "application/json"
const MULTIPART_MEDIA_TYPE = "multipart/form-data"
const BINARY_MEDIA_TYPE = "application/octet-stream"
const CSV_MEDIA_TYPE = "text/csv"

type Raw = Readonly<Record<string, unknown>>

export const parseSpec = (document: Raw, source: string, diagnostics: Diagnostics): Spec => {
  const context: SchemaContext = { document, diagnostics, components: new Map() }
  const version = document["openapi"]
  if (typeof version !== "string" || !version.startsWith("3.1.")) {
    diagnostics.error("#/openapi", `expected OpenAPI 3.1.x, found ${JSON.stringify(version)}`)
  }
  const info = isRecord(document["info"]) ? document["info"] : {}
  const names = Object.keys(componentSchemas(document)).sort(compareStrings)
  for (const name of names) {
    const problem = invalidSchemaName(name)
    if (problem !== undefined) diagnostics.error(pointerTo("#/components/schemas", name), problem)
    parseComponent(name, context)
  }
  const roots: Array<Root> = []
  const operations = parseOperations(document, context, roots)
  const nodes = new Map(names.map((name) => [name, parseComponent(name, context)!] as const))
  checkModules(operations, diagnostics)
  const schemas = analyseSchemas(nodes, roots, diagnostics)
  for (const operation of operations) checkPagination(operation, nodes, diagnostics)
  return {
    source,
    title: typeof info["title"] === "string" ? info["title"] : "",
    version: typeof info["version"] === "string" ? info["version"] : "",
    schemas,
    operations
  }
}

const parseOperations = (document: Raw, context: SchemaContext, roots: Array<Root>): ReadonlyArray<Operation> => {
  const { diagnostics } = context
  const paths = isRecord(document["paths"]) ? document["paths"] : {}
  const operations: Array<Operation> = []
  const seen = new Map<string, JsonPointer>()
  for (const path of Object.keys(paths).sort(compareStrings)) {
    const item = paths[path]
    const itemPointer = pointerTo("#/paths", path)
    if (!isRecord(item)) continue
    for (const key of Object.keys(item).sort(compareStrings)) {
      if (UNSUPPORTED_METHODS.includes(key)) {
        diagnostics.error(pointerTo(itemPointer, key), `HTTP method ${key.toUpperCase()} is not supported`)
      }
    }
    for (const method of METHODS) {
      const raw = item[method]
      if (!isRecord(raw)) continue
      const pointer = pointerTo(itemPointer, method)
      const pathItem = { item, path, pointer: itemPointer }
      const operation = parseOperation(raw, pathItem, method.toUpperCase() as HttpMethod, pointer, context, roots)
      if (operation === undefined) continue
      const previous = seen.get(operation.operationId)
      if (previous !== undefined) {
        diagnostics.error(
          pointerTo(pointer, "operationId"),
          `operationId "${operation.operationId}" is also used by ${previous}`
        )
      }
      seen.set(operation.operationId, pointer)
      operations.push(operation)
    }
  }
  return sortedBy(operations, (operation) => operation.operationId)
}

/** A path item: its template, its raw object (for path-level parameters) and where it is. */
interface PathItem {
  readonly item: Raw
  readonly path: string
  readonly pointer: JsonPointer
}

const parseOperation = (
  raw: Raw,
  pathItem: PathItem,
  method: HttpMethod,
  pointer: JsonPointer,
  context: SchemaContext,
  roots: Array<Root>
): Operation | undefined => {
  const { diagnostics } = context
  const { path } = pathItem
  const operationId = raw["operationId"]
  if (typeof operationId !== "string" || !isOperationId(operationId)) {
    diagnostics.error(pointerTo(pointer, "operationId"), "every operation needs a camelCase operationId")
    return undefined
  }
  const tags = raw["tags"]
  if (!Array.isArray(tags) || tags.length !== 1 || typeof tags[0] !== "string") {
    diagnostics.error(pointerTo(pointer, "tags"), "an operation needs exactly one tag (its resource)")
  }
  const tag = Array.isArray(tags) && typeof tags[0] === "string" ? tags[0] : "untagged"
  const summary = raw["summary"]
  if (typeof summary !== "string" || summary.trim() === "") {
    diagnostics.error(pointerTo(pointer, "summary"), "an operation needs a summary")
  }
  const description = typeof raw["description"] === "string" ? raw["description"].trim() : undefined
  const permissions = raw["x-reinfer-permissions"] ?? []
  if (!Array.isArray(permissions) || permissions.some((permission) => typeof permission !== "string")) {
    diagnostics.error(pointerTo(pointer, "x-reinfer-permissions"), "must be a list of permission names")
  }
  const { pathParameters, queryParameters } = parseParameters(raw, pathItem, pointer, context)
  const requestBody = parseRequestBody(raw["requestBody"], pointerTo(pointer, "requestBody"), context)
  const response = parseResponses(raw["responses"], operationId, pointerTo(pointer, "responses"), context, roots)
  const via = `${operationId} (${method} ${path})`
  if (requestBody !== undefined) {
    const multipart = requestBody.contentType === MULTIPART_MEDIA_TYPE
    roots.push({ name: requestBody.schema, side: "request", tag, via, multipart })
  }
  for (const parameter of [...pathParameters, ...queryParameters]) {
    for (const name of referencedNames(parameter.node)) {
      roots.push({ name, side: "request", tag, via, multipart: false })
    }
  }
  for (const parameter of queryParameters) {
    if (parameter.name === "body" || pathParameters.some((candidate) => candidate.name === parameter.name)) {
      diagnostics.error(parameter.pointer, `query parameter "${parameter.name}" collides with another input field`)
    }
  }
  if (response.schema !== undefined) roots.push({ name: response.schema, side: "response", tag, via, multipart: false })
  return {
    operationId,
    pointer,
    method,
    path,
    tag,
    summary: typeof summary === "string" ? summary.trim() : "",
    description: description === "" ? undefined : description,
    permissions: Array.isArray(permissions) ? permissions.filter((p): p is string => typeof p === "string") : [],
    pathParameters,
    queryParameters,
    requestBody,
    response,
    retry: parseRetry(raw["x-reinfer-retry"], pointerTo(pointer, "x-reinfer-retry"), diagnostics),
    pagination: raw["x-reinfer-pagination"] === undefined
      ? undefined
      : parsePagination(raw["x-reinfer-pagination"], pointerTo(pointer, "x-reinfer-pagination"), diagnostics)
  }
}

const parseParameters = (
  raw: Raw,
  pathItem: PathItem,
  pointer: JsonPointer,
  context: SchemaContext
): { readonly pathParameters: ReadonlyArray<Parameter>; readonly queryParameters: ReadonlyArray<Parameter> } => {
  const { diagnostics } = context
  const byKey = new Map<string, { readonly raw: Raw; readonly pointer: JsonPointer }>()
  const collect = (list: unknown, listPointer: JsonPointer) => {
    if (list === undefined) return
    if (!Array.isArray(list)) return diagnostics.error(listPointer, "\"parameters\" must be a list")
    list.forEach((entry, index) => {
      const resolved = resolveLocal(entry, "#/components/parameters/", pointerTo(listPointer, index), context)
      if (resolved === undefined) return
      // Operation-level parameters override path-level ones with the same name and location.
      byKey.set(`${String(resolved.raw["in"])}:${String(resolved.raw["name"])}`, resolved)
    })
  }
  const { path } = pathItem
  collect(pathItem.item["parameters"], pointerTo(pathItem.pointer, "parameters"))
  collect(raw["parameters"], pointerTo(pointer, "parameters"))
  const pathParameters: Array<Parameter> = []
  const queryParameters: Array<Parameter> = []
  for (const { raw: parameter, pointer: at } of byKey.values()) {
    const name = parameter["name"]
    const location = parameter["in"]
    if (typeof name !== "string" || name === "") {
      diagnostics.error(at, "a parameter needs a name")
      continue
    }
    if (location !== "path" && location !== "query") {
      diagnostics.error(pointerTo(at, "in"), `parameters in ${JSON.stringify(location)} are not supported`)
      continue
    }
    if (parameter["content"] !== undefined || parameter["schema"] === undefined) {
      diagnostics.error(at, "a parameter needs a \"schema\" (\"content\" is not supported)")
      continue
    }
    const node = parseSchema(parameter["schema"], pointerTo(at, "schema"), context)
    const description = typeof parameter["description"] === "string" ? parameter["description"].trim() : undefined
    const entry: Parameter = {
      name,
      pointer: at,
      required: location === "path" || parameter["required"] === true,
      description: description === "" ? undefined : description,
      node
    }
    if (location === "path") {
      if (parameter["required"] !== true) {
        diagnostics.error(pointerTo(at, "required"), "a path parameter must be required: true")
      }
      pathParameters.push(entry)
    } else {
      queryParameters.push(entry)
    }
  }
  const templateNames = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!)
  for (const name of templateNames) {
    if (!pathParameters.some((parameter) => parameter.name === name)) {
      diagnostics.error(pointer, `path parameter {${name}} of ${path} is not declared`)
    }
  }
  for (const parameter of pathParameters) {
    if (!templateNames.includes(parameter.name)) {
      diagnostics.error(parameter.pointer, `path parameter "${parameter.name}" does not appear in ${path}`)
    }
  }
  return {
    pathParameters: pathParameters.sort((a, b) => templateNames.indexOf(a.name) - templateNames.indexOf(b.name)),
    queryParameters: sortedBy(queryParameters, (parameter) => parameter.name)
  }
}

const parseRequestBody = (raw: unknown, pointer: JsonPointer, context: SchemaContext): RequestBody | undefined => {
  if (raw === undefined) return undefined
  const { diagnostics } = context
  const resolved = resolveLocal(raw, "#/components/requestBodies/", pointer, context)
  if (resolved === undefined) return undefined
  const body = resolved.raw
  if (body["required"] !== true) {
    diagnostics.warn(
      "optional-request-body",
      pointerTo(resolved.pointer, "required"),
      "the request body is optional, but the client always sends one; callers pass an empty value when they " +
        "have nothing to send"
    )
  }
  const content = isRecord(body["content"]) ? body["content"] : {}
  const mediaTypes = Object.keys(content).sort(compareStrings)
  if (mediaTypes.length !== 1 || (mediaTypes[0] !== JSON_MEDIA_TYPE && mediaTypes[0] !== MULTIPART_MEDIA_TYPE)) {
    diagnostics.error(
      pointerTo(resolved.pointer, "content"),
      `a request body needs exactly one of ${JSON_MEDIA_TYPE} or ${MULTIPART_MEDIA_TYPE}, ` +
        `found ${mediaTypes.join(", ") || "none"}`
    )
    return undefined
  }
  const contentType = mediaTypes[0] as RequestBody["contentType"]
  const media = content[contentType]
  const schemaPointer = pointerTo(resolved.pointer, "content", contentType, "schema")
  const name = schemaRefName(media)
  if (name === undefined || componentSchemas(context.document)[name] === undefined) {
    diagnostics.error(schemaPointer, "a request body schema must be a $ref to a component schema")
    return undefined
  }
  return { contentType, schema: name }
}

const parseResponses = (
  raw: unknown,
  operationId: string,
  pointer: JsonPointer,
  context: SchemaContext,
  roots: Array<Root>
): SuccessResponse => {
  const { diagnostics } = context
  const empty: SuccessResponse = { schema: undefined, binary: false, contentTypes: [] }
  if (!isRecord(raw)) {
    diagnostics.error(pointer, "an operation needs responses")
    return empty
  }
  const successes: Array<SuccessResponse> = []
  for (const status of Object.keys(raw).sort(compareStrings)) {
    const resolved = resolveLocal(raw[status], "#/components/responses/", pointerTo(pointer, status), context)
    if (resolved === undefined) continue
    const content = isRecord(resolved.raw["content"]) ? resolved.raw["content"] : {}
    if (!/^2(\d\d|XX)$/.test(status)) {
      // Error bodies are decoded by the runtime's envelope, but their schemas are still response-side.
      for (const mediaType of Object.keys(content)) {
        const name = schemaRefName(content[mediaType])
        if (name === undefined) continue
        const via = `${operationId} ${status} response`
        roots.push({ name, side: "response", tag: undefined, via, multipart: false })
      }
      continue
    }
    successes.push(parseSuccessContent(content, pointerTo(resolved.pointer, "content"), context))
  }
  if (successes.length === 0) {
    diagnostics.error(pointer, "an operation needs a 2xx response")
    return empty
  }
  const first = successes[0]!
  if (successes.some((success) => JSON.stringify(success) !== JSON.stringify(first))) {
    diagnostics.error(pointer, "several 2xx responses with different content are not supported")
  }
  return first
}

const parseSuccessContent = (content: Raw, pointer: JsonPointer, context: SchemaContext): SuccessResponse => {
  const { diagnostics } = context
  let schema: string | undefined
  let binary = false
  const contentTypes = Object.keys(content).sort(compareStrings)
  for (const mediaType of contentTypes) {
    const media = content[mediaType]
    const at = pointerTo(pointer, mediaType, "schema")
    const rawSchema = isRecord(media) ? media["schema"] : undefined
    if (mediaType === JSON_MEDIA_TYPE) {
      schema = componentRefName(isRecord(rawSchema) ? rawSchema["$ref"] : undefined)
      if (schema === undefined || componentSchemas(context.document)[schema] === undefined) {
        diagnostics.error(at, "a JSON response schema must be a $ref to a component schema")
        schema = undefined
      }
    } else if (mediaType === BINARY_MEDIA_TYPE) {
      const node = parseSchema(rawSchema, at, context)
      if (node.kind !== "binary") {
        diagnostics.error(
          at,
          `an ${BINARY_MEDIA_TYPE} response needs {type: string, contentMediaType: ${BINARY_MEDIA_TYPE}}`
        )
      }
      binary = true
    } else if (mediaType === CSV_MEDIA_TYPE) {
      const node = parseSchema(rawSchema, at, context)
      if (node.kind !== "string") diagnostics.error(at, `a ${CSV_MEDIA_TYPE} response needs {type: string}`)
    } else {
      diagnostics.error(pointerTo(pointer, mediaType), `response media type ${mediaType} is not supported`)
    }
  }
  return { schema, binary, contentTypes }
}

const parseRetry = (raw: unknown, pointer: JsonPointer, diagnostics: Diagnostics): Retry => {
  if (!isRecord(raw) || typeof raw["safe"] !== "boolean" || typeof raw["conflict"] !== "boolean") {
    diagnostics.error(pointer, "every operation needs x-reinfer-retry: {safe: boolean, conflict: boolean}")
    return { safe: false, conflict: false }
  }
  return { safe: raw["safe"], conflict: raw["conflict"] }
}

const parsePagination = (raw: unknown, pointer: JsonPointer, diagnostics: Diagnostics): Pagination | undefined => {
  const fail = (at: JsonPointer, message: string): undefined => {
    diagnostics.error(at, message)
    return undefined
  }
  if (!isRecord(raw)) return fail(pointer, "must be an object")
  const known = ["items", "cursor", "pageSize", "end"]
  for (const key of Object.keys(raw).sort(compareStrings)) {
    if (!known.includes(key)) diagnostics.error(pointerTo(pointer, key), `unknown pagination field "${key}"`)
  }
  const { items, cursor, pageSize, end } = raw
  if (typeof items !== "string") {
    return fail(pointerTo(pointer, "items"), "must name the response field holding the items")
  }
  if (end !== "cursor-absent" && end !== "empty-page") {
    return fail(pointerTo(pointer, "end"), "must be \"cursor-absent\" or \"empty-page\"")
  }
  const cursorPointer = pointerTo(pointer, "cursor")
  if (
    !isRecord(cursor) || (cursor["in"] !== "query" && cursor["in"] !== "body") ||
    typeof cursor["name"] !== "string" || typeof cursor["response"] !== "string" ||
    (cursor["replaces"] !== undefined && typeof cursor["replaces"] !== "string")
  ) {
    return fail(cursorPointer, "needs {in: query | body, name, response, replaces?}")
  }
  let size: Pagination["pageSize"]
  if (pageSize !== undefined) {
    const at = pointerTo(pointer, "pageSize")
    if (
      !isRecord(pageSize) || (pageSize["in"] !== "query" && pageSize["in"] !== "body") ||
      typeof pageSize["name"] !== "string" ||
      (pageSize["default"] !== undefined && !Number.isInteger(pageSize["default"])) ||
      (pageSize["maximum"] !== undefined && !Number.isInteger(pageSize["maximum"]))
    ) {
      return fail(at, "needs {in: query | body, name, default?: integer, maximum?: integer}")
    }
    size = {
      in: pageSize["in"],
      name: pageSize["name"],
      default: pageSize["default"] as number | undefined,
      maximum: pageSize["maximum"] as number | undefined
    }
  }
  return {
    items,
    cursor: {
      in: cursor["in"],
      name: cursor["name"],
      response: cursor["response"],
      replaces: cursor["replaces"] as string | undefined
    },
    pageSize: size,
    end
  }
}

/** Checks that the fields `x-reinfer-pagination` names exist where it says they are. */
const checkPagination = (
  operation: Operation,
  nodes: ReadonlyMap<string, SchemaNode>,
  diagnostics: Diagnostics
): void => {
  const pagination = operation.pagination
  if (pagination === undefined) return
  const at = pointerTo(operation.pointer, "x-reinfer-pagination")
  const objectOf = (name: string | undefined) => {
    const node = name === undefined ? undefined : nodes.get(name)
    return node?.kind === "object" ? node : undefined
  }
  const response = objectOf(operation.response.schema)
  const body = objectOf(operation.requestBody?.schema)
  const responseField = (name: string) => response?.properties.find((property) => property.name === name)
  const items = responseField(pagination.items)
  const itemsNode = items === undefined ? undefined : resolveRef(items.node, nodes)
  if (itemsNode?.kind !== "array") {
    diagnostics.error(pointerTo(at, "items"), `the response has no array field "${pagination.items}"`)
  }
  if (responseField(pagination.cursor.response) === undefined) {
    diagnostics.error(pointerTo(at, "cursor", "response"), `the response has no field "${pagination.cursor.response}"`)
  }
  const hasInput = (location: "query" | "body", name: string) =>
    location === "query"
      ? operation.queryParameters.some((parameter) => parameter.name === name)
      : body?.properties.some((property) => property.name === name) === true
  const inputs: Array<readonly [JsonPointer, "query" | "body", string]> = [
    [pointerTo(at, "cursor", "name"), pagination.cursor.in, pagination.cursor.name]
  ]
  if (pagination.cursor.replaces !== undefined) {
    inputs.push([pointerTo(at, "cursor", "replaces"), pagination.cursor.in, pagination.cursor.replaces])
  }
  if (pagination.pageSize !== undefined) {
    inputs.push([pointerTo(at, "pageSize", "name"), pagination.pageSize.in, pagination.pageSize.name])
  }
  for (const [pointer, location, name] of inputs) {
    if (!hasInput(location, name)) {
      const where = location === "query" ? "query parameter" : "body field"
      diagnostics.error(pointer, `the request has no ${where} "${name}"`)
    }
  }
}

const resolveRef = (node: SchemaNode, nodes: ReadonlyMap<string, SchemaNode>): SchemaNode | undefined => {
  let current: SchemaNode | undefined = node
  for (let depth = 0; current?.kind === "ref" && depth < 16; depth++) current = nodes.get(current.name)
  if (current?.kind === "nullable") return resolveRef(current.inner, nodes)
  return current
}

/** Follows a `$ref` into `#/components/<kind>/`; anything inline is returned as is. */
const resolveLocal = (
  raw: unknown,
  prefix: string,
  pointer: JsonPointer,
  context: SchemaContext
): { readonly raw: Raw; readonly pointer: JsonPointer } | undefined => {
  if (!isRecord(raw)) {
    context.diagnostics.error(pointer, "expected an object")
    return undefined
  }
  const ref = raw["$ref"]
  if (ref === undefined) return { raw, pointer }
  if (typeof ref !== "string" || !ref.startsWith(prefix)) {
    context.diagnostics.error(pointer, `$ref ${JSON.stringify(ref)} must point into ${prefix}`)
    return undefined
  }
  const segments = ref.slice(2).split("/").map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"))
  let target: unknown = context.document
  for (const segment of segments) target = isRecord(target) ? target[segment] : undefined
  if (!isRecord(target)) {
    context.diagnostics.error(pointer, `$ref ${ref} points to nothing`)
    return undefined
  }
  return { raw: target, pointer: ref }
}

const checkModules = (operations: ReadonlyArray<Operation>, diagnostics: Diagnostics): void => {
  const tagsByModule = new Map<string, string>()
  for (const operation of operations) {
    const module = moduleName(operation.tag)
    const other = tagsByModule.get(module)
    if (module === "" || RESERVED_MODULES.has(module)) {
      const message = `tag "${operation.tag}" cannot name a module (${module}.ts)`
      diagnostics.error(pointerTo(operation.pointer, "tags"), message)
    } else if (other !== undefined && other !== operation.tag) {
      const message = `tags "${other}" and "${operation.tag}" both become ${module}.ts`
      diagnostics.error(pointerTo(operation.pointer, "tags"), message)
    }
    tagsByModule.set(module, operation.tag)
  }
}

/** The component a media type object's `schema: {$ref}` names, if that is what it holds. */
const schemaRefName = (media: unknown): string | undefined =>
  componentRefName(isRecord(media) && isRecord(media["schema"]) ? media["schema"]["$ref"] : undefined)
