/**
 * Section 4, bulk sync throughput: 100,000 comments through `BulkSync.syncCommentsBulk` against a hand-written
 * loop of raw `fetch` calls with the same batch size (128) and concurrency (4), to the loopback server's `sync`.
 *
 * Both read the same lazily made comments (fixtures.ts templates, each with its own id), so neither pays for
 * input the other does not. The raw loop does what a careful script would: `JSON.stringify` a batch, POST it,
 * parse the answer, count. `syncCommentsBulk` also validates every comment against the request schema, rejects
 * duplicate ids, and would bisect a rejected batch; that is the price measured.
 *
 * @since 0.1.0
 */
import { Effect, Layer, ManagedRuntime, Result, type Schema } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"
import { operations } from "../generated/operations.ts"
import { syncCommentsBulk } from "../src/bulk-sync.ts"
import { ReinferClient } from "../src/client.ts"
import { validateInput } from "../src/internal/validate-input.ts"
import type { Transport } from "./call-overhead.ts"
import { commentId, newComment } from "./fixtures.ts"
import { TOKEN } from "./server.ts"
import { summarize, type Summary } from "./stats.ts"

/**
 * What to upload and how.
 *
 * @since 0.1.0
 * @category models
 */
export interface BulkOptions {
  readonly url: string
  readonly comments: number
  readonly batchSize: number
  readonly concurrency: number
  /** Runs per contender; they alternate. */
  readonly runs: number
}

/**
 * One contender's figures: comments per second over its runs.
 *
 * @since 0.1.0
 * @category models
 */
export interface BulkRow {
  readonly id: string
  readonly label: string
  readonly throughput: Summary
  /** Wall seconds per run. */
  readonly seconds: Summary
}

/** Row ids the report and the goals refer to. */
export const BULK_ROWS = {
  raw: "raw-fetch-loop",
  bulkFetch: "sync-comments-bulk-fetch",
  bulkUndici: "sync-comments-bulk-undici"
} as const

const WARM_UP_COMMENTS = 4096
const PROJECT = "bench"
const SOURCE = "bulk"

// Distinct comments are costly to make; a few hundred templates with fresh ids give the same bytes per comment.
const TEMPLATES = Array.from({ length: 500 }, (_, index) => newComment(index))

function* comments(count: number) {
  for (let index = 0; index < count; index++) {
    yield { ...TEMPLATES[index % TEMPLATES.length]!, id: commentId(index) }
  }
}

