/**
 * Reading comments to upload: JSON lines, or CSV with a header row, from a file or standard input, one record at
 * a time (a file of millions is never held in memory), each with the line it started on.
 *
 * CSV columns (RFC 4180 quoting; any order; only `id` and `timestamp` are required): `id`, `timestamp`,
 * `thread_id`, `subject`, `from`, `to`, `cc`, `bcc` (addresses separated by `;`), `text` (the message body), and
 * `string:<name>` / `number:<name>` for user properties. Each row is one comment with one message.
 *
 * @since 0.1.0
 */
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"
import type { Readable } from "node:stream"

/**
 * One record of the input: the value to upload, or why the text is not one.
 *
 * @since 0.1.0
 * @category models
 */
export type InputRecord =
  | { readonly _tag: "Record"; readonly line: number; readonly value: unknown }
  | { readonly _tag: "Unreadable"; readonly line: number; readonly issue: string }

/**
 * The formats read.
 *
 * @since 0.1.0
 * @category models
 */
export type InputFormat = "jsonl" | "csv"

/**
 * The format of a file by its extension (`.csv`, anything else JSON lines).
 *
 * @since 0.1.0
 * @category parsing
 */
export const formatOf = (file: string): InputFormat => (/\.csv$/i.test(file) ? "csv" : "jsonl")

/**
 * The input's records, in order; `"-"` reads standard input.
 *
 * @since 0.1.0
 * @category constructors
 */
export async function* readRecords(file: string, format: InputFormat): AsyncGenerator<InputRecord> {
  const lines = linesOf(file)
  if (format === "jsonl") {
    let line = 0
    for await (const text of lines) {
      line += 1
      if (isBlank(text)) continue
      try {
        yield { _tag: "Record", line, value: JSON.parse(text) as unknown }
      } catch (error) {
        yield { _tag: "Unreadable", line, issue: `not JSON: ${error instanceof Error ? error.message : String(error)}` }
      }
    }
    return
  }
  let header: ReadonlyArray<string> | undefined
  for await (const row of csvRows(lines)) {
    if (header === undefined) {
      header = row.fields
      continue
    }
    if (row.fields.length === 1 && row.fields[0] === "") continue
    if (row.fields.length !== header.length) {
      yield { _tag: "Unreadable", line: row.line, issue: `has ${row.fields.length} fields, the header ${header.length}` }
      continue
    }
    yield { _tag: "Record", line: row.line, value: commentOfRow(header, row.fields) }
  }
}

/**
 * How many records the input holds, for a progress bar's total (a second, quick pass over a file).
 *
 * @since 0.1.0
 * @category constructors
 */
export const countRecords = async (file: string, format: InputFormat): Promise<number> => {
  let count = 0
  // A JSON line is one record whether it parses or not, so counting needs no parsing; a CSV record may span
  // lines, so those are read as rows.
  if (format === "jsonl") {
    for await (const text of linesOf(file)) if (!isBlank(text)) count += 1
    return count
  }
  for await (const _record of readRecords(file, format)) count += 1
  return count
}

const linesOf = (file: string): AsyncIterable<string> => {
  const input: Readable = file === "-" ? process.stdin : createReadStream(file)
  return createInterface({ input, crlfDelay: Infinity })
}

const isBlank = (text: string): boolean => text.trim() === ""

// RFC 4180 rows: a quoted field may hold commas, doubled quotes and line breaks.
async function* csvRows(lines: AsyncIterable<string>): AsyncGenerator<{ readonly line: number; readonly fields: Array<string> }> {
  let line = 0
  let fields: Array<string> = []
  let field = ""
  let quoted = false
  let startLine = 1
  for await (const text of lines) {
    line += 1
    if (!quoted) startLine = line
    for (let i = 0; i < text.length; i++) {
      const character = text[i]!
      if (quoted) {
        if (character === "\"" && text[i + 1] === "\"") {
          field += "\""
          i += 1
        } else if (character === "\"") quoted = false
        else field += character
      } else if (character === "\"" && field === "") quoted = true
      else if (character === ",") {
        fields.push(field)
        field = ""
      } else field += character
    }
    if (quoted) {
      field += "\n"
      continue
    }
    fields.push(field)
    yield { line: startLine, fields }
    fields = []
    field = ""
  }
  if (quoted) yield { line: startLine, fields: [...fields, field] }
}

const ADDRESS_COLUMNS = ["from", "to", "cc", "bcc"] as const

const commentOfRow = (header: ReadonlyArray<string>, fields: ReadonlyArray<string>): Record<string, unknown> => {
  const cell = (name: string) => {
    const index = header.indexOf(name)
    return index === -1 || fields[index] === "" ? undefined : fields[index]
  }
  const message: Record<string, unknown> = { body: { text: cell("text") ?? "" } }
  const subject = cell("subject")
  if (subject !== undefined) message.subject = { text: subject }
  for (const column of ADDRESS_COLUMNS) {
    const value = cell(column)
    if (value === undefined) continue
    const addresses = value.split(";").map((address) => address.trim()).filter((address) => address !== "")
    message[column] = column === "from" ? addresses[0] : addresses
  }
  const userProperties: Record<string, unknown> = {}
  header.forEach((name, index) => {
    const value = fields[index]
    if (value === undefined || value === "") return
    if (name.startsWith("string:")) userProperties[name] = value
    else if (name.startsWith("number:")) userProperties[name] = Number(value)
  })
  const comment: Record<string, unknown> = { id: cell("id"), timestamp: cell("timestamp"), messages: [message] }
  const thread = cell("thread_id")
  if (thread !== undefined) comment.thread_id = thread
  if (Object.keys(userProperties).length > 0) comment.user_properties = userProperties
  return comment
}
