/**
 * Schemas compiled into plain functions: a fast path that decodes a response payload, or encodes a request, exactly
 * as the schema would, for the values it can vouch for. Anything else goes to the schema itself.
 *
 * - `responseDecoder`: a payload as `JSON.parse` returned it. Response objects keep unknown fields (`openStruct`),
 *   so the payload becomes its own decoding once the response-field codecs have run on it: in one walk, the decoder
 *   checks the payload and turns `null` in optional fields into absent keys and absent collections into empty ones,
 *   in place (the payload is the client's own fresh copy). A union checks its members without touching the value,
 *   then decodes the member that holds, so a member that fails half way cannot change what the next one sees. When
 *   the walk fails part way, what it changed is what decoding would have changed: the schema, run next, decides
 *   the same way on the changed payload.
 * - `requestEncoder`: an input as the caller wrote it. It reads every field once and builds a fresh plain copy of
 *   what will be sent: unknown keys (`onExcessProperty: "error"`), numbers that JSON cannot carry (`NaN`, `±Infinity`)
 *   and nesting deeper than `MAX_DEPTH` are refused; timestamps are written in their canonical form
 *   (`TimestampInput`). The copy is what the client serialises, so what was checked is what is sent.
 *
 * Neither compiles what it cannot decide exactly: a transformation other than the generated codecs, a response
 * object without a catch-all rest (decoding would drop unknown keys), a declaration other than `Json`, an index
 * signature other than a template literal of literals and strings. `undefined` (no compiled function) or an answer of
 * "not vouched" is never an error: the caller runs the schema, which decides the same way and names the field.
 *
 * Why: on effect 4.1 a struct with an index signature, or any struct parsed with `errors: "all"` or
 * `onExcessProperty`, takes the parser's generic, generator-based path, and a `Json` rest re-walks every value
 * below it. A 1,000-comment page decoded in about 10× the time of its `JSON.parse`, and validating a batch of new
 * comments cost more than sending it. These functions cost about as much as the parse.
 *
 * Objects, most of every payload, are walked by a function compiled from text per object schema (one statement a
 * declared field, so each field is read at its own site), where the runtime allows `new Function`; where it does
 * not (a Content-Security-Policy without 'unsafe-eval'), by closures that follow the same rules. The text holds
 * field names only as JSON string literals.
 *
 * @internal
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { filtersOf } from "./schema-limits.ts"
import {
  canonicalTimestamp,
  FIELD_DECODING,
  type FieldDecoding,
  TIMESTAMP_INPUT
} from "../../generated/schemas/codecs.ts"

/**
 * What a compiled function returns when it cannot vouch for a value; the caller then asks the schema.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export const NOT_VOUCHED: unique symbol = Symbol.for("effect-reinfer/NotVouched")

/**
 * Decodes a response payload in place; `true` when the payload now equals what the schema decodes it to.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export type ResponseDecoder = (payload: unknown) => boolean

/**
 * Encodes a request input into a fresh plain JSON copy, or answers `NOT_VOUCHED`.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export type RequestEncoder = (input: unknown) => unknown

/**
 * The deepest nesting a request may have. Re:infer's own bodies are a few levels deep; rich-text markup and
 * comment filters go a little further. Deeper input is refused rather than walked, so that a runaway structure
 * becomes a typed error instead of a stack overflow.
 *
 * @internal
 * @since 0.1.0
 * @category configuration
 */
export const MAX_DEPTH = 128

