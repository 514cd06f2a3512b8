/**
 * Section 5, build figures: how long `npm run generate` takes for the whole spec, and `tsc --noEmit` over
 * generated/ and src/ (bench/tsconfig.build.json), each run a few times from a cold process.
 *
 * `generate` writes to a scratch directory (`-- --out`), so a benchmark run never touches generated/. Both are
 * timed as wall clock, as a developer waits for them, and as the CPU time the child used (user + system, from
 * `process.resourceUsage` of the finished child): on a shared machine the wall time includes waiting for a core,
 * the CPU time does not.
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { summarize, type Summary } from "./stats.ts"

/**
 * What to build and how often.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildOptions {
  readonly runs: number
  /** The tsconfig `tsc --noEmit` checks; bench/tsconfig.build.json (src + generated) in the report. */
  readonly tsconfig: string
  /** The spec `generate` reads; the repository's own in the report. */
  readonly spec: string
}

/**
 * Wall and CPU seconds of one command over its runs.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildRow {
  readonly id: string
  readonly label: string
  readonly wall: Summary
  readonly cpu: Summary
}

/** Row ids the report and the goals refer to. */
export const BUILD_ROWS = { generate: "generate", tsc: "tsc" } as const

const root = fileURLToPath(new URL("..", import.meta.url))

/**
 * Times `npm run generate` and `tsc --noEmit`, alternating.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runBuildFigures = async (
  options: BuildOptions,
  log: (line: string) => void = () => {}
): Promise<ReadonlyArray<BuildRow>> => {
  const scratch = mkdtempSync(join(tmpdir(), "effect-reinfer-generate-"))
  const commands = [
    {
      id: BUILD_ROWS.generate,
      label: "`npm run generate` (whole spec)",
      // `npm run generate -- --out <scratch>`: the same script and process tree, writing elsewhere.
      command: npmCommand(),
      args: ["run", "--silent", "generate", "--", "--spec", options.spec, "--out", scratch]
    },
    {
      id: BUILD_ROWS.tsc,
      label: "`tsc --noEmit` over src/ + generated/",
      command: process.execPath,
      args: [join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", options.tsconfig]
    }
  ]
  const samples = new Map(
    commands.map((command) => [command.id, { wall: [] as Array<number>, cpu: [] as Array<number> }])
  )
  try {
    for (let run = 0; run < options.runs; run++) {
      for (const command of commands) {
        const timing = await timeCommand(command.command, command.args)
        samples.get(command.id)!.wall.push(timing.wall)
        samples.get(command.id)!.cpu.push(timing.cpu)
        const figures = `${timing.wall.toFixed(2)} s wall, ${timing.cpu.toFixed(2)} s CPU`
        log(`build: ${command.id} run ${run + 1}/${options.runs}: ${figures}`)
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  return commands.map((command) => ({
    id: command.id,
    label: command.label,
    wall: summarize(samples.get(command.id)!.wall),
    cpu: summarize(samples.get(command.id)!.cpu)
  }))
}

// Under `npm run bench`, npm_execpath is npm's own CLI script: run it with this Node rather than trusting PATH.
const npmCommand = (): string => process.env.npm_execpath === undefined ? "npm" : process.execPath

const timeCommand = (command: string, args: ReadonlyArray<string>): Promise<{ wall: number; cpu: number }> =>
  new Promise((resolve, reject) => {
    const fullArgs = command === process.execPath && args[0] === "run"
      ? [process.env.npm_execpath!, ...args]
      : [...args]
    const cpuBefore = childrenCpuSeconds()
    const started = performance.now()
    const child = spawn(command, fullArgs, {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, REDOCLY_TELEMETRY: "off", SCARF_ANALYTICS: "false", NO_UPDATE_NOTIFIER: "1" }
    })
    let errors = ""
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString("utf8")
    })
    child.once("error", reject)
    child.once("exit", (code) => {
      const wall = (performance.now() - started) / 1000
      if (code !== 0) {
        return reject(new Error(`${command} ${fullArgs.join(" ")} exited with ${code}: ${errors.slice(-1000)}`))
      }
      resolve({ wall, cpu: childrenCpuSeconds() - cpuBefore })
    })
  })

// Linux keeps the CPU time of every waited-for child, grandchildren included (npm waits for the node it starts),
// in fields 16 and 17 (cutime, cstime) of /proc/self/stat, in clock ticks of 1/100 s. Elsewhere: NaN ("n/a").
const CLOCK_TICKS_PER_SECOND = 100
const childrenCpuSeconds = (): number => {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8")
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND
  } catch {
    return Number.NaN
  }
}
