/**
 * The reference graph between component schemas, and what it decides: each schema's side, its module, and the
 * reference cycles that need `Schema.suspend`.
 *
 * - **Side:** a schema reachable (through `$ref`s) from a request body or parameter is request-side; one reachable
 *   from a response is response-side. An object, enum or timestamp reachable from both is an error, because the
 *   two sides are emitted differently (strict vs forward compatible, timestamp input vs string); other schemas
 *   (strings, arrays of refs, consts) may be shared. A schema only merged into others by allOf takes their side
 *   (request-side when merged into both). Every enum on the response side must be open.
 * - **Module:** a schema that operations of one tag use lives in that tag's file; one used by several tags (or
 *   by none) lives in shared.ts. A shared schema only refers to shared schemas, so modules never import each
 *   other in a cycle.
 * - **Cycles:** strongly connected components of the graph; a schema that refers to itself is a cycle of one.
 *
 * @since 0.1.0
 */
import type { ComponentSchema, SchemaNode, Side } from "./ir.ts"
import { compareStrings, moduleName, SHARED_MODULE } from "./names.ts"
import { type Diagnostics, pointerTo } from "./warnings.ts"

/** Where reachability starts: the schema of a request body, parameter or response of one operation. */
export interface Root {
  readonly name: string
  readonly side: Side
  /** The operation's tag; undefined for error responses, which every tag shares. */
  readonly tag: string | undefined
  /** The operation, for messages: `getDataset (GET /api/v1/datasets/{project}/{dataset})`. */
  readonly via: string
  /** A multipart/form-data request body: the only place binary fields are allowed. */
  readonly multipart: boolean
}

export const analyseSchemas = (
  nodes: ReadonlyMap<string, SchemaNode>,
  roots: ReadonlyArray<Root>,
  diagnostics: Diagnostics
): ReadonlyArray<ComponentSchema> => {
  const names = [...nodes.keys()].sort(compareStrings)
  const references = new Map(names.map((name) => [name, referencedNames(nodes.get(name)!)] as const))
  const merges = new Map(names.map((name) => [name, mergedNames(nodes.get(name)!)] as const))
  const requestPaths = reachability(roots.filter((root) => root.side === "request"), references)
  const responsePaths = reachability(roots.filter((root) => root.side === "response"), references)
  const cycles = stronglyConnected(names, references)
  const modules = assignModules(names, roots, references, merges, cycles)
  const multipart = new Set(roots.filter((root) => root.multipart).map((root) => root.name))
  // A schema that is only merged into others (an allOf base) takes the sides of the schemas it is merged into.
  const mergedInto = new Map<string, Set<Side>>()
  for (const name of names) {
    for (const base of merges.get(name)!) {
      const sides = mergedInto.get(base) ?? new Set<Side>()
      if (requestPaths.has(name)) sides.add("request")
      if (responsePaths.has(name)) sides.add("response")
      mergedInto.set(base, sides)
    }
  }

  return names.map((name) => {
    const node = nodes.get(name)!
    const pointer = pointerTo("#/components/schemas", name)
    const request = requestPaths.get(name)
    const response = responsePaths.get(name)
    if (request !== undefined && response !== undefined && isSideSensitive(node)) {
      diagnostics.error(
        pointer,
        `reachable from both a request (${request.join(" → ")}) and a response (${response.join(" → ")}); ` +
          "split it into a request and a response schema"
      )
    }
    const merged = mergedInto.get(name) ?? new Set<Side>()
    if (request === undefined && response === undefined && merged.size === 0) {
      diagnostics.warn("unused-schema", pointer, "no operation uses it; emitted as a request-side (strict) schema")
    }
    checkBinary(node, multipart.has(name), diagnostics)
    if (multipart.has(name) && response !== undefined) {
      diagnostics.error(pointer, "a multipart/form-data body schema cannot also be used in a response")
    }
    const responseOnly = request === undefined &&
      (response !== undefined || (merged.has("response") && !merged.has("request")))
    const side: Side = responseOnly ? "response" : "request"
    if (side === "response") {
      warnClosedObjects(node, diagnostics)
      requireOpenEnums(node, diagnostics)
    }
    const cycle = cycles.get(name)!
    const recursive = cycle.length > 1 || references.get(name)!.includes(name)
    return {
      name,
      pointer,
      description: node.description,
      side,
      module: modules.get(name)!,
      cycle: recursive ? cycle : [],
      references: references.get(name)!,
      node
    }
  })
}

