/**
 * Tests of the test support code itself: the fault server, the in-memory tracer, the log capture and the token scan.
 *
 * Nothing here sleeps: a hanging request is observed through `waitForRequests`, then aborted.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Cause, Effect, Exit, Redacted } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { once } from "node:events"
import * as http from "node:http"
import type { Socket } from "node:net"
import * as FaultServer from "./support/fault-server.ts"
import * as LogCapture from "./support/log-capture.ts"
import * as TokenScan from "./support/token-scan.ts"
import * as Tracing from "./support/tracing.ts"

/** Runs `f` against a fresh server and always closes it. */
const withServer = async <A>(f: (server: FaultServer.FaultServer) => Promise<A>): Promise<A> => {
  const server = await FaultServer.start()
  try {
    return await f(server)
  } finally {
    await server.close()
  }
}

/** The rejection of `promise` (fails the test if it resolves), with undici's `cause.code` when present. */
const rejection = async (promise: Promise<unknown>): Promise<{ readonly error: Error; readonly code: string | undefined }> => {
  try {
    await promise
  } catch (error) {
    assert.instanceOf(error, Error)
    const cause = (error as { cause?: { code?: unknown } }).cause
    return { error, code: typeof cause?.code === "string" ? cause.code : undefined }
  }
  return assert.fail("expected the promise to reject")
}

