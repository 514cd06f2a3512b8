/**
 * `reinfer create comments` and `reinfer create emails`: uploads comments to a source, or raw emails to a bucket,
 * from a file (JSON lines or CSV, or `-` for standard input) through `BulkSync`, with a progress display, a final
 * count, the failed items written to a file, and a checkpoint beside the input so that `--resume` skips what an
 * earlier run already had confirmed.
 *
 * The checkpoint (`<file>.reinfer-checkpoint.json`) records the target, the input's size and modification time,
 * and the lines the API confirmed, as ranges; it is rewritten (through a temporary file) each time a batch is
 * confirmed, so a crash at 60 % resumes at 60 %. Items in flight at the crash were not confirmed and are sent
 * again (both uploads are upserts by id: sending one twice does not duplicate it). The checkpoint is removed once
 * every item was confirmed.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Schema from "effect/Schema"
import * as Semaphore from "effect/Semaphore"
import * as BulkSync from "../bulk-sync.ts"
import type { ReinferClient } from "../client.ts"
import type { ReinferCallError } from "../errors.ts"
import { CliFailure, toCliFailure } from "./failure.ts"
import { CliIo, type OutputFormat, printRecords } from "./output.ts"
import { makeProgress, type ProgressMode } from "./progress.ts"
import { countRecords, type InputFormat, readRecords } from "./records.ts"

/**
 * Where an upload goes: comments into a source, or raw emails into a bucket.
 *
 * @since 0.1.0
 * @category models
 */
export type UploadTarget =
  | { readonly _tag: "Comments"; readonly project: string; readonly source: string }
  | { readonly _tag: "Emails"; readonly project: string; readonly bucket: string }

/**
 * What `create comments` or `create emails` was asked to do.
 *
 * @since 0.1.0
 * @category models
 */
export interface UploadOptions {
  readonly target: UploadTarget
  readonly file: string
  readonly format: InputFormat
  readonly batchSize: number | undefined
  readonly concurrency: number | undefined
  readonly progress: ProgressMode
  readonly failedOut: string | undefined
  readonly resume: boolean
  readonly output: OutputFormat | undefined
}

const CheckpointSchema = Schema.Struct({
  target: Schema.String,
  size: Schema.Number,
  modified: Schema.Number,
  confirmed: Schema.Array(Schema.Tuple([Schema.Number, Schema.Number]))
})
type Checkpoint = typeof CheckpointSchema.Type
const decodeCheckpoint = Schema.decodeUnknownResult(Schema.fromJsonString(CheckpointSchema))

