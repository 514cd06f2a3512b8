/**
 * Section 3, streaming memory: 10k, 100k and 1M comments through `Pagination.stream("listComments")` (pages of 256,
 * the API's maximum), each size in a fresh process (streaming-memory-child.ts), so each peak RSS is that size's
 * alone. The server generates the comments on the fly in another process (server.ts).
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { Transport } from "./call-overhead.ts"
import type { StreamingMemoryReport } from "./streaming-memory-child.ts"

/**
 * What to stream.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamingMemoryOptions {
  readonly url: string
  /** Extra V8 flags for the child, e.g. a capped heap. */
  readonly nodeFlags?: ReadonlyArray<string> | undefined
  /** Comment counts, one child process each. */
  readonly sizes: ReadonlyArray<number>
  readonly pageSize: number
  readonly transport: Transport
}

/**
 * One size's report.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamingMemoryRun extends StreamingMemoryReport {
  readonly size: number
}

const CHILD = fileURLToPath(new URL("./streaming-memory-child.ts", import.meta.url))


/**
 * Runs one child per size, in order, and collects their reports.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runStreamingMemory = async (
  options: StreamingMemoryOptions,
  log: (line: string) => void = () => {}
): Promise<ReadonlyArray<StreamingMemoryRun>> => {
  const runs: Array<StreamingMemoryRun> = []
  for (const size of options.sizes) {
    const report = await runChild([
      "--expose-gc",
      ...(options.nodeFlags ?? []),
      CHILD,
      options.url,
      String(size),
      String(options.pageSize),
      options.transport
    ])
    if (report.items !== size) throw new Error(`streamed ${report.items} comments, expected ${size}`)
    const figures = `peak RSS ${report.peakRssMB.toFixed(1)} MB, ${report.seconds.toFixed(1)} s`
    log(`streaming memory: ${size} comments, ${figures}`)
    runs.push({ size, ...report })
  }
  return runs
}

const runChild = (args: ReadonlyArray<string>): Promise<StreamingMemoryReport> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.once("error", reject)
    child.once("exit", (code) => {
      const line = output.trim().split("\n").pop() ?? ""
      if (code !== 0) return reject(new Error(`streaming child exited with ${code}: ${output.slice(-500)}`))
      try {
        resolve(JSON.parse(line) as StreamingMemoryReport)
      } catch {
        reject(new Error(`streaming child printed no report: ${output.slice(-500)}`))
      }
    })
  })
