/**
 * Checks a request as it arrived on the wire against the OpenAPI description, independently of the client's own
 * schemas: a generic JSON Schema validator (ajv, draft 2020-12) is given openapi/reinfer.yaml itself.
 *
 * A request is as the spec says when its path has the route's segments, each literal one as written and each
 * parameter one decoding to exactly the value the caller gave (so a parameter never escapes its segment: no
 * extra `/`, no `?` or `#` starting a query or fragment, no `..` collapsing a level); its query names only
 * declared parameters, with values their schemas accept (read as a server reads them: numbers and booleans from
 * text, repeated names as arrays); and its JSON body validates against the request body's schema. Multipart
 * bodies are not checked here (their parts are files), only their path and query.
 *
 * @since 0.1.0
 */
import { Ajv2020, type ValidateFunction } from "ajv-json-schema/dist/2020.js"
import YAML from "yaml"

/**
 * A request as the server received it.
 *
 * @category models
 * @since 0.1.0
 */
export interface ArrivedRequest {
  readonly method: string
  /** Path and query exactly as they appeared on the request line. */
  readonly url: string
  readonly body: string
  readonly contentType: string | undefined
}

/**
 * Checks requests of every operation; `check` returns what is wrong (empty when nothing is).
 *
 * @category models
 * @since 0.1.0
 */
export interface RequestChecker {
  readonly check: (
    operationId: string,
    request: ArrivedRequest,
    pathValues: Readonly<Record<string, unknown>>
  ) => ReadonlyArray<string>
}

interface Parameter {
  readonly name: string
  readonly in: string
  readonly required?: boolean
  readonly pointer: string
}

interface OperationCheck {
  readonly method: string
  readonly segments: ReadonlyArray<string>
  readonly pathParameters: Readonly<Record<string, ValidateFunction>>
  readonly query: ValidateFunction
  readonly queryNames: ReadonlySet<string>
  readonly body: ValidateFunction | undefined
}

