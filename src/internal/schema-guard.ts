/**
 * Schemas compiled into plain predicates: a fast path for checking a value when the check is all that is needed,
 * because the schema's decoding or encoding would give back an equal value anyway.
 *
 * Two uses, one compiler:
 * - `responseGuard`: a response payload, as `JSON.parse` returned it. Every response-side object keeps unknown
 *   fields (a `Record(String, Json)` rest) and the schemas transform nothing (timestamps stay strings), so a
 *   payload that the guard accepts decodes to an equal value and is used as it is.
 * - `requestGuard`: a request body or parameters as the caller wrote them, encoded with unknown keys rejected
 *   (`onExcessProperty: "error"`). Request-side schemas transform nothing either, so a value the guard accepts
 *   (no unknown key anywhere, every refinement holds) encodes to an equal value and is sent as it is.
 *
 * The compiler refuses (returns `undefined`) wherever "accepted" and "decodes or encodes to an equal value" could
 * differ: a transformation, a response object without a catch-all rest (decoding would drop unknown keys), a
 * declaration other than `Json`, an index signature other than a template literal of literals and strings. A
 * guard that says no is not an error either: the caller then runs the schema itself, which decides and reports.
 *
 * Why: on effect 4.1 a struct with an index signature, or any struct parsed with `errors: "all"` or
 * `onExcessProperty`, takes the parser's generic, generator-based path, and a `Json` rest re-walks every value
 * below it, declared fields included. A 1,000-comment page decoded in about 10× the time of its `JSON.parse`,
 * and validating a batch of new comments cost more than sending it. These predicates cost about as much as the
 * parse.
 *
 * @internal
 * @since 0.1.0
 */
import { Schema, SchemaAST } from "effect"

