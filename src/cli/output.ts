/**
 * What the `reinfer` command line prints: records as an aligned table that fits the terminal (the default on a
 * terminal), as one JSON document, or as JSON lines (the default when piped), through a `Terminal`-like `CliIo`
 * service so that tests read exactly what a user would see.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/**
 * An output format.
 *
 * @since 0.1.0
 * @category models
 */
export type OutputFormat = "table" | "json" | "jsonl"

/**
 * Where the command line writes, and what it knows about it.
 *
 * @since 0.1.0
 * @category services
 */
export class CliIo extends Context.Service<CliIo, {
  readonly out: (text: string) => Effect.Effect<void>
  readonly err: (text: string) => Effect.Effect<void>
  /** Whether standard output is a terminal (tables), or a pipe or file (JSON lines). */
  readonly isTerminal: boolean
  /** Whether standard error is a terminal (a progress bar redrawn in place), or a pipe or file (plain lines). */
  readonly errIsTerminal: boolean
  /** The terminal's width in columns (80 when unknown). */
  readonly columns: number
}>()("effect-reinfer/cli/CliIo") {
  /**
   * The process's own standard output and error.
   *
   * @since 0.1.0
   */
  static readonly fromProcess = (): CliIo["Service"] => ({
    out: (text) => Effect.sync(() => void process.stdout.write(text)),
    err: (text) => Effect.sync(() => void process.stderr.write(text)),
    isTerminal: process.stdout.isTTY === true,
    errIsTerminal: process.stderr.isTTY === true,
    // A pseudo-terminal without a size reports 0 columns.
    columns: process.stdout.columns || 80
  })
}

/**
 * A column of a table: its heading and how to read it from a record.
 *
 * @since 0.1.0
 * @category models
 */
export interface Column<A> {
  readonly title: string
  readonly value: (record: A) => string | number | boolean | undefined | null
}

/**
 * Prints one line of text (a confirmation, a name, a token asked for) to standard output.
 *
 * @since 0.1.0
 * @category constructors
 */
export const printLine = (text: string): Effect.Effect<void, never, CliIo> =>
  Effect.flatMap(Effect.service(CliIo), (io) => io.out(`${text}\n`))

/**
 * Prints records in `format` (or the default for where output goes); `columns` are the table's.
 *
 * @since 0.1.0
 * @category constructors
 */
export const printRecords = <A>(
  records: ReadonlyArray<A>,
  columns: ReadonlyArray<Column<A>>,
  format: OutputFormat | undefined
): Effect.Effect<void, never, CliIo> =>
  Effect.flatMap(Effect.service(CliIo), (io) => {
    const chosen = format ?? (io.isTerminal ? "table" : "jsonl")
    switch (chosen) {
      case "json":
        return io.out(`${JSON.stringify(records, null, 2)}\n`)
      case "jsonl":
        return io.out(records.map((record) => `${JSON.stringify(record)}\n`).join(""))
      case "table":
        return io.out(renderTable(records, columns, io.columns))
    }
  })

/**
 * Prints one record: as JSON unless the format is a table (then a two-column table of its fields).
 *
 * @since 0.1.0
 * @category constructors
 */
export const printRecord = <A>(
  record: A,
  columns: ReadonlyArray<Column<A>>,
  format: OutputFormat | undefined
): Effect.Effect<void, never, CliIo> =>
  Effect.flatMap(Effect.service(CliIo), (io) => {
    const chosen = format ?? (io.isTerminal ? "table" : "jsonl")
    if (chosen === "json") return io.out(`${JSON.stringify(record, null, 2)}\n`)
    if (chosen === "jsonl") return io.out(`${JSON.stringify(record)}\n`)
    const rows = columns.map((column) => ({ field: column.title, value: column.value(record) }))
    return io.out(
      renderTable(rows, [
        { title: "FIELD", value: (row) => row.field },
        { title: "VALUE", value: (row) => row.value }
      ], io.columns)
    )
  })

/**
 * An aligned table of `records` that fits `width` columns: when it would not, the widest columns are cut (with
 * `…`) until it does, never below 8 characters. Headings are upper-case; a missing value is empty.
 *
 * @since 0.1.0
 * @category constructors
 */
export const renderTable = <A>(
  records: ReadonlyArray<A>,
  columns: ReadonlyArray<Column<A>>,
  width: number
): string => {
  const cells = records.map((record) => columns.map((column) => cellText(column.value(record))))
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...cells.map((row) => [...row[index]!].length))
  )
  const gap = 2
  const total = () => widths.reduce((sum, each) => sum + each, 0) + gap * (widths.length - 1)
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths))
    if (widths[widest]! <= MIN_COLUMN) break
    widths[widest] = Math.max(MIN_COLUMN, widths[widest]! - (total() - width))
  }
  const line = (texts: ReadonlyArray<string>) =>
    texts.map((text, index) => fit(text, widths[index]!)).join(" ".repeat(gap)).trimEnd()
  return [line(columns.map((column) => column.title.toUpperCase())), ...cells.map(line)].join("\n") + "\n"
}

const MIN_COLUMN = 8

const cellText = (value: string | number | boolean | undefined | null): string =>
  value === undefined || value === null ? "" : String(value).replace(/\s+/g, " ")

// Pads or cuts to exactly `width` characters (code points, so a cut never splits a surrogate pair).
const fit = (text: string, width: number): string => {
  const characters = [...text]
  if (characters.length <= width) return text + " ".repeat(width - characters.length)
  return `${characters.slice(0, width - 1).join("")}…`
}

/**
 * Prints a stream of records as they arrive, never holding them all: JSON lines, or with `json` one array written
 * element by element. A table would have to see every row first to align its columns, so it prints JSON lines too.
 *
 * @since 0.1.0
 * @category constructors
 */
export const printRecordStream = <A, E, R>(
  records: Stream.Stream<A, E, R>,
  format: OutputFormat | undefined
): Effect.Effect<void, E, R | CliIo> =>
  Effect.flatMap(Effect.service(CliIo), (io) => {
    if (format !== "json") return Stream.runForEach(records, (record) => io.out(`${JSON.stringify(record)}\n`))
    let first = true
    return io.out("[").pipe(
      Effect.andThen(Stream.runForEach(records, (record) => {
        const text = `${first ? "\n" : ",\n"}${JSON.stringify(record)}`
        first = false
        return io.out(text)
      })),
      Effect.andThen(Effect.suspend(() => io.out(first ? "]\n" : "\n]\n")))
    )
  })
