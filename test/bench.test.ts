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

  it("runs all five sections on tiny inputs and writes a report with their ratios", async () => {
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
    assert.ok(decode !== undefined && !("pending" in decode))
    if (decode === undefined || "pending" in decode) return
    assert.strictEqual(decode.rows.length, 6)

    const memory = results.memory
    assert.ok(memory !== undefined && !("pending" in memory), JSON.stringify(memory))
    if (memory === undefined || "pending" in memory) return
    assert.deepStrictEqual(memory.runs.map((run) => run.items), [300, 600])
    for (const run of memory.runs) assert.isAbove(run.peakRssMB, run.baselineRssMB * 0.5)

    const bulk = results.bulk
    assert.ok(bulk !== undefined && !("pending" in bulk), JSON.stringify(bulk))
    if (bulk === undefined || "pending" in bulk) return
    for (const row of bulk.rows) assert.isAbove(row.throughput.median, 0, row.id)

    const build = results.build
    assert.isArray(build)

    const report = readFileSync(out, "utf8")
    const headings = [
      "## Summary",
      "## 1. Call overhead",
      "## 2. Decode",
      "## 3. Streaming memory",
      "## 4. Bulk sync throughput",
      "## 5. Build figures"
    ]
    for (const heading of headings) {
      assert.include(report, heading)
    }
    assert.match(report, /\| 1 \| ReinferClient vs raw fetch[^\n]*\| \d+\.\d\d× \|/)
    assert.notInclude(report, "NaN")
  }, 120_000)
})
