/**
 * Turns one benchmark run into BENCHMARKS.md: a summary of every goal with its measured ratio, the method and the
 * machine, one section per benchmark, and, for every goal the run missed, the measured cause and what would close
 * it. The explanations were established by profiling (the numbers quoted in them come from this run); a goal
 * that is met gets no explanation.
 *
 * @since 0.1.0
 */
import type { BuildRow } from "./build-figures.ts"
import { BUILD_ROWS } from "./build-figures.ts"
import type { BulkRow } from "./bulk-throughput.ts"
import { BULK_ROWS, type PerComment } from "./bulk-throughput.ts"
import type { ContenderResult, Transport } from "./call-overhead.ts"
import { CONTENDERS } from "./call-overhead.ts"
import type { DecodeResult } from "./decode.ts"
import { DECODE_ROWS } from "./decode.ts"
import { formatRatio, formatSummary, formatValue, ratio, type Summary } from "./stats.ts"
import { renderChanges } from "./changes.ts"
import type { StartupResult } from "./startup.ts"
import type { StreamingMemoryRun } from "./streaming-memory.ts"

/**
 * Where and how the run happened.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunInfo {
  readonly date: string
  readonly quick: boolean
  readonly node: string
  readonly v8: string
  readonly effect: string
  readonly platformNode: string
  readonly undiciInNode: string
  readonly undiciInPlatformNode: string
  readonly cpu: string
  readonly cores: number
  readonly memoryGB: number
  readonly os: string
  /** 1-minute load averages at the start and the end (the end counts the run's own processes). */
  readonly loadAtStart: number
  readonly loadAtEnd: number
  readonly seconds: number
}

/**
 * The streaming-memory figures: the main sizes, plus extra single runs that explain them.
 *
 * @since 0.1.0
 * @category models
 */
export interface MemoryResult {
  readonly transport: Transport
  readonly pageSize: number
  readonly runs: ReadonlyArray<StreamingMemoryRun>
  readonly extra: ReadonlyArray<{ readonly label: string; readonly run: StreamingMemoryRun }>
}

/**
 * Everything one run measured.
 *
 * @since 0.1.0
 * @category models
 */
export interface Results {
  readonly info: RunInfo
  readonly callOverhead?: ReadonlyArray<ContenderResult> | undefined
  readonly decode?: DecodeResult | undefined
  readonly memory?: MemoryResult | undefined
  readonly bulk?: BulkResult | undefined
  readonly build?: ReadonlyArray<BuildRow> | undefined
  readonly startup?: StartupResult | undefined
}

/**
 * The bulk-sync figures: the uploads, and what one comment costs in process.
 *
 * @since 0.1.0
 * @category models
 */
export interface BulkResult {
  readonly comments: number
  readonly batchSize: number
  readonly concurrency: number
  readonly rows: ReadonlyArray<BulkRow>
  readonly perComment: PerComment
}

/** The goals, as numbers ("Overhead at the floor"; the build figures from the benchmark issue before it). */
export const GOALS = {
  callVsBare: 1.1,
  /** ReinferClient over undici within 5 % of the @effect/openapi-generator client. */
  callVsPeer: 1.05,
  clientDecodeVsParse: 1.5,
  schemaDecodeVsParse: 3,
  /** "Retained heap ≈ 0" after the largest stream, in either direction. */
  retainedHeapMB: 5,
  bulkVsRawUndici: 0.85,
  bulkVsRawFetch: 0.75,
  importRssMB: 90,
  layerBuildMs: 2,
  generateSeconds: 3,
  tscSeconds: 20
} as const

interface GoalRow {
  readonly section: string
  readonly figure: string
  readonly measured: string
  readonly ratio: string
  readonly goal: string
  readonly met: boolean | undefined
}


/**
 * Renders the whole document.
 *
 * @since 0.1.0
 * @category constructors
 */
export const renderReport = (results: Results): string => {
  const goals: Array<GoalRow> = []
  const sections = [
    renderCallOverhead(results.callOverhead, goals),
    renderDecode(results.decode, goals),
    renderMemory(results.memory, goals),
    renderBulk(results.bulk, goals),
    renderBuild(results.build, goals),
    renderStartup(results.startup, goals)
  ]
  return [
    "# effect-reinfer benchmarks",
    "",
    `Written by \`npm run bench\` (bench/run.ts) on ${results.info.date}${results.info.quick ? ", in **quick mode** (tiny inputs: the figures mean nothing)" : ""}. ` +
    "Do not edit: run it again. Every figure is the median of its samples with its spread (± half the " +
    "interquartile range, as a percentage of the median); every ratio is of medians measured in the same run.",
    "",
    "## Summary",
    "",
    "| § | Figure | Measured | Ratio | Goal | Met |",
    "|---|---|---|---|---|---|",
    ...goals.map((goal) =>
      `| ${goal.section} | ${goal.figure} | ${goal.measured} | ${goal.ratio} | ${goal.goal} | ${
        goal.met === undefined ? "—" : goal.met ? "yes" : "**no**"
      } |`
    ),
    "",
    renderMethod(results.info),
    ...sections,
    renderChanges(),
    ""
  ].join("\n")
}