/**
 * The decoder of a response schema; `undefined` when the schema is outside what it can decide exactly.
 * Compiled once per schema.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const responseDecoder = (ast: SchemaAST.AST): ResponseDecoder | undefined => {
  const cached = responseCache.get(ast)
  if (cached !== undefined) return cached ?? undefined
  const compiled = compileResponseDecoder(ast, canCompileCode)
  responseCache.set(ast, compiled ?? null)
  return compiled
}

/**
 * `responseDecoder` without the cache, its object walks compiled from text (`asCode`, where the runtime allows
 * it) or run as closures (always possible): the tests hold both to the schema.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const compileResponseDecoder = (ast: SchemaAST.AST, asCode: boolean): ResponseDecoder | undefined =>
  attempt(() => compileResponse(ast, { seen: new Map(), asCode }).decode)

/**
 * The encoder of a request schema, with unknown keys refused; `undefined` when the schema is outside what it can
 * decide exactly. Compiled once per schema.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const requestEncoder = (ast: SchemaAST.AST): RequestEncoder | undefined => {
  const cached = requestCache.get(ast)
  if (cached !== undefined) return cached ?? undefined
  const compiled = compileRequestEncoder(ast, canCompileCode)
  requestCache.set(ast, compiled ?? null)
  return compiled
}

/**
 * `requestEncoder` without the cache, its object encoders compiled from text (`asCode`) or run as closures.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const compileRequestEncoder = (ast: SchemaAST.AST, asCode: boolean): RequestEncoder | undefined =>
  attempt(() => {
    const encode = compileRequest(ast, { seen: new Map(), asCode })
    return (input: unknown) => {
      // A getter that throws, or a Proxy trap, is the schema's to report, as a typed error.
      try {
        return encode(input, 0)
      } catch {
        return NOT_VOUCHED
      }
    }
  })

// ---------------------------------------------------------------------------------------------------------------

/** One compilation: the nodes compiled so far (a recursive schema meets itself again), and how objects are walked. */
interface Compilation<Node> {
  readonly seen: Map<SchemaAST.AST, Node>
  readonly asCode: boolean
}

/**
 * Whether this runtime compiles code from text; a Content-Security-Policy without 'unsafe-eval' forbids it, and
 * then every object is walked by closures.
 *
 * @internal
 * @since 0.1.0
 * @category configuration
 */
export const canCompileCode: boolean = (() => {
  try {
    return new Function("return true")() === true
  } catch {
    return false
  }
})()

const responseCache = new WeakMap<SchemaAST.AST, ResponseDecoder | null>()
const requestCache = new WeakMap<SchemaAST.AST, RequestEncoder | null>()

const UNSUPPORTED = Symbol("UNSUPPORTED")
const unsupported = (): never => {
  throw UNSUPPORTED
}

const attempt = <A>(compile: () => A): A | undefined => {
  try {
    return compile()
  } catch (error) {
    if (error !== UNSUPPORTED) throw error
    return undefined
  }
}

// Refinements run with empty parse options, as the parser runs them on a value that passed its type.
const NO_OPTIONS: SchemaAST.ParseOptions = {}

// `Schema.Json` and its annotated copies share the declaration's `run`.
const JSON_RUN = (Schema.Json.ast as SchemaAST.Declaration).run

const isJsonDeclaration = (ast: SchemaAST.AST): boolean =>
  ast._tag === "Declaration" && ast.run === JSON_RUN && ast.checks === undefined

const isCatchAll = (index: SchemaAST.IndexSignature): boolean =>
  index.parameter._tag === "String" && index.parameter.checks === undefined &&
  (isJsonDeclaration(index.type) || index.type._tag === "Unknown")

const coversEveryKey = (index: SchemaAST.IndexSignature): boolean =>
  index.parameter._tag === "String" && index.parameter.checks === undefined

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

// The codecs annotate the field's key, so that a refinement inside them cannot take the annotation.
const fieldDecodingOf = (ast: SchemaAST.AST): FieldDecoding | undefined =>
  ast.context?.annotations?.[FIELD_DECODING] as FieldDecoding | undefined

/** The schema a generated response-field codec wraps: the encoded side of its link, without `null`. */
const wrappedSchema = (ast: SchemaAST.AST): SchemaAST.AST => {
  const link = ast.encoding?.length === 1 ? ast.encoding[0] : undefined
  if (link === undefined) return unsupported()
  const from = link.to
  if (from._tag !== "Union") return from
  const members = from.types.filter((member) => member._tag !== "Null")
  return members.length === 1 && from.types.length === 2 ? members[0]! : unsupported()
}

// ---------------------------------------------------------------------------------------------------------------
// Responses: check, then apply
// ---------------------------------------------------------------------------------------------------------------

/**
 * A compiled response node: a pure check; the in-place decoding to run once the check holds (if there is any); and
 * both in one walk (`decode`), what the top of a payload and every node outside a union run.
 */
