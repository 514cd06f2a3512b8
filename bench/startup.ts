/**
 * Section 6, start-up: what importing the package costs before the first call, and how long `ReinferClient.layer`
 * takes to build.
 *
 * The package is measured as users get it: compiled by the library's own build configuration into
 * bench/.results/package/ (the same `tsc -p scripts/tsconfig.build.json` as `npm run build`, another output
 * directory), then imported in fresh processes (bench/startup-child.mjs). A second kind of child imports only the
 * modules of `effect` the package's import loads, to tell effect's share of the memory from ours.
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { summarize, type Summary } from "./stats.ts"

/**
 * How many fresh processes of each kind.
 *
 * @since 0.1.0
 * @category models
 */
export interface StartupOptions {
  readonly runs: number
}

/**
 * The start-up figures, each over the fresh processes (layer builds: over every build after the first of each).
 *
 * @since 0.1.0
 * @category models
 */
export interface StartupResult {
  readonly nodeRssMB: Summary
  readonly importedRssMB: Summary
  readonly effectModulesRssMB: Summary
  readonly effectModules: number
  readonly importMs: Summary
  readonly firstLayerBuildMs: Summary
  readonly layerBuildMs: Summary
}

const root = fileURLToPath(new URL("..", import.meta.url))
const CHILD = fileURLToPath(new URL("./startup-child.mjs", import.meta.url))

/** What one `package` child reports (bench/startup-child.mjs). */
interface PackageStartup {
  readonly nodeRssMB: number
  readonly importedRssMB: number
  readonly importMs: number
  readonly firstLayerBuildMs: number
  readonly layerBuildMs: ReadonlyArray<number>
}

/**
 * Builds the package and measures it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runStartup = async (
  options: StartupOptions,
  log: (line: string) => void = () => {}
): Promise<StartupResult> => {
  const outDir = join(root, "bench/.results/package")
  rmSync(outDir, { recursive: true, force: true })
  await run(process.execPath, [
    join(root, "node_modules/typescript/bin/tsc"),
    "-p",
    join(root, "scripts/tsconfig.build.json"),
    "--outDir",
    outDir
  ])
  const index = join(outDir, "src/index.js")
  const loaded = JSON.parse(await run(process.execPath, [CHILD, "list", index])) as ReadonlyArray<string>
  const listFile = join(outDir, "effect-modules.txt")
  writeFileSync(listFile, loaded.join("\n"))
  const packages: Array<PackageStartup> = []
  const effectOnly: Array<number> = []
  for (let i = 0; i < options.runs; i++) {
    packages.push(JSON.parse(await run(process.execPath, ["--expose-gc", CHILD, "package", index])) as PackageStartup)
    const modules = JSON.parse(await run(process.execPath, ["--expose-gc", CHILD, "modules", listFile])) as {
      readonly rssMB: number
    }
    effectOnly.push(modules.rssMB)
    log(`start-up: run ${i + 1}/${options.runs}: ${packages[i]!.importedRssMB.toFixed(1)} MB after import`)
  }
  return {
    nodeRssMB: summarize(packages.map((figures) => figures.nodeRssMB)),
    importedRssMB: summarize(packages.map((figures) => figures.importedRssMB)),
    effectModulesRssMB: summarize(effectOnly),
    effectModules: loaded.length,
    importMs: summarize(packages.map((figures) => figures.importMs)),
    firstLayerBuildMs: summarize(packages.map((figures) => figures.firstLayerBuildMs)),
    layerBuildMs: summarize(packages.flatMap((figures) => figures.layerBuildMs))
  }
}

const run = (command: string, args: ReadonlyArray<string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    let errors = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString("utf8")
    })
    child.once("error", reject)
    child.once("exit", (code) =>
      code === 0 ? resolve(output.trim()) : reject(new Error(`${args.join(" ")} exited with ${code}: ${errors.slice(-1000)}`))
    )
  })