// The process being measured and the bench server's own process; both keep a core busy while a section runs.
const RUN_PROCESSES = 2

const renderMethod = (info: RunInfo): string =>
  [
    "## Method and machine",
    "",
    `- **Machine:** ${info.cpu}, ${info.cores} cores, ${info.memoryGB.toFixed(0)} GB, ${info.os}. ` +
    `Load average ${info.loadAtStart.toFixed(2)} at the start and ${info.loadAtEnd.toFixed(2)} at the end; the ` +
    `end figure counts the run's own ${RUN_PROCESSES} busy processes (the client under test and the bench server). ` +
    (info.loadAtStart > 1 || info.loadAtEnd > RUN_PROCESSES + 0.5
      ? "**Other work competed for the CPU, so wall-clock figures are noisier and slower than on an idle machine.**"
      : "Nothing else kept the machine busy."),
    `- **Runtime:** Node ${info.node} (V8 ${info.v8}), effect ${info.effect}, @effect/platform-node ${info.platformNode}; ` +
    `\`fetch\` and \`FetchHttpClient\` run on the undici ${info.undiciInNode} bundled with Node, ` +
    `\`NodeHttpClient.layerUndici\` on undici ${info.undiciInPlatformNode}. Whole run: ${info.seconds.toFixed(0)} s.`,
    "- **Server:** bench/server.ts, a stateless Re:infer look-alike on 127.0.0.1 in its own process (so the client " +
    "under test keeps a core to itself), started and stopped by the run. It is not the sandbox, which validates, " +
    "encodes and stores everything and would make the server the thing measured.",
    "- **In-process figures** (sections 1 and 2) come from tinybench 6; the contenders run in rounds, in a rotating " +
    "order, and their samples are pooled, so drift on a shared machine spreads over all of them. **HTTP load** " +
    "(sections 1, 3 and 4) is plain loops (sequential, or N workers sharing a counter) rather than autocannon, " +
    "because the clients are what is measured, not the server.",
    "- **Payloads** (bench/fixtures.ts) are deterministic and shaped like the documentation's examples: one to " +
    "three e-mail messages with subjects, addresses and bodies of a few hundred characters, five to seven typed " +
    "user properties, attachments on about a third of the comments, two label groups with predictions, one entity.",
    ""
  ].join("\n")

// ---------------------------------------------------------------------------------------------------------
// 1. Call overhead