/** Component names a node's schema refers to (its `$ref`s, including those merged in from allOf members). */
export const referencedNames = (node: SchemaNode): ReadonlyArray<string> => {
  const names = new Set<string>()
  forEachNode(node, (current) => {
    if (current.kind === "ref") names.add(current.name)
  })
  return [...names].sort(compareStrings)
}

/** Components whose members allOf merged into a node (they are not referenced by the emitted schema). */
const mergedNames = (node: SchemaNode): ReadonlyArray<string> => {
  const names = new Set<string>()
  forEachNode(node, (current) => {
    if (current.kind === "object") current.mergedFrom.forEach((name) => names.add(name))
  })
  return [...names].sort(compareStrings)
}

/** Visits a node and every node inside it, without following refs. */
export const forEachNode = (node: SchemaNode, visit: (node: SchemaNode) => void): void => {
  visit(node)
  switch (node.kind) {
    case "array":
      return forEachNode(node.items, visit)
    case "nullable":
      return forEachNode(node.inner, visit)
    case "union":
      return node.members.forEach((member) => forEachNode(member, visit))
    case "object":
      node.properties.forEach((property) => forEachNode(property.node, visit))
      node.patternProperties.forEach((pattern) => forEachNode(pattern.node, visit))
      if (node.additionalProperties.kind === "schema") forEachNode(node.additionalProperties.schema, visit)
      return
    default:
      return
  }
}

/** For every schema reachable from the roots, one path to it: `[operation, schema, …, schema]`. */
const reachability = (
  roots: ReadonlyArray<Root>,
  references: ReadonlyMap<string, ReadonlyArray<string>>
): ReadonlyMap<string, ReadonlyArray<string>> => {
  const paths = new Map<string, ReadonlyArray<string>>()
  const queue: Array<string> = []
  const ordered = [...roots].sort((a, b) => compareStrings(a.via, b.via) || compareStrings(a.name, b.name))
  for (const root of ordered) {
    if (paths.has(root.name) || !references.has(root.name)) continue
    paths.set(root.name, [root.via, root.name])
    queue.push(root.name)
  }
  while (queue.length > 0) {
    const name = queue.shift()!
    for (const next of references.get(name) ?? []) {
      if (paths.has(next) || !references.has(next)) continue
      paths.set(next, [...paths.get(name)!, next])
      queue.push(next)
    }
  }
  return paths
}

/** An object, enum or timestamp written inside the schema itself: these are emitted differently per side. */
const isSideSensitive = (node: SchemaNode): boolean => {
  let sensitive = false
  forEachNode(node, (current) => {
    if (current.kind === "object" || current.kind === "enum") sensitive = true
    if (current.kind === "string" && current.format === "date-time") sensitive = true
  })
  return sensitive
}

// A closed enum in a response would fail every call on the day the server adds a value.
const requireOpenEnums = (node: SchemaNode, diagnostics: Diagnostics): void =>
  forEachNode(node, (current) => {
    if (current.kind === "enum" && !current.open) {
      diagnostics.error(
        current.pointer,
        "a response-side enum must be open, or a value the server adds later fails the whole call: write " +
          "anyOf: [{type: string, enum: [...]}, {type: string}]"
      )
    }
  })

