/**
 * Two rewrites of generated/schemas that locate the generated schemas' decode cost, measured in the same run:
 *
 * - `unknownRest`: every `Schema.Record(Schema.String, Schema.Json)` rest becomes `Record(String, Unknown)`; the
 *   structs stay open, but unknown values are no longer walked by the `Json` check.
 * - `noRest`: the `Record(String, Json)` rests are removed (structs without another index signature become plain
 *   `Schema.Struct`s, which effect parses on its fast path and which drop unknown keys).
 *
 * The rewrites are textual, on the generator's own output, and written under bench/.results/ (git-ignored); they
 * are what the two obvious generator changes would emit, so the report can say what each would buy.
 *
 * @since 0.1.0
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { Schema } from "effect"

/**
 * The one schema the decode section needs from each variant.
 *
 * @since 0.1.0
 * @category models
 */
export interface SchemaVariant {
  readonly QueryDatasetResponse: Schema.Codec<unknown, unknown>
}

const root = fileURLToPath(new URL("..", import.meta.url))
const JSON_REST = /^\s*Schema\.Record\(\s*Schema\.String,\s*Schema\.Json\s*\)\s*$/
const JSON_REST_ANYWHERE = /Schema\.Record\(\s*Schema\.String,\s*Schema\.Json\s*\)/g

/**
 * Writes both variants of the current generated/schemas and imports them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const loadSchemaVariants = async (): Promise<{ unknownRest: SchemaVariant; noRest: SchemaVariant }> => {
  const source = join(root, "generated/schemas")
  const load = async (name: string, rewrite: (text: string) => string): Promise<SchemaVariant> => {
    const target = join(root, "bench/.results/schema-variants", name)
    mkdirSync(target, { recursive: true })
    for (const file of readdirSync(source)) {
      writeFileSync(join(target, file), rewrite(readFileSync(join(source, file), "utf8")))
    }
    return (await import(pathToFileURL(join(target, "datasets.ts")).href)) as SchemaVariant
  }
  return {
    unknownRest: await load(
      "unknown-rest",
      (text) => text.replace(JSON_REST_ANYWHERE, "Schema.Record(Schema.String, Schema.Unknown)")
    ),
    noRest: await load("no-rest", removeJsonRests)
  }
}

/**
 * Removes the `Record(String, Json)` rest of every `Schema.StructWithRest(struct, [...])`, keeping the other
 * records; a rest left empty leaves the bare struct.
 *
 * @since 0.1.0
 * @category constructors
 */
export const removeJsonRests = (text: string): string => {
  const opening = "Schema.StructWithRest("
  let output = ""
  let from = 0
  for (;;) {
    const start = text.indexOf(opening, from)
    if (start === -1) return output + text.slice(from)
    output += text.slice(from, start)
    const open = start + opening.length - 1
    const close = matchingBracket(text, open)
    const [struct = "", ...restParts] = splitTopLevel(removeJsonRests(text.slice(open + 1, close)))
    const rest = restParts.join(",").trim()
    const records = splitTopLevel(rest.slice(1, -1)).filter((record) => record.trim() !== "" && !JSON_REST.test(record))
    output += records.length === 0
      ? struct.trim()
      : `${opening}${struct.trim()}, [${records.map((record) => record.trim()).join(", ")}])`
    from = close + 1
  }
}

const matchingBracket = (text: string, open: number): number => {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const character = text[i]
    if (character === "(" || character === "[" || character === "{") depth += 1
    else if (character === ")" || character === "]" || character === "}") {
      depth -= 1
      if (depth === 0) return i
    }
  }
  throw new Error(`unbalanced brackets from offset ${open}`)
}

// Splits on the commas outside any bracket (the generated code has no brackets inside strings that matter here:
// regular expressions in patterns are balanced or escaped).
const splitTopLevel = (text: string): Array<string> => {
  const parts: Array<string> = []
  let depth = 0
  let current = ""
  for (const character of text) {
    if (character === "(" || character === "[" || character === "{") depth += 1
    if (character === ")" || character === "]" || character === "}") depth -= 1
    if (character === "," && depth === 0) {
      parts.push(current)
      current = ""
    } else current += character
  }
  parts.push(current)
  return parts
}
