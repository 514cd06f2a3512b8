/**
 * A small TypeScript printer for generated code: expressions and type literals as trees, laid out the way a
 * person would write them.
 *
 * Layout rule: a node goes on one line when it fits in 120 columns (and holds no comment); otherwise it breaks,
 * one entry per line. A call whose only (or last) argument is an object or array "hugs" it
 * (`Schema.Struct({` … `})`), so nested schemas indent one level per object, not one per call. Style follows
 * the repository: double quotes, no semicolons, no trailing commas, keys quoted only when they must be.
 *
 * @since 0.1.0
 */
import { propertyKey } from "./names.ts"

export const WIDTH = 120
const INDENT = "  "

// ---------------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------------

export type Code =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "call"; readonly callee: Code; readonly args: ReadonlyArray<Code> }
  | { readonly kind: "object"; readonly entries: ReadonlyArray<Entry> }
  | { readonly kind: "array"; readonly items: ReadonlyArray<Code> }
  | { readonly kind: "member"; readonly target: Code; readonly name: string }
  | { readonly kind: "arrow"; readonly head: string; readonly body: Code }

export interface Entry {
  readonly key: string
  readonly value: Code
  readonly doc?: string | undefined
}

export const text = (value: string): Code => ({ kind: "text", text: value })

/** A JSON-compatible literal: `"a"`, `1`, `true`, `null`. */
export const literal = (value: string | number | boolean | null): Code => text(JSON.stringify(value))

export const call = (callee: string | Code, ...args: ReadonlyArray<Code>): Code => ({
  kind: "call",
  callee: typeof callee === "string" ? text(callee) : callee,
  args
})

/** `target.name(args)`: a method call such as `.check(…)` or `.pipe(…)`. */
export const method = (target: Code, name: string, ...args: ReadonlyArray<Code>): Code =>
  call({ kind: "member", target, name }, ...args)

export const object = (entries: ReadonlyArray<Entry>): Code => ({ kind: "object", entries })

export const array = (items: ReadonlyArray<Code>): Code => ({ kind: "array", items })

/** `head body`, e.g. `(): Schema.Codec<Tree> => Tree`. */
export const arrow = (head: string, body: Code): Code => ({ kind: "arrow", head, body })

/**
 * Prints an expression that starts at `column`, continuing lines at `indent`; `trailing` characters (a closing
 * parenthesis, a comma) will follow it on its last line and count against the width.
 */
export const printCode = (code: Code, indent = "", column = indent.length, trailing = 0): string => {
  const oneLine = flat(code)
  if (oneLine !== undefined && column + oneLine.length + trailing <= WIDTH) return oneLine
  switch (code.kind) {
    case "text":
      return code.text
    case "member":
      return `${printCode(code.target, indent, column, trailing + code.name.length + 1)}.${code.name}`
    case "arrow":
      return `${code.head} ${printCode(code.body, indent, column + code.head.length + 1, trailing)}`
    case "object":
      return printBlock(
        "{",
        "}",
        code.entries.map((entry) => (inner, comma) => {
          const key = `${propertyKey(entry.key)}: `
          return `${docLines(entry.doc, inner)}${key}${printCode(entry.value, inner, inner.length + key.length, comma)}`
        }),
        indent
      )
    case "array":
      return printBlock(
        "[",
        "]",
        code.items.map((item) => (inner, comma) => printCode(item, inner, inner.length, comma)),
        indent
      )
    case "call":
      return printCall(code.callee, code.args, indent, column, trailing)
  }
}

const printCall = (
  callee: Code,
  args: ReadonlyArray<Code>,
  indent: string,
  column: number,
  trailing: number
): string => {
  const head = `${printCode(callee, indent, column, 1)}(`
  const headColumn = lastLineLength(head, column)
  const last = args[args.length - 1]
  const leading = args.slice(0, -1).map(flat)
  if (last !== undefined && leading.every((arg) => arg !== undefined)) {
    const prefix = leading.map((arg) => `${arg}, `).join("")
    if (endsWithBlock(last) && headColumn + prefix.length < WIDTH) {
      return `${head}${prefix}${printCode(last, indent, headColumn + prefix.length, trailing + 1)})`
    }
  }
  return printBlock(head, ")", args.map((arg) => (inner, comma) => printCode(arg, inner, inner.length, comma)), indent)
}