interface ResponseNode {
  readonly check: (value: unknown) => boolean
  readonly apply: ((value: unknown) => void) | undefined
  readonly decode: (value: unknown) => boolean
  /** Set when the node is a bare primitive (no refinement): objects and arrays test it inline, without a call. */
  readonly leaf?: Leaf | undefined
}

/** The primitive a bare leaf node accepts: compiled object walks and list walks test it in place, with no call. */
type Leaf = "string" | "number" | "boolean" | "null" | "any"

const leafHolds = (leaf: Leaf, value: unknown): boolean =>
  leaf === "any" || (leaf === "null" ? value === null : typeof value === leaf)

const checkOf = (node: ResponseNode, value: unknown): boolean =>
  node.leaf !== undefined ? leafHolds(node.leaf, value) : node.check(value)

const decodeOf = (node: ResponseNode, value: unknown): boolean =>
  node.leaf !== undefined ? leafHolds(node.leaf, value) : node.decode(value)

function compileResponse(ast: SchemaAST.AST, compilation: Compilation<ResponseNode>): ResponseNode {
  const known = compilation.seen.get(ast)
  if (known !== undefined) return known
  if (ast.encoding !== undefined) return unsupported()
  // A recursive schema meets itself again through Suspend: hand out a forwarder until the node exists. Its apply
  // is assumed present, since whether the cycle decodes anything is not known yet.
  let compiled: ResponseNode | undefined
  compilation.seen.set(ast, {
    check: (value) => compiled!.check(value),
    apply: (value) => compiled!.apply?.(value),
    decode: (value) => compiled!.decode(value)
  })
  const node = compileResponseType(ast, compilation)
  // Refinements hold of the decoded value, as the parser checks them after the value's parts are decoded.
  const holds = checksOf(ast)
  compiled = holds === undefined ? node : {
    check: (value) => node.check(value) && holds(value),
    apply: node.apply,
    decode: (value) => node.decode(value) && holds(value)
  }
  compilation.seen.set(ast, compiled)
  return compiled
}

function compileResponseType(ast: SchemaAST.AST, compilation: Compilation<ResponseNode>): ResponseNode {
  const leaf = (check: (value: unknown) => boolean, kind?: Leaf): ResponseNode => ({
    check,
    apply: undefined,
    decode: check,
    leaf: kind
  })
  switch (ast._tag) {
    case "String":
      return leaf((value) => typeof value === "string", "string")
    case "Number":
      return leaf((value) => typeof value === "number", "number")
    case "Boolean":
      return leaf((value) => typeof value === "boolean", "boolean")
    case "Null":
      return leaf((value) => value === null, "null")
    case "Unknown":
    case "Any":
      return leaf(() => true, "any")
    case "Literal": {
      const literal = ast.literal
      return leaf((value) => value === literal)
    }
    case "Declaration":
      // Whatever JSON.parse returned is JSON.
      return isJsonDeclaration(ast) ? leaf(() => true, "any") : unsupported()
    case "Suspend": {
      let inner: ResponseNode | undefined
      const resolve = () => (inner ??= compileResponse(ast.thunk(), compilation))
      return {
        check: (value) => resolve().check(value),
        apply: (value) => resolve().apply?.(value),
        decode: (value) => resolve().decode(value)
      }
    }
    case "Union":
      return compileResponseUnion(ast, compilation)
    case "Arrays":
      return compileResponseArrays(ast, compilation)
    case "Objects":
      return compileResponseObjects(ast, compilation)
    default:
      return unsupported()
  }
}

function compileResponseUnion(ast: SchemaAST.Union, compilation: Compilation<ResponseNode>): ResponseNode {
  const members = ast.types.map((member) => compileResponse(member, compilation))
  const oneOf = ast.options?.mode === "oneOf"
  // The member the value decodes as: the first that accepts it (the only one, for oneOf), as the parser picks it.
  const memberOf = (value: unknown): ResponseNode | undefined => {
    let found: ResponseNode | undefined
    for (let i = 0; i < members.length; i++) {
      if (!checkOf(members[i]!, value)) continue
      if (!oneOf) return members[i]
      if (found !== undefined) return undefined
      found = members[i]
    }
    return found
  }
  const decodes = members.some((member) => member.apply !== undefined)
  const check = (value: unknown) => memberOf(value) !== undefined
  return {
    check,
    apply: decodes ? (value) => memberOf(value)?.apply?.(value) : undefined,
    decode: decodes
      ? (value) => {
        const member = memberOf(value)
        if (member === undefined) return false
        member.apply?.(value)
        return true
      }
      : check
  }
}