const rawLoop = async (options: BulkOptions, count: number): Promise<number> => {
  const target = `${options.url}/api/v1/sources/${PROJECT}/${SOURCE}/sync`
  const headers = {
    authorization: `Bearer ${TOKEN}`,
    accept: "application/json",
    "content-type": "application/json"
  }
  const input = comments(count)
  let synced = 0
  const nextBatch = () => {
    const batch = []
    for (let i = 0; i < options.batchSize; i++) {
      const next = input.next()
      if (next.done === true) break
      batch.push(next.value)
    }
    return batch
  }
  const worker = async () => {
    for (let batch = nextBatch(); batch.length > 0; batch = nextBatch()) {
      const response = await fetch(target, { method: "POST", headers, body: JSON.stringify({ comments: batch }) })
      if (!response.ok) throw new Error(`sync answered ${response.status}`)
      const answer = JSON.parse(await response.text()) as { new: number }
      synced += answer.new
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  return synced
}

const bulkRun = (runtime: ManagedRuntime.ManagedRuntime<ReinferClient, unknown>, options: BulkOptions, count: number) =>
  runtime.runPromise(
    Effect.map(
      syncCommentsBulk({
        project: PROJECT,
        source: SOURCE,
        comments: comments(count),
        batchSize: options.batchSize,
        concurrency: options.concurrency
      }),
      (result) => {
        const [first] = result.failed
        if (first !== undefined) throw new Error(`${result.failed.length} comments failed: ${first.error.message}`)
        return result.new
      }
    )
  )

/**
 * Runs the raw loop and `syncCommentsBulk` on each transport, alternating, `runs` times each.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runBulk = async (
  options: BulkOptions,
  log: (line: string) => void = () => {}
): Promise<ReadonlyArray<BulkRow>> => {
  const { layerUndici } = await import("@effect/platform-node/NodeHttpClient")
  const runtimeOf = (transport: Transport) => {
    const transportLayer: Layer.Layer<HttpClient.HttpClient> = transport === "fetch"
      ? FetchHttpClient.layer
      : layerUndici
    return ManagedRuntime.make(
      ReinferClient.layer({ endpoint: options.url, token: TOKEN }).pipe(Layer.provide(transportLayer))
    )
  }
  const fetchRuntime = runtimeOf("fetch")
  const undiciRuntime = runtimeOf("undici")
  const contenders = [
    {
      id: BULK_ROWS.raw,
      label: "raw fetch loop (same batch size and concurrency)",
      run: (count: number) => rawLoop(options, count)
    },
    {
      id: BULK_ROWS.bulkFetch,
      label: "syncCommentsBulk, FetchHttpClient",
      run: (count: number) => bulkRun(fetchRuntime, options, count)
    },
    {
      id: BULK_ROWS.bulkUndici,
      label: "syncCommentsBulk, undici",
      run: (count: number) => bulkRun(undiciRuntime, options, count)
    }
  ]
  const seconds = new Map(contenders.map((contender) => [contender.id, [] as Array<number>]))
  try {
    // One small run each first: connections, JIT and schema compilation are not throughput.
    for (const contender of contenders) await contender.run(Math.min(WARM_UP_COMMENTS, options.comments))
    for (let run = 0; run < options.runs; run++) {
      for (const contender of rotate(contenders, run)) {
        const started = performance.now()
        const synced = await contender.run(options.comments)
        const elapsed = (performance.now() - started) / 1000
        if (synced !== options.comments) throw new Error(`${contender.id} synced ${synced} of ${options.comments}`)
        seconds.get(contender.id)!.push(elapsed)
        const rate = (options.comments / elapsed).toFixed(0)
        log(`bulk: ${contender.id} run ${run + 1}/${options.runs}: ${rate} comments/s`)
      }
    }
  } finally {
    await fetchRuntime.dispose()
    await undiciRuntime.dispose()
  }
  return contenders.map((contender) => {
    const runs = seconds.get(contender.id)!
    return {
      id: contender.id,
      label: contender.label,
      throughput: summarize(runs.map((elapsed) => options.comments / elapsed)),
      seconds: summarize(runs)
    }
  })
}

/**
 * What one comment costs in process, without the network: the admission check bulk sync runs on every comment
 * (src/internal/validate-input.ts on a one-comment body, which also makes the copy that is sent) and the
 * `JSON.stringify` of the batches, which the raw loop does too. Milliseconds per comment (the unit every other
 * time in the report is kept in) over rounds of `count`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PerComment {
  readonly admission: Summary
  readonly stringify: Summary
}

/**
 * Measures `PerComment` on the same comments the uploads send.
 *
 * @since 0.1.0
 * @category constructors
 */
export const measurePerComment = (count: number, batchSize: number, rounds = 5): PerComment => {
  const schema = operations.syncComments.requestBody as Schema.Top
  const items = [...comments(count)]
  const admission: Array<number> = []
  const stringify: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    const admitted: Array<unknown> = []
    let started = performance.now()
    for (const item of items) {
      const checked = validateInput(schema, { comments: [item] })
      if (Result.isFailure(checked)) throw new Error(`fixture comment refused: ${checked.failure.issue}`)
      admitted.push((checked.success as { readonly comments: ReadonlyArray<unknown> }).comments[0])
    }
    admission.push((performance.now() - started) / count)
    started = performance.now()
    let bytes = 0
    for (let i = 0; i < admitted.length; i += batchSize) {
      bytes += JSON.stringify({ comments: admitted.slice(i, i + batchSize) }).length
    }
    stringify.push((performance.now() - started) / count)
    if (bytes === 0) throw new Error("nothing serialised")
  }
  return { admission: summarize(admission), stringify: summarize(stringify) }
}

const rotate = <A>(items: ReadonlyArray<A>, by: number): ReadonlyArray<A> => {
  const shift = by % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}
