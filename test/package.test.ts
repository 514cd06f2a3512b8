/**
 * package.json as a library declares itself, and the repository's own view of the package in step with it.
 *
 * Users get `dist/` through `exports`; the repository's examples and README code import the same entry points by
 * name from the TypeScript sources, through tsconfig.json `paths`. Both maps must name the same entry points and
 * the same files, or an example could compile here against something the package does not ship. What a consumer
 * actually installs is checked from a packed tarball by `npm run check:package` (scripts/check-package.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const manifest = JSON.parse(fs.readFileSync(`${ROOT}package.json`, "utf8")) as {
  readonly exports: Readonly<Record<string, string | { readonly types: string; readonly default: string }>>
  readonly files: ReadonlyArray<string>
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly devDependencies: Readonly<Record<string, string>>
  readonly engines: { readonly node: string }
}
const tsconfig = ts.readConfigFile(`${ROOT}tsconfig.json`, ts.sys.readFile).config as {
  readonly compilerOptions: { readonly paths: Readonly<Record<string, ReadonlyArray<string>>> }
}

// `./src/index.ts` is compiled to `./dist/src/index.js` and `./dist/src/index.d.ts`.
const builtFrom = (source: string) => ({
  types: source.replace(/^\.\//, "./dist/").replace(/\.ts$/, ".d.ts"),
  default: source.replace(/^\.\//, "./dist/").replace(/\.ts$/, ".js")
})

const codeEntries = Object.entries(manifest.exports).filter(
  (entry): entry is [string, { readonly types: string; readonly default: string }] => typeof entry[1] !== "string"
)

describe("package.json", () => {
  it("exports the built files of exactly the sources tsconfig.json maps the package name to", () => {
    const paths = tsconfig.compilerOptions.paths
    assert.deepStrictEqual(
      Object.keys(paths).sort(),
      codeEntries.map(([subpath]) => subpath === "." ? "effect-reinfer" : `effect-reinfer/${subpath.slice(2)}`).sort()
    )
    for (const [subpath, target] of codeEntries) {
      const name = subpath === "." ? "effect-reinfer" : `effect-reinfer/${subpath.slice(2)}`
      const [source] = paths[name]!
      assert.isTrue(fs.existsSync(`${ROOT}${source}`), `${name} maps to ${source}, which does not exist`)
      assert.deepStrictEqual(target, builtFrom(source!), `exports["${subpath}"]`)
      // "types" must come first: TypeScript takes the first condition that matches.
      assert.deepStrictEqual(Object.keys(target), ["types", "default"], `exports["${subpath}"] condition order`)
    }
  })

  it("declares effect as a peer (any 4.x from 4.1) and pins it only for its own development", () => {
    assert.strictEqual(manifest.peerDependencies?.["effect"], "^4.1.0")
    assert.isUndefined(manifest.dependencies?.["effect"])
    assert.match(manifest.devDependencies["effect"]!, /^4\.\d+\.\d+$/)
    assert.deepStrictEqual(Object.keys(manifest.dependencies ?? {}), [], "the library needs nothing but effect")
  })

  it("ships the build, the sources its maps point at and the spec, but not the test-only types", () => {
    assert.includeMembers([...manifest.files], ["dist/**/*.js", "dist/**/*.d.ts", "src/**/*.ts", "openapi/reinfer.yaml"])
    assert.include(manifest.files, "!generated/openapi-types.ts")
    for (const file of manifest.files) assert.notMatch(file, /^(test|scripts|bench|examples)\b/)
  })

  it("asks for the Node version effect asks for", () => {
    assert.strictEqual(manifest.engines.node, ">=22.19")
  })
})