describe("FaultServer", () => {
  it("records method, raw path and query, headers and body", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.ok({ echoed: true }))
      const response = await fetch(`${server.url}/api/v1/sources/acme/a%2Fb/sync?id=x%20y&id=z`, {
        method: "POST",
        headers: { authorization: "Bearer t0ken", "content-type": "application/json", "X-Custom": "1" },
        body: JSON.stringify({ comments: [] })
      })
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(await response.json(), { status: "ok", echoed: true })
      assert.strictEqual(server.requests.length, 1)
      const [recorded] = server.requests
      assert.strictEqual(recorded?.index, 0)
      assert.strictEqual(recorded?.method, "POST")
      assert.strictEqual(recorded?.url, "/api/v1/sources/acme/a%2Fb/sync?id=x%20y&id=z")
      assert.strictEqual(recorded?.path, "/api/v1/sources/acme/a%2Fb/sync")
      assert.strictEqual(recorded?.search, "id=x%20y&id=z")
      assert.deepStrictEqual(recorded?.query.getAll("id"), ["x y", "z"])
      assert.strictEqual(recorded?.headers["authorization"], "Bearer t0ken")
      assert.strictEqual(recorded?.headers["x-custom"], "1")
      assert.strictEqual(recorded?.body, `{"comments":[]}`)
      assert.deepStrictEqual([...(recorded?.bodyBytes ?? [])], [...Buffer.from(`{"comments":[]}`)])
    }))

  it("json: status, body, extra headers such as Server-Timing, and connection: close", () =>
    withServer(async (server) => {
      server.enqueue(
        FaultServer.json(200, { status: "ok", sources: [] }, { "Server-Timing": "total;dur=37.7" }),
        FaultServer.apiError(404, "Source not found"),
        FaultServer.apiError(500)
      )
      const first = await fetch(`${server.url}/a`)
      assert.strictEqual(first.headers.get("server-timing"), "total;dur=37.7")
      assert.strictEqual(first.headers.get("content-type"), "application/json")
      assert.strictEqual(first.headers.get("connection"), "close")
      assert.deepStrictEqual(await first.json(), { status: "ok", sources: [] })

      const second = await fetch(`${server.url}/b`)
      assert.strictEqual(second.status, 404)
      assert.deepStrictEqual(await second.json(), { status: "error", message: "Source not found" })

      const third = await fetch(`${server.url}/c`)
      assert.strictEqual(third.status, 500)
      assert.deepStrictEqual(await third.json(), { status: "error" })
      assert.strictEqual(server.pending(), 0)
    }))

  it("every request arrives on a new connection, so a pooled client cannot carry one across a fault", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.ok(), FaultServer.ok(), FaultServer.reset(), FaultServer.ok())
      await (await fetch(`${server.url}/1`)).text()
      await (await fetch(`${server.url}/2`)).text()
      await rejection(fetch(`${server.url}/3`))
      await (await fetch(`${server.url}/4`)).text()
      const ports = server.requests.map((request) => request.remotePort)
      assert.strictEqual(new Set(ports).size, 4)
    }))

  it("enqueue closes idle keep-alive connections left by a custom behaviour", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.custom((_request, response) => {
        response.setHeader("connection", "keep-alive")
        response.writeHead(200, { "content-type": "text/plain" })
        response.end("kept alive")
      }))
      // A keep-alive agent shows the client's side of the socket deterministically (no timing involved).
      const agent = new http.Agent({ keepAlive: true })
      try {
        const { connection, socket } = await new Promise<{ connection: unknown; socket: Socket }>((resolve, reject) => {
          http.get(`${server.url}/keep`, { agent }, (response) => {
            const socket = response.socket // detached from the response once it ends
            response.resume()
            response.on("end", () => resolve({ connection: response.headers["connection"], socket }))
          }).on("error", reject)
        })
        assert.strictEqual(connection, "keep-alive")
        assert.isFalse(socket.destroyed)
        const closed = once(socket, "close")
        server.enqueue(FaultServer.ok())
        await closed
      } finally {
        agent.destroy()
      }
    }))

  it("retryAfter: delta seconds or an HTTP date", () =>
    withServer(async (server) => {
      const date = new Date(Date.UTC(2026, 10, 28, 12, 0, 5))
      server.enqueue(FaultServer.retryAfter(429, 2), FaultServer.retryAfter(503, date), FaultServer.retryAfter(503, "0"))
      const first = await fetch(server.url)
      assert.strictEqual(first.status, 429)
      assert.strictEqual(first.headers.get("retry-after"), "2")
      assert.deepStrictEqual(await first.json(), { status: "error", message: "Too many requests" })
      const second = await fetch(server.url)
      assert.strictEqual(second.status, 503)
      assert.strictEqual(second.headers.get("retry-after"), "Sat, 28 Nov 2026 12:00:05 GMT")
      await second.text()
      assert.strictEqual((await fetch(server.url)).headers.get("retry-after"), "0")
    }))

  it("html: nginx's 502 page as text/html", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.html(502))
      const response = await fetch(server.url)
      assert.strictEqual(response.status, 502)
      assert.strictEqual(response.headers.get("content-type"), "text/html")
      const page = await response.text()
      assert.include(page, "<title>502 Bad Gateway</title>")
      assert.include(page, "nginx")
    }))

  it("text, malformedJson and empty", () =>
    withServer(async (server) => {
      server.enqueue(
        FaultServer.text(200, "id,name\n1,a\n", "text/csv"),
        FaultServer.malformedJson(200),
        FaultServer.empty(),
        FaultServer.empty(200)
      )
      const csv = await fetch(server.url)
      assert.strictEqual(csv.headers.get("content-type"), "text/csv")
      assert.strictEqual(await csv.text(), "id,name\n1,a\n")

      const malformed = await fetch(server.url)
      assert.strictEqual(malformed.headers.get("content-type"), "application/json")
      const { error } = await rejection(malformed.json())
      assert.instanceOf(error, SyntaxError)

      const noContent = await fetch(server.url)
      assert.strictEqual(noContent.status, 204)
      assert.strictEqual(await noContent.text(), "")

      const emptyOk = await fetch(server.url)
      assert.strictEqual(emptyOk.status, 200)
      assert.strictEqual(await emptyOk.text(), "")
    }))

  it("truncated: headers arrive, then the body ends early", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.truncated(200))
      const response = await fetch(server.url)
      assert.strictEqual(response.status, 200)
      assert.isAbove(Number(response.headers.get("content-length")), 1024)
      const { error } = await rejection(response.text())
      assert.strictEqual(error.message, "terminated")
    }))

  it("reset: the connection drops without a response", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.reset())
      const { error, code } = await rejection(fetch(`${server.url}/reset`, { method: "PUT", body: "{}" }))
      assert.strictEqual(error.message, "fetch failed")
      assert.strictEqual(code, "ECONNRESET")
      assert.strictEqual(server.requests[0]?.body, "{}")
    }))

  it("hang: the request is recorded and never answered until the client aborts", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.hang())
      const controller = new AbortController()
      const pending = fetch(`${server.url}/hang`, { signal: controller.signal })
      const recorded = await server.waitForRequests(1)
      assert.strictEqual(recorded[0]?.path, "/hang")
      controller.abort()
      const { error } = await rejection(pending)
      assert.strictEqual(error.name, "AbortError")
    }))

  it("close() does not wait for a hanging request; the client sees the connection end", async () => {
    const server = await FaultServer.start()
    server.enqueue(FaultServer.hang())
    const pending = fetch(`${server.url}/hang`)
    await server.waitForRequests(1)
    await server.close()
    await server.close() // idempotent
    const { error } = await rejection(pending)
    assert.strictEqual(error.message, "fetch failed")
  })

  it("gate: holds a request until released", () =>
    withServer(async (server) => {
      const gate = FaultServer.gate()
      server.enqueue(gate.behaviour)
      const pending = fetch(`${server.url}/held`)
      const arrived = await gate.arrived
      assert.strictEqual(arrived.path, "/held")
      gate.release(FaultServer.ok({ released: true }))
      assert.deepStrictEqual(await (await pending).json(), { status: "ok", released: true })
    }))

  it("custom and the fallback for unscripted requests", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.custom((request, response) => {
        response.writeHead(201, { "content-type": "text/plain" })
        response.end(`made ${request.method}`)
      }))
      assert.strictEqual(await (await fetch(server.url, { method: "PUT" })).text(), "made PUT")

      const unscripted = await fetch(`${server.url}/nothing?x=1`)
      assert.strictEqual(unscripted.status, 599)
      assert.strictEqual(await unscripted.text(), "fault-server: no scripted response for GET /nothing?x=1")

      server.setFallback(FaultServer.ok({ fallback: true }))
      assert.deepStrictEqual(await (await fetch(server.url)).json(), { status: "ok", fallback: true })
      assert.strictEqual(server.requests.length, 3)
      server.clear()
      assert.strictEqual(server.requests.length, 0)
    }))

  it("a behaviour that throws becomes a 500 instead of a hung request", () =>
    withServer(async (server) => {
      server.enqueue(FaultServer.custom(() => {
        throw new Error("oops")
      }))
      const response = await fetch(server.url)
      assert.strictEqual(response.status, 500)
      assert.include(await response.text(), "oops")
    }))

  it("refusedUrl: nothing listens there", async () => {
    const url = await FaultServer.refusedUrl()
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const { error, code } = await rejection(fetch(`${url}/api/v1/sources`))
    assert.strictEqual(error.message, "fetch failed")
    assert.strictEqual(code, "ECONNREFUSED")
  })

  it.effect("scoped in Effect, with FetchHttpClient", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make()
      server.enqueue(FaultServer.ok({ sources: [] }, { "server-timing": "total;dur=1.5" }), FaultServer.reset())
      const response = yield* HttpClient.get(`${server.url}/api/v1/sources`)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers["server-timing"], "total;dur=1.5")
      assert.deepStrictEqual(yield* response.json, { status: "ok", sources: [] })

      const failure = yield* Effect.flip(HttpClient.get(`${server.url}/api/v1/sources`))
      assert.strictEqual(failure.reason._tag, "TransportError")

      const refused = yield* FaultServer.makeRefusedUrl
      const refusal = yield* Effect.flip(HttpClient.get(refused))
      assert.strictEqual(refusal.reason._tag, "TransportError")

      const requests = yield* server.awaitRequests(2)
      assert.deepStrictEqual(requests.map((request) => `${request.method} ${request.url}`), [
        "GET /api/v1/sources",
        "GET /api/v1/sources"
      ])
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.effect("the scope closes the server", () =>
    Effect.gen(function*() {
      const url = yield* Effect.scoped(Effect.map(FaultServer.make(), (server) => server.url))
      const failure = yield* Effect.flip(HttpClient.get(url))
      assert.strictEqual(failure.reason._tag, "TransportError")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

layer(FaultServer.layer())("FaultServer.layer", (it) => {
  it.effect("provides one server to the whole block", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.Service
      server.enqueue(FaultServer.apiError(404, "Dataset not found"))
      const response = yield* HttpClient.get(`${server.url}/api/v1/datasets/acme/support`)
      assert.strictEqual(response.status, 404)
      assert.deepStrictEqual(yield* response.json, { status: "error", message: "Dataset not found" })
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

describe("Tracing", () => {
  const program = Effect.gen(function*() {
    yield* Effect.void.pipe(Effect.withSpan("attempt 1", { attributes: { "http.response.status_code": 503 } }))
    yield* Effect.void.pipe(Effect.withSpan("attempt 2", { attributes: { "http.response.status_code": 200 } }))
  }).pipe(Effect.withSpan("reinfer.getDataset", { attributes: { "reinfer.operation_id": "getDataset" } }))

  it.effect("captures spans and renders them as a tree; spans survive the provider's shutdown", () =>
    Effect.gen(function*() {
      const tracing = Tracing.make("support-test")
      yield* program.pipe(Effect.provide(tracing.layer))
      // The layer (and its NodeTracerProvider) is shut down by now: the spans must still be there.
      const spans = tracing.spans()
      assert.strictEqual(spans.length, 3)
      assert.strictEqual(spans[0]?.resource.attributes["service.name"], "support-test")
      assert.strictEqual(tracing.tree(), "reinfer.getDataset\n  attempt 1\n  attempt 2")
      assert.strictEqual(
        tracing.tree({ attributes: ["http.response.status_code", "reinfer.operation_id"] }),
        [
          "reinfer.getDataset {reinfer.operation_id=getDataset}",
          "  attempt 1 {http.response.status_code=503}",
          "  attempt 2 {http.response.status_code=200}"
        ].join("\n")
      )
      // The same TestTracing can be provided again (the exporter was not stopped).
      tracing.reset()
      yield* Effect.void.pipe(Effect.withSpan("again"), Effect.provide(tracing.layer))
      assert.strictEqual(tracing.tree(), "again")
    }))

  it.effect("capture: returns the exit and the spans, also for a failure", () =>
    Effect.gen(function*() {
      const { exit, spans } = yield* Tracing.capture(
        Effect.fail("boom").pipe(Effect.withSpan("inner"), Effect.withSpan("outer"))
      )
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(Tracing.spanTree(spans, { status: true }), "outer !error(boom)\n  inner !error(boom)")

      const ok = yield* Tracing.capture(Effect.succeed(42).pipe(Effect.withSpan("answer")))
      assert.deepStrictEqual(ok.exit, Exit.succeed(42))
      assert.strictEqual(Tracing.spanTree(ok.spans), "answer")
    }))

  it.effect("an HTTP client span nests under the caller's span", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make()
      server.enqueue(FaultServer.ok())
      const { exit, spans } = yield* Tracing.capture(
        HttpClient.get(`${server.url}/api/v1/sources`).pipe(Effect.withSpan("reinfer.listSources"))
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(
        Tracing.spanTree(spans, { attributes: ["http.response.status_code"] }),
        "reinfer.listSources\n  GET {http.response.status_code=200}"
      )
      // The tracer propagated the trace context to the server.
      assert.match(String(server.requests[0]?.headers["traceparent"]), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.effect("spanTree: spans whose parent is missing become roots; no spans render as an empty string", () =>
    Effect.gen(function*() {
      const { spans } = yield* Tracing.capture(program)
      const withoutRoot = spans.filter((span) => span.name !== "reinfer.getDataset")
      assert.strictEqual(Tracing.spanTree(withoutRoot), "attempt 1\nattempt 2")
      assert.strictEqual(Tracing.spanTree([]), "")
    }))
})

describe("LogCapture", () => {
  it.effect("captures every line, at every level, with annotations and causes", () =>
    Effect.gen(function*() {
      const logs = LogCapture.make()
      yield* Effect.gen(function*() {
        yield* Effect.logDebug("debug detail", { attempt: 1 })
        yield* Effect.logInfo("calling getDataset").pipe(Effect.annotateLogs("url", "http://x/?token=s3cr3t"))
        yield* Effect.logWarning("token is", Redacted.make("s3cr3t"))
        yield* Effect.fail(new Error("upstream said s3cr3t")).pipe(
          Effect.catchCause((cause) => Effect.logError("call failed", cause))
        )
      }).pipe(Effect.provide(logs.layer))

      assert.deepStrictEqual(logs.entries.map((entry) => entry.level), ["Debug", "Info", "Warn", "Error"])
      assert.include(logs.lines[0], `message="debug detail"`)
      assert.include(logs.lines[0], `attempt`)
      assert.deepStrictEqual(logs.entries[0]?.message, ["debug detail", { attempt: 1 }])
      // The redacted value stays redacted; the annotation and the cause are scanned too.
      assert.include(logs.lines[2], "<redacted>")
      assert.deepStrictEqual(logs.lines.flatMap((line, index) => line.includes("s3cr3t") ? [index] : []), [1, 3])
      // Each event is captured twice, as logfmt and as JSON.
      assert.strictEqual(logs.linesContaining("s3cr3t").length, 4)
      assert.deepStrictEqual(logs.jsonLines.flatMap((line, index) => line.includes("s3cr3t") ? [index] : []), [1, 3])
      assert.strictEqual(JSON.parse(logs.jsonLines[0]!).level, "DEBUG")
      assert.include(logs.entries[3]?.cause, "upstream said s3cr3t")

      logs.clear()
      assert.strictEqual(logs.lines.length, 0)
      assert.strictEqual(logs.jsonLines.length, 0)
    }))

  it.effect("minimumLevel filters what reaches the capture", () =>
    Effect.gen(function*() {
      const logs = LogCapture.make({ minimumLevel: "Warn" })
      yield* Effect.gen(function*() {
        yield* Effect.logInfo("quiet")
        yield* Effect.logWarning("loud")
      }).pipe(Effect.provide(logs.layer))
      assert.strictEqual(logs.lines.length, 1)
      assert.include(logs.lines[0], "loud")
    }))

  it.effect("Cause.pretty of a logged defect is captured", () =>
    Effect.gen(function*() {
      const logs = LogCapture.make()
      yield* Effect.logError("defect", Cause.die("kaboom")).pipe(Effect.provide(logs.layer))
      assert.strictEqual(logs.lines.length, 1)
      assert.include(logs.lines[0], "kaboom")
    }))
})

describe("TokenScan", () => {
  const token = "scan+token/0123456789"

  it("renders an error six ways, its cause included", () => {
    const error = new Error("outer", { cause: new Error(`inner ${token}`) })
    const renderings = TokenScan.renderings(error)
    assert.deepStrictEqual(renderings.map((rendering) => rendering.how), [
      "message",
      "String",
      "JSON.stringify",
      "stack",
      "util.inspect",
      "Cause.pretty"
    ])
    // Only util.inspect prints the cause chain: exactly the rendering a message-only scan would miss.
    const leaking = renderings.filter((rendering) => TokenScan.occurrences([rendering.text], token).length > 0)
    assert.includeMembers(leaking.map((rendering) => rendering.how), ["util.inspect"])
    assert.notInclude(leaking.map((rendering) => rendering.how), "message")
  })

  it("finds the token plain and percent-encoded, each occurrence masked in its excerpt", () => {
    const found = TokenScan.occurrences([`a ${token} b ${token}`, `url?key=${encodeURIComponent(token)}`, "clean"], token)
    assert.strictEqual(found.length, 3)
    for (const excerpt of found) {
      assert.include(excerpt, "<TOKEN>")
      assert.notInclude(excerpt, token)
    }
    assert.deepStrictEqual(TokenScan.occurrences(["nothing here"], token), [])
  })
})