/**
 * Whether a node ends in an object or array literal that can open on the current line: `{…}`, `[…]`, or a call
 * whose last argument does (`Schema.Array(Schema.Struct({`). Only such arguments are hugged; anything else that
 * does not fit moves to its own line.
 */
const endsWithBlock = (code: Code): boolean => {
  switch (code.kind) {
    case "object":
    case "array":
      return true
    case "call": {
      const last = code.args[code.args.length - 1]
      return last !== undefined && code.args.slice(0, -1).every((arg) => flat(arg) !== undefined) && endsWithBlock(last)
    }
    case "arrow":
      return endsWithBlock(code.body)
    default:
      return false
  }
}

/** `open`, one entry per line (each told whether a comma follows it), `close`. */
const printBlock = (
  open: string,
  close: string,
  entries: ReadonlyArray<(indent: string, comma: number) => string>,
  indent: string
): string => {
  if (entries.length === 0) return `${open}${close}`
  const inner = indent + INDENT
  const lines = entries.map((entry, index) => `${inner}${entry(inner, index < entries.length - 1 ? 1 : 0)}`)
  return `${open}\n${lines.join(",\n")}\n${indent}${close}`
}

const flat = (code: Code): string | undefined => {
  switch (code.kind) {
    case "text":
      return code.text.includes("\n") ? undefined : code.text
    case "member": {
      const target = flat(code.target)
      return target === undefined ? undefined : `${target}.${code.name}`
    }
    case "arrow": {
      const body = flat(code.body)
      return body === undefined ? undefined : `${code.head} ${body}`
    }
    case "call": {
      const callee = flat(code.callee)
      const args = code.args.map(flat)
      return callee === undefined || args.some((arg) => arg === undefined) ? undefined : `${callee}(${args.join(", ")})`
    }
    case "array": {
      const items = code.items.map(flat)
      return items.some((item) => item === undefined) ? undefined : `[${items.join(", ")}]`
    }
    case "object": {
      if (code.entries.length === 0) return "{}"
      if (code.entries.some((entry) => entry.doc !== undefined)) return undefined
      const entries = code.entries.map((entry) => {
        const value = flat(entry.value)
        return value === undefined ? undefined : `${propertyKey(entry.key)}: ${value}`
      })
      return entries.some((entry) => entry === undefined) ? undefined : `{ ${entries.join(", ")} }`
    }
  }
}

/** `import { a, b } from "…"` (or `import type`), one name per line when it does not fit. */
export const importStatement = (names: ReadonlyArray<string>, from: string, typeOnly = false): string => {
  const keyword = typeOnly ? "import type" : "import"
  const oneLine = `${keyword} { ${names.join(", ")} } from ${JSON.stringify(from)}`
  if (oneLine.length <= WIDTH) return oneLine
  return `${keyword} {\n${names.map((name) => `${INDENT}${name}`).join(",\n")}\n} from ${JSON.stringify(from)}`
}

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

export type TypeCode =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "union"; readonly members: ReadonlyArray<TypeCode> }
  | { readonly kind: "apply"; readonly name: string; readonly args: ReadonlyArray<TypeCode> }
  | { readonly kind: "object"; readonly members: ReadonlyArray<TypeMember> }
  | { readonly kind: "intersection"; readonly members: ReadonlyArray<TypeCode> }

export interface TypeMember {
  /** A property name, or an index signature's brackets (`[x: string]`) when `index` is set. */
  readonly key: string
  readonly index?: boolean | undefined
  readonly optional?: boolean | undefined
  readonly value: TypeCode
  readonly doc?: string | undefined
}

export const typeText = (value: string): TypeCode => ({ kind: "text", text: value })

export const typeUnion = (members: ReadonlyArray<TypeCode>): TypeCode =>
  members.length === 1 ? members[0]! : { kind: "union", members }

export const typeApply = (name: string, ...args: ReadonlyArray<TypeCode>): TypeCode => ({ kind: "apply", name, args })

export const typeObject = (members: ReadonlyArray<TypeMember>): TypeCode => ({ kind: "object", members })

export const typeIntersection = (members: ReadonlyArray<TypeCode>): TypeCode =>
  members.length === 1 ? members[0]! : { kind: "intersection", members }

/** `head` followed by a type, e.g. `export type X = …`; a broken union starts on the next line. */
export const printTypeAfter = (head: string, type: TypeCode, indent = ""): string => {
  const printed = printType(type, indent, lastLineLength(head, indent.length))
  return printed.startsWith("\n") ? `${head.trimEnd()}${printed}` : `${head}${printed}`
}

