/**
 * Section 1, call overhead: the same small JSON GET (`getSource`, about 400 bytes) through every client, one call
 * at a time and 16 at a time, against the loopback server.
 *
 * Contenders: raw `fetch` + `JSON.parse` (the baseline), openapi-fetch over our openapi-typescript types, a bare
 * Effect HttpClient call decoded with our generated schema (the floor for our own overhead), `ReinferClient`, and
 * the client `@effect/openapi-generator` makes from our spec; the Effect ones on both transports,
 * `FetchHttpClient` and `@effect/platform-node`'s undici client.
 *
 * Method: each contender runs batches of calls (a batch is one tinybench sample, its time divided by the calls
 * in it). The rounds interleave the contenders in a rotating order, so slow drift on a shared machine (another
 * process, thermal throttling) spreads over all of them instead of landing on whichever ran last.
 *
 * @since 0.1.0
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, ManagedRuntime } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "effect/http"
import createClient from "openapi-fetch"
import { Bench } from "tinybench"
import type { paths } from "../generated/openapi-types.ts"
import { GetSourceResponse } from "../generated/schemas/sources.ts"
import { ReinferClient } from "../src/client.ts"
import { SOURCE_ID } from "./fixtures.ts"
import * as Peer from "./peer/reinfer-peer.ts"
import { TOKEN } from "./server.ts"
import { collectGarbage } from "./gc.ts"
import { summarize, type Summary } from "./stats.ts"

/**
 * How long and how hard to measure.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOverheadOptions {
  /** The loopback server's origin. */
  readonly url: string
  /** Rounds over all contenders; their samples are pooled. */
  readonly rounds: number
  /** Milliseconds each contender runs per round and mode. */
  readonly roundTime: number
  /** Calls per sample in the sequential mode. */
  readonly sequentialBatch: number
  /** Calls per sample in the concurrent mode. */
  readonly concurrentBatch: number
  /** Calls in flight in the concurrent mode. */
  readonly concurrency: number
}

/**
 * Which HTTP stack a contender sends through.
 *
 * @since 0.1.0
 * @category models
 */
export type Transport = "fetch" | "undici"

/**
 * One contender's figures: milliseconds per call, sequential and concurrent.
 *
 * @since 0.1.0
 * @category models
 */
export interface ContenderResult {
  readonly id: string
  readonly label: string
  readonly transport: Transport
  readonly sequential: Summary
  readonly concurrent: Summary
}

/** The contender ids the report and the goals refer to. */
export const CONTENDERS = {
  rawFetch: "raw-fetch",
  openapiFetch: "openapi-fetch",
  bareFetch: "bare-effect-fetch",
  bareUndici: "bare-effect-undici",
  reinferFetch: "reinfer-fetch",
  reinferUndici: "reinfer-undici",
  peerFetch: "peer-fetch",
  peerUndici: "peer-undici"
} as const

interface Runner {
  readonly sequential: (calls: number) => Promise<void>
  readonly concurrent: (calls: number, concurrency: number) => Promise<void>
  readonly close: () => Promise<void>
}

interface Contender {
  readonly id: string
  readonly label: string
  readonly transport: Transport
  readonly start: (url: string) => Promise<Runner>
}

const PROJECT = "acme"
const SOURCE = "emails"

// Every contender checks what it got back, so none can win by skipping the body.
const checked = (body: unknown): void => {
  if ((body as { source?: { id?: unknown } } | undefined)?.source?.id !== SOURCE_ID) {
    throw new Error(`unexpected getSource answer: ${JSON.stringify(body).slice(0, 200)}`)
  }
}

const promiseRunner = (call: () => Promise<void>, close: () => Promise<void> = async () => {}): Runner => ({
  sequential: async (calls) => {
    for (let i = 0; i < calls; i++) await call()
  },
  concurrent: async (calls, concurrency) => {
    let next = 0
    const worker = async () => {
      while (next < calls) {
        next += 1
        await call()
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker))
  },
  close
})

const effectRunner = <R>(
  runtime: ManagedRuntime.ManagedRuntime<R, unknown>,
  call: Effect.Effect<void, unknown, R>
): Runner => ({
  sequential: (calls) =>
    runtime.runPromise(Effect.gen(function*() {
      for (let i = 0; i < calls; i++) yield* call
    })),
  concurrent: (calls, concurrency) =>
    runtime.runPromise(Effect.forEach(Array.from({ length: calls }), () => call, { concurrency, discard: true })),
  close: () => runtime.dispose()
})

const transportLayer = (transport: Transport): Layer.Layer<HttpClient.HttpClient> =>
  transport === "fetch" ? FetchHttpClient.layer : NodeHttpClient.layerUndici

const rawFetch: Contender = {
  id: CONTENDERS.rawFetch,
  label: "raw fetch + JSON.parse",
  transport: "fetch",
  start: async (url) => {
    const target = `${url}/api/v1/sources/${PROJECT}/${SOURCE}`
    const headers = { authorization: `Bearer ${TOKEN}`, accept: "application/json" }
    return promiseRunner(async () => {
      const response = await fetch(target, { headers })
      if (!response.ok) throw new Error(`status ${response.status}`)
      checked(JSON.parse(await response.text()))
    })
  }
}

