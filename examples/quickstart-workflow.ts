/**
 * The quickstart's workflow: sync a few comments, list them back, read a stream batch with predictions and
 * advance it, recording each call's outcome and Server-Timing. `examples/quickstart.ts` runs it for `npm start`;
 * the contract tests run it through Prism's validating proxy in front of the sandbox.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import type { ReinferClientShape, ReinferResponse } from "effect-reinfer"

/** The names the workflow works on, and whether it must create the source, dataset and stream first. */
export interface WorkflowTarget {
  readonly project: string
  readonly source: string
  readonly dataset: string
  readonly stream: string
  readonly createResources: boolean
}

/** One line of the summary: which call, what it did, and the platform's own time for it. */
export interface Step {
  readonly operation: string
  readonly outcome: string
  readonly serverMilliseconds: number | undefined
  readonly attempts: number
}

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

export const runWorkflow = (target: WorkflowTarget, client: ReinferClientShape, steps: Array<Step>) =>
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

export const printSummary = (steps: ReadonlyArray<Step>) => {
  const width = Math.max(...steps.map((step) => step.operation.length))
  const lines = steps.map((step) => {
    const timing = step.serverMilliseconds === undefined ? "     -" : `${step.serverMilliseconds.toFixed(1).padStart(6)}`
    const retried = step.attempts > 1 ? ` (${step.attempts} attempts)` : ""
    return `  ${step.operation.padEnd(width)}  ${timing} ms  ${step.outcome}${retried}`
  })
  return [`  ${"call".padEnd(width)}  server time  outcome`, ...lines].join("\n")
}