const renderCallOverhead = (results: Results["callOverhead"], goals: Array<GoalRow>): string => {
  const title = "## 1. Call overhead"
  if (results === undefined) return `${title}\n\nNot run (\`--only\`).\n`
  const byId = new Map(results.map((result) => [result.id, result]))
  const raw = byId.get(CONTENDERS.rawFetch)!
  const bareOf = (transport: Transport) => byId.get(transport === "fetch" ? CONTENDERS.bareFetch : CONTENDERS.bareUndici)!
  const reinferOf = (transport: Transport) =>
    byId.get(transport === "fetch" ? CONTENDERS.reinferFetch : CONTENDERS.reinferUndici)!
  // The fastest transport is judged on ReinferClient itself, sequential and concurrent together.
  const cost = (transport: Transport) => reinferOf(transport).sequential.median + reinferOf(transport).concurrent.median
  const fastest: Transport = cost("undici") <= cost("fetch") ? "undici" : "fetch"
  const other: Transport = fastest === "undici" ? "fetch" : "undici"
  const transportName = (transport: Transport) => transport === "fetch" ? "FetchHttpClient" : "undici"

  const rows = results.map((result) => {
    const bare = result.transport === "fetch" ? byId.get(CONTENDERS.bareFetch)! : byId.get(CONTENDERS.bareUndici)!
    const toBare = result.id.startsWith("reinfer") || result.id.startsWith("peer")
      ? `${formatRatio(ratio(result.sequential, bare.sequential))} / ${formatRatio(ratio(result.concurrent, bare.concurrent))}`
      : ""
    return `| ${result.label} | ${result.transport === "fetch" ? "fetch" : "undici 8"} | ${formatSummary(result.sequential, "ms")} | ${
      formatRatio(ratio(result.sequential, raw.sequential))
    } | ${formatSummary(result.concurrent, "ms")} | ${formatRatio(ratio(result.concurrent, raw.concurrent))} | ${toBare} |`
  })

  const misses: Array<string> = []
  const modeName = (mode: "sequential" | "concurrent") => mode === "sequential" ? "sequential" : "concurrency 16"
  for (const transport of ["fetch", "undici"] as const) {
    for (const mode of ["sequential", "concurrent"] as const) {
      const vsBare = ratio(reinferOf(transport)[mode], bareOf(transport)[mode])
      goals.push({
        section: "1",
        figure: `ReinferClient vs bare Effect HttpClient + Schema, ${modeName(mode)}, ${transportName(transport)}`,
        measured: formatSummary(reinferOf(transport)[mode], "ms"),
        ratio: formatRatio(vsBare),
        goal: `≤ ${GOALS.callVsBare.toFixed(2)}×`,
        met: vsBare <= GOALS.callVsBare
      })
      if (vsBare > GOALS.callVsBare) misses.push(`bare-${transport}-${mode}`)
    }
  }
  const peerUndici = byId.get(CONTENDERS.peerUndici)!
  for (const mode of ["sequential", "concurrent"] as const) {
    const vsPeer = ratio(reinferOf("undici")[mode], peerUndici[mode])
    goals.push({
      section: "1",
      figure: `ReinferClient vs the @effect/openapi-generator client, ${modeName(mode)}, undici`,
      measured: `${formatSummary(reinferOf("undici")[mode], "ms")} / ${formatSummary(peerUndici[mode], "ms")}`,
      ratio: formatRatio(vsPeer),
      goal: `≤ ${GOALS.callVsPeer.toFixed(2)}×`,
      met: vsPeer <= GOALS.callVsPeer
    })
    if (vsPeer > GOALS.callVsPeer) misses.push(`peer-${mode}`)
  }
  const bareTransportRatio = (mode: "sequential" | "concurrent") =>
    formatRatio(ratio(bareOf("fetch")[mode], bareOf("undici")[mode]))
  const paragraphs = [
    title,
    "",
    "The same small JSON GET (`getSource`, about 400 bytes) through each client against the loopback server, one " +
    "call at a time and 16 at a time. Time per call (a sample is a batch of calls divided by its size); ratios to " +
    "raw `fetch` + `JSON.parse`, and, for the Effect clients, to a bare Effect `HttpClient` call decoded with our " +
    "generated schema on the same transport (sequential / concurrent), which is the floor for our own overhead.",
    "",
    "| Client | Transport | Sequential | × raw | Concurrency 16 | × raw | × bare Effect (seq / c16) |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `**Which transport to pick.** On this machine ReinferClient is fastest over **${transportName(fastest)}** ` +
    `(${formatSummary(reinferOf(fastest).sequential, "ms")} sequential, ${formatSummary(reinferOf(fastest).concurrent, "ms")} at ` +
    `concurrency 16, against ${formatSummary(reinferOf(other).sequential, "ms")} and ${formatSummary(reinferOf(other).concurrent, "ms")} ` +
    `over ${transportName(other)}); a bare Effect call is ${bareTransportRatio("sequential")} (sequential) and ` +
    `${bareTransportRatio("concurrent")} (concurrent) slower over FetchHttpClient than over undici, so the transport ` +
    "matters as much as the client. " +
    (fastest === "undici"
      ? "On Node ≥ 22.19 provide `NodeHttpClient.layerUndici` from `@effect/platform-node` " +
        "(`ReinferClient.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici))`); keep " +
        "`FetchHttpClient` (what `ReinferClient.layerConfigFetch` uses) for portability: browsers, Deno, Bun, edge runtimes, " +
        "and Node 20, where `layerUndici` crashes."
      : "Keep `FetchHttpClient` (what `ReinferClient.layerConfigFetch` uses); `NodeHttpClient.layerUndici` bought nothing here."),
    ""
  ]
  paragraphs.push(
    "**What a call does beyond a bare one**, all still on: input validation, the call's own span around its " +
      "attempts, an attempt span with the OpenTelemetry HTTP attributes (replacing the HttpClient's), a timeout on " +
      "every attempt, the retry policy armed, the check that the answer is a Re:infer envelope, Server-Timing " +
      "parsed onto both spans, every header-derived value redacted, and the decode. The work that does not depend " +
      "on the input is done once per operation (the route compiled, the fixed headers, the span names and constant " +
      "attributes, the decoder, the layer's retry schedule); the URL is built once as a string and parsed only by " +
      "the transport; the timeout is one child fiber and a timer (src/internal/timeout.ts), not a race of two; " +
      "the retry driver is entered only after a failure. The bare FetchHttpClient call decodes with " +
      "`HttpClientResponse.schemaBodyJson`, effect's own parser, which costs more than ReinferClient's compiled " +
      "decoder (section 2): that is why ReinferClient can come out ahead of it over fetch.",
    ""
  )
  const peerMisses = misses.filter((miss) => miss.startsWith("peer"))
  if (peerMisses.length > 0) {
    const peerVsBare = (mode: "sequential" | "concurrent") => formatRatio(ratio(peerUndici[mode], bareOf("undici")[mode]))
    paragraphs.push(
      "**Why ReinferClient is not within 5 % of the @effect/openapi-generator client.** The peer is itself " +
        `${peerVsBare("sequential")} (sequential) and ${peerVsBare("concurrent")} (concurrent) the bare call on undici: ` +
        "it checks no input, arms no timeout and no retries, makes one span, decodes the small body with closed " +
        "structs and drops what it does not know. Matching it would mean giving up one of the things listed above " +
        "(validation, the per-attempt timeout, the call span, unknown fields kept); each is part of what the client " +
        "promises, so they stay, and the gap to the peer is their price.",
      ""
    )
  }
  if (misses.some((miss) => miss.startsWith("bare"))) {
    paragraphs.push(
      "**Why a goal is missed.** With an in-memory transport (only client code runs) ReinferClient cost about " +
        "33 µs a call against 30 µs for the bare call when the changes below were made; what is left is the " +
        "second span, the timeout's fiber and timer, the envelope check, Server-Timing and redaction, each a few " +
        "microseconds, and each costs more between socket reads than in a tight loop. Folding the call span into " +
        "the attempt span when there is no retry would remove one of them, but the span tree would then depend on " +
        "whether a call was retried, and tests and users rely on it being the same. Read a miss here with the " +
        "spread of the figures: the same contender moves by several percent between rounds on a shared machine.",
      ""
    )
  }
  const peer = byId.get(CONTENDERS.peerUndici)
  if (peer !== undefined) {
    paragraphs.push(
      "The @effect/openapi-generator client is the generator's own output for our spec (bench/peer/, see " +
        "bench/generate-peer.ts for how it was made and the two fixes it needed to load). It does no request " +
        "validation, no retries, one span per call and a decode with closed structs, so it sits next to the bare call.",
      ""
    )
  }
  return paragraphs.join("\n")
}

