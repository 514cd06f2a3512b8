import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Fiber, Layer, Redacted } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { TestClock } from "effect/testing"
import { type CallOptions, ReinferClient } from "../src/client.ts"
import type { ReinferError } from "../src/errors.ts"
import * as TestClient from "./support/client.ts"
import * as FaultServer from "./support/fault-server.ts"
import * as LogCapture from "./support/log-capture.ts"
import { SOURCE as source } from "./support/payloads.ts"
import { drive, failureOf, nextTurn } from "./support/test-clock.ts"
import * as TestTracing from "./support/tracing.ts"

const { TOKEN } = TestClient


const clientLayer = TestClient.overFetch

const theClient = Effect.gen(function*() {
  return yield* ReinferClient
})

const getSource = (options?: CallOptions) =>
  Effect.flatMap(ReinferClient, (client) => client.getSource({ project: "acme", source: "emails" }, options))

describe("ReinferClient", () => {
  describe("faults", () => {
    const cases: ReadonlyArray<{
      readonly name: string
      readonly script: () => ReadonlyArray<FaultServer.Behaviour>
      readonly tag: ReinferError["_tag"]
      readonly attempts: number
      readonly check?: (error: ReinferError) => void
    }> = [
      {
        name: "a 404 envelope is an ApiError and is not retried",
        script: () => [FaultServer.apiError(404, "Source not found")],
        tag: "ReinferApiError",
        attempts: 1,
        check: (error) => {
          assert.strictEqual(error._tag === "ReinferApiError" && error.status, 404)
          assert.include(error.message, "Source not found")
          assert.include(error.message, "404 GET /api/v1/sources/acme/emails")
        }
      },
      ...([500, 502, 503, 504] as const).map((status) => ({
        name: `a ${status} envelope is retried three times, then reported`,
        script: () => [1, 2, 3, 4].map(() => FaultServer.apiError(status, "platform trouble")),
        tag: "ReinferApiError" as const,
        attempts: 4
      })),
      {
        name: "an HTML 502 from a proxy is an UnexpectedResponse, retried",
        script: () => [1, 2, 3, 4].map(() => FaultServer.html(502)),
        tag: "ReinferUnexpectedResponse",
        attempts: 4,
        check: (error) => {
          assert.strictEqual(error._tag === "ReinferUnexpectedResponse" && error.reason, "HtmlPage")
          assert.include(error._tag === "ReinferUnexpectedResponse" ? error.contentType : "", "text/html")
          assert.include(error._tag === "ReinferUnexpectedResponse" ? error.excerpt : "", "502 Bad Gateway")
        }
      },
      {
        name: "malformed JSON with a 200 is an UnexpectedResponse, not retried",
        script: () => [FaultServer.malformedJson(200)],
        tag: "ReinferUnexpectedResponse",
        attempts: 1,
        check: (error) => assert.strictEqual(error._tag === "ReinferUnexpectedResponse" && error.reason, "NotJson")
      },
      {
        name: "status ok with a 4xx code is an UnexpectedResponse",
        script: () => [FaultServer.json(404, { status: "ok", source })],
        tag: "ReinferUnexpectedResponse",
        attempts: 1,
        check: (error) =>
          assert.strictEqual(
            error._tag === "ReinferUnexpectedResponse" && error.reason,
            "StatusContradictsHttpCode"
          )
      },
      {
        name: "plain text is an UnexpectedResponse",
        script: () => [FaultServer.text(401, "Unauthorized")],
        tag: "ReinferUnexpectedResponse",
        attempts: 1
      },
      {
        name: "a 200 that violates the schema is a DecodeError naming the path",
        script: () => [FaultServer.ok({ source: { ...source, name: 42 } })],
        tag: "ReinferDecodeError",
        attempts: 1,
        check: (error) => {
          assert.deepStrictEqual(error._tag === "ReinferDecodeError" && error.path, ["source", "name"])
        }
      },
      {
        name: "a connection reset before any answer is a TransportError, retried",
        script: () => [1, 2, 3, 4].map(() => FaultServer.reset()),
        tag: "ReinferTransportError",
        attempts: 4
      },
      {
        name: "a truncated body is a TransportError, retried",
        script: () => [1, 2, 3, 4].map(() => FaultServer.truncated(200)),
        tag: "ReinferTransportError",
        attempts: 4
      },
      {
        name: "a request hanging past the timeout is a Timeout TransportError, retried",
        script: () => [1, 2, 3, 4].map(() => FaultServer.hang()),
        tag: "ReinferTransportError",
        attempts: 4,
        check: (error) => assert.strictEqual(error._tag === "ReinferTransportError" && error.reason, "Timeout")
      },
      {
        name: "a Retry-After above the cap fails at once with the ApiError",
        script: () => [FaultServer.retryAfter(429, 3600)],
        tag: "ReinferApiError",
        attempts: 1,
        check: (error) => assert.isDefined(error._tag === "ReinferApiError" ? error.retryAfter : undefined)
      }
    ]

    for (const testCase of cases) {
      it.effect(testCase.name, () =>
        Effect.gen(function*() {
          const server = yield* FaultServer.make()
          server.enqueue(...testCase.script())
          const exit = yield* drive(getSource().pipe(Effect.provide(clientLayer(server.url))))
          const error = failureOf(exit)
          assert.strictEqual(error._tag, testCase.tag, error.message)
          assert.strictEqual(error.attempts, testCase.attempts)
          assert.strictEqual(server.requests.length, testCase.attempts)
          testCase.check?.(error)
        }).pipe(Effect.scoped))
    }

    it.effect("a refused connection is a ConnectionRefused TransportError, retried", () =>
      Effect.gen(function*() {
        const url = yield* FaultServer.makeRefusedUrl
        const error = failureOf(yield* drive(getSource().pipe(Effect.provide(clientLayer(url)))))
        assert.strictEqual(error._tag, "ReinferTransportError")
        assert.strictEqual(error._tag === "ReinferTransportError" && error.reason, "ConnectionRefused")
        assert.strictEqual(error.attempts, 4)
      }))

    it.effect("429 with Retry-After in seconds waits that long, then succeeds", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.retryAfter(429, 5), FaultServer.ok({ source }))
        const fiber = yield* Effect.forkChild(getSource().pipe(Effect.provide(clientLayer(server.url))))
        yield* server.awaitRequests(1)
        for (let waited = 0; waited < 49; waited++) {
          yield* nextTurn
          yield* TestClock.adjust("100 millis")
        }
        assert.strictEqual(server.requests.length, 1, "no retry before Retry-After elapsed")
        const exit = yield* drive(Fiber.join(fiber))
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(server.requests.length, 2)
      }).pipe(Effect.scoped))

    it.effect("429 with Retry-After as an HTTP date is honoured", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        // The TestClock starts at the epoch, so the date is 3 seconds after "now".
        server.enqueue(FaultServer.retryAfter(429, new Date(3_000)), FaultServer.ok({ source }))
        const exit = yield* drive(
          Effect.flatMap(ReinferClient, (client) => client.withResponse.getSource({ project: "acme", source: "emails" }))
            .pipe(Effect.provide(clientLayer(server.url)))
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.attempts, 2)
      }).pipe(Effect.scoped))

    it.effect("an operation that is not retry-safe is sent exactly once", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.setFallback(FaultServer.apiError(503, "busy"))
        const exit = yield* drive(
          Effect.flatMap(ReinferClient, (client) =>
            client.advanceStream({
              project: "acme",
              dataset: "support",
              stream: "disputes",
              body: { sequence_id: "qs8QcHIBAADJ1p3W2FtmBB3QiOJsCJlR" }
            })).pipe(Effect.provide(clientLayer(server.url)))
        )
        const error = failureOf(exit)
        assert.strictEqual(error._tag, "ReinferApiError")
        assert.strictEqual(error.attempts, 1)
        assert.strictEqual(server.requests.length, 1)
      }).pipe(Effect.scoped))

    it.effect("a retried DELETE that then gets 404 counts as success", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.apiError(503, "busy"), FaultServer.apiError(404, "Source not found"))
        const exit = yield* drive(
          Effect.flatMap(ReinferClient, (client) => client.deleteSourceById({ sourceId: "18ba5ce699f8da1f" }))
            .pipe(Effect.provide(clientLayer(server.url)))
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(server.requests.length, 2)
      }).pipe(Effect.scoped))

    it.effect("a first-attempt DELETE 404 is an error", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.apiError(404, "Source not found"))
        const exit = yield* drive(
          Effect.flatMap(ReinferClient, (client) => client.deleteSourceById({ sourceId: "18ba5ce699f8da1f" }))
            .pipe(Effect.provide(clientLayer(server.url)))
        )
        assert.strictEqual(failureOf(exit)._tag, "ReinferApiError")
      }).pipe(Effect.scoped))

    it.effect("retry: false and per-call options override the layer", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.setFallback(FaultServer.apiError(503, "busy"))
        const once = failureOf(yield* drive(getSource({ retry: false }).pipe(Effect.provide(clientLayer(server.url)))))
        assert.strictEqual(once.attempts, 1)
        const twice = failureOf(
          yield* drive(getSource({ retry: { maxRetries: 1 } }).pipe(Effect.provide(clientLayer(server.url))))
        )
        assert.strictEqual(twice.attempts, 2)
      }).pipe(Effect.scoped))
  })

  describe("requests", () => {
    it.effect("sends the bearer token, JSON body and user agent; joins paths onto a prefixed base", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.ok({ new: 1, updated: 0, unchanged: 0 }))
        const result = yield* Effect.flatMap(ReinferClient, (client) =>
          client.syncComments({
            project: "acme",
            source: "emails",
            body: {
              comments: [{
                id: "c1",
                timestamp: "2024-01-01T00:00:00Z",
                messages: [{ body: { text: "Hello" } }]
              }]
            }
          })).pipe(Effect.provide(clientLayer(`${server.url}/acme/prod/reinfer_`)))
        assert.strictEqual(result.new, 1)
        const [request] = server.requests
        assert.strictEqual(request?.method, "POST")
        assert.strictEqual(request?.path, "/acme/prod/reinfer_/api/v1/sources/acme/emails/sync")
        assert.strictEqual(request?.headers.authorization, `Bearer ${TOKEN}`)
        assert.strictEqual(request?.headers["content-type"], "application/json")
        assert.match(String(request?.headers["user-agent"]), /^effect-reinfer\//)
        assert.deepStrictEqual(JSON.parse(request?.body ?? ""), {
          comments: [{ id: "c1", timestamp: "2024-01-01T00:00:00Z", messages: [{ body: { text: "Hello" } }] }]
        })
      }).pipe(Effect.scoped))

    it.effect("percent-encodes each path parameter as one segment", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.setFallback(FaultServer.ok({ source }))
        yield* Effect.flatMap(ReinferClient, (client) =>
          Effect.all([
            client.getComment({ project: "acme", source: "emails", commentId: "a/../b?x=1#y" }),
            client.getComment({ project: "acme", source: "emails", commentId: "..", include_markup: true })
          ], { mode: "result" })).pipe(Effect.provide(clientLayer(server.url)))
        const paths = server.requests.map((request) => request.url)
        assert.include(paths[0] ?? "", "/api/v1/sources/acme/emails/comments/a%2F..%2Fb%3Fx%3D1%23y")
        for (const path of paths) assert.notInclude(path, "/comments/../")
      }).pipe(Effect.scoped))

    it.effect("invalid input fails before anything is sent, naming the field", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        const client = yield* Effect.provide(theClient, clientLayer(server.url))
        const unknownField = yield* Effect.flip(
          client.syncComments({
            project: "acme",
            source: "emails",
            body: { comments: [], extra: true } as never
          })
        )
        assert.strictEqual(unknownField._tag, "ReinferRequestError")
        assert.include(unknownField._tag === "ReinferRequestError" ? unknownField.field : "", "body.extra")
        const badType = yield* Effect.flip(
          client.syncComments({
            project: "acme",
            source: "emails",
            body: { comments: [{ id: "c1", timestamp: "x", messages: "nope" }] } as never
          })
        )
        assert.include(badType._tag === "ReinferRequestError" ? badType.field : "", "body.comments[0].messages")
        const unknownParameter = yield* Effect.flip(client.getSource({ project: "a", source: "b", nope: 1 } as never))
        assert.strictEqual(unknownParameter._tag === "ReinferRequestError" && unknownParameter.field, "nope")
        assert.strictEqual(server.requests.length, 0)
      }).pipe(Effect.scoped))

    it.effect("withResponse returns status, headers and Server-Timing", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.ok({ source }, { "server-timing": "total;dur=37.7, db;dur=12;desc=\"query\"" }))
        const response = yield* Effect.flatMap(ReinferClient, (client) =>
          client.withResponse.getSource({ project: "acme", source: "emails" })).pipe(
            Effect.provide(clientLayer(server.url))
          )
        assert.strictEqual(response.status, 200)
        assert.strictEqual(response.data.source.name, "emails")
        assert.deepStrictEqual(response.serverTiming.map((metric) => [metric.name, metric.duration]), [
          ["total", 37.7],
          ["db", 12]
        ])
        assert.strictEqual(response.attempts, 1)
      }).pipe(Effect.scoped))

    it.effect("unknown response fields are kept", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.ok({ source: { ...source, brand_new_field: { nested: [1] } } }))
        const response = yield* Effect.flatMap(ReinferClient, (client) =>
          client.getSource({ project: "acme", source: "emails" })).pipe(Effect.provide(clientLayer(server.url)))
        assert.deepStrictEqual((response.source as Record<string, unknown>)["brand_new_field"], { nested: [1] })
      }).pipe(Effect.scoped))

    it.effect("binary responses come back as bytes", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.custom((_request, response) => {
          response.writeHead(200, { "content-type": "application/pdf", connection: "close" })
          response.end(Buffer.from([0x25, 0x50, 0x44, 0x46]))
        }))
        const bytes = yield* Effect.flatMap(ReinferClient, (client) =>
          client.getAttachment({ attachmentReference: "CjQSEIExTHEq" })).pipe(Effect.provide(clientLayer(server.url)))
        assert.deepStrictEqual(Array.from(bytes), [0x25, 0x50, 0x44, 0x46])
      }).pipe(Effect.scoped))

    it.effect("never sends the Authorization header to another origin on a redirect", () =>
      Effect.gen(function*() {
        const elsewhere = yield* FaultServer.make()
        elsewhere.setFallback(FaultServer.ok({ source }))
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.custom((_request, response) => {
          response.writeHead(302, { location: `${elsewhere.url}/api/v1/sources/acme/emails`, connection: "close" })
          response.end()
        }))
        yield* Effect.exit(getSource({ retry: false }).pipe(Effect.provide(clientLayer(server.url))))
        // fetch follows the redirect (so the other origin is reached) but without the token.
        assert.strictEqual(elsewhere.requests.length, 1)
        assert.isUndefined(elsewhere.requests[0]?.headers.authorization)
        assert.strictEqual(server.requests[0]?.headers.authorization, `Bearer ${TOKEN}`)
      }).pipe(Effect.scoped))
  })

  describe("configuration", () => {
    it.effect("refuses http:// endpoints that are not loopback", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(
          Effect.provide(theClient, ReinferClient.layer({ endpoint: "http://acme.reinfer.io", token: TOKEN }).pipe(
            Layer.provide(FetchHttpClient.layer)
          ))
        )
        assert.isTrue(Exit.isFailure(exit))
        assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "https")
      }))

    it.effect("transformClient wraps the HttpClient every attempt goes through", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.apiError(503, "busy"), FaultServer.ok({ source }))
        const seen: Array<string> = []
        const layer = ReinferClient.layer({
          endpoint: server.url,
          token: TOKEN,
          retry: { baseDelay: "1 millis" },
          transformClient: (client) =>
            client.pipe(
              HttpClient.mapRequest(HttpClientRequest.setHeader("x-tenant-region", "eu")),
              HttpClient.tapRequest((request) => Effect.sync(() => seen.push(request.method)))
            )
        }).pipe(Layer.provide(FetchHttpClient.layer))
        const exit = yield* drive(getSource().pipe(Effect.provide(layer)))
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(seen, ["GET", "GET"])
        assert.deepStrictEqual(server.requests.map((request) => request.headers["x-tenant-region"]), ["eu", "eu"])
        const refused = yield* Effect.exit(Layer.build(
          ReinferClient.layer({ endpoint: server.url, token: TOKEN, transformClient: "nope" as never }).pipe(
            Layer.provide(FetchHttpClient.layer)
          )
        ))
        assert.include(String(Exit.isFailure(refused) ? refused.cause : ""), "transformClient")
      }).pipe(Effect.scoped))

    it.effect("ReinferClient.make gives the service value; Default is layerConfigFetch", () =>
      Effect.gen(function*() {
        const client = yield* ReinferClient.make({ endpoint: "https://acme.reinfer.io/prefix", token: TOKEN }).pipe(
          Effect.provide(FetchHttpClient.layer)
        )
        assert.strictEqual(client.endpoint.href, "https://acme.reinfer.io/prefix")
        assert.strictEqual(typeof client.listSources, "function")
        assert.strictEqual(ReinferClient.Default, ReinferClient.layerConfigFetch)
      }))

    it.effect("layerConfig reads REINFER_ENDPOINT and REINFER_TOKEN", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.ok({ source }))
        yield* getSource().pipe(
          Effect.provide(ReinferClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
          Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({
            REINFER_ENDPOINT: server.url,
            REINFER_TOKEN: TOKEN
          })))
        )
        assert.strictEqual(server.requests[0]?.headers.authorization, `Bearer ${TOKEN}`)
      }).pipe(Effect.scoped))
  })

  describe("tracing", () => {
    it.effect("one span per call and one client span per attempt, with Server-Timing and resend count", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        server.enqueue(
          FaultServer.apiError(503, "busy", { "server-timing": "total;dur=5" }),
          FaultServer.ok({ source }, { "server-timing": "total;dur=37.7" })
        )
        const tracing = TestTracing.make()
        const exit = yield* drive(
          getSource().pipe(Effect.provide(clientLayer(server.url)), Effect.provide(tracing.layer))
        )
        assert.isTrue(Exit.isSuccess(exit))
        const spans = tracing.spans()
        const call = spans.find((span) => span.name === "ReinferClient.getSource")
        const attempts = spans.filter((span) => span.name === "GET /api/v1/sources/{project}/{source}")
        assert.isDefined(call)
        assert.strictEqual(attempts.length, 2)
        for (const attempt of attempts) {
          assert.strictEqual(attempt.parentSpanContext?.spanId, call?.spanContext().spanId)
          assert.strictEqual(attempt.attributes["url.template"], "/api/v1/sources/{project}/{source}")
          assert.strictEqual(attempt.attributes["http.request.method"], "GET")
          assert.strictEqual(attempt.attributes["server.address"], "127.0.0.1")
        }
        assert.strictEqual(attempts[0]?.attributes["http.response.status_code"], 503)
        assert.strictEqual(attempts[0]?.attributes["reinfer.server_timing.total"], 5)
        assert.isUndefined(attempts[0]?.attributes["http.request.resend_count"])
        assert.strictEqual(attempts[1]?.attributes["http.request.resend_count"], 1)
        assert.strictEqual(attempts[1]?.attributes["reinfer.server_timing.total"], 37.7)
        assert.strictEqual(call?.attributes["reinfer.server_timing.total"], 37.7)
        // The attempt span is what the server sees as the parent of its work.
        const traceparent = String(server.requests[1]?.headers.traceparent)
        assert.include(traceparent, attempts[1]?.spanContext().spanId ?? "missing")
      }).pipe(Effect.scoped))
  })

  describe("secrets", () => {
    it.effect("the token appears in no error, log line or span", () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make()
        // The server even echoes the token back, as a misbehaving proxy might.
        server.enqueue(
          FaultServer.apiError(400, `bad token ${TOKEN}`),
          FaultServer.html(502, `<html><body>upstream said Bearer ${TOKEN}</body></html>`),
          FaultServer.text(500, `Authorization: Bearer ${TOKEN}`),
          FaultServer.ok({ source: { ...source, name: 42 } }),
          FaultServer.reset()
        )
        const logs = LogCapture.make()
        const tracing = TestTracing.make()
        const errors: Array<ReinferError> = []
        for (let index = 0; index < 5; index++) {
          const exit = yield* drive(
            getSource({ retry: false }).pipe(
              Effect.provide(clientLayer(server.url)),
              Effect.provide(tracing.layer),
              Effect.provide(logs.layer)
            )
          )
          const error = failureOf(exit)
          errors.push(error)
          yield* Effect.logError("call failed", error)
        }
        const refused = yield* FaultServer.makeRefusedUrl
        errors.push(failureOf(yield* drive(getSource({ retry: false }).pipe(Effect.provide(clientLayer(refused))))))
        assert.strictEqual(errors.length, 6)
        const texts = [
          ...errors.flatMap((error) => [error.message, String(error), JSON.stringify(error), String(error.stack)]),
          ...logs.lines,
          ...tracing.spans().map((span) => JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status }))
        ]
        for (const text of texts) assert.notInclude(text, TOKEN)
        assert.isAbove(logs.lines.length, 0)
        assert.strictEqual(Redacted.isRedacted(Redacted.make(TOKEN)), true)
      }).pipe(Effect.scoped))
  })
})
