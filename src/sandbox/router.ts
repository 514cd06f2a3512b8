/**
 * Matches a request's method and path against the path templates of the generated operation table.
 *
 * Templates have literal segments, whole-segment parameters (`{project}`) and prefixed ones (`id:{sourceId}`).
 * When several templates fit, the most specific wins segment by segment, left to right: literal, then
 * prefixed parameter, then plain parameter; so `/api/v1/sources/id:abc` is getSourceById, not
 * listProjectSources, and `.../labellers/latest/validation` is not `.../labellers/{version}/validation`.
 * Segments are percent-decoded one by one after `%2F` has been read as a separator, because the official
 * Rust client sends `<project>/<name>` as one encoded segment (catalogue §1.7).
 *
 * @since 0.1.0
 */

/**
 * What the router needs of an operation.
 *
 * @category models
 * @since 0.1.0
 */
export interface RoutableOperation {
  readonly operationId: string
  readonly method: string
  readonly path: string
}

/**
 * The router's answer for one request.
 *
 * @category models
 * @since 0.1.0
 */
export type RouteMatch<Operation extends RoutableOperation> =
  | { readonly _tag: "Matched"; readonly operation: Operation; readonly pathParameters: Readonly<Record<string, string>> }
  | { readonly _tag: "MethodNotAllowed"; readonly allowed: ReadonlyArray<string> }
  | { readonly _tag: "NotFound" }

/**
 * Compiles the templates once and returns the matcher.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeRouter = <Operation extends RoutableOperation>(
  operations: ReadonlyArray<Operation>
): (method: string, path: string) => RouteMatch<Operation> => {
  const compiled = operations.map((operation) => ({ operation, segments: compileTemplate(operation.path) }))
  return (method, path) => {
    const segments = splitPath(path)
    if (segments === undefined) return { _tag: "NotFound" }
    const candidates: Array<{ readonly operation: Operation; readonly scores: ReadonlyArray<number>; readonly parameters: Record<string, string> }> = []
    for (const { operation, segments: template } of compiled) {
      if (template.length !== segments.length) continue
      const parameters: Record<string, string> = {}
      const scores: Array<number> = []
      let matched = true
      for (let index = 0; index < template.length && matched; index++) {
        const part = template[index]!
        const segment = segments[index]!
        if (part._tag === "Literal") {
          matched = part.text === segment
          scores.push(2)
        } else if (segment.length > part.prefix.length && segment.startsWith(part.prefix)) {
          parameters[part.name] = segment.slice(part.prefix.length)
          scores.push(part.prefix.length > 0 ? 1 : 0)
        } else {
          matched = false
        }
      }
      if (matched) candidates.push({ operation, scores, parameters })
    }
    if (candidates.length === 0) return { _tag: "NotFound" }
    const sameMethod = candidates.filter((candidate) => candidate.operation.method.toUpperCase() === method.toUpperCase())
    if (sameMethod.length === 0) {
      return { _tag: "MethodNotAllowed", allowed: [...new Set(candidates.map((candidate) => candidate.operation.method.toUpperCase()))] }
    }
    const best = sameMethod.reduce((left, right) => (compareScores(right.scores, left.scores) > 0 ? right : left))
    return { _tag: "Matched", operation: best.operation, pathParameters: best.parameters }
  }
}

type TemplatePart =
  | { readonly _tag: "Literal"; readonly text: string }
  | { readonly _tag: "Parameter"; readonly prefix: string; readonly name: string }

const compileTemplate = (template: string): ReadonlyArray<TemplatePart> =>
  template.split("/").slice(1).map((segment): TemplatePart => {
    const parameter = /^([^{}]*)\{([A-Za-z0-9_]+)\}$/.exec(segment)
    return parameter === null
      ? { _tag: "Literal", text: segment }
      : { _tag: "Parameter", prefix: parameter[1]!, name: parameter[2]! }
  })

/** Splits a raw (still percent-encoded) path into decoded segments; undefined for malformed encoding. */
const splitPath = (path: string): ReadonlyArray<string> | undefined => {
  if (!path.startsWith("/")) return undefined
  try {
    return path.replace(/%2F/gi, "/").split("/").slice(1).map((segment) => decodeURIComponent(segment))
  } catch {
    return undefined
  }
}

const compareScores = (left: ReadonlyArray<number>, right: ReadonlyArray<number>): number => {
  for (let index = 0; index < left.length; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}
