/**
 * Everything the generator emitted for the fixtures compiles under the repository's strict compiler options, and
 * agrees with openapi-typescript (fixture-agreement.test.ts holds the checks; test/codegen/tsconfig.json lists
 * what is compiled).
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { join } from "node:path"
import { ROOT } from "./fixture-specs.ts"

describe("emitted code", () => {
  it("compiles with strict tsc and agrees with openapi-typescript", async () => {
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc")
    const result = await new Promise<{ readonly code: number; readonly output: string }>((resolve) => {
      execFile(
        process.execPath,
        [tsc, "--noEmit", "--pretty", "false", "-p", join(ROOT, "test/codegen/tsconfig.json")],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), output: stdout + stderr })
      )
    })
    assert.strictEqual(result.code, 0, result.output)
  })
})