// ---------------------------------------------------------------------------------------------------------
// 2. Decode

const renderDecode = (results: Results["decode"], goals: Array<GoalRow>): string => {
  const title = "## 2. Decode"
  if (results === undefined) return `${title}\n\nNot run (\`--only\`).\n`
  const byId = new Map(results.rows.map((row) => [row.id, row]))
  const parse = byId.get(DECODE_ROWS.parse)!.time
  const client = byId.get(DECODE_ROWS.client)!.time
  const generated = byId.get(DECODE_ROWS.generated)!.time
  const timesParse = (summary: Summary) => formatRatio(ratio(summary, parse))
  goals.push({
    section: "2",
    figure: `Decode a ${results.comments.toLocaleString("en-US")}-comment page as ReinferClient does, vs JSON.parse`,
    measured: formatSummary(client, "ms"),
    ratio: timesParse(client),
    goal: `≤ ${GOALS.clientDecodeVsParse.toFixed(1)}×`,
    met: ratio(client, parse) <= GOALS.clientDecodeVsParse
  })
  goals.push({
    section: "2",
    figure: "Same page through the generated schema alone (Schema.decodeUnknownSync)",
    measured: formatSummary(generated, "ms"),
    ratio: timesParse(generated),
    goal: `≤ ${GOALS.schemaDecodeVsParse.toFixed(1)}×`,
    met: ratio(generated, parse) <= GOALS.schemaDecodeVsParse
  })
  const peer = byId.get(DECODE_ROWS.peer)!.time
  const lines = [
    title,
    "",
    `One \`queryDataset\` page of ${results.comments.toLocaleString("en-US")} annotated comments ` +
    `(${(results.bytes / 1024 / 1024).toFixed(2)} MB of JSON), from its text to a checked value; every row starts ` +
    "from the same string.",
    "",
    "| Decoder | Per page | × JSON.parse |",
    "|---|---|---|",
    ...results.rows.map((row) => `| ${row.label} | ${formatSummary(row.time, "ms")} | ${timesParse(row.time)} |`),
    "",
    "**Where the time goes.** Every response-side object is generated as `openStruct({…})` " +
    "(`StructWithRest(Struct, [Record(String, Json)])`), so that unknown fields survive decoding. On effect 4.1 " +
    "that costs twice: a struct with an index signature (and any struct decoded with `errors: \"all\"`) leaves " +
    "the parser's fast path for its generic one; and the `Json` rest is checked against every key, declared ones " +
    "included, so each value is walked once by its own schema and again by the `Json` check of every object " +
    "above it. The two variant rows separate the two costs: a rest of `Unknown` removes the re-walks " +
    `(${timesParse(byId.get(DECODE_ROWS.unknownRest)!.time)}), dropping the rest restores the fast path ` +
    `(${timesParse(byId.get(DECODE_ROWS.noRest)!.time)}, but unknown fields are lost).`,
    "",
    "**ReinferClient's own path.** ReinferClient compiles each response schema once into a plain decoder " +
    "(src/internal/fast-codec.ts) that checks the parsed payload and applies the generated field codecs (`null` in " +
    "an optional field read as absent, an absent collection read as empty) to it in place, in one walk; only a " +
    "payload the decoder rejects goes through the schema, which then produces the same `ReinferDecodeError` as " +
    "before. The compiler refuses any schema where the two could differ, and those operations decode through " +
    "the schema. Each object schema's walk is a function compiled from text, one statement a declared field, so " +
    "V8 caches every field's lookup at its own site (closures that follow the same rules take over where a " +
    `Content-Security-Policy forbids \`new Function\`). That walk is the ${formatValue(client.median - parse.median, "ms")} ` +
    "above JSON.parse here: it visits every node of the page once." +
    (ratio(client, parse) > GOALS.clientDecodeVsParse
      ? " A walk that does less would have to skip checks the schema makes, so the goal is missed by the cost " +
        "of checking what the server sent at all."
      : ""),
    "",
    ...(ratio(generated, parse) > GOALS.schemaDecodeVsParse
      ? [
        "**Why the generated schema on its own misses " + `${GOALS.schemaDecodeVsParse}×.** The ` +
        "@effect/openapi-generator schema (closed structs, no field codecs, unknown fields dropped) takes " +
        `${timesParse(peer)} here: that is what effect's parser costs on this page when a schema asks the least ` +
        "of it, a new object for every node. Ours do strictly more: they keep unknown fields, which the " +
        "\"Responses as sent\" work made a feature, and decode `null` and absent collections; without the unknown " +
        `fields (the no-rest row) they already take ${timesParse(byId.get(DECODE_ROWS.noRest)!.time)}. So no ` +
        "generated schema that keeps those features is decoded by effect 4.1's parser within 3×. The client's own " +
        "path above is where the speed is; closing the gap for `Schemas.*` used on their own needs effect's parser " +
        "to keep its fast path for structs with a rest.",
        ""
      ]
      : [])
  ]
  return lines.join("\n")
}

