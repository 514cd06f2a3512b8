/**
 * `npm run bench`: runs the six benchmarks against a loopback server it starts and stops, and writes
 * bench/BENCHMARKS.md (and the raw figures to bench/.results/results.json).
 *
 * Flags: `--quick` runs every benchmark on a tiny input (the smoke test does; the figures mean nothing) and writes
 * bench/.results/BENCHMARKS.quick.md unless `--out` says otherwise; `--only 1,3` runs some sections; `--out <file>`
 * writes the report elsewhere. A full run takes about four minutes on 2 cores.
 *
 * @since 0.1.0
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { renderReport, type Results, type RunInfo } from "./report.ts"
import { startServer, startServerProcess } from "./server.ts"

/**
 * The size of every benchmark: `full` for the report, `quick` for the smoke test.
 *
 * @since 0.1.0
 * @category configuration
 */
export const PROFILES = {
  full: {
    callOverhead: { rounds: 4, roundTime: 300, sequentialBatch: 25, concurrentBatch: 160, concurrency: 16 },
    decode: { comments: 1000, rounds: 5, roundTime: 300 },
    memory: { sizes: [10_000, 100_000, 1_000_000], pageSize: 256, extraSize: 100_000 },
    bulk: { comments: 100_000, batchSize: 128, concurrency: 4, runs: 3 },
    build: { runs: 3, tsconfig: "bench/tsconfig.build.json" },
    startup: { runs: 5 }
  },
  quick: {
    callOverhead: { rounds: 1, roundTime: 10, sequentialBatch: 2, concurrentBatch: 8, concurrency: 4 },
    decode: { comments: 20, rounds: 1, roundTime: 10 },
    memory: { sizes: [300, 600], pageSize: 256, extraSize: 300 },
    bulk: { comments: 300, batchSize: 128, concurrency: 4, runs: 1 },
    build: { runs: 1, tsconfig: "bench/tsconfig.smoke.json" },
    startup: { runs: 1 }
  }
} as const

/**
 * What to run.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunOptions {
  readonly quick: boolean
  /** Sections 1 to 6; all when empty. */
  readonly only: ReadonlyArray<number>
  /** Where BENCHMARKS.md goes. */
  readonly out: string
  /** The quick run starts its server in process (faster); the full run in a child process. */
  readonly serverInProcess: boolean
  readonly log: (line: string) => void
}

const root = fileURLToPath(new URL("..", import.meta.url))

/**
 * Runs the selected benchmarks and writes the report; resolves with what it measured.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runBenchmarks = async (options: RunOptions): Promise<Results> => {
  const profile = options.quick ? PROFILES.quick : PROFILES.full
  const wanted = (section: number) => options.only.length === 0 || options.only.includes(section)
  const started = performance.now()
  const loadAtStart = Os.loadavg()[0]!
  const server = options.serverInProcess ? await startServer() : await startServerProcess()
  const results: { -readonly [K in keyof Results]: Results[K] } = { info: undefined as unknown as RunInfo }
  try {
    if (wanted(1)) {
      const { runCallOverhead } = await import("./call-overhead.ts")
      results.callOverhead = await runCallOverhead({ url: server.url, ...profile.callOverhead }, options.log)
    }
    if (wanted(2)) {
      const { runDecode } = await import("./decode.ts")
      results.decode = await runDecode(profile.decode, options.log)
    }
    if (wanted(3)) results.memory = await section3(server.url, profile.memory, options.log)
    if (wanted(4)) results.bulk = await section4(server.url, profile.bulk, options.log)
    if (wanted(5)) {
      const { runBuildFigures } = await import("./build-figures.ts")
      results.build = await runBuildFigures(
        {
          runs: profile.build.runs,
          tsconfig: join(root, profile.build.tsconfig),
          spec: join(root, "openapi/reinfer.yaml")
        },
        options.log
      )
    }
    if (wanted(6)) {
      const { runStartup } = await import("./startup.ts")
      results.startup = await runStartup(profile.startup, options.log)
    }
  } finally {
    await server.close()
  }
  results.info = runInfo(options.quick, loadAtStart, (performance.now() - started) / 1000)
  const finished = results as Results
  mkdirSync(dirname(options.out), { recursive: true })
  writeFileSync(options.out, renderReport(finished))
  mkdirSync(join(root, "bench/.results"), { recursive: true })
  const resultsFile = join(root, "bench/.results", options.quick ? "results.quick.json" : "results.json")
  writeFileSync(resultsFile, JSON.stringify(finished, null, 2))
  options.log(`wrote ${relative(process.cwd(), options.out)} in ${finished.info.seconds.toFixed(0)} s`)
  return finished
}

const section3 = async (
  url: string,
  profile: (typeof PROFILES)["full" | "quick"]["memory"],
  log: (line: string) => void
): Promise<Results["memory"]> => {
  const { runStreamingMemory } = await import("./streaming-memory.ts")
  const transport = "fetch" as const
  const runs = await runStreamingMemory({ url, sizes: profile.sizes, pageSize: profile.pageSize, transport }, log)
  const capFlags = ["--max-old-space-size=64", "--max-semi-space-size=4"]
  const [capped] = await runStreamingMemory(
    { url, sizes: [profile.extraSize], pageSize: profile.pageSize, transport, nodeFlags: capFlags },
    log
  )
  const [undici] = await runStreamingMemory(
    { url, sizes: [profile.extraSize], pageSize: profile.pageSize, transport: "undici" },
    log
  )
  return {
    transport,
    pageSize: profile.pageSize,
    runs,
    extra: [
      { label: capFlags.join(" "), run: capped! },
      { label: "undici instead of FetchHttpClient", run: undici! }
    ]
  }
}

const section4 = async (
  url: string,
  profile: (typeof PROFILES)["full" | "quick"]["bulk"],
  log: (line: string) => void
): Promise<Results["bulk"]> => {
  const { measurePerComment, runBulk } = await import("./bulk-throughput.ts")
  const rows = await runBulk({ url, ...profile }, log)
  const perComment = measurePerComment(Math.min(profile.comments, 20_000), profile.batchSize)
  return { comments: profile.comments, batchSize: profile.batchSize, concurrency: profile.concurrency, rows, perComment }
}

const packageVersion = (name: string): string => {
  try {
    const manifest = readFileSync(join(root, "node_modules", name, "package.json"), "utf8")
    return (JSON.parse(manifest) as { version: string }).version
  } catch {
    return "unknown"
  }
}

const runInfo = (quick: boolean, loadAtStart: number, seconds: number): RunInfo => ({
  date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  quick,
  node: process.versions.node,
  v8: process.versions.v8,
  effect: packageVersion("effect"),
  platformNode: packageVersion("@effect/platform-node"),
  undiciInNode: process.versions.undici ?? "unknown",
  undiciInPlatformNode: packageVersion("undici"),
  cpu: Os.cpus()[0]?.model.trim() ?? "unknown CPU",
  cores: Os.availableParallelism(),
  memoryGB: Os.totalmem() / 1024 ** 3,
  os: `${Os.type()} ${Os.release()} ${Os.arch()}`,
  loadAtStart,
  loadAtEnd: Os.loadavg()[0]!,
  seconds
})

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string" }
    }
  })
  const quick = values.quick
  await runBenchmarks({
    quick,
    only: values.only === undefined ? [] : values.only.split(",").map(Number),
    out: values.out ?? join(root, quick ? "bench/.results/BENCHMARKS.quick.md" : "bench/BENCHMARKS.md"),
    serverInProcess: false,
    log: (line) => console.log(line)
  })
}