/**
 * The path of the checkpoint of `file`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const checkpointOf = (file: string): string => `${file}.reinfer-checkpoint.json`

/**
 * Runs the upload. Fails with a `CliFailure` of kind `api` when some items failed (they are in `--failed-out`),
 * or with the error that stopped it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const upload = (
  options: UploadOptions
): Effect.Effect<void, CliFailure, CliIo | FileSystem.FileSystem | ReinferClient> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const io = yield* CliIo
    const { target } = options
    const targetName = target._tag === "Comments"
      ? `source ${target.project}/${target.source}`
      : `bucket ${target.project}/${target.bucket}`
    const noun = target._tag === "Comments" ? "comment" : "email"
    const fromStdin = options.file === "-"
    if (options.resume && fromStdin) {
      return yield* new CliFailure({ kind: "usage", message: "--resume needs a file: standard input cannot be read again" })
    }
    const usageOf = (what: string) => (cause: { readonly message: string }) =>
      new CliFailure({ kind: "usage", message: `${what}: ${cause.message}` })
    const identity = fromStdin
      ? undefined
      : yield* Effect.mapError(fs.stat(options.file), usageOf(`cannot read ${options.file}`))
    const checkpointFile = fromStdin ? undefined : checkpointOf(options.file)
    const fresh: Checkpoint = {
      target: targetName,
      size: Number(identity?.size ?? 0),
      modified: identity?.mtime._tag === "Some" ? identity.mtime.value.getTime() : 0,
      confirmed: []
    }
    let checkpoint = fresh
    if (options.resume && checkpointFile !== undefined && (yield* Effect.orElseSucceed(fs.exists(checkpointFile), () => false))) {
      const text = yield* Effect.mapError(fs.readFileString(checkpointFile), usageOf(`cannot read ${checkpointFile}`))
      const decoded = decodeCheckpoint(text)
      if (decoded._tag === "Failure") {
        return yield* new CliFailure({ kind: "usage", message: `${checkpointFile} is not a checkpoint; delete it to start over` })
      }
      const earlier = decoded.success
      if (earlier.target !== fresh.target || earlier.size !== fresh.size || earlier.modified !== fresh.modified) {
        return yield* new CliFailure({
          kind: "usage",
          message: `${checkpointFile} was written for ${earlier.target} and another version of ${options.file}; delete it to start over`
        })
      }
      checkpoint = earlier
    }
    const confirmed = new LineSet(checkpoint.confirmed)
    const alreadyDone = confirmed.size

    // Batches are confirmed concurrently; one write at a time, each of everything confirmed so far.
    const oneWriter = yield* Semaphore.make(1)
    const saveCheckpoint = () =>
      checkpointFile === undefined ? Effect.void : Effect.gen(function*() {
        const temporary = `${checkpointFile}.tmp`
        const text = JSON.stringify({ ...fresh, confirmed: confirmed.ranges() })
        yield* Effect.orDie(fs.writeFileString(temporary, text))
        yield* Effect.orDie(fs.rename(temporary, checkpointFile))
      }).pipe(oneWriter.withPermits(1))

    const total = options.progress === "none" || fromStdin
      ? undefined
      : (yield* Effect.promise(() => countRecords(options.file, options.format))) - alreadyDone
    const display = yield* makeProgress(options.progress, alreadyDone, `${noun}s`)
    const whereItStopped = () => {
      const count = `${confirmed.size.toLocaleString("en-US")} ${noun}s`
      return checkpointFile === undefined
        ? `${count} had been confirmed`
        : `${count} confirmed so far are in ${checkpointFile}: --resume goes on from there`
    }

    // BulkSync numbers the items it was given; these are their lines in the input.
    const lineOf: Array<number> = []
    const unreadable: Array<{ readonly line: number; readonly error: string }> = []
    async function* items(): AsyncGenerator<unknown> {
      for await (const record of readRecords(options.file, options.format)) {
        if (confirmed.has(record.line)) continue
        if (record._tag === "Unreadable") {
          unreadable.push({ line: record.line, error: record.issue })
          continue
        }
        lineOf.push(record.line)
        // Checked by BulkSync as it admits it, which names the field when it is not a comment or an email.
        yield record.value
      }
    }

    const settings: Omit<BulkSync.BulkSyncOptions, "project" | "source"> = {
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(total === undefined ? {} : { total }),
      // Lines that were not comments at all count as failed too, so the bar ends at 100 %.
      onProgress: (progress) => display.update({ ...progress, failed: progress.failed + unreadable.length }),
      onConfirmed: (indexes) => {
        for (const index of indexes) confirmed.add(lineOf[index]!)
        return saveCheckpoint()
      }
    }
    const result = yield* (target._tag === "Comments"
      ? BulkSync.syncCommentsBulk({
        ...settings,
        project: target.project,
        source: target.source,
        comments: items() as AsyncIterable<BulkSync.NewComment>
      })
      : BulkSync.addEmailsBulk({
        ...settings,
        project: target.project,
        bucket: target.bucket,
        emails: items() as AsyncIterable<BulkSync.NewEmail>
      })).pipe(
        // Whatever stops an upload, say what is safe and how to go on.
        Effect.mapError((error: ReinferCallError) => {
          const failure = toCliFailure(error)
          return new CliFailure({ kind: failure.kind, message: `${failure.message}; ${whereItStopped()}` })
        }),
        Effect.onInterrupt(() => io.err(`\nreinfer: stopped; ${whereItStopped()}\n`))
      )

    const failures = [
      ...unreadable,
      ...result.failed.map((failure) => ({ line: lineOf[failure.index]!, id: failure.id, error: describeFailure(failure) }))
    ].sort((left, right) => left.line - right.line)
    if (options.failedOut !== undefined) {
      const text = failures.map((failure) => `${JSON.stringify(failure)}\n`).join("")
      yield* Effect.mapError(fs.writeFileString(options.failedOut, text), usageOf(`cannot write ${options.failedOut}`))
    }
    if (checkpointFile !== undefined && failures.length === 0) {
      yield* Effect.ignore(fs.remove(checkpointFile))
    }
    // A bucket does not say which emails it already had: they are all "added".
    const counts = target._tag === "Comments"
      ? { new: result.new, updated: result.updated, unchanged: result.unchanged }
      : { added: result.new }
    const row: Record<string, number> = { ...counts, failed: failures.length, skipped: alreadyDone }
    yield* printRecords(
      [row],
      Object.keys(row).map((key) => ({ title: key === "skipped" ? "skipped (resumed)" : key, value: (each) => each[key] })),
      options.output
    )
    if (failures.length > 0) {
      const where = options.failedOut === undefined ? "pass --failed-out <file> to keep them" : `written to ${options.failedOut}`
      const first = failures[0]!
      return yield* new CliFailure({
        kind: "api",
        message: `${failures.length} ${noun}${failures.length === 1 ? "" : "s"} failed (${where}); the first, line ${first.line}: ${first.error}`
      })
    }
  })

// A comment refused before it was sent is named by its line, so the field is given within the item, not at the
// position BulkSync numbered it (which a resumed run counts differently); the server's errors are given whole.
const describeFailure = (failure: BulkSync.BulkSyncFailure): string => {
  const { error } = failure
  if (error._tag !== "ReinferRequestError") return error.message
  const field = error.field.replace(/^\w+\[\d+\]\.?/, "")
  return `${field === "" ? "" : `${field}: `}${error.issue} (nothing was sent)`
}

// Line numbers as sorted, disjoint, non-adjacent ranges, kept merged as lines are added: batches are confirmed
// roughly in order, so a checkpoint of a million lines is a handful of ranges, and writing it costs no sort.
class LineSet {
  private readonly spans: Array<[number, number]> = []
  private count = 0
  constructor(ranges: ReadonlyArray<readonly [number, number]>) {
    for (const [from, to] of ranges) for (let line = from; line <= to; line++) this.add(line)
  }
  get size(): number {
    return this.count
  }
  has(line: number): boolean {
    const at = this.firstEndingAtOrAfter(line)
    return at < this.spans.length && this.spans[at]![0] <= line
  }
  add(line: number): void {
    const at = this.firstEndingAtOrAfter(line - 1)
    const next = this.spans[at]
    if (next !== undefined && next[0] <= line && line <= next[1]) return
    this.count += 1
    if (next !== undefined && next[1] === line - 1) {
      next[1] = line
      const after = this.spans[at + 1]
      if (after !== undefined && after[0] === line + 1) {
        next[1] = after[1]
        this.spans.splice(at + 1, 1)
      }
    } else if (next !== undefined && next[0] === line + 1) {
      next[0] = line
    } else {
      this.spans.splice(at, 0, [line, line])
    }
  }
  ranges(): ReadonlyArray<readonly [number, number]> {
    return this.spans
  }
  // Binary search: the index of the first range whose end is at or after `line`.
  private firstEndingAtOrAfter(line: number): number {
    let low = 0
    let high = this.spans.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.spans[middle]![1] < line) low = middle + 1
      else high = middle
    }
    return low
  }
}
