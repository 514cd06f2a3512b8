/**
 * One streaming-memory measurement, run in its own process by streaming-memory.ts: iterates `count` comments
 * through `Pagination.stream("listComments", …)` against the loopback server, keeping none of them, and prints one JSON
 * line with the process's peak RSS and RSS samples along the way.
 *
 * Arguments: `<server url> <count> <page size> <fetch|undici>`. Run with `--expose-gc`, so the baseline and the
 * retained heap are taken after a full collection. It runs on Node's own type stripping, not tsx, so no loader
 * sits in the measured process.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { ReinferClient } from "../src/client.ts"
import { stream } from "../src/pagination.ts"
import { TOKEN } from "./server.ts"

/**
 * What the child prints.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamingMemoryReport {
  readonly items: number
  /** RSS after loading everything and one collection, before the first page: the process's own floor. */
  readonly baselineRssMB: number
  /** `process.resourceUsage().maxRSS` at the end: the highest RSS the process ever had. */
  readonly peakRssMB: number
  /** RSS sampled every `sampleEvery` items: `[items, MB]`. */
  readonly samples: ReadonlyArray<readonly [number, number]>
  /** Heap in use after a full collection at the end, minus the same before the first page: what the stream kept. */
  readonly retainedHeapMB: number
  readonly seconds: number
}

const MB = 1024 * 1024

const main = async () => {
  const [url, countText, pageSizeText, transport] = process.argv.slice(2)
  const count = Number(countText)
  const pageSize = Number(pageSizeText)
  const sampleEvery = Math.max(1, Math.floor(count / 50))
  // Only the transport in use is loaded, so the baseline holds no more than a user's process would.
  const transportLayer = transport === "undici"
    ? (await import("@effect/platform-node/NodeHttpClient")).layerUndici
    : FetchHttpClient.layer
  const layer = ReinferClient.layer({ endpoint: url!, token: TOKEN }).pipe(Layer.provide(transportLayer))
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
  gc()
  const baselineRssMB = process.memoryUsage.rss() / MB
  const baselineHeap = process.memoryUsage().heapUsed
  const samples: Array<readonly [number, number]> = []
  const started = performance.now()
  let items = 0
  await Effect.runPromise(
    stream("listComments", { project: "bench", source: `gen-${count}` }, { pageSize }).pipe(
      Stream.runForEach((comment) =>
        Effect.sync(() => {
          items += 1
          if (comment.id === "") throw new Error("a comment without an id")
          if (items % sampleEvery === 0) samples.push([items, process.memoryUsage.rss() / MB])
        })
      ),
      Effect.provide(layer)
    )
  )
  const seconds = (performance.now() - started) / 1000
  gc()
  const report: StreamingMemoryReport = {
    items,
    baselineRssMB,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    samples,
    retainedHeapMB: (process.memoryUsage().heapUsed - baselineHeap) / MB,
    seconds
  }
  console.log(JSON.stringify(report))
}

await main()