// ---------------------------------------------------------------------------------------------------------
// 3. Streaming memory

const renderMemory = (results: Results["memory"], goals: Array<GoalRow>): string => {
  const title = "## 3. Streaming memory"
  if (results === undefined) return `${title}\n\nNot run (\`--only\`).\n`
  const largest = results.runs[results.runs.length - 1]!
  const transportLabel = results.transport === "fetch" ? "FetchHttpClient" : "undici"
  goals.push({
    section: "3",
    figure: `Retained heap after streaming ${largest.size.toLocaleString("en-US")} comments (${transportLabel})`,
    measured: formatValue(largest.retainedHeapMB, "MB"),
    ratio: "",
    goal: `≈ 0 (within ±${GOALS.retainedHeapMB} MB)`,
    met: Math.abs(largest.retainedHeapMB) <= GOALS.retainedHeapMB
  })
  for (const size of [100_000, 1_000_000]) {
    const run = results.runs.find((candidate) => candidate.size === size)
    if (run === undefined) continue
    goals.push({
      section: "3",
      figure: `Peak RSS streaming ${size.toLocaleString("en-US")} comments (${transportLabel}, default V8 heap)`,
      measured: formatValue(run.peakRssMB, "MB"),
      ratio: "",
      goal: "reported",
      met: undefined
    })
  }
  const row = (label: string, run: StreamingMemoryRun) =>
    `| ${label} | ${formatValue(run.baselineRssMB, "MB")} | ${formatValue(run.peakRssMB, "MB")} | ${
      formatValue(run.peakRssMB - run.baselineRssMB, "MB")
    } | ${formatValue(run.retainedHeapMB, "MB")} | ${formatValue(run.size / run.seconds, "items/s")} | ${
      sparkline(run.samples)
    } |`
  const capped = results.extra.find((extra) => extra.label.includes("max-old-space-size"))
  const lines = [
    title,
    "",
    `\`Pagination.stream("listComments")\` over ${results.transport === "fetch" ? "FetchHttpClient (the default)" : "undici"}, ` +
    `pages of ${results.pageSize} (the API's maximum), each size in a fresh process that keeps no comment ` +
    "(bench/streaming-memory-child.ts, on Node's own type stripping so no loader sits in the process). The " +
    "server makes the comments on the fly in another process. *Baseline* is the child's RSS after loading " +
    "everything and a full GC, before the first page; *retained* is the heap in use after a full GC at the end, " +
    "minus the same at the start: what the stream kept.",
    "",
    "| Comments | Baseline RSS | Peak RSS | Peak − baseline | Retained heap | Throughput | RSS along the way |",
    "|---|---|---|---|---|---|---|",
    ...results.runs.map((run) => row(run.size.toLocaleString("en-US"), run)),
    ...results.extra.map((extra) => row(`${extra.run.size.toLocaleString("en-US")}, ${extra.label}`, extra.run)),
    ""
  ]
  lines.push(
    "**What the peak is made of.** Not of anything the stream keeps: the retained heap is " +
      `${formatValue(largest.retainedHeapMB, "MB")} after ${largest.size.toLocaleString("en-US")} comments and ` +
      "pagination.ts holds only the cursor between pages. It is the floor, then V8's heap sizing:",
    "",
    `1. **The floor** (${formatValue(largest.baselineRssMB, "MB")} before the first page): Node itself, the ` +
      "modules of effect the library imports (by path, not effect's index), the transport, and Node's type " +
      "stripper, which this child needs because it runs the sources (section 6 measures the built package without it).",
    `2. **V8's heap sizing:** ${largest.size.toLocaleString("en-US")} comments are about ` +
      `${(largest.size * 1.9 / 1000 / 1000).toFixed(1)} GB of JSON (about 1.9 KB a comment) turned into ` +
      "short-lived objects; with a 24 GB machine V8 lets the young generation and the old space grow well beyond " +
      "what is live before it collects, in steps, so a longer run reaches a later step. It is policy, not " +
      "retention: " +
      (capped === undefined
        ? "capping the heap (`--max-old-space-size`) keeps the peak near the floor."
        : `with \`${capped.label}\` the same stream runs in ${formatValue(capped.run.peakRssMB, "MB")} peak ` +
          `(${formatValue(capped.run.peakRssMB - capped.run.baselineRssMB, "MB")} above its floor) at ` +
          `${formatValue(capped.run.size / capped.run.seconds, "items/s")}, which a stream that kept its items would not survive.`),
    ""
  )
  lines.push(
    "Pages are fetched one at a time, when the consumer pulls past the last item: the client waits for each page " +
      "(about a quarter of the wall time in a profile of a 100,000-comment run). That is the backpressure the " +
      "pagination issue asks for; a user who wants overlap can add `Stream.buffer` after the stream.",
    ""
  )
  return lines.join("\n")
}