function compileResponseArrays(ast: SchemaAST.Arrays, compilation: Compilation<ResponseNode>): ResponseNode {
  if (ast.rest.length > 1) return unsupported()
  const elements = ast.elements.map((element) => ({
    node: compileResponse(element, compilation),
    optional: SchemaAST.isOptional(element)
  }))
  const rest = ast.rest.length === 1 ? compileResponse(ast.rest[0]!, compilation) : undefined
  const decodes = elements.some((element) => element.node.apply !== undefined) || rest?.apply !== undefined
  // One walk for both: `decode` runs each item's decode where `check` runs its check.
  const walk = (item: (node: ResponseNode, value: unknown) => boolean) => (value: unknown): boolean => {
    if (!Array.isArray(value)) return false
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i]!
      if (i >= value.length) {
        if (!element.optional) return false
      } else if (!item(element.node, value[i])) return false
    }
    if (rest === undefined) return value.length <= elements.length
    for (let i = elements.length; i < value.length; i++) if (!item(rest, value[i])) return false
    return true
  }
  // A list (no fixed elements) is most arrays: its items are walked without the per-item indirection.
  const list = (mode: Mode) => {
    if (rest === undefined || elements.length > 0) return undefined
    const leaf = rest.leaf
    if (leaf !== undefined) {
      return (value: unknown): boolean => {
        if (!Array.isArray(value)) return false
        for (let i = 0; i < value.length; i++) if (!leafHolds(leaf, value[i])) return false
        return true
      }
    }
    const item = mode === "check" ? rest.check : rest.decode
    return (value: unknown): boolean => {
      if (!Array.isArray(value)) return false
      for (let i = 0; i < value.length; i++) if (!item(value[i])) return false
      return true
    }
  }
  const check = list("check") ?? walk(checkOf)
  return {
    check,
    decode: decodes ? list("decode") ?? walk(decodeOf) : check,
    apply: decodes
      ? (value) => {
        const items = value as Array<unknown>
        for (let i = 0; i < elements.length && i < items.length; i++) elements[i]!.node.apply?.(items[i])
        if (rest?.apply !== undefined) for (let i = elements.length; i < items.length; i++) rest.apply(items[i])
      }
      : undefined
  }
}

/** A declared field of a response object, with what its generated codec does (if it has one). */
interface ResponseField {
  readonly name: string
  readonly node: ResponseNode
  readonly optional: boolean
  readonly decoding: FieldDecoding | undefined
}

