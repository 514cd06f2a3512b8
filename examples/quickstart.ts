/**
 * The quickstart behind `npm start`: sync a few comments, list them back, read a stream batch with predictions
 * and advance it, then print what each call did, its Server-Timing, and the trace tree of the whole run.
 *
 * With no environment it starts the local sandbox and creates the source, dataset and stream it needs. With
 * `REINFER_ENDPOINT` and `REINFER_TOKEN` set it runs against that tenant instead, on the existing source,
 * dataset and stream named by `REINFER_PROJECT`, `REINFER_SOURCE`, `REINFER_DATASET` and `REINFER_STREAM`
 * (it syncs three demo comments into that source: use a test source).
 *
 * @since 0.1.0
 */
import { Config, Console, Effect, Layer, Option, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { type ReinferClientShape, type ReinferResponse, ReinferClient } from "effect-reinfer"
import { startSandbox } from "effect-reinfer/sandbox"
import * as InMemoryTracing from "./support/in-memory-tracing.ts"

/** Where the run goes: the names it works on and whether it must create them first. */
interface Target {
  readonly endpoint: string
  readonly token: Redacted.Redacted<string>
  readonly project: string
  readonly source: string
  readonly dataset: string
  readonly stream: string
  readonly createResources: boolean
  readonly description: string
  readonly stop: () => Promise<void>
}

/** One line of the summary: which call, what it did, and the platform's own time for it. */
interface Step {
  readonly operation: string
  readonly outcome: string
  readonly serverMilliseconds: number | undefined
  readonly attempts: number
}

const tenantTarget = Config.all({
  endpoint: Config.String("REINFER_ENDPOINT"),
  token: Config.Redacted("REINFER_TOKEN"),
  project: Config.String("REINFER_PROJECT"),
  source: Config.String("REINFER_SOURCE"),
  dataset: Config.String("REINFER_DATASET"),
  stream: Config.String("REINFER_STREAM")
})

const chooseTarget = Effect.gen(function*() {
  const endpoint = yield* Config.option(Config.String("REINFER_ENDPOINT"))
  if (Option.isSome(endpoint)) {
    const tenant = yield* tenantTarget
    return {
      ...tenant,
      createResources: false,
      description: `tenant ${tenant.endpoint}`,
      stop: () => Promise.resolve()
    } satisfies Target
  }
  const sandbox = yield* Effect.promise(() => startSandbox({ projects: ["demo"] }))
  return {
    endpoint: sandbox.url,
    token: Redacted.make(sandbox.sandbox.token),
    project: "demo",
    source: "support-emails",
    dataset: "support",
    stream: "billing-bot",
    createResources: true,
    description: `local sandbox at ${sandbox.url}`,
    stop: sandbox.stop
  } satisfies Target
})

const comments = [
  { id: "qs-1", text: "Hello, my invoice shows a double charge. Please refund the billing error." },
  { id: "qs-2", text: "I cannot login since the password reset, the login page says my account is locked." },
  { id: "qs-3", text: "Thanks for the quick refund! Everything looks right on the new invoice." }
].map(({ id, text }, index) => ({
  id,
  timestamp: `2026-11-0${index + 1}T09:30:00Z`,
  messages: [{ body: { text }, from: "customer@example.com", to: ["support@acme.example"] }],
  user_properties: { "string:Channel": "email", "number:Priority": index + 1 }
}))

const run = (target: Target, client: ReinferClientShape, steps: Array<Step>) =>
  Effect.gen(function*() {
    const record = <A>(operation: string, outcome: (data: A) => string) => (response: ReinferResponse<A>) =>
      Effect.sync(() => {
        steps.push({
          operation,
          outcome: outcome(response.data),
          serverMilliseconds: response.serverTiming.find((metric) => metric.name === "total")?.duration,
          attempts: response.attempts
        })
        return response.data
      })
    const { project, source, dataset, stream } = target

    yield* client.withResponse.getCurrentUser().pipe(
      Effect.flatMap(record("getCurrentUser", ({ user }) => `signed in as ${user.username}`))
    )

    if (target.createResources) {
      const created = yield* client.withResponse.createSource({
        project,
        source,
        body: { source: { title: "Support e-mails", description: "Created by the effect-reinfer quickstart" } }
      }).pipe(Effect.flatMap(record("createSource", ({ source }) => `source ${source.owner}/${source.name}`)))
      yield* client.withResponse.createDataset({
        project,
        dataset,
        body: {
          dataset: {
            source_ids: [created.source.id],
            title: "Support",
            label_defs: [{ name: "Billing" }, { name: "Refund" }, { name: "Login" }]
          }
        }
      }).pipe(Effect.flatMap(record("createDataset", ({ dataset }) => `dataset with ${dataset.label_defs.length} labels`)))
      yield* client.withResponse.createStream({
        project,
        dataset,
        body: { stream: { name: stream, title: "Billing bot", model: { version: 1 } } }
      }).pipe(Effect.flatMap(record("createStream", ({ stream }) => `stream ${stream.name}`)))
    }

    yield* client.withResponse.syncComments({ project, source, body: { comments } }).pipe(
      Effect.flatMap(record("syncComments", (counts) =>
        `${counts.new} new, ${counts.updated} updated, ${counts.unchanged} unchanged`))
    )

    yield* client.withResponse.listComments({ project, source, limit: 10 }).pipe(
      Effect.flatMap(record("listComments", ({ comments }) => `read back ${comments.map((comment) => comment.id).join(", ")}`))
    )

    const batch = yield* client.withResponse.fetchStream({ project, dataset, stream, body: { size: 8 } }).pipe(
      Effect.flatMap(record("fetchStream", (batch) => `${batch.results.length} results, ${batch.filtered} filtered`))
    )
    yield* Console.log("Predictions in the stream batch:")
    for (const result of batch.results) {
      const labels = (result.labels ?? [])
        .map((label) => `${[label.name].flat().join(" > ")} ${(label.probability * 100).toFixed(0)}%`)
        .join(", ")
      yield* Console.log(`    ${result.comment.id}: ${labels || "no label above threshold"}`)
    }

    yield* client.withResponse.advanceStream({
      project,
      dataset,
      stream,
      body: { sequence_id: batch.sequence_id }
    }).pipe(Effect.flatMap(record("advanceStream", () => `advanced to ${batch.sequence_id}`)))
  }).pipe(Effect.withSpan("quickstart"))

const printSummary = (steps: ReadonlyArray<Step>) => {
  const width = Math.max(...steps.map((step) => step.operation.length))
  const lines = steps.map((step) => {
    const timing = step.serverMilliseconds === undefined ? "     -" : `${step.serverMilliseconds.toFixed(1).padStart(6)}`
    const retried = step.attempts > 1 ? ` (${step.attempts} attempts)` : ""
    return `  ${step.operation.padEnd(width)}  ${timing} ms  ${step.outcome}${retried}`
  })
  return [`  ${"call".padEnd(width)}  server time  outcome`, ...lines].join("\n")
}

const main = Effect.gen(function*() {
  const target = yield* chooseTarget
  yield* Console.log(`effect-reinfer quickstart against the ${target.description}\n`)
  const tracing = InMemoryTracing.make("effect-reinfer-quickstart")
  const steps: Array<Step> = []
  const Reinfer = ReinferClient.layer({ endpoint: target.endpoint, token: target.token }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )
  const exit = yield* Effect.flatMap(ReinferClient, (client) => run(target, client, steps)).pipe(
    Effect.provide(Reinfer),
    Effect.provide(tracing.layer),
    Effect.ensuring(Effect.promise(target.stop)),
    Effect.exit
  )
  yield* Console.log(`\nCalls (Server-Timing "total" is the time the platform spent):\n${printSummary(steps)}`)
  yield* Console.log(`\nTrace of the run:\n${tracing.tree({ attributes: ["http.response.status_code", "reinfer.server_timing.total"] })
    .split("\n").map((line) => `  ${line}`).join("\n")}`)
  return yield* exit
})

Effect.runPromise(main).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nThe quickstart failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
)