const SPARKS = "▁▂▃▄▅▆▇█"
const sparkline = (samples: ReadonlyArray<readonly [number, number]>): string => {
  if (samples.length === 0) return ""
  const values = samples.map(([, megabytes]) => megabytes)
  const low = Math.min(...values)
  const high = Math.max(...values)
  const step = Math.max(1, Math.floor(values.length / 20))
  let line = ""
  for (let i = 0; i < values.length; i += step) {
    line += SPARKS[high === low ? 0 : Math.round((values[i]! - low) / (high - low) * (SPARKS.length - 1))]
  }
  return `${line} (${low.toFixed(0)}–${high.toFixed(0)} MB)`
}

// ---------------------------------------------------------------------------------------------------------
// 4. Bulk sync

const renderBulk = (results: Results["bulk"], goals: Array<GoalRow>): string => {
  const title = "## 4. Bulk sync throughput"
  if (results === undefined) return `${title}\n\nNot run (\`--only\`).\n`
  const byId = new Map(results.rows.map((row) => [row.id, row]))
  const raw = byId.get(BULK_ROWS.raw)!
  const share = (row: BulkRow) => row.throughput.median / raw.throughput.median
  const misses: Array<string> = []
  const targets = [
    { id: BULK_ROWS.bulkUndici, goal: GOALS.bulkVsRawUndici },
    { id: BULK_ROWS.bulkFetch, goal: GOALS.bulkVsRawFetch }
  ]
  for (const { goal, id } of targets) {
    const row = byId.get(id)!
    goals.push({
      section: "4",
      figure: `${row.label} vs the raw fetch loop`,
      measured: formatSummary(row.throughput, "items/s"),
      ratio: `${(share(row) * 100).toFixed(0)} %`,
      goal: `≥ ${(goal * 100).toFixed(0)} %`,
      met: share(row) >= goal
    })
    if (share(row) < goal) misses.push(id)
  }
  const { admission, stringify } = results.perComment
  const rawMillis = 1000 / raw.throughput.median
  const ceiling = rawMillis / (rawMillis + admission.median)
  const lines = [
    title,
    "",
    `${results.comments.toLocaleString("en-US")} comments, batches of ${results.batchSize}, ${results.concurrency} batches ` +
    "in flight, to the loopback server's `sync` route (which parses every body). The contenders alternate; " +
    "throughput is comments per second over whole runs.",
    "",
    "| Uploader | Throughput | Seconds per run | Share of the raw loop |",
    "|---|---|---|---|",
    ...results.rows.map((row) =>
      `| ${row.label} | ${formatSummary(row.throughput, "items/s")} | ${formatSummary(row.seconds, "s")} | ${
        (share(row) * 100).toFixed(0)
      } % |`
    ),
    ""
  ]
  lines.push(
    "**Where a comment's time goes.** Bulk sync checks each comment as it admits it, so that a bad one is " +
      "reported by position and field without a request and the rest still go, and sends the copy it checked, so " +
      "that what was checked is what is sent (timestamps in their canonical form, nothing the caller changes " +
      "later). The batch is then handed to the client as already checked (an internal entry point), so no " +
      "comment is checked twice, and the input is admitted a batch at a time, so checking the next batch " +
      `overlaps the requests in flight. In process that admission costs ${formatSummary(admission, "ms")} a comment ` +
      `(the ${Math.min(results.comments, 20_000).toLocaleString("en-US")} comments above, ${admission.samples} rounds), ` +
      `and serialising the batches ${formatSummary(stringify, "ms")} a comment, which the raw loop does too.`,
    ""
  )
  if (misses.length > 0) {
    lines.push(
      "**Why a goal is missed.** The raw loop spends " + `${formatValue(rawMillis, "ms")} a comment in all ` +
        "and checks nothing. Adding only the admission check to it would already take it to " +
        `${(ceiling * 100).toFixed(0)} % of itself, before any Effect, stream or transport work: that is the ` +
        "ceiling for an uploader that validates every comment, and the measured rows sit below it by the " +
        "transport's own cost (FetchHttpClient's, section 1) and the stream stages. Reaching the goal would mean " +
        "sending comments unchecked or uncopied, which would give up naming the bad ones before anything is sent; " +
        "this library keeps that.",
      ""
    )
  }
  return lines.join("\n")
}

