/**
 * Independent contract checks with Prism, which knows nothing of our code: it reads openapi/reinfer.yaml only.
 *
 * - `prism mock`: every request the client sends for the operations below must pass Prism's request
 *   validation (a 422 from Prism means the client or the spec is wrong), and Prism's generated responses must
 *   decode with our generated response schemas.
 * - `prism proxy --errors` in front of the sandbox: the whole quickstart workflow must go through, so every
 *   response the sandbox sends on it is valid against the spec.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { type AddressInfo, createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { printSummary, runWorkflow, type Step } from "../examples/quickstart-workflow.ts"
import type { OperationTypes } from "../generated/client-shape.ts"
import { ReinferClient } from "../src/client.ts"
import { type RunningSandbox, startSandbox } from "../src/sandbox/index.ts"

const SPEC = fileURLToPath(new URL("../openapi/reinfer.yaml", import.meta.url))
const PRISM = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js")

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })

/** Starts Prism with `args` on a free loopback port; resolves once it listens. */
const startPrism = async (args: ReadonlyArray<string>) => {
  const port = await freePort()
  const child = spawn(process.execPath, [PRISM, ...args, "-h", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, SCARF_ANALYTICS: "false", NO_UPDATE_NOTIFIER: "1" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Prism is listening")) resolve()
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.once("exit", (code) => reject(new Error(`prism exited with ${code}:\n${output.slice(-2000)}`)))
  })
  return { url: `http://127.0.0.1:${port}`, child, output: () => output }
}

