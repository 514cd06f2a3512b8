/**
 * The README's "Command line" session, run line by line against the sandbox on a loopback port: each
 * `$ reinfer …` of its `console` blocks is run (on a terminal 100 columns wide, as the README shows it), and each
 * line shown after it must be among the lines the command printed, once ids, numbers and the bar's length are
 * set aside; `…` stands for the rest of a line. `^C` interrupts the command, as Ctrl-C does, once it has printed
 * something. The port the README names (8000) is the sandbox's, and bare file names are files in a scratch
 * directory, where examples/cli/comments.jsonl is copied first.
 */
import { copyFileSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Sandbox from "../src/sandbox/index.ts"
import { cli, INTERRUPTED, makeScratch } from "./support/cli.ts"

const { freshHome, scratch } = makeScratch()

const root = fileURLToPath(new URL("..", import.meta.url))
const README_PORT_URL = "http://127.0.0.1:8000"

interface Step {
  readonly args: ReadonlyArray<string>
  readonly expected: ReadonlyArray<string>
  readonly interrupt: boolean
}

/** The `console` blocks of the README's "Command line" section, as steps. */
const readmeSteps = (): ReadonlyArray<Step> => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const start = readme.indexOf("\n## Command line\n")
  assert.isAbove(start, -1, "README has a Command line section")
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1))
  const steps: Array<{ args: ReadonlyArray<string>; expected: Array<string>; interrupt: boolean }> = []
  for (const block of section.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split("\n").filter((each) => each !== "")) {
      if (line.startsWith("$ ")) {
        const [program, ...args] = shellWords(line.slice(2))
        assert.strictEqual(program, "reinfer", line)
        steps.push({ args, expected: [], interrupt: false })
      } else if (line === "^C") {
        steps[steps.length - 1]!.interrupt = true
      } else {
        steps[steps.length - 1]!.expected.push(line)
      }
    }
  }
  return steps
}

// Words as a POSIX shell splits them, for the quoting the README uses (double quotes).
const shellWords = (line: string): Array<string> =>
  [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!)

// What may differ from one run to another: ids, numbers (counts, rates, durations), the bar's length. Digits
// inside a word (a sequence id, a comment id) are kept.
const normalize = (line: string): string =>
  line
    .replace(/\[[█░]+\]/g, "[bar]")
    .replace(/\b[0-9a-f]{16}\b/g, "<id>")
    .replace(/(?<![A-Za-z\d])\d[\d,]*(\.\d+)?/g, "<n>")
    .replace(/\s+/g, " ")
    .trim()

const pattern = (expected: string): RegExp =>
  new RegExp(`^${normalize(expected).split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`)

describe("README: Command line", () => {
  it.live("runs as the README shows it", () =>
    Effect.gen(function*() {
      const steps = readmeSteps()
      assert.isAtLeast(steps.length, 10)
      copyFileSync(join(root, "examples/cli/comments.jsonl"), join(scratch, "comments.jsonl"))
      const sandbox = yield* Effect.acquireRelease(
        Effect.promise(() => Sandbox.startSandbox({ port: 0, host: "127.0.0.1", projects: ["acme"] })),
        (started) => Effect.promise(() => started.stop())
      )
      const home = freshHome()
      const local = (text: string) =>
        text.replaceAll(README_PORT_URL, sandbox.url).replace(/^[\w.-]+\.jsonl$/, (file) => join(scratch, file))
      for (const step of steps) {
        const shown = `reinfer ${step.args.join(" ")}`
        const outcome = yield* cli(sandbox.sandbox, home, step.args.map(local), {
          transport: FetchHttpClient.layer,
          terminal: true,
          interruptAfterOutput: step.interrupt
        })
        const printed = `${outcome.out}\n${outcome.err}`
          .replaceAll(`${scratch}/`, "")
          .replaceAll(sandbox.url, README_PORT_URL)
          .split(/\r\x1b\[2K|\n/)
          .map(normalize)
        for (const line of step.expected) {
          const expected = pattern(line)
          assert.isTrue(printed.some((each) => expected.test(each)), `${shown}: "${line}" not in\n${printed.join("\n")}`)
        }
        const failed = step.expected.some((line) => line.startsWith("reinfer: ") && !line.startsWith("reinfer: stopped"))
        if (step.interrupt) assert.strictEqual(outcome.code, INTERRUPTED, shown)
        else if (failed) assert.notStrictEqual(outcome.code, 0, shown)
        else assert.strictEqual(outcome.code, 0, `${shown}: ${outcome.err}`)
      }
    }).pipe(Effect.scoped), 60_000)
})
