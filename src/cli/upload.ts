/**
 * `reinfer create comments`: uploads comments from a file (JSON lines or CSV, or `-` for standard input) through
 * `BulkSync`, with a progress display, a final count, the failed comments written to a file, and a checkpoint
 * beside the input so that `--resume` skips what an earlier run already had confirmed.
 *
 * The checkpoint (`<file>.reinfer-checkpoint.json`) records the source, the input's size and modification time,
 * and the lines the API confirmed, as ranges; it is rewritten (through a temporary file) each time a batch is
 * confirmed, so a crash at 60 % resumes at 60 %. Comments in flight at the crash were not confirmed and are sent
 * again (a sync is an upsert: sending one twice does not duplicate it). The checkpoint is removed once every
 * comment was confirmed.
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
import { type CliIo, type OutputFormat, printRecords } from "./output.ts"
import { makeProgress, type ProgressMode } from "./progress.ts"
import { countRecords, type InputFormat, readRecords } from "./records.ts"

/**
 * What `create comments` was asked to do.
 *
 * @since 0.1.0
 * @category models
 */
export interface UploadOptions {
  readonly project: string
  readonly source: string
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
  source: Schema.String,
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
 * Runs the upload. Fails with a `CliFailure` of kind `api` when some comments failed (they are in `--failed-out`),
 * or with the error that stopped it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const uploadComments = (
  options: UploadOptions
): Effect.Effect<void, CliFailure, CliIo | FileSystem.FileSystem | ReinferClient> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const sourceName = `${options.project}/${options.source}`
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
      source: sourceName,
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
      if (earlier.source !== fresh.source || earlier.size !== fresh.size || earlier.modified !== fresh.modified) {
        return yield* new CliFailure({
          kind: "usage",
          message: `${checkpointFile} was written for ${earlier.source} and another version of ${options.file}; delete it to start over`
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
    const display = yield* makeProgress(options.progress, alreadyDone)

    // BulkSync numbers the items it was given; these are their lines in the input.
    const lineOf: Array<number> = []
    const unreadable: Array<{ readonly line: number; readonly error: string }> = []
    async function* comments(): AsyncGenerator<BulkSync.NewComment> {
      for await (const record of readRecords(options.file, options.format)) {
        if (confirmed.has(record.line)) continue
        if (record._tag === "Unreadable") {
          unreadable.push({ line: record.line, error: record.issue })
          continue
        }
        lineOf.push(record.line)
        // Checked by BulkSync as it admits it, which names the field when it is not a comment.
        yield record.value as BulkSync.NewComment
      }
    }

    const result = yield* BulkSync.syncCommentsBulk({
      project: options.project,
      source: options.source,
      comments: comments(),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(total === undefined ? {} : { total }),
      // Lines that were not comments at all count as failed too, so the bar ends at 100 %.
      onProgress: (progress) => display.update({ ...progress, failed: progress.failed + unreadable.length }),
      onConfirmed: (indexes) => {
        for (const index of indexes) confirmed.add(lineOf[index]!)
        return saveCheckpoint()
      }
    }).pipe(Effect.mapError((error: ReinferCallError) => toCliFailure(error)))

    const failures = [
      ...unreadable,
      ...result.failed.map((failure) => ({ line: lineOf[failure.index]!, id: failure.id, error: failure.error.message }))
    ].sort((left, right) => left.line - right.line)
    if (options.failedOut !== undefined) {
      const text = failures.map((failure) => `${JSON.stringify(failure)}\n`).join("")
      yield* Effect.mapError(fs.writeFileString(options.failedOut, text), usageOf(`cannot write ${options.failedOut}`))
    }
    if (checkpointFile !== undefined && failures.length === 0) {
      yield* Effect.ignore(fs.remove(checkpointFile))
    }
    yield* printRecords([{
      new: result.new,
      updated: result.updated,
      unchanged: result.unchanged,
      failed: failures.length,
      skipped: alreadyDone
    }], [
      { title: "new", value: (row) => row.new },
      { title: "updated", value: (row) => row.updated },
      { title: "unchanged", value: (row) => row.unchanged },
      { title: "failed", value: (row) => row.failed },
      { title: "skipped (resumed)", value: (row) => row.skipped }
    ], options.output)
    if (failures.length > 0) {
      const where = options.failedOut === undefined ? "pass --failed-out <file> to keep them" : `written to ${options.failedOut}`
      const first = failures[0]!
      return yield* new CliFailure({
        kind: "api",
        message: `${failures.length} comment${failures.length === 1 ? "" : "s"} failed (${where}); the first, line ${first.line}: ${first.error}`
      })
    }
  })

// Line numbers, written out as sorted ranges (a checkpoint of a million lines confirmed in order is one range).
class LineSet {
  private readonly lines = new Set<number>()
  constructor(ranges: ReadonlyArray<readonly [number, number]>) {
    for (const [from, to] of ranges) for (let line = from; line <= to; line++) this.lines.add(line)
  }
  get size(): number {
    return this.lines.size
  }
  has(line: number): boolean {
    return this.lines.has(line)
  }
  add(line: number): void {
    this.lines.add(line)
  }
  ranges(): Array<[number, number]> {
    const sorted = [...this.lines].sort((left, right) => left - right)
    const ranges: Array<[number, number]> = []
    for (const line of sorted) {
      const last = ranges[ranges.length - 1]
      if (last !== undefined && last[1] === line - 1) last[1] = line
      else ranges.push([line, line])
    }
    return ranges
  }
}