const stop = (child: ChildProcess | undefined) =>
  new Promise<void>((resolve) => {
    if (child === undefined || child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

type Call = { readonly [K in keyof OperationTypes]: readonly [K, OperationTypes[K]["input"]] }[keyof OperationTypes]

const project = "acme"
const source = "emails"
const dataset = "support"
const stream = "disputes"
const comment = {
  id: "0123456789abcdef",
  timestamp: "2024-05-01T09:00:00Z",
  messages: [{ body: { text: "Please refund the double charge" }, from: "bob@example.com", to: ["support@acme.example"] }],
  user_properties: { "string:Channel": "email", "number:Priority": 2 }
}

/** The requests the client's and sandbox's tests send, one per operation, in their real shapes. */
const calls: ReadonlyArray<Call> = [
  ["listSources", {}],
  ["listProjectSources", { project }],
  ["getSource", { project, source }],
  ["getSourceById", { sourceId: "18ba5ce699f8da1f" }],
  ["createSource", { project, source, body: { source: { title: "Emails", description: "Support inbox" } } }],
  ["updateSource", { project, source, body: { source: { title: "Emails", bucket_id: null } } }],
  ["deleteSourceById", { sourceId: "18ba5ce699f8da1f" }],
  ["syncComments", { project, source, body: { comments: [comment] } }],
  ["syncRawEmails", {
    project,
    source,
    body: {
      transform_tag: "generic.0.CONVKER5",
      include_comments: false,
      documents: [{
        raw_email: { headers: { raw: "Subject: Hi\nFrom: a@example.com" }, body: { plain: "Hello" }, attachments: [] },
        user_properties: {}
      }]
    }
  }],
  ["insertComments", { project, source, body: { comments: [comment] } }],
  ["listComments", { project, source, limit: 64, from_timestamp: "2024-01-01T00:00:00Z" }],
  ["getComment", { project, source, commentId: "0123456789abcdef", include_markup: true }],
  ["deleteComments", { project, source, id: ["a", "b"] }],
  ["listDatasets", {}],
  ["getDataset", { project, dataset }],
  ["createDataset", { project, dataset, body: { dataset: { source_ids: ["18ba5ce699f8da1f"], title: "Support" } } }],
  ["queryDataset", {
    project,
    dataset,
    body: { filter: { reviewed: "only_unreviewed" }, order: { kind: "recent" }, limit: 20 }
  }],
  ["getLabellings", { project, dataset, source_id: "18ba5ce699f8da1f", limit: 16 }],
  ["listStreams", { project, dataset }],
  ["createStream", { project, dataset, body: { stream: { name: stream, model: { version: 1 } } } }],
  ["getStream", { project, dataset, stream }],
  ["fetchStream", { project, dataset, stream, body: { size: 8 } }],
  ["advanceStream", { project, dataset, stream, body: { sequence_id: "qs8QcHIBAADJ1p3W2FtmBB3QiOJsCJlR" } }],
  ["resetStream", { project, dataset, stream, body: { to_comment_created_at: "2024-05-01T00:00:00Z" } }],
  ["tagStreamExceptions", {
    project,
    dataset,
    stream,
    body: { exceptions: [{ uid: "18ba5ce699f8da1f.0123456789abcdef", metadata: { type: "No Prediction" } }] }
  }],
  ["untagStreamExceptions", { project, dataset, stream, uid: ["18ba5ce699f8da1f.0123456789abcdef"] }],
  ["listBuckets", {}],
  ["createBucket", { project, bucket: "inbox", body: { bucket: { bucket_type: "emails", title: "Inbox" } } }],
  ["listEmails", { project, bucket: "inbox", body: { limit: 64 } }],
  ["getCurrentUser", {}],
  ["listProjects", {}],
  ["createProject", { project, body: { project: { title: "Acme" }, user_ids: [] } }],
  ["queryAuditEvents", { body: { filter: { timestamp: { minimum: "2024-01-01T00:00:00Z" } } } }]
]

describe("contract checks with Prism", () => {
  let mock: Awaited<ReturnType<typeof startPrism>> | undefined
  let proxy: Awaited<ReturnType<typeof startPrism>> | undefined
  let sandbox: RunningSandbox | undefined

  beforeAll(async () => {
    sandbox = await startSandbox({ projects: ["demo"] })
    ;[mock, proxy] = await Promise.all([
      startPrism(["mock", SPEC]),
      startPrism(["proxy", SPEC, sandbox.url, "--errors"])
    ])
  }, 120_000)

  afterAll(async () => {
    await Promise.all([stop(mock?.child), stop(proxy?.child), sandbox?.stop()])
  })

  it.effect("prism mock accepts the client's request for each operation, and its answers decode", () =>
    Effect.gen(function*() {
      const client = yield* ReinferClient
      const rejected: Array<string> = []
      const undecodable: Array<string> = []
      for (const [operationId, input] of calls) {
        const result = yield* Effect.result(client.execute(operationId, input as never, { retry: false }))
        if (result._tag === "Success") continue
        // A decode error means Prism accepted the request (it answered 2xx) but its made-up answer did not fit.
        if (result.failure._tag === "ReinferDecodeError") undecodable.push(`${operationId} ${result.failure.path.join(".")}`)
        else rejected.push(`${operationId}: ${result.failure.message}`)
      }
      assert.deepStrictEqual(rejected, [])
      // Everything Prism invents from the spec decodes with our generated schemas. (Prism stops generating fields
      // below a certain depth; it leaves out the deepest extraction spans, which the spec lets a server leave out.)
      assert.deepStrictEqual(undecodable, [])
    }).pipe(
      Effect.provide(Layer.suspend(() =>
        ReinferClient.layer({ endpoint: mock?.url ?? "", token: "prism-mock-token" }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      ))
    ))

  it.effect("the quickstart workflow passes prism proxy --errors in front of the sandbox", () =>
    Effect.gen(function*() {
      const client = yield* ReinferClient
      const steps: Array<Step> = []
      const exit = yield* Effect.exit(runWorkflow({
        project: "demo",
        source: "support-emails",
        dataset: "support",
        stream: "billing-bot",
        createResources: true
      }, client, steps))
      assert.isTrue(Exit.isSuccess(exit), `${String(Exit.isFailure(exit) ? exit.cause : "")}\n${printSummary(steps)}`)
      assert.deepStrictEqual(steps.map((step) => step.operation), [
        "getCurrentUser",
        "createSource",
        "createDataset",
        "createStream",
        "syncComments",
        "listComments",
        "fetchStream",
        "advanceStream"
      ])
    }).pipe(
      Effect.provide(Layer.suspend(() =>
        ReinferClient.layer({ endpoint: proxy?.url ?? "", token: sandbox?.sandbox.token ?? "", retry: false })
          .pipe(Layer.provide(FetchHttpClient.layer))
      ))
    ))
})