/**
 * `true` means the schema would accept the value and give back an equal one; `false` means "ask the schema".
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export type Guard = (value: unknown) => boolean

type Mode = "response" | "request"

const caches: Record<Mode, WeakMap<SchemaAST.AST, Guard | null>> = {
  response: new WeakMap(),
  request: new WeakMap()
}

/**
 * The guard of a response schema, for values `JSON.parse` returned; `undefined` when the schema is outside what
 * a guard can decide exactly. Compiled once per schema.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const responseGuard = (ast: SchemaAST.AST): Guard | undefined => guardOf(ast, "response")

/**
 * The guard of a request schema encoded with `onExcessProperty: "error"`: it also refuses any key the schema
 * does not declare. `undefined` when the schema is outside what a guard can decide exactly.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const requestGuard = (ast: SchemaAST.AST): Guard | undefined => guardOf(ast, "request")

const guardOf = (ast: SchemaAST.AST, mode: Mode): Guard | undefined => {
  const cache = caches[mode]
  const cached = cache.get(ast)
  if (cached !== undefined) return cached ?? undefined
  let guard: Guard | null
  try {
    guard = compile(ast, { mode, seen: new Map() })
  } catch (error) {
    if (error !== UNSUPPORTED) throw error
    guard = null
  }
  cache.set(ast, guard)
  return guard ?? undefined
}

interface Compilation {
  readonly mode: Mode
  readonly seen: Map<SchemaAST.AST, Guard>
}

const UNSUPPORTED = Symbol("UNSUPPORTED")

const unsupported = (): never => {
  throw UNSUPPORTED
}

// Refinements run with empty parse options, as the parser runs them on a value that passed its type.
const NO_OPTIONS: SchemaAST.ParseOptions = {}

// `Schema.Json` and its annotated copies share the declaration's `run`.
const JSON_RUN = (Schema.Json.ast as SchemaAST.Declaration).run
const isJson = Schema.is(Schema.Json)

const isJsonDeclaration = (ast: SchemaAST.AST): boolean =>
  ast._tag === "Declaration" && ast.run === JSON_RUN && ast.checks === undefined

const isCatchAll = (index: SchemaAST.IndexSignature): boolean =>
  index.parameter._tag === "String" && index.parameter.checks === undefined &&
  (isJsonDeclaration(index.type) || index.type._tag === "Unknown")

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

function compile(ast: SchemaAST.AST, compilation: Compilation): Guard {
  const known = compilation.seen.get(ast)
  if (known !== undefined) return known
  if (ast.encoding !== undefined) return unsupported()
  // A recursive schema meets itself again through Suspend: hand out a forwarder until the guard exists.
  let compiled: Guard | undefined
  compilation.seen.set(ast, (value) => compiled!(value))
  compiled = withChecks(ast, compileType(ast, compilation))
  compilation.seen.set(ast, compiled)
  return compiled
}

function compileType(ast: SchemaAST.AST, compilation: Compilation): Guard {
  switch (ast._tag) {
    case "String":
      return (value) => typeof value === "string"
    case "Number":
      return (value) => typeof value === "number"
    case "Boolean":
      return (value) => typeof value === "boolean"
    case "Null":
      return (value) => value === null
    case "Unknown":
    case "Any":
      return () => true
    case "Literal": {
      const literal = ast.literal
      return (value) => value === literal
    }
    case "Declaration":
      if (!isJsonDeclaration(ast)) return unsupported()
      // Whatever JSON.parse returned is JSON; what a caller wrote must be checked.
      return compilation.mode === "response" ? () => true : isJson
    case "Suspend": {
      let inner: Guard | undefined
      return (value) => (inner ??= compile(ast.thunk(), compilation))(value)
    }
    case "Union":
      return compileUnion(ast, compilation)
    case "Arrays":
      return compileArrays(ast, compilation)
    case "Objects":
      return compileObjects(ast, compilation)
    default:
      return unsupported()
  }
}

function compileUnion(ast: SchemaAST.Union, compilation: Compilation): Guard {
  const members = ast.types.map((member) => compile(member, compilation))
  if (ast.options?.mode === "oneOf") {
    return (value) => {
      let matches = 0
      for (let i = 0; i < members.length; i++) if (members[i]!(value) && ++matches > 1) return false
      return matches === 1
    }
  }
  return (value) => {
    for (let i = 0; i < members.length; i++) if (members[i]!(value)) return true
    return false
  }
}

function compileArrays(ast: SchemaAST.Arrays, compilation: Compilation): Guard {
  if (ast.rest.length > 1) return unsupported()
  const elements = ast.elements.map((element) => ({
    guard: compile(element, compilation),
    optional: SchemaAST.isOptional(element)
  }))
  const rest = ast.rest.length === 1 ? compile(ast.rest[0]!, compilation) : undefined
  return (value) => {
    if (!Array.isArray(value)) return false
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i]!
      if (i >= value.length) {
        if (!element.optional) return false
      } else if (!element.guard(value[i])) return false
    }
    if (rest === undefined) return value.length <= elements.length
    for (let i = elements.length; i < value.length; i++) if (!rest(value[i])) return false
    return true
  }
}

function compileObjects(ast: SchemaAST.Objects, compilation: Compilation): Guard {
  const openResponse = compilation.mode === "response"
  // Without a catch-all rest, decoding drops unknown keys, and a payload is no longer its own decoding.
  if (openResponse && !ast.indexSignatures.some(isCatchAll)) return unsupported()
  const properties = ast.propertySignatures.map((property) => ({
    name: typeof property.name === "string" ? property.name : unsupported(),
    guard: compile(property.type, compilation),
    optional: SchemaAST.isOptional(property.type)
  }))
  const declared = new Set(properties.map((property) => property.name))
  // A response's catch-all accepts every JSON value, so it is skipped; every other index signature must hold.
  const indexes = ast.indexSignatures.filter((index) => !(openResponse && isCatchAll(index))).map((index) => ({
    matches: keyMatcher(index.parameter),
    guard: compile(index.type, compilation)
  }))
  return (value) => {
    if (!isRecord(value)) return false
    // The parser copies own keys into a new object; for anything but a plain object (a Date, a class instance)
    // that copy differs from the value, so such values go to the schema.
    if (!openResponse && !isPlainObject(value)) return false
    for (let i = 0; i < properties.length; i++) {
      const property = properties[i]!
      const field = value[property.name]
      if (field === undefined && !Object.hasOwn(value, property.name)) {
        if (!property.optional) return false
      } else if (!property.guard(field)) return false
    }
    if (indexes.length === 0 && openResponse) return true
    const keys = Object.keys(value)
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!
      let covered = declared.has(key)
      for (let i = 0; i < indexes.length; i++) {
        const index = indexes[i]!
        if (!index.matches(key)) continue
        covered = true
        if (!index.guard(value[key])) return false
      }
      // Encoding with `onExcessProperty: "error"` refuses a key nothing declares.
      if (!covered && !openResponse) return false
    }
    // Symbol keys are never JSON; a request carrying one goes to the schema, which knows what to do with it.
    return openResponse || Object.getOwnPropertySymbols(value).length === 0
  }
}

// A refinement (`Schema.Int`, `isGreaterThanOrEqualTo(0)`, `isMaxLength`) holds when its filter reports nothing.
function withChecks(ast: SchemaAST.AST, guard: Guard): Guard {
  if (ast.checks === undefined || ast.checks.length === 0) return guard
  const filters: Array<SchemaAST.Filter<unknown>> = []
  const flatten = (check: SchemaAST.Check<unknown>): void => {
    if (check._tag === "Filter") filters.push(check)
    else for (const inner of check.checks) flatten(inner)
  }
  for (const check of ast.checks) flatten(check)
  const holds = filters.map((filter) => shortcut(filter, (value) => filter.run(value, ast, NO_OPTIONS) === undefined))
  return (value) => {
    if (!guard(value)) return false
    for (let i = 0; i < holds.length; i++) if (!holds[i]!(value)) return false
    return true
  }
}

// The common refinements get a fast acceptance in front of their filter: each condition below implies the filter
// holds, and anything it does not accept still goes to the filter, so the answer is always the filter's.
// `isMaxCodePoints(n)` is the one that matters: it counts the code points of the whole string (message bodies
// allow 65,536), while a string of at most n UTF-16 units cannot have more than n code points.
function shortcut(filter: SchemaAST.Filter<unknown>, run: (value: unknown) => boolean): (value: unknown) => boolean {
  const representation = filter.annotations?.representation as
    | { readonly id?: unknown; readonly payload?: Readonly<Record<string, unknown>> | null }
    | undefined
  const payload = representation?.payload ?? {}
  const number = (name: string): number | undefined => typeof payload[name] === "number" ? payload[name] : undefined
  const lengthOf = (value: unknown): number | undefined =>
    typeof value === "string" || Array.isArray(value) ? value.length : undefined
  switch (representation?.id) {
    case "effect/schema/isInt":
      return (value) => Number.isSafeInteger(value) || run(value)
    case "effect/schema/isGreaterThanOrEqualTo": {
      const minimum = number("minimum")
      return minimum === undefined ? run : (value) => (typeof value === "number" && value >= minimum) || run(value)
    }
    case "effect/schema/isLessThanOrEqualTo": {
      const maximum = number("maximum")
      return maximum === undefined ? run : (value) => (typeof value === "number" && value <= maximum) || run(value)
    }
    case "effect/schema/isMaxLength": {
      const maximum = number("maxLength")
      return maximum === undefined ? run : (value) => (lengthOf(value) ?? Infinity) <= maximum || run(value)
    }
    case "effect/schema/isMinLength": {
      const minimum = number("minLength")
      return minimum === undefined ? run : (value) => (lengthOf(value) ?? -1) >= minimum || run(value)
    }
    case "effect/schema/isMaxCodePoints": {
      const maximum = number("maxCodePoints")
      return maximum === undefined
        ? run
        : (value) => (typeof value === "string" && value.length <= maximum) || run(value)
    }
    case "effect/schema/isMinCodePoints": {
      // n code points need at most 2n UTF-16 units, so 2n units hold at least n code points.
      const minimum = number("minCodePoints")
      return minimum === undefined
        ? run
        : (value) => (typeof value === "string" && value.length >= 2 * minimum) || run(value)
    }
    default:
      return run
  }
}

// Index signature keys: a plain string matches every key; a template literal of literals and plain strings
// (`number:${string}`) becomes one RegExp. Nothing else is generated today, so anything else is left to the schema.
function keyMatcher(parameter: SchemaAST.AST): (key: string) => boolean {
  if (parameter.checks !== undefined) return unsupported()
  if (parameter._tag === "String") return () => true
  if (parameter._tag !== "TemplateLiteral") return unsupported()
  let source = ""
  for (const part of parameter.parts) {
    if (part._tag === "Literal") source += escapeRegExp(String(part.literal))
    else if (part._tag === "String" && part.checks === undefined) source += "[\\s\\S]*"
    else return unsupported()
  }
  const pattern = new RegExp(`^${source}$`)
  return (key) => pattern.test(key)
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
