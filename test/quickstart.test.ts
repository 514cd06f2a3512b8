/**
 * `npm start` runs examples/quickstart.ts: against the sandbox when no tenant is configured, it must print the
 * summary and the trace tree and exit 0.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const ROOT = fileURLToPath(new URL("..", import.meta.url))

describe("quickstart", () => {
  it("runs against the sandbox and prints the summary and the trace", () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("REINFER_")))
    const run = spawnSync(process.execPath, ["--import", "tsx", "examples/quickstart.ts"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 60_000
    })
    assert.strictEqual(run.status, 0, `${run.stdout}\n${run.stderr}`)
    assert.include(run.stdout, "against the local sandbox")
    for (const operation of ["createSource", "syncComments", "listComments", "fetchStream", "advanceStream"]) {
      assert.match(run.stdout, new RegExp(`^  ${operation} +\\d+\\.\\d ms`, "m"))
    }
    assert.include(run.stdout, "3 new, 0 updated, 0 unchanged")
    assert.include(run.stdout, "ReinferClient.fetchStream {reinfer.server_timing.total=")
    assert.include(run.stdout, "POST /api/v1/datasets/{project}/{dataset}/streams/{stream}/advance")
  })
})