function compileResponseObjects(ast: SchemaAST.Objects, compilation: Compilation<ResponseNode>): ResponseNode {
  // Decoding drops a key no signature covers, and then a payload is no longer its own decoding: an open object
  // keeps every key through its catch-all rest, a map through its plain string key.
  if (!ast.indexSignatures.some(coversEveryKey)) return unsupported()
  const fields: ReadonlyArray<ResponseField> = ast.propertySignatures.map((property) => {
    if (typeof property.name !== "string") return unsupported()
    const decoding = fieldDecodingOf(property.type)
    const schema = decoding === undefined ? property.type : wrappedSchema(property.type)
    return {
      name: property.name,
      node: compileResponse(schema, compilation),
      optional: decoding !== undefined || SchemaAST.isOptional(property.type),
      decoding
    }
  })
  const indexes = ast.indexSignatures.filter((index) => !isCatchAll(index)).map((index) => ({
    matches: keyMatcher(index.parameter),
    node: compileResponse(index.type, compilation)
  }))
  const declared = new Set(fields.map((field) => field.name))
  const decoding = fields.filter((field) => field.decoding !== undefined || field.node.apply !== undefined)
  const indexDecodes = indexes.some((index) => index.node.apply !== undefined)
  // Runs `item` on every value an index signature other than the catch-all covers, until one fails.
  const eachIndexValue = (record: Record<string, unknown>, item: (node: ResponseNode, value: unknown) => boolean) => {
    for (const key of Object.keys(record)) {
      if (declared.has(key)) continue
      for (let i = 0; i < indexes.length; i++) {
        const index = indexes[i]!
        if (index.matches(key) && !item(index.node, record[key])) return false
      }
    }
    return true
  }
  const check = (value: unknown): boolean => {
    if (!isRecord(value)) return false
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!
      const item = value[field.name]
      if (item === undefined && !Object.hasOwn(value, field.name)) {
        if (!field.optional) return false
      } else if (item === null && field.decoding !== undefined) {
        if (field.decoding.whenNull === "fail" && !checkOf(field.node, null)) return false
      } else if (!checkOf(field.node, item)) return false
    }
    // A response's catch-all accepts every JSON value, so only the other index signatures are checked.
    return indexes.length === 0 || eachIndexValue(value, checkOf)
  }
  // What a field's codec makes of an absent key or a `null`: the value to store, `ABSENT` (delete the key), or
  // `KEEP` (the value decodes as it is).
  const replacement = (codec: FieldDecoding, item: undefined | null): unknown =>
    item === null && codec.whenNull === "fail"
      ? KEEP
      : "whenAbsent" in codec
      ? (codec.empty === "array" ? [] : {})
      : item === null
      ? ABSENT
      : KEEP
  const put = (record: Record<string, unknown>, name: string, value: unknown) => {
    if (value === ABSENT) delete record[name]
    else if (value !== KEEP) record[name] = value
  }
  const tail = (mode: Mode) =>
    indexes.length === 0 ? undefined : (record: Record<string, unknown>) =>
      eachIndexValue(record, mode === "check" ? checkOf : decodeOf)
  const asCode = (mode: Mode) => compilation.asCode ? objectWalkAsCode(fields, mode, tail(mode)) : undefined
  const fastCheck = asCode("check") ?? check
  if (decoding.length === 0 && !indexDecodes) return { check: fastCheck, apply: undefined, decode: fastCheck }
  return {
    check: fastCheck,
    apply: (value) => {
      const record = value as Record<string, unknown>
      for (let i = 0; i < decoding.length; i++) {
        const field = decoding[i]!
        const item = record[field.name]
        if (field.decoding !== undefined && (item === undefined || item === null)) {
          put(record, field.name, replacement(field.decoding, item))
        } else if (item !== undefined) {
          field.node.apply?.(item)
        }
      }
      if (indexDecodes) {
        eachIndexValue(record, (node, item) => {
          node.apply?.(item)
          return true
        })
      }
    },
    decode: asCode("decode") ?? ((value) => {
      if (!isRecord(value)) return false
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i]!
        const item = value[field.name]
        const codec = field.decoding
        if (item === undefined && !Object.hasOwn(value, field.name)) {
          if (!field.optional) return false
          if (codec !== undefined) put(value, field.name, replacement(codec, undefined))
        } else if (item === null && codec !== undefined) {
          if (codec.whenNull === "fail" && !checkOf(field.node, null)) return false
          put(value, field.name, replacement(codec, null))
        } else if (!decodeOf(field.node, item)) return false
      }
      return indexes.length === 0 || eachIndexValue(value, decodeOf)
    })
  }
}

type Mode = "check" | "decode"

/**
 * The object walk (`check` or `decode`) as a function compiled from text, one statement a declared field. Each
 * field is then read by its own name at its own site, which V8 caches per site, where the closure walk reads every
 * field of every object through one `value[name]` shared by all shapes (the 1,000-comment page of the benchmarks
 * is walked in about a quarter less time this way). The text holds nothing but field names (as JSON string
 * literals) and indexes into the nodes passed in. Same rules, same order as the closure walk.
 */