const warnClosedObjects = (node: SchemaNode, diagnostics: Diagnostics): void =>
  forEachNode(node, (current) => {
    if (current.kind === "object" && current.additionalProperties.kind === "forbidden") {
      diagnostics.warn(
        "closed-response-object",
        pointerTo(current.pointer, "additionalProperties"),
        "response-side object with additionalProperties: false drops fields a newer server adds"
      )
    }
  })

/** Binary data is only allowed as a top-level field of a multipart/form-data body. */
const checkBinary = (node: SchemaNode, multipart: boolean, diagnostics: Diagnostics): void => {
  const allowed = new Set<SchemaNode>()
  if (multipart && node.kind === "object") {
    for (const property of node.properties) if (property.node.kind === "binary") allowed.add(property.node)
  }
  if (multipart && node.kind !== "object") {
    diagnostics.error(node.pointer, "a multipart/form-data body schema must be an object")
  }
  forEachNode(node, (current) => {
    if (current.kind === "binary" && !allowed.has(current)) {
      diagnostics.error(
        current.pointer,
        "binary data is only supported as a top-level field of a multipart/form-data body or as a whole response"
      )
    }
  })
}

/** Tarjan's algorithm; maps every schema to the sorted members of its strongly connected component. */
const stronglyConnected = (
  names: ReadonlyArray<string>,
  references: ReadonlyMap<string, ReadonlyArray<string>>
): ReadonlyMap<string, ReadonlyArray<string>> => {
  const index = new Map<string, number>()
  const lowLink = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: Array<string> = []
  const components = new Map<string, ReadonlyArray<string>>()
  let counter = 0
  const connect = (name: string): void => {
    index.set(name, counter)
    lowLink.set(name, counter)
    counter++
    stack.push(name)
    onStack.add(name)
    for (const next of references.get(name) ?? []) {
      if (!references.has(next)) continue
      if (!index.has(next)) {
        connect(next)
        lowLink.set(name, Math.min(lowLink.get(name)!, lowLink.get(next)!))
      } else if (onStack.has(next)) {
        lowLink.set(name, Math.min(lowLink.get(name)!, index.get(next)!))
      }
    }
    if (lowLink.get(name) === index.get(name)) {
      const members: Array<string> = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        members.push(member)
      } while (member !== name)
      members.sort(compareStrings)
      for (const each of members) components.set(each, members)
    }
  }
  for (const name of names) if (!index.has(name)) connect(name)
  return components
}

const assignModules = (
  names: ReadonlyArray<string>,
  roots: ReadonlyArray<Root>,
  references: ReadonlyMap<string, ReadonlyArray<string>>,
  merges: ReadonlyMap<string, ReadonlyArray<string>>,
  cycles: ReadonlyMap<string, ReadonlyArray<string>>
): ReadonlyMap<string, string> => {
  const tags = new Map(names.map((name) => [name, new Set<string>()] as const))
  for (const root of roots) {
    if (root.tag === undefined) continue
    const seen = new Set<string>()
    const stack = [root.name]
    while (stack.length > 0) {
      const name = stack.pop()!
      if (seen.has(name) || !references.has(name)) continue
      seen.add(name)
      tags.get(name)!.add(root.tag)
      stack.push(...references.get(name)!, ...merges.get(name)!)
    }
  }
  const modules = new Map(
    names.map((name) => {
      const used = tags.get(name)!
      return [name, used.size === 1 ? moduleName([...used][0]!) : SHARED_MODULE] as const
    })
  )
  // A shared schema must only refer to shared schemas, and a cycle must live in one file.
  let changed = true
  while (changed) {
    changed = false
    for (const name of names) {
      if (modules.get(name) !== SHARED_MODULE) continue
      for (const next of [...(references.get(name) ?? []), ...(cycles.get(name) ?? [])]) {
        if (modules.has(next) && modules.get(next) !== SHARED_MODULE) {
          modules.set(next, SHARED_MODULE)
          changed = true
        }
      }
    }
  }
  return modules
}
