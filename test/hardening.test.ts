/**
 * One test (or a few) for each defect an independent fault and fuzz run found (issue 11), each failing before its
 * fix: a token echoed in response headers, NaN and ±Infinity sent as null, runaway nesting overflowing the stack,
 * bad call options reported as transport errors, input that changes between validation and sending, a layer that
 * could not be caught by tag, and Server-Timing and URLs reported differently by different errors.
 *
 * Every call goes to a loopback fault server the test starts; "nothing was sent" is read off its request log.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { type CallOptions, ReinferClient } from "../src/client.ts"
import { type ReinferError, ReinferRequestError } from "../src/errors.ts"
import { MAX_DEPTH } from "../src/internal/fast-codec.ts"
import * as Sandbox from "../src/sandbox/index.ts"
import * as TestClient from "./support/client.ts"
import * as FaultServer from "./support/fault-server.ts"
import * as LogCapture from "./support/log-capture.ts"
import { newComment, SOURCE as source } from "./support/payloads.ts"
import { drive, failureOf } from "./support/test-clock.ts"
import * as TokenScan from "./support/token-scan.ts"
import * as TestTracing from "./support/tracing.ts"

const { TOKEN } = TestClient

const clientLayer = TestClient.overFetch


/** Runs `call` against a fresh fault server answering with `script`; returns the failure and the server. */
const failingCall = <A>(
  call: (client: ReinferClient["Service"]) => Effect.Effect<A, ReinferError>,
  ...script: ReadonlyArray<FaultServer.Behaviour>
) =>
  Effect.gen(function*() {
    const server = yield* FaultServer.make()
    server.enqueue(...script)
    const exit = yield* drive(Effect.flatMap(ReinferClient, call).pipe(Effect.provide(clientLayer(server.url))))
    return { error: failureOf(exit), server }
  })

/** The ReinferRequestError a call fails with before sending anything. */
const refusedBeforeSending = <A>(call: (client: ReinferClient["Service"]) => Effect.Effect<A, ReinferError>) =>
  Effect.gen(function*() {
    const { error, server } = yield* failingCall(call)
    assert.strictEqual(server.requests.length, 0, "nothing may be sent")
    assert.instanceOf(error, ReinferRequestError, error.message)
    assert.strictEqual(error.attempts, 0)
    return error as ReinferRequestError
  })

/** A `syncComments` call of one comment, which may be anything. */
const syncWith = (comment: object) => (client: ReinferClient["Service"]) =>
  client.syncComments({ project: "acme", source: "emails", body: { comments: [comment as never] } })

const nested = (depth: number, leaf: unknown = "x"): unknown => {
  let value = leaf
  for (let level = 0; level < depth; level++) value = [value]
  return value
}

