/**
 * Section 2, decode: one `queryDataset` page of 1,000 annotated comments (messages, user properties, attachments,
 * labels, predictions, entities), from its JSON text to a checked value.
 *
 * Rows, all starting from the same text: `JSON.parse` alone (the baseline); our generated schema through
 * `Schema.decodeUnknownSync` (what the client did before this issue, and what a user decoding a payload with
 * `Schemas.*` gets); what `ReinferClient` does with a response body now (`decodeEnvelope`, then the compiled
 * decoder of src/internal/fast-codec.ts, falling back to the schema); the schema `@effect/openapi-generator` generates
 * for the same response; and two variants of our schemas that show where the generated schema's time goes
 * (schema-variants.ts).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Bench } from "tinybench"
import { QueryDatasetResponse } from "../generated/schemas/datasets.ts"
import { decodeEnvelope } from "../src/envelope.ts"
import { responseDecoder } from "../src/internal/fast-codec.ts"
import { annotatedPageJson } from "./fixtures.ts"
import * as Peer from "./peer/reinfer-peer.ts"
import { loadSchemaVariants } from "./schema-variants.ts"
import { collectGarbage } from "./gc.ts"
import { summarize, type Summary } from "./stats.ts"

/**
 * How much to measure.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodeOptions {
  /** Comments on the page (1,000 in the report). */
  readonly comments: number
  readonly rounds: number
  /** Milliseconds each row runs per round. */
  readonly roundTime: number
}

/**
 * One row: milliseconds per page.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodeRow {
  readonly id: string
  readonly label: string
  readonly time: Summary
}

/**
 * The page measured and the rows.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodeResult {
  readonly comments: number
  readonly bytes: number
  readonly rows: ReadonlyArray<DecodeRow>
}

/** Row ids the report and the goals refer to. */
export const DECODE_ROWS = {
  parse: "json-parse",
  generated: "generated-schema",
  client: "client-path",
  peer: "peer-schema",
  unknownRest: "variant-unknown-rest",
  noRest: "variant-no-rest"
} as const

/**
 * Measures every row on the same page.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runDecode = async (
  options: DecodeOptions,
  log: (line: string) => void = () => {}
): Promise<DecodeResult> => {
  const text = annotatedPageJson(options.comments)
  const variants = await loadSchemaVariants()
  const generated = Schema.decodeUnknownSync(QueryDatasetResponse)
  const peer = Schema.decodeUnknownSync(Peer.QueryDatasetResponse as Schema.Codec<unknown, unknown>)
  const unknownRest = Schema.decodeUnknownSync(variants.unknownRest.QueryDatasetResponse)
  const noRest = Schema.decodeUnknownSync(variants.noRest.QueryDatasetResponse)
  const decoder = responseDecoder(QueryDatasetResponse.ast)
  if (decoder === undefined) throw new Error("the client's compiled decoder does not cover QueryDatasetResponse")

  // The client's path, as sendAttempt runs it: envelope (JSON.parse inside), then the compiled decoder or the schema.
  const clientPath = () => {
    const envelope = decodeEnvelope({ status: 200, contentType: "application/json", body: text })
    if (envelope._tag === "Failure") throw new Error(`not an ok envelope: ${envelope.failure._tag}`)
    const { payload } = envelope.success
    return decoder(payload) ? payload : generated(payload, { errors: "all" })
  }
  const rows: ReadonlyArray<{ id: string; label: string; run: () => unknown }> = [
    { id: DECODE_ROWS.parse, label: "JSON.parse alone", run: () => JSON.parse(text) },
    {
      id: DECODE_ROWS.generated,
      label: "generated schema (Schema.decodeUnknownSync)",
      run: () => generated(JSON.parse(text))
    },
    { id: DECODE_ROWS.client, label: "ReinferClient's decode path (compiled decoder, schema on failure)", run: clientPath },
    { id: DECODE_ROWS.peer, label: "@effect/openapi-generator schema", run: () => peer(JSON.parse(text)) },
    {
      id: DECODE_ROWS.unknownRest,
      label: "variant: generated schema, rest `Record(String, Unknown)`",
      run: () => unknownRest(JSON.parse(text))
    },
    {
      id: DECODE_ROWS.noRest,
      label: "variant: generated schema without the rest (drops unknown keys)",
      run: () => noRest(JSON.parse(text))
    }
  ]
  // Every row must accept the page, or it would be timing an error path.
  for (const row of rows) row.run()

  const samples = new Map(rows.map((row) => [row.id, [] as Array<number>]))
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({
      time: options.roundTime,
      iterations: 3,
      warmupTime: Math.min(100, options.roundTime / 2),
      warmupIterations: 2,
      retainSamples: true,
      throws: true,
      // Each task starts from a clean heap instead of collecting the previous task's garbage.
      setup: collectGarbage
    })
    for (const row of rotate(rows, round)) bench.add(row.id, row.run)
    await bench.run()
    for (const task of bench.tasks) {
      const result = task.result
      if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`)
      samples.get(task.name)!.push(...(result.latency.samples ?? []))
    }
    log(`decode: round ${round + 1}/${options.rounds} done`)
  }
  return {
    comments: options.comments,
    bytes: Buffer.byteLength(text),
    rows: rows.map((row) => ({ id: row.id, label: row.label, time: summarize(samples.get(row.id)!) }))
  }
}

const rotate = <A>(items: ReadonlyArray<A>, by: number): ReadonlyArray<A> => {
  const shift = by % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}
