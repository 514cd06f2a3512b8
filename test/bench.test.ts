/**
 * The benchmarks are not part of `npm test` (a full run takes minutes); this smoke test runs every one of them on
 * a tiny input, so a change that breaks a benchmark fails here instead of on the next `npm run bench`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "vitest"
import { runBenchmarks } from "../bench/run.ts"

describe("Benchmarks", () => {
  const scratch = mkdtempSync(join(tmpdir(), "effect-reinfer-bench-"))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it("runs all six sections on tiny inputs and writes a report with their ratios", async () => {
    const out = join(scratch, "BENCHMARKS.md")
    const results = await runBenchmarks({ quick: true, only: [], out, serverInProcess: true, log: () => {} })

    const callOverhead = results.callOverhead
    assert.isArray(callOverhead)
    if (!Array.isArray(callOverhead)) return
    assert.strictEqual(callOverhead.length, 8)
    for (const contender of callOverhead) {
      assert.isAbove(contender.sequential.samples, 0, contender.id)
      assert.isAbove(contender.concurrent.median, 0, contender.id)
    }

    const decode = results.decode
    assert.ok(decode !== undefined)
    if (decode === undefined) return
    assert.strictEqual(decode.rows.length, 6)

    const memory = results.memory
    assert.ok(memory !== undefined)
    if (memory === undefined) return
    assert.deepStrictEqual(memory.runs.map((run) => run.items), [300, 600])
    for (const run of memory.runs) assert.isAbove(run.peakRssMB, run.baselineRssMB * 0.5)

    const bulk = results.bulk
    assert.ok(bulk !== undefined)
    if (bulk === undefined) return
    for (const row of bulk.rows) assert.isAbove(row.throughput.median, 0, row.id)
    assert.isAbove(bulk.perComment.admission.median, 0)

    const build = results.build
    assert.isArray(build)

    const startup = results.startup
    assert.ok(startup !== undefined)
    if (startup === undefined) return
    assert.isAbove(startup.importedRssMB.median, startup.nodeRssMB.median)
    assert.isAbove(startup.effectModules, 0)
    assert.isAbove(startup.firstLayerBuildMs.median, 0)

    const report = readFileSync(out, "utf8")
    const headings = [
      "## Summary",
      "## 1. Call overhead",
      "## 2. Decode",
      "## 3. Streaming memory",
      "## 4. Bulk sync throughput",
      "## 5. Build figures",
      "## 6. Start-up"
    ]
    for (const heading of headings) {
      assert.include(report, heading)
    }
    assert.match(report, /\| 1 \| ReinferClient vs bare Effect HttpClient[^\n]*\| \d+\.\d\d× \|/)
    assert.match(report, /\| 6 \| RSS after importing the built package[^\n]*\| \d+\.\d MB/)
    assert.notInclude(report, "NaN")
  }, 120_000)
})
