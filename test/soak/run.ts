/**
 * The reliability suite: `npm run soak` (10,000 calls at concurrency 64 per load phase, 40 fuzzed inputs per
 * operation), and `.ci/run` with smaller counts. Every loop is bounded by a count, so it stops by itself.
 *
 * 1. load: the call mix (workload.ts) against the sandbox over loopback, through the counting proxy, no faults;
 * 2. faults: the same with 5 % each of 429 + Retry-After, 503, dropped connections, HTML 502 pages and writes
 *    applied with their answer lost; every retry-safe call must succeed and no other call may be sent twice;
 * 3. tokens: a server echoing the token in bodies and headers, and a scan of every error rendering, log line and
 *    span for it (token-echo.ts);
 * 4. fuzz: property-based inputs for every operation (fuzz.ts), checked on arrival against the spec.
 *
 * It prints one summary line with the figures, then `soak checks: N passed, N failed`, and exits non-zero when a
 * check failed.
 *
 * Options: `--calls <n>` (each load phase, default 10000), `--concurrency <n>` (64), `--echo-calls <n>` (400),
 * `--fuzz-runs <n>` (inputs per operation, 40), `--seed <n>` (1).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import { parseArgs } from "node:util"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { startSandbox } from "../../src/sandbox/index.ts"
import * as CountingProxy from "./counting-proxy.ts"
import { runFuzz } from "./fuzz.ts"
import { makeRequestChecker } from "./request-check.ts"
import { runTokenPhase } from "./token-echo.ts"
import { type CallOutcome, runPhase, seed } from "./workload.ts"

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "64" },
    "echo-calls": { type: "string", default: "400" },
    "fuzz-runs": { type: "string", default: "40" },
    seed: { type: "string", default: "1" }
  }
})
const count = (name: keyof typeof values): number => {
  const value = Number(values[name])
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1, got ${values[name]}`)
  return value
}
const calls = count("calls")
const concurrency = count("concurrency")
const randomSeed = count("seed")

const checks: Array<{ readonly name: string; readonly passed: boolean; readonly detail?: string }> = []
const check = (name: string, passed: boolean, detail?: string) => {
  checks.push({ name, passed, ...(detail === undefined ? {} : { detail }) })
  if (!passed) console.error(`FAILED: ${name}${detail === undefined ? "" : `\n${detail}`}`)
}

const percentile = (outcomes: ReadonlyArray<CallOutcome>, share: number): string => {
  const sorted = outcomes.map((outcome) => outcome.milliseconds).sort((left, right) => left - right)
  const value = sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`
}

const byTag = (outcomes: ReadonlyArray<CallOutcome>): string => {
  const counts = new Map<string, number>()
  for (const outcome of outcomes) {
    if (outcome.failure !== undefined) counts.set(outcome.failure, (counts.get(outcome.failure) ?? 0) + 1)
  }
  return counts.size === 0 ? "none" : [...counts].map(([tag, n]) => `${tag} ${n}`).join(", ")
}

const firstOf = (lines: ReadonlyArray<string | undefined>): string | undefined =>
  lines.filter((line) => line !== undefined).slice(0, 5).join("\n") || undefined

v8.setFlagsFromString("--expose-gc")
const collectGarbage = vm.runInNewContext("gc") as () => void
// Heap in use after a full collection: what a phase left behind, not what it had not yet freed.
const heapAfterGc = (): number => {
  collectGarbage()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

const started = performance.now()

// 1. load and 2. faults. Everything they make (sandbox, proxy, outcomes) is released when this returns, so the
// heap measured after it shows what the calls left behind.
const callPhases = async () => {
  const sandbox = await startSandbox({ projects: ["soak"] })
  await Effect.runPromise(seed(sandbox.sandbox))
  const proxy = await CountingProxy.start(sandbox.url)
  try {
    const load = await runPhase(proxy, sandbox.sandbox.token, { name: "load", calls, concurrency, faults: false })
    check("load: every call succeeded", load.every((outcome) => outcome.failure === undefined && outcome.defect === undefined),
      firstOf(load.map((outcome) => outcome.unexpected ?? outcome.defect)))

    sandbox.sandbox.faults.set({
      rateLimit: { rate: 0.05, retryAfterSeconds: 1 },
      serverError: { rate: 0.05, status: 503 },
      dropConnection: { rate: 0.05 },
      proxyError: { rate: 0.05, status: 502 },
      applyThenDrop: { rate: 0.05 },
      seed: randomSeed
    })
    const faulted = await runPhase(proxy, sandbox.sandbox.token, { name: "faults", calls, concurrency, faults: true })
    const hits = sandbox.sandbox.faults.hits()
    check("faults: every knob fired", Object.values(hits).every((n) => n > 0), JSON.stringify(hits))
    check("faults: every retry-safe call succeeded, other failures are the faults'", faulted.every((outcome) =>
      outcome.unexpected === undefined && outcome.defect === undefined
    ), firstOf(faulted.map((outcome) => outcome.unexpected ?? outcome.defect)))
    const unsafe = faulted.filter((outcome) => !outcome.safe)
    const duplicates = unsafe.filter((outcome) => proxy.sends(outcome.callId) > 1)
    const lostUnsafe = unsafe.filter((outcome) => proxy.lostAnswers(outcome.callId) > 0).length
    check("faults: no call that is not retry-safe was sent twice", duplicates.length === 0,
      firstOf(duplicates.map((outcome) => `${outcome.callId} (${outcome.operationId}) sent ${proxy.sends(outcome.callId)} times`)))
    const both = [...load, ...faulted]
    check("every call reached the proxy", both.every((outcome) => proxy.sends(outcome.callId) >= 1))
    return {
      calls: both.length,
      defects: both.filter((outcome) => outcome.defect !== undefined).length,
      unexpected: both.filter((outcome) => outcome.unexpected !== undefined).length,
      duplicates: duplicates.length,
      figures: [
        `load ${load.length} (failures: ${byTag(load)}; p50 ${percentile(load, 0.5)}, p99 ${percentile(load, 0.99)})`,
        `faults ${faulted.length} (${Object.entries(hits).map(([knob, n]) => `${knob} ${n}`).join(", ")}; ` +
        `failures: ${byTag(faulted)}; p50 ${percentile(faulted, 0.5)}, p99 ${percentile(faulted, 0.99)})`,
        `${unsafe.length} unsafe calls, ${lostUnsafe} of their answers lost`
      ]
    }
  } finally {
    await proxy.close()
    await sandbox.stop()
  }
}
const heapBeforeCalls = heapAfterGc()
const callResults = await callPhases()
const heapAfterCalls = heapAfterGc()

// 3. tokens
const tokens = await runTokenPhase(count("echo-calls"))
check("tokens: the echoed token appears nowhere", tokens.occurrences.length === 0, firstOf(tokens.occurrences))
check("tokens: every echo failed or succeeded without a defect", tokens.defects === 0 && tokens.failures > 0)

// 4. fuzz
const checker = makeRequestChecker(fs.readFileSync(new URL("../../openapi/reinfer.yaml", import.meta.url), "utf8"))
const fuzz = await runFuzz(checker, { runsPerOperation: count("fuzz-runs"), seed: randomSeed })
check("fuzz: every input ended in a value or a typed error", fuzz.untyped === 0)
check("fuzz: no path parameter left its segment", fuzz.escaped === 0)
check("fuzz: nothing spec-invalid reached the server", fuzz.specInvalid === 0)
check("fuzz: every operation's property held", fuzz.counterexamples.length === 0, firstOf(fuzz.counterexamples))
check("fuzz: inputs reached the server", fuzz.sent > 0 && fuzz.refused > 0)

const defects = callResults.defects + tokens.defects + fuzz.untyped

console.log([
  `soak: ${callResults.calls} calls at concurrency ${concurrency}`,
  ...callResults.figures,
  `${callResults.unexpected} unexpected failures`,
  `${callResults.duplicates} duplicate unsafe writes`,
  `${tokens.occurrences.length} token occurrences in ${tokens.scanned} texts from ${tokens.calls} echo calls`,
  `fuzz ${fuzz.inputs} inputs over ${fuzz.operations} operations (${fuzz.sent} sent, ${fuzz.refused} refused, ` +
  `${fuzz.escaped} escaped, ${fuzz.specInvalid} spec-invalid)`,
  `${defects} defects`,
  `heap after GC ${heapBeforeCalls.toFixed(1)} MB before the calls, ${heapAfterCalls.toFixed(1)} MB after`,
  `${((performance.now() - started) / 1000).toFixed(1)} s`
].join(" · "))
const failed = checks.filter((entry) => !entry.passed).length
console.log(`soak checks: ${checks.length - failed} passed, ${failed} failed`)
process.exitCode = failed === 0 ? 0 : 1
