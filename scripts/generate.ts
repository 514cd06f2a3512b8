/**
 * `npm run generate` writes generated/ from openapi/reinfer.yaml; `npm run generate:check` (`--check`) writes
 * nothing, and exits 1 naming every stale, missing or extra file when generated/ is out of date.
 *
 * Stages: load (Redocly lint + bundle) → parse (spec → IR) → emit (IR → text) → write or check. Loading and
 * openapi-typescript run in worker threads started first, because loading their dependencies is most of the run
 * time (see codegen/worker.ts). `--spec <file>` and `--out <dir>` point the command elsewhere (the tests use
 * them).
 *
 * @since 0.1.0
 */
import { relative, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { emitClientShape } from "./codegen/emit-client-shape.ts"
import { emitOperationsIndex } from "./codegen/emit-docs.ts"
import { emitOperations } from "./codegen/emit-operations.ts"
import { emitSchemaModules } from "./codegen/emit-schemas.ts"
import { type LoadedSpec, type LoadRequest, redoclyConfigFor } from "./codegen/load.ts"
import { compareStrings } from "./codegen/names.ts"
import { parseSpec } from "./codegen/parse.ts"
import { CodegenError, Diagnostics, formatWarning, type Warning } from "./codegen/warnings.ts"
import { startTask } from "./codegen/worker.ts"
import {
  type CheckResult,
  checkFiles,
  describeCheck,
  type GeneratedFiles,
  isUpToDate,
  withHeader,
  writeFiles,
  type WriteResult
} from "./codegen/write.ts"

export interface GenerateOptions {
  /** The repository root: file paths in headers and messages are relative to it. */
  readonly root: string
  readonly specPath: string
  readonly outDir: string
  readonly check: boolean
  /** A redocly.yaml; without one, Redocly's `minimal` ruleset. */
  readonly configPath?: string | undefined
  /**
   * Run Redocly and openapi-typescript in the calling thread instead of workers. Tests do: their module cache
   * loads both once for many runs, where each worker would load them again.
   */
  readonly inProcess?: boolean | undefined
}

export interface GenerateResult {
  readonly files: GeneratedFiles
  readonly warnings: ReadonlyArray<Warning>
  readonly written: WriteResult | undefined
  readonly checked: CheckResult | undefined
}

/** Runs every stage; throws a CodegenError (listing every problem) when the spec cannot be generated. */
export const generate = async (options: GenerateOptions): Promise<GenerateResult> => {
  // Both workers start loading their dependencies now; they overlap with each other and with parsing.
  const loading = startTask<LoadRequest, LoadedSpec>(codegen("load.ts"), "loadSpec", options.inProcess)
  const rendering = startTask<string, string>(codegen("emit-openapi-types.ts"), "renderOpenapiTypes", options.inProcess)
  try {
    const openapiTypes = rendering.run(resolve(options.specPath))
    openapiTypes.catch(() => {}) // awaited below; a lint or parse error may come first
    const diagnostics = new Diagnostics()
    const { document, warnings } = await loading.run({ specPath: options.specPath, configPath: options.configPath })
    diagnostics.add(warnings)
    const source = relative(options.root, resolve(options.specPath)).split(sep).join("/")
    const spec = parseSpec(document, source, diagnostics)
    diagnostics.failIfErrors()
    const bodies: Array<readonly [string, string]> = [
      ...emitSchemaModules(spec),
      ["operations.ts", emitOperations(spec)],
      ["client-shape.ts", emitClientShape(spec)],
      ["operations.md", emitOperationsIndex(spec)],
      ["openapi-types.ts", await openapiTypes]
    ]
    const files: GeneratedFiles = new Map(
      bodies.sort(([a], [b]) => compareStrings(a, b)).map(([path, body]) => [path, withHeader(path, body, source)])
    )
    return {
      files,
      warnings: diagnostics.sortedWarnings(),
      written: options.check ? undefined : await writeFiles(options.outDir, files),
      checked: options.check ? await checkFiles(options.outDir, files) : undefined
    }
  } finally {
    loading.close()
    rendering.close()
  }
}

const codegen = (file: string): URL => new URL(`./codegen/${file}`, import.meta.url)

const main = async (): Promise<number> => {
  const started = performance.now()
  const root = fileURLToPath(new URL("..", import.meta.url))
  const { values } = parseArgs({
    options: { check: { type: "boolean", default: false }, spec: { type: "string" }, out: { type: "string" } }
  })
  const specPath = resolve(values.spec ?? resolve(root, "openapi/reinfer.yaml"))
  const outDir = resolve(values.out ?? resolve(root, "generated"))
  const shown = (path: string) => relative(process.cwd(), path) || "."
  try {
    const result = await generate({
      root,
      specPath,
      outDir,
      check: values.check,
      configPath: redoclyConfigFor(specPath, root)
    })
    for (const warning of result.warnings) console.warn(formatWarning(warning))
    const seconds = ((performance.now() - started) / 1000).toFixed(2)
    if (result.checked !== undefined) {
      if (!isUpToDate(result.checked)) {
        console.error(`${shown(outDir)} is out of date with ${shown(specPath)}; run "npm run generate":`)
        for (const line of describeCheck(shown(outDir), result.checked)) console.error(`  ${line}`)
        return 1
      }
      console.log(`${shown(outDir)} is up to date (${result.files.size} files, ${seconds} s)`)
    } else if (result.written !== undefined) {
      const { written, unchanged, deleted } = result.written
      console.log(
        `${shown(outDir)}: ${written.length} written, ${unchanged.length} unchanged, ${deleted.length} deleted ` +
          `(${result.files.size} files, ${result.warnings.length} warnings, ${seconds} s)`
      )
    }
    return 0
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error
    console.error(`${shown(specPath)}: cannot generate code:\n${error.message}`)
    return 1
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main()
}
