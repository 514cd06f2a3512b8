/**
 * The `reinfer` command line as users run it: real processes (on tsx, as `npm run cli` runs it), a session against
 * `reinfer sandbox` started as a process of its own, with the exit codes a shell sees. (Everything else about the
 * commands is tested in process, in cli.test.ts.)
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, describe, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const TSX = join(root, "node_modules/.bin/tsx")
const MAIN = join(root, "src/cli/main.ts")
const scratch = mkdtempSync(join(tmpdir(), "effect-reinfer-cli-process-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

interface Finished {
  readonly code: number | null
  readonly out: string
  readonly err: string
}

const start = (args: ReadonlyArray<string>, env: Record<string, string> = {}): ChildProcess =>
  spawn(TSX, [MAIN, ...args], {
    cwd: root,
    env: { ...process.env, XDG_CONFIG_HOME: join(scratch, "config"), REINFER_ENDPOINT: "", REINFER_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })

const finished = (child: ChildProcess): Promise<Finished> =>
  new Promise((resolve, reject) => {
    let out = ""
    let err = ""
    child.stdout!.on("data", (chunk: Buffer) => void (out += chunk.toString("utf8")))
    child.stderr!.on("data", (chunk: Buffer) => void (err += chunk.toString("utf8")))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, out, err }))
  })

const reinfer = (args: ReadonlyArray<string>, env?: Record<string, string>) => finished(start(args, env))

describe("reinfer, as a process", () => {
  it("works a session against `reinfer sandbox`: add a context, use it, read, fail readably", async () => {
    const sandbox = start(["sandbox", "--project", "acme"])
    try {
      const ready = await new Promise<string>((resolve, reject) => {
        let out = ""
        sandbox.stdout!.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8")
          const line = /^reinfer (config add .*)$/m.exec(out)
          if (line !== null) resolve(line[1]!)
        })
        sandbox.once("close", (code) => reject(new Error(`sandbox exited with ${code}`)))
      })
      const added = await reinfer(ready.split(" "))
      assert.strictEqual(added.code, 0, added.err)
      assert.include(added.out, "now current")
      const projects = await reinfer(["get", "projects"])
      assert.strictEqual(projects.code, 0, projects.err)
      assert.strictEqual(JSON.parse(projects.out.trim()).name, "acme")
      const denied = await reinfer(["--token", "not-the-sandbox-token", "get", "current-user"])
      assert.strictEqual(denied.code, 4)
      assert.match(denied.err, /^reinfer: .*401/m)
      assert.notInclude(denied.out + denied.err, "not-the-sandbox-token")
    } finally {
      sandbox.kill("SIGINT")
      await finished(sandbox).catch(() => undefined)
    }
  }, 60_000)
})
