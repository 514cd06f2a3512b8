/**
 * Reads the spec, lints it with Redocly and bundles it into one document (external `$ref`s pulled into
 * components, internal ones kept), the input of parse.ts.
 *
 * Lint errors abort generation with Redocly's messages; lint warnings are passed on as `lint-warning`s. The
 * command runs this module in a worker (worker.ts), so it uses only erasable TypeScript. The
 * repository's spec is linted with openapi/redocly.yaml (the same rules as `npm run lint:openapi`); fixture specs
 * have none and get Redocly's `minimal` ruleset, which checks structure without asking for licences or servers.
 *
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { CodegenError, type Warning } from "./warnings.ts"

export interface LoadRequest {
  readonly specPath: string
  /** A redocly.yaml to lint with; without one, Redocly's `minimal` ruleset. */
  readonly configPath: string | undefined
}

export interface LoadedSpec {
  /** The bundled document: one file, internal `$ref`s kept. */
  readonly document: Readonly<Record<string, unknown>>
  /** Redocly's lint warnings, as `lint-warning`s. */
  readonly warnings: ReadonlyArray<Warning>
}

/** Starts loading Redocly (the command runs this module in a worker; see worker.ts). */
export const preload = (): Promise<unknown> => import("@redocly/openapi-core")

/** Lints and bundles the spec; throws a CodegenError listing every lint error. */
export const loadSpec = async (request: LoadRequest): Promise<LoadedSpec> => {
  const redocly = await import("@redocly/openapi-core")
  const { specPath, configPath } = request
  const absolute = resolve(specPath)
  if (!existsSync(absolute)) throw new CodegenError([{ pointer: "#", message: `${specPath} does not exist` }])
  const config = configPath !== undefined
    ? await redocly.loadConfig({ configPath })
    : await redocly.createConfig({ extends: ["minimal"] })
  const resolver = new redocly.BaseResolver(config.resolve)
  const document = await resolver.resolveDocument(null, absolute, true)
  if (document instanceof Error) {
    throw new CodegenError([{ pointer: "#", message: `cannot read ${specPath}: ${document.message}` }])
  }
  const problems = await redocly.lintDocument({ document, config, externalRefResolver: resolver })
  const relevant = problems.filter((problem) => problem.ignored !== true)
  const errors = relevant.filter((problem) => problem.severity === "error")
  if (errors.length > 0) {
    throw new CodegenError(errors.map((problem) => ({ pointer: where(problem), message: describe(problem) })))
  }
  const bundled = await redocly.bundle({ doc: document, config, externalRefResolver: resolver })
  const bundleErrors = bundled.problems.filter((problem) => problem.severity === "error" && problem.ignored !== true)
  if (bundleErrors.length > 0) {
    throw new CodegenError(bundleErrors.map((problem) => ({ pointer: where(problem), message: describe(problem) })))
  }
  return {
    document: bundled.bundle.parsed as Readonly<Record<string, unknown>>,
    warnings: relevant.map((problem) => ({ code: "lint-warning", pointer: where(problem), message: describe(problem) }))
  }
}

/**
 * The Redocly config for a spec: the nearest redocly.yaml in its directory or a parent, up to the repository root
 * (openapi/redocly.yaml for the real spec, test/codegen/fixtures/redocly.yaml for fixtures); none means Redocly's
 * `minimal` ruleset.
 */
export const redoclyConfigFor = (specPath: string, root: string): string | undefined => {
  const top = resolve(root)
  for (let directory = dirname(resolve(specPath)); ; directory = dirname(directory)) {
    const candidate = resolve(directory, "redocly.yaml")
    if (existsSync(candidate)) return candidate
    if (directory === top || dirname(directory) === directory) return undefined
  }
}

interface LintProblem {
  readonly message: string
  readonly ruleId: string
  readonly location: ReadonlyArray<{ readonly pointer?: string | undefined }>
}

const where = (problem: LintProblem): string => problem.location[0]?.pointer ?? "#"

const describe = (problem: LintProblem): string => `${problem.message} (redocly: ${problem.ruleId})`
