/**
 * Every code block in README.md marked `<!-- example: path -->` is byte-identical to that file, which `npm test`
 * type-checks (and, for `*.test.ts` examples, runs). So the README cannot show code that does not compile.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const readme = fs.readFileSync(`${ROOT}README.md`, "utf8")
const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)]

describe("README", () => {
  it("opens with the set-up and test commands", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ""
    assert.match(firstBlock, /^npm install\nnpm start\b.*\nnpm test\b/m)
  })

  it("has compiled examples for the documented features", () => {
    assert.isAtLeast(blocks.length, 9)
  })

  for (const [, file, code] of blocks) {
    it(`shows ${file} exactly`, () => {
      assert.strictEqual(code, fs.readFileSync(`${ROOT}${file}`, "utf8"))
    })
  }
})
