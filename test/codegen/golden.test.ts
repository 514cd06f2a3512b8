/**
 * Golden output: every fixture spec generates exactly the files in its `<name>.expected/` directory, and every
 * error fixture fails with exactly the text in its `.expected.txt`. `UPDATE_GOLDEN=1` rewrites them instead.
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { readFile, writeFile } from "node:fs/promises"
import { CodegenError } from "../../scripts/codegen/warnings.ts"
import { describeCheck, isUpToDate } from "../../scripts/codegen/write.ts"
import {
  ERROR_FIXTURE_NAMES,
  errorSpecPath,
  expectedDir,
  expectedErrorPath,
  FIXTURE_NAMES,
  generateSpec,
  specPath,
  UPDATE_GOLDEN
} from "./fixture-specs.ts"

const REFRESH = "refresh with UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/codegen"

describe("golden output", () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}.yaml generates ${name}.expected/`, async () => {
      const result = await generateSpec(specPath(name), { outDir: expectedDir(name), check: !UPDATE_GOLDEN })
      if (result.checked !== undefined && !isUpToDate(result.checked)) {
        assert.fail(`${describeCheck(`${name}.expected`, result.checked).join("\n")}\n${REFRESH}`)
      }
    })
  }

  for (const name of ERROR_FIXTURE_NAMES) {
    it(`errors/${name}.yaml fails as errors/${name}.expected.txt says`, async () => {
      const error = await generateSpec(errorSpecPath(name), { outDir: "unused", check: true }).then(
        () => undefined,
        (error: unknown) => error
      )
      assert.instanceOf(error, CodegenError)
      const message = `${(error as CodegenError).message}\n`
      if (UPDATE_GOLDEN) await writeFile(expectedErrorPath(name), message)
      else assert.strictEqual(message, await readFile(expectedErrorPath(name), "utf8"), REFRESH)
    })
  }
})