export const printType = (type: TypeCode, indent = "", column = indent.length, breakObject = false): string => {
  const oneLine = flatType(type)
  if (oneLine !== undefined && column + oneLine.length <= WIDTH && !(breakObject && type.kind === "object")) {
    return oneLine
  }
  const inner = indent + INDENT
  switch (type.kind) {
    case "text":
      return type.text
    case "apply":
      return `${type.name}<${type.args.map((arg) => printType(arg, indent, column + type.name.length + 1)).join(", ")}>`
    case "union":
      return type.members.map((member) => `\n${inner}| ${printType(member, inner + INDENT, inner.length + 2)}`).join("")
    case "object": {
      if (type.members.length === 0) return "{}"
      const members = type.members.map((member) =>
        `${inner}${docLines(member.doc, inner)}${printMember(member, inner)}`
      )
      return `{\n${members.join("\n")}\n${indent}}`
    }
    case "intersection": {
      // `{\n…\n} & {\n…\n}`: every object member opens on the line where the previous one closed.
      let printed = ""
      for (const member of type.members) {
        if (printed !== "") printed += " & "
        printed += printType(member, indent, lastLineLength(printed, column), true)
      }
      return printed
    }
  }
}

const memberHead = (member: TypeMember): string =>
  `readonly ${member.index === true ? member.key : propertyKey(member.key)}${member.optional === true ? "?" : ""}: `

const printMember = (member: TypeMember, indent: string): string =>
  printTypeAfter(memberHead(member), member.value, indent)

const flatType = (type: TypeCode): string | undefined => {
  switch (type.kind) {
    case "text":
      return type.text
    case "apply": {
      const args = type.args.map(flatType)
      return args.some((arg) => arg === undefined) ? undefined : `${type.name}<${args.join(", ")}>`
    }
    case "union": {
      const members = type.members.map((member) => {
        const printed = flatType(member)
        const needsParentheses = member.kind === "intersection" || (member.kind === "text" && member.text.includes("&"))
        return printed !== undefined && needsParentheses ? `(${printed})` : printed
      })
      return members.some((member) => member === undefined) ? undefined : members.join(" | ")
    }
    case "intersection": {
      const members = type.members.map((member) => {
        const printed = flatType(member)
        return printed !== undefined && member.kind === "union" ? `(${printed})` : printed
      })
      return members.some((member) => member === undefined) ? undefined : members.join(" & ")
    }
    case "object": {
      if (type.members.length === 0) return "{}"
      if (type.members.some((member) => member.doc !== undefined)) return undefined
      const members = type.members.map((member) => {
        const value = flatType(member.value)
        return value === undefined ? undefined : `${memberHead(member)}${value}`
      })
      return members.some((member) => member === undefined) ? undefined : `{ ${members.join("; ")} }`
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------------------------------

/** A JSDoc block for `text` at `indent`, ending with a newline plus `indent`; empty for no text. */
const docLines = (doc: string | undefined, indent: string): string =>
  doc === undefined ? "" : `${jsDoc(doc, indent)}\n${indent}`

/**
 * A JSDoc block (`/** … *\/`), one line when short. `*\/` inside the text is escaped so it cannot end the
 * comment early.
 */
export const jsDoc = (doc: string, indent = ""): string => {
  const lines = doc.replaceAll("*/", "*\\/").split("\n").map((line) => line.trimEnd())
  const single = `/** ${lines[0]} */`
  if (lines.length === 1 && indent.length + single.length <= WIDTH) return single
  const wrapped = lines.flatMap((line) => wrap(line, WIDTH - indent.length - 3))
  return ["/**", ...wrapped.map((line) => (line === "" ? " *" : ` * ${line}`)), " */"].join(`\n${indent}`)
}

/** Breaks a line of prose at spaces so that no piece is longer than `width` (a longer word stays whole). */
const wrap = (line: string, width: number): ReadonlyArray<string> => {
  if (line.length <= width) return [line]
  const pieces: Array<string> = []
  let current = ""
  for (const word of line.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      pieces.push(current)
      current = word
    } else {
      current = current === "" ? word : `${current} ${word}`
    }
  }
  pieces.push(current)
  return pieces
}

const lastLineLength = (printed: string, startColumn: number): number => {
  const newline = printed.lastIndexOf("\n")
  return newline === -1 ? startColumn + printed.length : printed.length - newline - 1
}
