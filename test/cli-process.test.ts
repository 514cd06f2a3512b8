/**
 * The `reinfer` command line as users run it: real processes (on tsx, as `npm run cli` runs it), a session against
 * `reinfer sandbox` started as a process of its own, with the exit codes a shell sees, an upload on a real
 * pseudo-terminal (script(1)) for the progress bar, and a stream tail stopped with SIGINT. (Everything else about
 * the commands is tested in process, in cli.test.ts and cli-resources.test.ts.)
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
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

// One progress frame: the bar, the share, the count, the rate, failures if any, the time left until the end.
const FRAME = /^\[[█░]{24}\] \d+% [\d,]+\/[\d,]+ comments · [\d,]+\/s( · [\d,]+ failed)?( · (\d+h )?(\d+m )?\d+[smh] left)?$/

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

      // An upload on a real pseudo-terminal (script(1)): the bar is redrawn in place and ends at 100 %.
      const url = /--endpoint (\S+)/.exec(ready)![1]!
      const created = await fetch(`${url}/api/v1/sources/acme/emails`, {
        method: "PUT",
        headers: { authorization: "Bearer sandbox-token", "content-type": "application/json" },
        body: JSON.stringify({ source: {} })
      })
      assert.strictEqual(created.status, 200)
      const file = join(scratch, "tty-upload.jsonl")
      writeFileSync(file, Array.from({ length: 5000 }, (_, i) =>
        JSON.stringify({ id: `p${i}`, timestamp: "2024-05-01T09:00:00Z", messages: [{ body: { text: `Message ${i}` } }] })).join("\n"))
      const command = [TSX, MAIN, "create", "comments", "--source", "acme/emails", "--file", file, "--batch-size", "64"]
        .map((part) => `'${part}'`).join(" ")
      const onTerminal = await finished(spawn("script", ["-qfec", command, "/dev/null"], {
        cwd: root,
        env: { ...process.env, XDG_CONFIG_HOME: join(scratch, "config"), COLUMNS: "100" },
        stdio: ["ignore", "pipe", "pipe"]
      }))
      assert.strictEqual(onTerminal.code, 0, onTerminal.out + onTerminal.err)
      const redraws = onTerminal.out.split("\r\x1b[2K").length - 1
      assert.isAbove(redraws, 5, onTerminal.out.slice(0, 500))
      assert.match(onTerminal.out, /\r\x1b\[2K\[█{24}\] 100% 5,000\/5,000 comments/)
      // The README shows a frame captured from such a run: it has the shape of every frame drawn here.
      const frames = onTerminal.out.split("\r\x1b[2K").slice(1).map((frame) => frame.split(/\r?\n/)[0]!)
      for (const frame of frames) assert.match(frame, FRAME, JSON.stringify(frame))
      const readme = readFileSync(join(root, "README.md"), "utf8")
      const shown = /frame was captured from a real[\s\S]*?```text\n(.*)\n```/.exec(readme)
      assert.isNotNull(shown, "README shows a captured frame")
      assert.match(shown![1]!, FRAME)
      // On a terminal the final count is a table.
      assert.match(onTerminal.out, /NEW\s+UPDATED\s+UNCHANGED\s+FAILED/, JSON.stringify(onTerminal.out.slice(-400)))

      // A stream tail stopped with SIGINT (Ctrl-C): it exits 130 with whole batches written and advanced past,
      // so the next tail prints exactly the rest.
      assert.strictEqual((await reinfer(["create", "dataset", "acme/support", "--source", "acme/emails"])).code, 0)
      assert.strictEqual((await reinfer(["create", "stream", "acme/support/all"])).code, 0)
      const listening = start(["get", "stream-comments", "acme/support/all", "--size", "8", "--listen"])
      const tail = finished(listening)
      await new Promise<void>((resolve) => listening.stdout!.once("data", () => resolve()))
      listening.kill("SIGINT")
      const stopped = await tail
      assert.strictEqual(stopped.code, 130, stopped.err)
      assert.match(stopped.err, /^\d+ results in \d+ batch(es)?, advanced to \S+ \(stopped\)$/m)
      const first = stopped.out.trim().split("\n").length
      assert.strictEqual(first % 8, 0, "whole batches")
      const rest = await reinfer(["get", "stream-comments", "acme/support/all", "--size", "256"])
      assert.strictEqual(rest.code, 0, rest.err)
      assert.strictEqual(first + rest.out.trim().split("\n").length, 5000)
    } finally {
      sandbox.kill("SIGINT")
      await finished(sandbox).catch(() => undefined)
    }
  }, 60_000)
})