function objectWalkAsCode(
  fields: ReadonlyArray<ResponseField>,
  mode: Mode,
  tail: ((record: Record<string, unknown>) => boolean) | undefined
): (value: unknown) => boolean {
  const nodes = fields.map((field) => field.node)
  const lines: Array<string> = [
    "if (typeof value !== \"object\" || value === null || Array.isArray(value)) return false",
    "let item"
  ]
  fields.forEach((field, i) => {
    const key = JSON.stringify(field.name)
    const holds = (item: string, walk: Mode = mode) => {
      const leaf = field.node.leaf
      if (leaf === "any") return "true"
      if (leaf === "null") return `${item} === null`
      if (leaf !== undefined) return `typeof ${item} === "${leaf}"`
      return `nodes[${i}].${walk}(${item})`
    }
    lines.push(`item = value[${key}]`)
    const codec = field.decoding
    const empty = codec !== undefined && "whenAbsent" in codec ? (codec.empty === "array" ? "[]" : "{}") : undefined
    const onAbsent = !field.optional
      ? "return false"
      : mode === "decode" && empty !== undefined
      ? `value[${key}] = ${empty}`
      : ""
    lines.push(`if (item === undefined && !hasOwn(value, ${key})) { ${onAbsent} }`)
    if (codec !== undefined) {
      const onNull = codec.whenNull === "fail"
        ? `if (!(${holds("null", "check")})) return false`
        : mode === "check"
        ? ""
        : empty !== undefined
        ? `value[${key}] = ${empty}`
        : `delete value[${key}]`
      lines.push(`else if (item === null) { ${onNull} }`)
    }
    lines.push(`else if (!(${holds("item")})) return false`)
  })
  lines.push(tail === undefined ? "return true" : "return tail(value)")
  const source = `return function ${mode}Object(value) {\n${lines.join("\n")}\n}`
  return new Function("hasOwn", "nodes", "tail", source)(Object.hasOwn, nodes, tail)
}

const ABSENT = Symbol("ABSENT")
const KEEP = Symbol("KEEP")

// ---------------------------------------------------------------------------------------------------------------
// Requests: encode into a copy
// ---------------------------------------------------------------------------------------------------------------

type Encode = (value: unknown, depth: number) => unknown

function compileRequest(ast: SchemaAST.AST, compilation: Compilation<Encode>): Encode {
  const known = compilation.seen.get(ast)
  if (known !== undefined) return known
  if (ast.annotations?.[TIMESTAMP_INPUT] === true) return encodeTimestamp
  if (ast.encoding !== undefined) return unsupported()
  let compiled: Encode | undefined
  compilation.seen.set(ast, (value, depth) => compiled!(value, depth))
  const encode = compileRequestType(ast, compilation)
  const holds = checksOf(ast)
  compiled = holds === undefined ? encode : (value, depth) => {
    const encoded = encode(value, depth)
    return encoded === NOT_VOUCHED || !holds(encoded) ? NOT_VOUCHED : encoded
  }
  compilation.seen.set(ast, compiled)
  return compiled
}

function compileRequestType(ast: SchemaAST.AST, compilation: Compilation<Encode>): Encode {
  switch (ast._tag) {
    case "String":
      return encodeString
    case "Number":
      return encodeNumber
    case "Boolean":
      return encodeBoolean
    case "Null":
      return (value) => value === null ? value : NOT_VOUCHED
    case "Literal": {
      const literal = ast.literal
      return (value) => value === literal ? value : NOT_VOUCHED
    }
    case "Declaration":
      return isJsonDeclaration(ast) ? copyJson : unsupported()
    case "Suspend": {
      let inner: Encode | undefined
      return (value, depth) => (inner ??= compileRequest(ast.thunk(), compilation))(value, depth)
    }
    case "Union": {
      const members = ast.types.map((member) => compileRequest(member, compilation))
      const oneOf = ast.options?.mode === "oneOf"
      return (value, depth) => {
        let found: unknown = NOT_VOUCHED
        for (let i = 0; i < members.length; i++) {
          const encoded = members[i]!(value, depth)
          if (encoded === NOT_VOUCHED) continue
          if (!oneOf) return encoded
          if (found !== NOT_VOUCHED) return NOT_VOUCHED
          found = encoded
        }
        return found
      }
    }
    case "Arrays":
      return compileRequestArrays(ast, compilation)
    case "Objects":
      return compileRequestObjects(ast, compilation)
    default:
      return unsupported()
  }
}

