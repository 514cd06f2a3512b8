/**
 * The generate command as a whole: byte-identical output on every run, and check mode naming every stale,
 * missing or extra file (in-process and through the command line `npm run generate:check` uses).
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { header } from "../../scripts/codegen/write.ts"
import { expectedDir, generateSpec, ROOT, specPath, withTempDir } from "./fixture-specs.ts"

const REAL_SPEC = join(ROOT, "openapi/reinfer.yaml")

describe("generate", () => {
  it("writes byte-identical output twice (the Re:infer spec)", () =>
    withTempDir(async (directory) => {
      const first = await generateSpec(REAL_SPEC, { outDir: join(directory, "first"), check: false })
      const second = await generateSpec(REAL_SPEC, { outDir: join(directory, "first"), check: false })
      assert.deepStrictEqual([...second.files.keys()], [...first.files.keys()])
      for (const [path, content] of first.files) assert.strictEqual(second.files.get(path), content, path)
      assert.deepStrictEqual(second.written?.written, [])
      assert.strictEqual(second.written?.unchanged.length, first.files.size)
    }))

  it("starts every file with the header line", () =>
    withTempDir(async (directory) => {
      const result = await generateSpec(specPath("refs"), { outDir: directory, check: true })
      const line = header("test/codegen/fixtures/refs.yaml")
      for (const [path, content] of result.files) {
        const first = content.slice(0, content.indexOf("\n"))
        assert.isTrue(first === line || first === `<!-- ${line.slice(3)} -->`, `${path}: ${first}`)
        assert.isTrue(content.endsWith("\n") && !content.endsWith("\n\n"), path)
      }
    }))

  it("check mode names stale, missing and extra files", () =>
    withTempDir(async (directory) => {
      await cp(expectedDir("refs"), directory, { recursive: true })
      await writeFile(join(directory, "schemas/things.ts"), "// edited by hand\n")
      await rm(join(directory, "operations.md"))
      await writeFile(join(directory, "schemas/removed.ts"), `${header("openapi/reinfer.yaml")}\n`)
      await writeFile(join(directory, ".gitkeep"), "")
      const result = await generateSpec(specPath("refs"), { outDir: directory, check: true })
      assert.deepStrictEqual(result.checked, {
        stale: ["schemas/things.ts"],
        missing: ["operations.md"],
        extra: ["schemas/removed.ts"]
      })
      assert.strictEqual(await readFile(join(directory, "schemas/things.ts"), "utf8"), "// edited by hand\n")
    }))

  it("write mode rewrites stale files, removes generated leftovers and keeps hand-written files", () =>
    withTempDir(async (directory) => {
      await cp(expectedDir("refs"), directory, { recursive: true })
      await writeFile(join(directory, "schemas/things.ts"), "// edited by hand\n")
      await writeFile(join(directory, "schemas/removed.ts"), `${header("openapi/reinfer.yaml")}\n`)
      await writeFile(join(directory, "notes.txt"), "hand-written\n")
      const result = await generateSpec(specPath("refs"), { outDir: directory, check: false })
      assert.deepStrictEqual(result.written?.written, ["schemas/things.ts"])
      assert.deepStrictEqual(result.written?.deleted, ["schemas/removed.ts"])
      assert.strictEqual(await readFile(join(directory, "notes.txt"), "utf8"), "hand-written\n")
      const check = await generateSpec(specPath("refs"), { outDir: directory, check: true })
      assert.deepStrictEqual(check.checked, { stale: [], missing: [], extra: ["notes.txt"] })
    }))

  it("generate:check exits 1 and names the stale file; generate fixes it", () =>
    withTempDir(async (directory) => {
      const out = join(directory, "generated")
      await mkdir(out)
      await cp(expectedDir("refs"), out, { recursive: true })
      await writeFile(join(out, "operations.ts"), "// stale\n")
      const stale = await runCli(["--check", "--spec", specPath("refs"), "--out", out])
      assert.strictEqual(stale.code, 1, stale.output)
      assert.include(stale.output, "is out of date")
      assert.match(stale.output, /stale: +\S*operations\.ts/)
      const fixed = await runCli(["--spec", specPath("refs"), "--out", out])
      assert.strictEqual(fixed.code, 0, fixed.output)
      assert.include(fixed.output, "1 written")
      const clean = await runCli(["--check", "--spec", specPath("refs"), "--out", out])
      assert.strictEqual(clean.code, 0, clean.output)
      assert.include(clean.output, "is up to date")
    }))

  it("the command line names the pointer of an unsupported construct and exits 1", async () => {
    const spec = join(ROOT, "test/codegen/fixtures/errors/unsupported-keyword.yaml")
    const result = await runCli(["--check", "--spec", spec])
    assert.strictEqual(result.code, 1, result.output)
    assert.include(result.output, `#/components/schemas/CreateThingRequest/properties/bar: unsupported keyword "not"`)
  })
})

/** Runs scripts/generate.ts through tsx, as `npm run generate` does. */
const runCli = (args: ReadonlyArray<string>): Promise<{ readonly code: number; readonly output: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "scripts/generate.ts"), ...args],
      { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: "off" } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), output: stdout + stderr })
    )
  })
