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
import { ReinferClient } from "effect-reinfer"
import { startSandbox } from "effect-reinfer/sandbox"
import { printSummary, runWorkflow, type Step, type WorkflowTarget } from "./quickstart-workflow.ts"
import * as InMemoryTracing from "./support/in-memory-tracing.ts"

/** Where the run goes: the endpoint and token, the names it works on, and how to clean up. */
interface Target extends WorkflowTarget {
  readonly endpoint: string
  readonly token: Redacted.Redacted<string>
  readonly description: string
  readonly stop: () => Promise<void>
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

const main = Effect.gen(function*() {
  const target = yield* chooseTarget
  yield* Console.log(`effect-reinfer quickstart against the ${target.description}\n`)
  const tracing = InMemoryTracing.make("effect-reinfer-quickstart")
  const steps: Array<Step> = []
  const Reinfer = ReinferClient.layer({ endpoint: target.endpoint, token: target.token }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )
  const exit = yield* Effect.flatMap(ReinferClient, (client) => runWorkflow(target, client, steps)).pipe(
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