function compileRequestArrays(ast: SchemaAST.Arrays, compilation: Compilation<Encode>): Encode {
  if (ast.rest.length > 1) return unsupported()
  const elements = ast.elements.map((element) => ({
    encode: compileRequest(element, compilation),
    optional: SchemaAST.isOptional(element)
  }))
  const rest = ast.rest.length === 1 ? compileRequest(ast.rest[0]!, compilation) : undefined
  return (value, depth) => {
    if (!Array.isArray(value) || depth >= MAX_DEPTH) return NOT_VOUCHED
    if (rest === undefined && value.length > elements.length) return NOT_VOUCHED
    const copy: Array<unknown> = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      const element = elements[i]
      if (element === undefined && rest === undefined) return NOT_VOUCHED
      // A hole or an explicit undefined is not JSON.
      const item = value[i]
      if (item === undefined) return NOT_VOUCHED
      const encoded = (element?.encode ?? rest!)(item, depth + 1)
      if (encoded === NOT_VOUCHED) return NOT_VOUCHED
      copy[i] = encoded
    }
    for (let i = value.length; i < elements.length; i++) if (!elements[i]!.optional) return NOT_VOUCHED
    return copy
  }
}

const encodeString: Encode = (value) => typeof value === "string" ? value : NOT_VOUCHED
// JSON has no NaN or Infinity: JSON.stringify would send them as null.
const encodeNumber: Encode = (value) => typeof value === "number" && Number.isFinite(value) ? value : NOT_VOUCHED
const encodeBoolean: Encode = (value) => typeof value === "boolean" ? value : NOT_VOUCHED

/** A declared field of a request object. */
interface RequestField {
  readonly name: string
  readonly encode: Encode
  readonly optional: boolean
}

/**
 * What is left of encoding an object once its declared fields are copied (`present` of them were there): the keys
 * nothing declares go through the index signatures, or are refused.
 */
type EncodeRest = (value: Record<string, unknown>, copy: Record<string, unknown>, present: number, depth: number) => unknown

function compileRequestObjects(ast: SchemaAST.Objects, compilation: Compilation<Encode>): Encode {
  const fields: ReadonlyArray<RequestField> = ast.propertySignatures.map((property) => ({
    name: typeof property.name === "string" ? property.name : unsupported(),
    encode: compileRequest(property.type, compilation),
    optional: SchemaAST.isOptional(property.type)
  }))
  const declared = new Set(fields.map((field) => field.name))
  const indexes = ast.indexSignatures.map((index) => ({
    matches: keyMatcher(index.parameter),
    encode: isCatchAll(index) ? copyJson : compileRequest(index.type, compilation)
  }))
  const rest: EncodeRest = (value, copy, present, depth) => {
    const keys = Object.keys(value)
    if (keys.length > present) {
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!
        if (declared.has(key)) continue
        const index = indexes.find((candidate) => candidate.matches(key))
        // Encoding with `onExcessProperty: "error"` refuses a key nothing declares.
        if (index === undefined) return NOT_VOUCHED
        const item = value[key]
        const encoded = item === undefined ? NOT_VOUCHED : index.encode(item, depth + 1)
        if (encoded === NOT_VOUCHED) return NOT_VOUCHED
        copy[key] = encoded
      }
    }
    // Symbol keys are never JSON; the schema knows what to do with them.
    return Object.getOwnPropertySymbols(value).length === 0 ? copy : NOT_VOUCHED
  }
  if (compilation.asCode) return objectEncoderAsCode(fields, rest)
  return (value, depth) => {
    // The parser copies own keys into a new object; for anything but a plain object (a Date, a class instance,
    // a Proxy's target) that copy differs from the value, so such values go to the schema.
    if (!isRecord(value) || !isPlainObject(value) || depth >= MAX_DEPTH) return NOT_VOUCHED
    const copy: Record<string, unknown> = {}
    let present = 0
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!
      if (!Object.hasOwn(value, field.name)) {
        if (!field.optional) return NOT_VOUCHED
        continue
      }
      present++
      const item = value[field.name]
      // An optional key holding undefined is refused by the schema (exact optional properties).
      if (item === undefined) return NOT_VOUCHED
      const encoded = field.encode(item, depth + 1)
      if (encoded === NOT_VOUCHED) return NOT_VOUCHED
      copy[field.name] = encoded
    }
    return rest(value, copy, present, depth)
  }
}

/**
 * The object encoder above compiled from text, one statement a declared field, for the reason `objectWalkAsCode`
 * gives; a string, number or boolean field is tested in place. Same rules, same order.
 */
