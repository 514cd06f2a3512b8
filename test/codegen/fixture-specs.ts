/**
 * The codegen fixture specs (one small spec per construct, in ./fixtures) and how a test generates one.
 *
 * Each fixture `<name>.yaml` has its golden output next to it in `<name>.expected/`; an error fixture
 * `errors/<name>.yaml` has the expected error text in `errors/<name>.expected.txt`. `UPDATE_GOLDEN=1 npx vitest
 * run --config test/vitest.config.ts test/codegen` rewrites them from the current generator.
 *
 * @since 0.1.0
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { redoclyConfigFor } from "../../scripts/codegen/load.ts"
import { generate, type GenerateResult } from "../../scripts/generate.ts"

export const ROOT = fileURLToPath(new URL("../..", import.meta.url))
export const FIXTURES = join(ROOT, "test/codegen/fixtures")

/** Fixtures that generate code, one construct each. */
export const FIXTURE_NAMES = [
  "additional-properties",
  "all-of",
  "binary",
  "enums",
  "limits",
  "nullable",
  "one-of",
  "operations",
  "pattern-properties",
  "recursion",
  "refs"
] as const

export type FixtureName = (typeof FIXTURE_NAMES)[number]

/** Fixtures the generator must refuse, with an error naming the JSON pointer. */
export const ERROR_FIXTURE_NAMES = ["both-sides", "unsupported-keyword"] as const

export const UPDATE_GOLDEN = process.env["UPDATE_GOLDEN"] === "1"

export const specPath = (name: FixtureName): string => join(FIXTURES, `${name}.yaml`)
export const expectedDir = (name: FixtureName): string => join(FIXTURES, `${name}.expected`)
export const errorSpecPath = (name: string): string => join(FIXTURES, "errors", `${name}.yaml`)
export const expectedErrorPath = (name: string): string => join(FIXTURES, "errors", `${name}.expected.txt`)

/** Generates a spec into `outDir` (or only compares, with `check`), the way `npm run generate` does. */
export const generateSpec = (
  spec: string,
  options: { readonly outDir: string; readonly check: boolean }
): Promise<GenerateResult> =>
  generate({
    root: ROOT,
    specPath: spec,
    outDir: options.outDir,
    check: options.check,
    configPath: redoclyConfigFor(spec, ROOT),
    // In the test process Redocly and openapi-typescript load once for every run, not once per worker.
    inProcess: true
  })

/** Runs `use` with a fresh directory under the OS temp directory, removed afterwards. */
export const withTempDir = async <A>(use: (directory: string) => Promise<A>): Promise<A> => {
  const directory = await mkdtemp(join(tmpdir(), "effect-reinfer-codegen-"))
  try {
    return await use(directory)
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}