const openapiFetch: Contender = {
  id: CONTENDERS.openapiFetch,
  label: "openapi-fetch (generated types)",
  transport: "fetch",
  start: async (url) => {
    const client = createClient<paths>({ baseUrl: url, headers: { authorization: `Bearer ${TOKEN}` } })
    return promiseRunner(async () => {
      const { data, error } = await client.GET("/api/v1/sources/{project}/{source}", {
        params: { path: { project: PROJECT, source: SOURCE } }
      })
      if (error !== undefined) throw new Error(JSON.stringify(error))
      checked(data)
    })
  }
}

const bareEffect = (transport: Transport): Contender => ({
  id: transport === "fetch" ? CONTENDERS.bareFetch : CONTENDERS.bareUndici,
  label: "bare Effect HttpClient + Schema",
  transport,
  start: async (url) => {
    const runtime = ManagedRuntime.make(transportLayer(transport))
    const call = await runtime.runPromise(Effect.gen(function*() {
      const http = (yield* HttpClient.HttpClient).pipe(
        HttpClient.mapRequest((request) =>
          request.pipe(
            HttpClientRequest.prependUrl(url),
            HttpClientRequest.bearerToken(TOKEN),
            HttpClientRequest.acceptJson
          )
        ),
        HttpClient.filterStatusOk
      )
      const decode = HttpClientResponse.schemaBodyJson(GetSourceResponse)
      return http.get(`/api/v1/sources/${PROJECT}/${SOURCE}`).pipe(Effect.flatMap(decode), Effect.map(checked))
    }))
    return effectRunner(runtime, call)
  }
})

const reinfer = (transport: Transport): Contender => ({
  id: transport === "fetch" ? CONTENDERS.reinferFetch : CONTENDERS.reinferUndici,
  label: "ReinferClient",
  transport,
  start: async (url) => {
    const runtime = ManagedRuntime.make(
      ReinferClient.layer({ endpoint: url, token: TOKEN }).pipe(Layer.provide(transportLayer(transport)))
    )
    const client = await runtime.runPromise(Effect.gen(function*() {
      return yield* ReinferClient
    }))
    return effectRunner(
      runtime,
      Effect.map(client.getSource({ project: PROJECT, source: SOURCE }), (data) => checked(data))
    )
  }
})

const peer = (transport: Transport): Contender => ({
  id: transport === "fetch" ? CONTENDERS.peerFetch : CONTENDERS.peerUndici,
  label: "@effect/openapi-generator client",
  transport,
  start: async (url) => {
    const runtime = ManagedRuntime.make(transportLayer(transport))
    const call = await runtime.runPromise(Effect.gen(function*() {
      const http = (yield* HttpClient.HttpClient).pipe(
        HttpClient.mapRequest((request) =>
          request.pipe(HttpClientRequest.prependUrl(url), HttpClientRequest.bearerToken(TOKEN))
        )
      )
      const client = Peer.make(http)
      return Effect.map(client.getSource(PROJECT, SOURCE, undefined), (data: unknown) => checked(data))
    }))
    return effectRunner(runtime, call as Effect.Effect<void, unknown>)
  }
})

/**
 * Every contender, in the order the report lists them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const contenders: ReadonlyArray<Contender> = [
  rawFetch,
  openapiFetch,
  bareEffect("fetch"),
  reinfer("fetch"),
  peer("fetch"),
  bareEffect("undici"),
  reinfer("undici"),
  peer("undici")
]

/**
 * Measures every contender in both modes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runCallOverhead = async (
  options: CallOverheadOptions,
  log: (line: string) => void = () => {}
): Promise<ReadonlyArray<ContenderResult>> => {
  const runners = new Map<string, Runner>()
  for (const contender of contenders) {
    const runner = await contender.start(options.url)
    // One call each before measuring: connection set-up and module warm-up are not call overhead.
    await runner.sequential(2)
    runners.set(contender.id, runner)
  }
  const samples = new Map<string, { sequential: Array<number>; concurrent: Array<number> }>(
    contenders.map((contender) => [contender.id, { sequential: [], concurrent: [] }])
  )
  try {
    for (let round = 0; round < options.rounds; round++) {
      const order = rotate(contenders, round)
      for (const mode of ["sequential", "concurrent"] as const) {
        const calls = mode === "sequential" ? options.sequentialBatch : options.concurrentBatch
        const bench = new Bench({
          time: options.roundTime,
          iterations: 3,
          warmupTime: Math.min(100, options.roundTime / 2),
          warmupIterations: 1,
          retainSamples: true,
          throws: true,
          // Each task starts from a clean heap instead of collecting the previous task's garbage.
          setup: collectGarbage
        })
        for (const contender of order) {
          const runner = runners.get(contender.id)!
          bench.add(
            contender.id,
            mode === "sequential"
              ? () => runner.sequential(calls)
              : () => runner.concurrent(calls, options.concurrency)
          )
        }
        await bench.run()
        for (const task of bench.tasks) {
          const result = task.result
          if (result.state !== "completed") throw new Error(`${task.name} ${mode}: ${result.state}`)
          for (const sample of result.latency.samples ?? []) samples.get(task.name)![mode].push(sample / calls)
        }
      }
      log(`call overhead: round ${round + 1}/${options.rounds} done`)
    }
  } finally {
    for (const runner of runners.values()) await runner.close()
  }
  return contenders.map((contender) => ({
    id: contender.id,
    label: contender.label,
    transport: contender.transport,
    sequential: summarize(samples.get(contender.id)!.sequential),
    concurrent: summarize(samples.get(contender.id)!.concurrent)
  }))
}

const rotate = <A>(items: ReadonlyArray<A>, by: number): ReadonlyArray<A> => {
  const shift = by % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}