function objectEncoderAsCode(fields: ReadonlyArray<RequestField>, rest: EncodeRest): Encode {
  const lines: Array<string> = [
    "if (typeof value !== \"object\" || value === null || Array.isArray(value) || depth >= MAX_DEPTH) return NOT_VOUCHED",
    "const prototype = getPrototypeOf(value)",
    "if (prototype !== ObjectPrototype && prototype !== null) return NOT_VOUCHED",
    "const copy = {}",
    "let present = 0",
    "let item",
    "let encoded"
  ]
  fields.forEach((field, i) => {
    const key = JSON.stringify(field.name)
    const refused = field.encode === encodeString
      ? "typeof item !== \"string\""
      : field.encode === encodeNumber
      ? "typeof item !== \"number\" || !isFinite(item)"
      : field.encode === encodeBoolean
      ? "typeof item !== \"boolean\""
      : undefined
    lines.push(`if (hasOwn(value, ${key})) {`, "present++", `item = value[${key}]`)
    if (refused !== undefined) {
      lines.push(`if (${refused}) return NOT_VOUCHED`, `copy[${key}] = item`)
    } else {
      lines.push(
        "if (item === undefined) return NOT_VOUCHED",
        `encoded = encoders[${i}](item, depth + 1)`,
        "if (encoded === NOT_VOUCHED) return NOT_VOUCHED",
        `copy[${key}] = encoded`
      )
    }
    lines.push(field.optional ? "}" : "} else return NOT_VOUCHED")
  })
  lines.push("return rest(value, copy, present, depth)")
  const source = `return function encodeObject(value, depth) {\n${lines.join("\n")}\n}`
  return new Function(
    "NOT_VOUCHED",
    "MAX_DEPTH",
    "getPrototypeOf",
    "ObjectPrototype",
    "hasOwn",
    "isFinite",
    "encoders",
    "rest",
    source
  )(
    NOT_VOUCHED,
    MAX_DEPTH,
    Object.getPrototypeOf,
    Object.prototype,
    Object.hasOwn,
    Number.isFinite,
    fields.map((field) => field.encode),
    rest
  )
}

const encodeTimestamp: Encode = (value) => {
  if (typeof value === "string") return canonicalTimestamp(value) ?? NOT_VOUCHED
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    return canonicalTimestamp(value.toISOString()) ?? NOT_VOUCHED
  }
  return NOT_VOUCHED
}

// An opaque JSON field as the caller wrote it: copied, so that what is sent is what was checked.
const copyJson: Encode = (value, depth) => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value
    case "number":
      return Number.isFinite(value) ? value : NOT_VOUCHED
    case "object": {
      if (value === null) return null
      if (depth >= MAX_DEPTH) return NOT_VOUCHED
      if (Array.isArray(value)) {
        const copy: Array<unknown> = new Array(value.length)
        for (let i = 0; i < value.length; i++) {
          const encoded = value[i] === undefined ? NOT_VOUCHED : copyJson(value[i], depth + 1)
          if (encoded === NOT_VOUCHED) return NOT_VOUCHED
          copy[i] = encoded
        }
        return copy
      }
      if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return NOT_VOUCHED
      const copy: Record<string, unknown> = {}
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key]
        const encoded = item === undefined ? NOT_VOUCHED : copyJson(item, depth + 1)
        if (encoded === NOT_VOUCHED) return NOT_VOUCHED
        copy[key] = encoded
      }
      return copy
    }
    default:
      return NOT_VOUCHED
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Refinements and keys
// ---------------------------------------------------------------------------------------------------------------

// A refinement (`Schema.Int`, `isGreaterThanOrEqualTo(0)`, `isMaxLength`) holds when its filter reports nothing.
function checksOf(ast: SchemaAST.AST): ((value: unknown) => boolean) | undefined {
  if (ast.checks === undefined || ast.checks.length === 0) return undefined
  const filters = filtersOf(ast)
  const holds = filters.map((filter) => shortcut(filter, (value) => filter.run(value, ast, NO_OPTIONS) === undefined))
  return (value) => {
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
    else if (part._tag === "Union" && part.types.every((member) => member._tag === "Literal")) {
      source += `(?:${part.types.map((member) => escapeRegExp(String((member as SchemaAST.Literal).literal))).join("|")})`
    } else return unsupported()
  }
  const pattern = new RegExp(`^${source}$`)
  return (key) => pattern.test(key)
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