/**
 * Builds a checker from the text of the OpenAPI description.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeRequestChecker = (specText: string): RequestChecker => {
  const spec = YAML.parse(specText) as {
    readonly paths: Record<string, Record<string, OpenApiOperation>>
    readonly components: { readonly parameters?: Record<string, { readonly name: string; readonly in: string; readonly required?: boolean }> }
  }
  // OpenAPI's own keywords (discriminator, example, x-…) are not JSON Schema's: strict mode would refuse them.
  // `format` is an annotation in draft 2020-12 (timestamps are checked by their `pattern`). Parameters arrive as
  // text: coercion reads them as a server does.
  const options = { strict: false, allErrors: true, validateFormats: false } as const
  const bodies = new Ajv2020(options)
  const parameters = new Ajv2020({ ...options, coerceTypes: "array" })
  bodies.addSchema(spec, "spec")
  parameters.addSchema(spec, "spec")

  const checks = new Map<string, OperationCheck>()
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (typeof operation !== "object" || operation.operationId === undefined) continue
      const at = `#/paths/${pointerEscape(path)}/${method}`
      const declared = (operation.parameters ?? []).map((parameter, index): Parameter => {
        if (parameter.$ref === undefined) return { ...parameter, pointer: `${at}/parameters/${index}/schema` }
        const name = parameter.$ref.split("/").pop()!
        const shared = spec.components.parameters?.[name]
        if (shared === undefined) throw new Error(`${operation.operationId}: unknown parameter ${parameter.$ref}`)
        return { ...shared, pointer: `#/components/parameters/${pointerEscape(name)}/schema` }
      })
      const query = declared.filter((parameter) => parameter.in === "query")
      const jsonBody = operation.requestBody?.content?.["application/json"]
      checks.set(operation.operationId, {
        method: method.toUpperCase(),
        segments: path.split("/"),
        pathParameters: Object.fromEntries(
          declared.filter((parameter) => parameter.in === "path").map((parameter) => [
            parameter.name,
            parameters.compile({ $ref: `spec${parameter.pointer}` })
          ])
        ),
        query: parameters.compile({
          type: "object",
          properties: Object.fromEntries(query.map((parameter) => [parameter.name, { $ref: `spec${parameter.pointer}` }])),
          required: query.filter((parameter) => parameter.required === true).map((parameter) => parameter.name),
          additionalProperties: false
        }),
        queryNames: new Set(query.map((parameter) => parameter.name)),
        body: jsonBody === undefined ? undefined : bodies.compile({ $ref: `spec${at}/requestBody/content/application~1json/schema` })
      })
    }
  }

  return {
    check: (operationId, request, pathValues) => {
      const check = checks.get(operationId)
      if (check === undefined) return [`${operationId} is not in the spec`]
      const problems: Array<string> = []
      if (request.method !== check.method) problems.push(`sent as ${request.method}, the spec says ${check.method}`)
      const queryAt = request.url.indexOf("?")
      const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt)
      if (request.url.includes("#")) problems.push("the request line holds a fragment")
      problems.push(...pathProblems(check, rawPath, pathValues))

      const search = new URLSearchParams(queryAt === -1 ? "" : request.url.slice(queryAt + 1))
      const values: Record<string, unknown> = {}
      for (const name of new Set(search.keys())) {
        const all = search.getAll(name)
        values[name] = all.length === 1 ? all[0] : all
      }
      if (!check.query(values)) problems.push(`query ${request.url.slice(queryAt)}: ${describe(check.query)}`)

      if (check.body !== undefined && request.contentType?.startsWith("application/json")) {
        let json: unknown
        try {
          json = JSON.parse(request.body)
        } catch {
          problems.push("the body is not JSON")
        }
        if (json !== undefined && !check.body(json)) problems.push(`body: ${describe(check.body)}`)
      }
      return problems
    }
  }
}

interface OpenApiOperation {
  readonly operationId?: string
  readonly parameters?: ReadonlyArray<{
    readonly $ref?: string
    readonly name: string
    readonly in: string
    readonly required?: boolean
  }>
  readonly requestBody?: { readonly content?: Record<string, unknown> }
}

const pathProblems = (
  check: OperationCheck,
  rawPath: string,
  pathValues: Readonly<Record<string, unknown>>
): ReadonlyArray<string> => {
  const segments = rawPath.split("/")
  if (segments.length !== check.segments.length) {
    return [`path ${rawPath} has ${segments.length} segments, the route ${check.segments.join("/")} has ${check.segments.length}`]
  }
  const problems: Array<string> = []
  check.segments.forEach((expected, index) => {
    const segment = segments[index]!
    // A segment of the route is literal text around at most a few `{parameter}`s (`id:{bucketId}`).
    const names = [...expected.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!)
    if (names.length === 0) {
      if (segment !== expected) problems.push(`segment ${index} is ${segment}, the route says ${expected}`)
      return
    }
    const captured = segmentPattern(expected).exec(segment)
    if (captured === null) {
      problems.push(`segment ${index} is ${segment}, the route says ${expected}`)
      return
    }
    names.forEach((parameter, position) => {
      const raw = captured[position + 1]!
      let decoded: string
      try {
        decoded = decodeURIComponent(raw)
      } catch {
        problems.push(`parameter ${parameter} is not valid percent-encoding: ${raw}`)
        return
      }
      if (decoded !== String(pathValues[parameter])) {
        problems.push(
          `parameter ${parameter} arrived as ${JSON.stringify(decoded)}, given ${JSON.stringify(pathValues[parameter])}`
        )
      }
      const validate = check.pathParameters[parameter]
      if (validate !== undefined && !validate(decoded)) problems.push(`parameter ${parameter}: ${describe(validate)}`)
    })
  })
  return problems
}

const segmentPattern = (expected: string): RegExp => {
  const literals = expected.split(/\{[^}]+\}/).map((literal) => literal.replace(/[.*+?^$|()[\]{}\\]/g, "\\$&"))
  return new RegExp(`^${literals.join("([^/]*)")}$`)
}

const pointerEscape = (text: string): string => text.replaceAll("~", "~0").replaceAll("/", "~1")

const describe = (validate: ValidateFunction): string =>
  (validate.errors ?? []).slice(0, 3).map((error) => `${error.instancePath || "/"} ${error.message}`).join("; ")