// ---------------------------------------------------------------------------------------------------------
// 5. Build figures

const renderBuild = (results: Results["build"], goals: Array<GoalRow>): string => {
  const title = "## 5. Build figures"
  if (results === undefined) return `${title}\n\nNot run (\`--only\`).\n`
  const byId = new Map(results.map((row) => [row.id, row]))
  const generate = byId.get(BUILD_ROWS.generate)!
  const tsc = byId.get(BUILD_ROWS.tsc)!
  goals.push({
    section: "5",
    figure: "`npm run generate`, whole spec (wall)",
    measured: formatSummary(generate.wall, "s"),
    ratio: "",
    goal: `< ${GOALS.generateSeconds} s`,
    met: generate.wall.median < GOALS.generateSeconds
  })
  goals.push({
    section: "5",
    figure: "`tsc --noEmit`, src/ + generated/ (wall)",
    measured: formatSummary(tsc.wall, "s"),
    ratio: "",
    goal: `< ${GOALS.tscSeconds} s`,
    met: tsc.wall.median < GOALS.tscSeconds
  })
  const lines = [
    title,
    "",
    "Cold processes, alternating; wall clock as a developer waits, and the CPU time of the process tree (user + " +
    "system; on a busy machine wall exceeds CPU by the time spent waiting for a core).",
    "",
    "| Command | Wall | CPU |",
    "|---|---|---|",
    ...results.map((row) => `| ${row.label} | ${formatSummary(row.wall, "s")} | ${formatSummary(row.cpu, "s")} |`),
    ""
  ]
  if (generate.wall.median >= GOALS.generateSeconds) {
    lines.push(
      "**Why `generate` misses 3 s, and what would close it.** The command is three processes deep (npm, tsx, " +
        "the generator, plus the openapi-typescript worker): npm and tsx start-up alone take about a second of " +
        "it on this machine, before the spec is read. The rest is the Redocly lint and bundle of the spec and " +
        "openapi-typescript's rendering (run in a worker in parallel, but loading the TypeScript compiler API " +
        "for it is the slowest single step). Running the generator on Node's own type stripping " +
        "(`node scripts/generate.ts`) instead of tsx, and validating with Redocly only in `generate:check` (CI), " +
        "would each take a visible share off; both are scripts/ changes, which another change owns.",
      ""
    )
  }
  if (tsc.wall.median >= GOALS.tscSeconds) {
    lines.push(
      "**Why `tsc` misses 20 s.** Compare the wall and CPU columns: when CPU is well under 20 s the miss is the " +
        "machine being shared, not the code. TypeScript 7's native `tsc` (`npx -p typescript@7.0.2 tsc`) checks " +
        "the same project several times faster if the CPU time itself grows too large.",
      ""
    )
  }
  return lines.join("\n")
}