describe("Hardening (issue 11)", () => {
  describe("1. a token echoed in a response header", () => {
    it.effect("stays out of serverTiming, contentType, every rendering, every log line and every span", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(
          FaultServer.apiError(503, "busy", { "server-timing": `total;dur=1;desc="${TOKEN}"` }),
          FaultServer.custom((_request, response) => {
            response.writeHead(502, { "content-type": `text/html; x=${TOKEN}`, "retry-after": TOKEN })
            response.end("<html><body>Bad gateway</body></html>")
          }),
          FaultServer.ok({ source }, { "x-echo": `Bearer ${TOKEN}`, "server-timing": `total;dur=2;desc=${TOKEN}` })
        )
        const logs = LogCapture.make()
        const tracing = TestTracing.make()
        const call = <A>(effect: Effect.Effect<A, ReinferError, ReinferClient>) =>
          drive(effect.pipe(
            Effect.tapCause((cause) => Effect.logError("call failed", cause)),
            Effect.provide(clientLayer(server.url)),
            Effect.provide(tracing.layer),
            Effect.provide(logs.layer)
          ))
        const getSource = (client: ReinferClient["Service"]) =>
          client.withResponse.getSource({ project: "acme", source: "emails" }, { retry: false })

        const apiError = failureOf(yield* call(Effect.flatMap(ReinferClient, getSource)))
        assert.strictEqual(apiError._tag, "ReinferApiError")
        assert.deepStrictEqual(apiError._tag === "ReinferApiError" && apiError.serverTiming, [
          { name: "total", duration: 1, description: "<redacted>" }
        ])
        const unexpected = failureOf(yield* call(Effect.flatMap(ReinferClient, getSource)))
        assert.strictEqual(unexpected._tag === "ReinferUnexpectedResponse" && unexpected.contentType, "text/html; x=<redacted>")
        const success = yield* call(Effect.flatMap(ReinferClient, getSource))
        assert.isTrue(Exit.isSuccess(success))
        const response = Exit.isSuccess(success) ? success.value : undefined
        assert.strictEqual(response?.headers["x-echo"], "Bearer <redacted>")
        // Unquoted, the redacted description is no longer a valid token: the metric keeps only its duration.
        assert.deepStrictEqual(response?.serverTiming, [{ name: "total", duration: 2, description: undefined }])

        const texts = [
          ...[apiError, unexpected].flatMap((error) => TokenScan.renderings(error).map((rendering) => rendering.text)),
          JSON.stringify(response?.headers),
          JSON.stringify(response?.serverTiming),
          ...logs.lines,
          ...logs.jsonLines,
          ...tracing.spans().map((span) => JSON.stringify({ attributes: span.attributes, events: span.events, status: span.status }))
        ]
        assert.isAbove(logs.jsonLines.length, 1)
        assert.deepStrictEqual(TokenScan.occurrences(texts, TOKEN), [])
      }).pipe(Effect.scoped))
  })

  describe("2. NaN and ±Infinity", () => {
    it.effect("are refused in user properties, filter bounds and value lists instead of going out as null", () =>
      Effect.gen(function*() {
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const property = yield* refusedBeforeSending(
            syncWith({ ...newComment("c1"), user_properties: { "number:Score": bad } })
          )
          assert.strictEqual(property.field, `body.comments[0].user_properties["number:Score"]`)

          const stream = (filter: Record<string, unknown>) => ({
            project: "acme",
            dataset: "support",
            body: { stream: { name: "all", comment_filter: { user_properties: { "number:Score": filter } } } }
          })
          const bound = yield* refusedBeforeSending((client) => client.createStream(stream({ minimum: bad })))
          assert.strictEqual(bound.field, `body.stream.comment_filter.user_properties["number:Score"].minimum`)
          const list = yield* refusedBeforeSending((client) => client.createStream(stream({ one_of: [1, bad] })))
          assert.strictEqual(list.field, `body.stream.comment_filter.user_properties["number:Score"].one_of[1]`)
        }
      }).pipe(Effect.scoped))
  })

  describe("3. runaway nesting", () => {
    it.effect("is a ReinferRequestError on the client, not a stack overflow", () =>
      Effect.gen(function*() {
        const exported = yield* refusedBeforeSending((client) =>
          client.exportDataset({ project: "acme", dataset: "support", body: nested(5_000) as never })
        )
        assert.strictEqual(exported.field, "body")
        assert.strictEqual(exported.issue, `nests deeper than ${MAX_DEPTH} levels`)
        const markup = yield* refusedBeforeSending(
          syncWith({ ...newComment("c1"), messages: [{ body: { text: "hi", text_markup: nested(5_000) } }] })
        )
        assert.strictEqual(markup.field, "body.comments[0].messages[0].body.text_markup")
        // Nesting within the limit is still sent.
        const { error, server } = yield* failingCall(
          (client) => client.exportDataset({ project: "acme", dataset: "support", body: nested(100) as never }),
          FaultServer.apiError(404, "Dataset not found")
        )
        assert.strictEqual(error._tag, "ReinferApiError")
        assert.strictEqual(server.requests.length, 1)
      }).pipe(Effect.scoped))

    it.effect("is a 400 envelope from the sandbox, not a 500", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox.make({ projects: ["acme"] })
        yield* sandbox.store.createSource("acme", "emails", {})
        const comment = newComment("c1", "hi")
        // Written out by hand: JSON.stringify itself overflows the stack on 5,000 levels.
        const send = (textMarkup: string) =>
          sandbox.handle({
            method: "POST",
            url: "/api/v1/sources/acme/emails/sync",
            headers: { authorization: `Bearer ${sandbox.token}`, "content-type": "application/json" },
            body: JSON.stringify({ comments: [comment] }).replace(`"text":"hi"`, `"text":"hi","text_markup":${textMarkup}`)
          })
        const deep = yield* send(`${"[".repeat(5_000)}1${"]".repeat(5_000)}`)
        assert.strictEqual(deep._tag === "Response" ? deep.status : 0, 400)
        assert.include(deep._tag === "Response" ? String(deep.body) : "", "nests deeper than 128 levels")
        const shallow = yield* send(JSON.stringify(nested(10)))
        assert.strictEqual(shallow._tag === "Response" ? shallow.status : 0, 200)
      }))
  })

  describe("4. bad call options", () => {
    const getSource = (options: unknown) => (client: ReinferClient["Service"]) =>
      client.getSource({ project: "acme", source: "emails" }, options as CallOptions)

    it.effect("a header with a line break is a ReinferRequestError with nothing sent, not a transport error", () =>
      Effect.gen(function*() {
        const error = yield* refusedBeforeSending(getSource({ headers: { "x-bad": "a\r\nb" } }))
        assert.strictEqual(error.field, `options.headers["x-bad"]`)
        assert.strictEqual(error.issue, "must not contain line breaks or other control characters")
        const name = yield* refusedBeforeSending(getSource({ headers: { "bad name": "x" } }))
        assert.strictEqual(name.issue, "is not a valid header name")
      }).pipe(Effect.scoped))

    it.effect("retry: \"yes\" and unknown retry options are refused, on every operation", () =>
      Effect.gen(function*() {
        const yes = yield* refusedBeforeSending(getSource({ retry: "yes" }))
        assert.strictEqual(yes.field, "options.retry")
        assert.strictEqual(yes.issue, `must be false or an object of retry options, got "yes"`)
        const typo = yield* refusedBeforeSending(getSource({ retry: { maxRetry: 2 } }))
        assert.strictEqual(typo.field, "options.retry.maxRetry")
        // refreshUserPermissions is never retried, yet its options are still checked.
        const unsafe = yield* refusedBeforeSending((client) =>
          client.refreshUserPermissions({ body: {} }, { retry: { maxRetries: -1 } })
        )
        assert.strictEqual(unsafe.field, "options.retry.maxRetries")
        assert.strictEqual(unsafe.operationId, "refreshUserPermissions")
      }).pipe(Effect.scoped))
  })

  describe("5. what is validated is what is sent", () => {
    const base = newComment("c1")

    it.effect("a getter is read once, and the value read is the value sent", () =>
      Effect.gen(function*() {
        let reads = 0
        const comment = {
          ...base,
          get id() {
            reads += 1
            // Valid the first time; a second read (to serialise again) would send an invalid id.
            return reads === 1 ? "c1" : ""
          }
        }
        const { server } = yield* failingCall(syncWith(comment), FaultServer.apiError(404, "Source not found"))
        assert.strictEqual(reads, 1)
        assert.strictEqual(JSON.parse(server.requests[0]?.body ?? "{}").comments[0].id, "c1")
      }).pipe(Effect.scoped))

    it.effect("toJSON, a class instance, a throwing getter and a throwing Proxy are typed errors naming the field", () =>
      Effect.gen(function*() {
        const withToJson = yield* refusedBeforeSending(syncWith({ ...base, toJSON: () => ({ id: "other" }) }))
        assert.strictEqual(withToJson.field, "body.comments[0].toJSON")
        class Message {
          body = { text: "hi" }
        }
        const instance = yield* refusedBeforeSending(syncWith({ ...base, messages: [new Message()] }))
        assert.strictEqual(instance.field, "body.comments[0].messages[0]")
        assert.include(instance.issue, "is a Message, not plain data")
        const throwing = yield* refusedBeforeSending(syncWith({
          ...base,
          get timestamp(): string {
            throw new Error("clock unavailable")
          }
        }))
        assert.strictEqual(throwing.field, "body.comments[0].timestamp")
        assert.strictEqual(throwing.issue, "could not be read: clock unavailable")
        const trap = new Proxy({ ...base }, {
          get: () => {
            throw new Error("trap")
          }
        })
        const proxied = yield* refusedBeforeSending(syncWith(trap))
        assert.strictEqual(proxied.issue, "could not be read: trap")
      }).pipe(Effect.scoped))

    it.effect("a well-behaved Proxy is sent as the plain data it shows", () =>
      Effect.gen(function*() {
        const { server } = yield* failingCall(
          syncWith(new Proxy({ ...base }, {})),
          FaultServer.apiError(404, "Source not found")
        )
        assert.deepStrictEqual(JSON.parse(server.requests[0]?.body ?? "{}").comments[0].id, "c1")
      }).pipe(Effect.scoped))
  })

  describe("6. configuration errors", () => {
    it.effect("ReinferClient.layer fails with a ReinferConfigError a program can catch by tag", () =>
      Effect.gen(function*() {
        const handled = yield* Effect.flatMap(ReinferClient, (client) => Effect.succeed(client.endpoint.href)).pipe(
          Effect.provide(
            ReinferClient.layer({ endpoint: "http://acme.reinfer.io", token: TOKEN }).pipe(Layer.provide(FetchHttpClient.layer))
          ),
          Effect.catchTag("ReinferConfigError", (error) => Effect.succeed(`config: ${error.setting}`))
        )
        assert.strictEqual(handled, "config: endpoint")
      }))

    it.effect("ReinferClient.layerConfigFetch without variables names the missing variable and its form", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(
          Effect.provide(Effect.map(ReinferClient, (client) => client.endpoint), ReinferClient.layerConfigFetch).pipe(
            Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: {} })))
          )
        )
        assert.isTrue(Exit.isFailure(exit))
        const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
        assert.strictEqual(
          (error as Error).message,
          "Invalid REINFER_ENDPOINT: is not set; set it to the tenant's base URL, such as https://<tenant>.reinfer.io"
        )
      }))
  })

  describe("8. one shape for every error", () => {
    it.effect("serverTiming on an ApiError is the parsed metrics, as withResponse gives them", () =>
      Effect.gen(function*() {
        const { error } = yield* failingCall(
          (client) => client.getSource({ project: "acme", source: "emails" }, { retry: false }),
          FaultServer.apiError(404, "Source not found", { "server-timing": "db;dur=3.5, total;dur=12" })
        )
        assert.deepStrictEqual(error._tag === "ReinferApiError" && error.serverTiming, [
          { name: "db", duration: 3.5, description: undefined },
          { name: "total", duration: 12, description: undefined }
        ])
      }).pipe(Effect.scoped))

    it.effect("every error carries the request URL in url and the path template in route", () =>
      Effect.gen(function*() {
        const { error, server } = yield* failingCall(
          (client) => client.getSource({ project: "acme", source: "emails" }, { retry: false }),
          FaultServer.apiError(404, "Source not found")
        )
        assert.strictEqual(error.url, `${server.url}/api/v1/sources/acme/emails`)
        assert.strictEqual(error.route, "/api/v1/sources/{project}/{source}")
        // A bad path parameter: no URL could be built, so the error points at the route on this endpoint.
        const bad = yield* refusedBeforeSending((client) => client.getSource({ project: "", source: "emails" }))
        assert.strictEqual(bad.field, "project")
        assert.strictEqual(bad.route, "/api/v1/sources/{project}/{source}")
        assert.match(bad.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/sources\/\{project\}\/\{source\}$/)
      }).pipe(Effect.scoped))
  })
})
