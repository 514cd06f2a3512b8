/**
 * Every `**Example**` block in the JSDoc of src/ type-checks: each is compiled as a module of its own, placed next
 * to the file it documents (so `./url.ts` resolves there and `effect-reinfer` resolves to the sources, as for the
 * README's examples), with the project's compiler options. An example that names an export that no longer exists,
 * or calls it wrongly, fails here with its file and line.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const ROOT = fileURLToPath(new URL("..", import.meta.url))

interface Example {
  readonly source: string
  readonly line: number
  readonly code: string
}

const sourceFiles = (directory: string): ReadonlyArray<string> =>
  fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name)
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith(".ts") ? [full] : []
  })

// A ```ts fence after **Example** inside a JSDoc block; the leading ` * ` of each line is removed.
const examplesOf = (file: string): ReadonlyArray<Example> => {
  const text = fs.readFileSync(file, "utf8")
  const examples: Array<Example> = []
  for (const doc of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    for (const fence of doc[0].matchAll(/\*\*Example\*\*[\s\S]*?```ts\n([\s\S]*?)\n\s*\*\s*```/g)) {
      const offset = doc.index + fence.index + fence[0].indexOf("```ts")
      const code = fence[1]!.split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n")
      examples.push({ source: file, line: text.slice(0, offset).split("\n").length + 1, code })
    }
  }
  return examples
}

const examples = sourceFiles(path.join(ROOT, "src")).flatMap(examplesOf)

describe("JSDoc examples", () => {
  it("every example in src/ compiles", () => {
    assert.isAtLeast(examples.length, 25)
    const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))
    })!
    // Each example is a module (`export {}`), so their top-level names do not collide.
    const virtual = new Map(examples.map((example, index) => [
      path.join(path.dirname(example.source), `__jsdoc_example_${index}.ts`),
      `${example.code}\nexport {}\n`
    ]))
    const host = ts.createCompilerHost(config.options)
    const readFile = host.readFile.bind(host)
    const fileExists = host.fileExists.bind(host)
    host.readFile = (file) => virtual.get(path.resolve(file)) ?? readFile(file)
    host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists(file)
    const program = ts.createProgram([...virtual.keys()], { ...config.options, noUnusedLocals: false }, host)
    const problems = [...virtual.keys()].flatMap((file, index) => {
      const example = examples[index]!
      return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((diagnostic) => {
        const where = diagnostic.file === undefined || diagnostic.start === undefined
          ? ""
          : `:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line}`
        return `${path.relative(ROOT, example.source)}:${example.line} (example line${where}): ${
          ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")
        }`
      })
    })
    assert.deepStrictEqual(problems, [])
  })
})