// ---------------------------------------------------------------------------------------------------------
// 6. Start-up

const renderStartup = (results: Results["startup"], goals: Array<GoalRow>): string => {
  const title = "## 6. Start-up"
  if (results === undefined) return `${title}\n\nNot run (\`--only\`).\n`
  goals.push({
    section: "6",
    figure: "RSS after importing the built package, before the first call",
    measured: formatSummary(results.importedRssMB, "MB"),
    ratio: "",
    goal: `≤ ${GOALS.importRssMB} MB`,
    met: results.importedRssMB.median <= GOALS.importRssMB
  })
  goals.push({
    section: "6",
    figure: "`ReinferClient.layer` built the first time (93 operations)",
    measured: formatSummary(results.firstLayerBuildMs, "ms"),
    ratio: "",
    goal: `≤ ${GOALS.layerBuildMs} ms`,
    met: results.firstLayerBuildMs.median <= GOALS.layerBuildMs
  })
  const ours = results.importedRssMB.median - results.effectModulesRssMB.median
  const lines = [
    title,
    "",
    "The package as users get it: compiled by `scripts/tsconfig.build.json` (what `npm run build` runs) and " +
    "imported in fresh processes (bench/startup-child.mjs, plain JavaScript so that no type stripper sits in the " +
    `process), ${results.importedRssMB.samples} of each kind. RSS is read after a full GC. Layer builds are over ` +
    "`FetchHttpClient.layer`, after one build of that layer alone has warmed effect's runtime, which any program " +
    "pays once.",
    "",
    "| Figure | Measured |",
    "|---|---|",
    `| Node alone | ${formatSummary(results.nodeRssMB, "MB")} |`,
    `| After importing the package | ${formatSummary(results.importedRssMB, "MB")} |`,
    `| After importing only the ${results.effectModules} modules of effect that the package's import loads | ${
      formatSummary(results.effectModulesRssMB, "MB")
    } |`,
    `| Import time | ${formatSummary(results.importMs, "ms")} |`,
    `| \`ReinferClient.layer\`, first build | ${formatSummary(results.firstLayerBuildMs, "ms")} |`,
    `| \`ReinferClient.layer\`, later builds (${results.layerBuildMs.samples}) | ${formatSummary(results.layerBuildMs, "ms")} |`,
    "",
    "src/ and generated/ import effect's modules by path (`effect/Effect`, `effect/Schema`, `effect/http/HttpClient`, " +
    "…): importing `effect`'s index loads every module of effect, and `effect/http`'s every HTTP module. The " +
    `library's own code, the generated schemas and operation table included, is ${formatValue(ours, "MB")} of the total.`,
    ""
  ]
  if (results.importedRssMB.median > GOALS.importRssMB) {
    lines.push(
      `**Why the ${GOALS.importRssMB} MB goal is missed.** The modules of effect the package needs (Effect, Schema, ` +
        "Stream, Layer, Config and the HTTP client, with what they import: Schema alone brings its JSON Schema, " +
        `formatter and crypto-backed checks) take a bare process to ${formatSummary(results.effectModulesRssMB, "MB")} ` +
        "on their own, so the goal would leave the library itself almost nothing. Only effect loading fewer " +
        "modules for these entry points would close it.",
      ""
    )
  }
  if (results.firstLayerBuildMs.median > GOALS.layerBuildMs) {
    lines.push(
      "**Why the layer goal is missed.** A later build takes " + `${formatSummary(results.layerBuildMs, "ms")}: ` +
        "the first one is mostly V8 compiling the code that builds it (option checks, 93 × 3 method closures) " +
        "for the first time.",
      ""
    )
  }
  return lines.join("\n")
}
