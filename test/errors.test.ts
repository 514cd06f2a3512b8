/**
 * Tests of the error types: their messages, tags, JSON, the guard, the transport-failure classification (on
 * synthetic causes and on real fetch failures), schema-issue summaries, and that no token leaks through any of
 * the ways an error gets printed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Redacted, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientError, HttpClientRequest } from "effect/http"
import { inspect } from "node:util"
import {
  formatMessage,
  formatPath,
  isReinferError,
  ReinferPaginationError,
  ReinferErrorTypeId,
  ReinferApiError,
  ReinferConfigError,
  ReinferDecodeError,
  type ReinferError,
  type ReinferErrorContext,
  ReinferRequestError,
  ReinferTransportError,
  ReinferUnexpectedResponse,
  type TransportReason
} from "../src/errors.ts"
import { redactText, redactUrl } from "../src/internal/redact.ts"
import { summarizeSchemaError } from "../src/internal/schema-issues.ts"
import { classifyTransportError, describeTransportError } from "../src/internal/transport-failure.ts"
import * as FaultServer from "./support/fault-server.ts"

const TOKEN = "tok-3b1f0c9a8d7e6f5a4b3c2d1e"

const context: ReinferErrorContext = {
  operationId: "getDataset",
  method: "GET",
  url: "https://acme.reinfer.io/api/v1/datasets/acme/support",
  route: "/api/v1/datasets/{owner}/{dataset_name}",
  attempts: 1
}

const apiError = new ReinferApiError({ ...context, status: 404, serverMessage: "Dataset not found", serverTiming: [] })

const everyError: ReadonlyArray<ReinferError> = [
  new ReinferTransportError({ ...context, reason: "ConnectionRefused", detail: "connect ECONNREFUSED 127.0.0.1:1" }),
  apiError,
  new ReinferUnexpectedResponse({
    ...context,
    status: 502,
    contentType: "text/html",
    reason: "HtmlPage",
    excerpt: "<html><title>502 Bad Gateway</title>",
    serverTiming: []
  }),
  new ReinferDecodeError({ ...context, status: 200, path: ["dataset", "name"], issue: "Expected string, got 3" }),
  new ReinferRequestError({
    ...context,
    url: "https://acme.reinfer.io/api/v1/datasets/{project}/{dataset}",
    attempts: 0,
    field: "dataset",
    issue: "must not be \"..\""
  }),
  new ReinferPaginationError({
    ...context,
    operationId: "queryDataset",
    method: "POST",
    url: "https://acme.reinfer.io/api/v1/datasets/acme/support/query",
    route: "/api/v1/datasets/{project}/{dataset}/query",
    cursorField: "continuation",
    cursor: "c2",
    page: 2,
    items: 64
  })
]

/** A Node-style error with a `code`, optionally wrapped the way fetch wraps it. */
const nodeError = (code: string, message = code): Error => Object.assign(new Error(message), { code })
const fetchFailed = (cause: unknown): TypeError => new TypeError("fetch failed", { cause })

describe("Errors", () => {
  describe("messages", () => {
    it("say what happened, then where", () => {
      assert.deepStrictEqual(everyError.map((error) => error.message), [
        "Connection refused: connect ECONNREFUSED 127.0.0.1:1 (GET https://acme.reinfer.io/api/v1/datasets/acme/support, getDataset)",
        "Dataset not found (404 GET /api/v1/datasets/acme/support, getDataset)",
        "Not a Re:infer response, HTML page: \"<html><title>502 Bad Gateway</title>\" (502 GET /api/v1/datasets/acme/support, getDataset)",
        "Response did not match the schema: Expected string, got 3 at dataset.name (200 GET /api/v1/datasets/acme/support, getDataset)",
        "Invalid input dataset: must not be \"..\" (GET https://acme.reinfer.io/api/v1/datasets/{project}/{dataset}, getDataset, nothing was sent)",
        "Cursor did not advance: continuation \"c2\" came back unchanged after 64 items (page 2, POST /api/v1/datasets/acme/support/query, queryDataset)"
      ])
    })

    it("prefix the tag in String(error), as Error does", () => {
      assert.strictEqual(
        String(apiError),
        "ReinferApiError: Dataset not found (404 GET /api/v1/datasets/acme/support, getDataset)"
      )
      assert.strictEqual(apiError.name, "ReinferApiError")
      assert.strictEqual(formatMessage(apiError), apiError.message)
    })

    it("count attempts once there was more than one, and fill in a missing server message", () => {
      const error = new ReinferApiError({ ...context, attempts: 4, status: 503, serverMessage: undefined, serverTiming: [] })
      assert.strictEqual(
        error.message,
        "Re:infer returned an error without a message (503 GET /api/v1/datasets/acme/support, getDataset, 4 attempts)"
      )
    })

    it("name the transport reason when there is no detail", () => {
      const reasons: ReadonlyArray<readonly [TransportReason, string]> = [
        ["ConnectionRefused", "Connection refused"],
        ["ConnectionReset", "Connection reset"],
        ["DnsLookupFailed", "DNS lookup failed"],
        ["TlsFailure", "TLS failure"],
        ["Timeout", "Timed out"],
        ["Aborted", "Aborted"],
        ["Unknown", "No response"]
      ]
      for (const [reason, text] of reasons) {
        assert.strictEqual(
          new ReinferTransportError({ ...context, reason }).message,
          `${text} (GET https://acme.reinfer.io/api/v1/datasets/acme/support, getDataset)`
        )
      }
    })

    it("shorten a long excerpt in the message but keep it whole in the field", () => {
      const excerpt = "x".repeat(200)
      const error = new ReinferUnexpectedResponse({
        ...context,
        status: 503,
        contentType: "text/plain",
        reason: "NotJson",
        excerpt,
        serverTiming: []
      })
      assert.strictEqual(error.excerpt, excerpt)
      assert.include(error.message, `"${"x".repeat(79)}…"`)
      assert.notInclude(error.message, "x".repeat(81))
    })

    it("redact an echoed Bearer credential even when the caller forgot to", () => {
      const error = new ReinferApiError({ ...context, status: 401, serverMessage: `Rejected Bearer ${TOKEN}`, serverTiming: [] })
      assert.strictEqual(error.message, "Rejected Bearer <redacted> (401 GET /api/v1/datasets/acme/support, getDataset)")
    })

    it("word a configuration error by its setting", () => {
      const error = new ReinferConfigError({ setting: "endpoint", issue: "must use https, got ftp:" })
      assert.strictEqual(String(error), "ReinferConfigError: Invalid endpoint: must use https, got ftp:")
    })
  })

  describe("handling", () => {
    it.effect("each is yieldable and caught by its tag", () =>
      Effect.gen(function*() {
        for (const error of everyError) {
          const caught = yield* Effect.fail(error).pipe(
            Effect.catchTags({
              ReinferTransportError: (e) => Effect.succeed(e._tag),
              ReinferApiError: (e) => Effect.succeed(e._tag),
              ReinferUnexpectedResponse: (e) => Effect.succeed(e._tag),
              ReinferDecodeError: (e) => Effect.succeed(e._tag),
              ReinferRequestError: (e) => Effect.succeed(e._tag),
              ReinferPaginationError: (e) => Effect.succeed(e._tag)
            })
          )
          assert.strictEqual(caught, error._tag)
        }
        const status = yield* Effect.gen(function*() {
          return yield* apiError
        }).pipe(Effect.catchTag("ReinferApiError", (error) => Effect.succeed(error.status)))
        assert.strictEqual(status, 404)
      }))

    it("isReinferError recognises the family by its ReinferErrorTypeId, and nothing else", () => {
      for (const error of everyError) {
        assert.isTrue(isReinferError(error), error._tag)
        // The mark lives on the prototype: it is not a field, so it stays out of JSON and of equality.
        assert.notProperty(JSON.parse(JSON.stringify(error)), ReinferErrorTypeId)
        assert.isFalse(Object.hasOwn(error, ReinferErrorTypeId))
      }
      assert.isFalse(isReinferError(new ReinferConfigError({ setting: "token", issue: "must not be empty" })))
      assert.isFalse(isReinferError(new Error("x")))
      assert.isFalse(isReinferError({ _tag: "ReinferApiError", status: 404 }))
      assert.isTrue(isReinferError({ [ReinferErrorTypeId]: ReinferErrorTypeId }), "a copy of the module from another bundle marks it the same")
      assert.isFalse(isReinferError(undefined))
    })

    it("never confuses an unexpected response with an API error", () => {
      const unexpected = everyError[2]!
      assert.isFalse(unexpected instanceof ReinferApiError)
      assert.strictEqual(unexpected._tag, "ReinferUnexpectedResponse")
    })
  })

  describe("toJSON", () => {
    it("gives the tag, the message and the fields, with retryAfter in milliseconds and no cause", () => {
      const error = new ReinferApiError({
        ...context,
        status: 429,
        serverMessage: "Slow down",
        serverTiming: [{ name: "total", duration: 3, description: undefined }],
        retryAfter: Duration.seconds(5)
      })
      assert.deepStrictEqual(JSON.parse(JSON.stringify(error)), {
        _tag: "ReinferApiError",
        message: "Slow down (429 GET /api/v1/datasets/acme/support, getDataset)",
        ...context,
        status: 429,
        serverMessage: "Slow down",
        serverTiming: [{ name: "total", duration: 3 }],
        retryAfter: 5000
      })
      const transport = new ReinferTransportError({ ...context, reason: "Timeout", cause: new Error("inner") })
      assert.notProperty(JSON.parse(JSON.stringify(transport)), "cause")
      assert.instanceOf(transport.cause, Error)
    })
  })

  describe("classifyTransportError", () => {
    it("reads Node and undici error codes", () => {
      const cases: ReadonlyArray<readonly [string, TransportReason]> = [
        ["ECONNREFUSED", "ConnectionRefused"],
        ["EHOSTUNREACH", "ConnectionRefused"],
        ["ECONNRESET", "ConnectionReset"],
        ["EPIPE", "ConnectionReset"],
        ["UND_ERR_SOCKET", "ConnectionReset"],
        ["ENOTFOUND", "DnsLookupFailed"],
        ["EAI_AGAIN", "DnsLookupFailed"],
        ["CERT_HAS_EXPIRED", "TlsFailure"],
        ["DEPTH_ZERO_SELF_SIGNED_CERT", "TlsFailure"],
        ["SELF_SIGNED_CERT_IN_CHAIN", "TlsFailure"],
        ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "TlsFailure"],
        ["ERR_TLS_CERT_ALTNAME_INVALID", "TlsFailure"],
        ["ERR_SSL_WRONG_VERSION_NUMBER", "TlsFailure"],
        ["ETIMEDOUT", "Timeout"],
        ["UND_ERR_CONNECT_TIMEOUT", "Timeout"],
        ["UND_ERR_HEADERS_TIMEOUT", "Timeout"],
        ["UND_ERR_ABORTED", "Aborted"],
        ["EWHATEVER", "Unknown"]
      ]
      for (const [code, reason] of cases) {
        assert.strictEqual(classifyTransportError(nodeError(code)), reason, code)
        assert.strictEqual(classifyTransportError(fetchFailed(nodeError(code))), reason, `fetch failed: ${code}`)
      }
    })

    it("looks inside an HttpClientError, fetch's TypeError and an AggregateError", () => {
      const request = HttpClientRequest.get("https://acme.reinfer.io/api/v1/sources")
      const wrapped = new HttpClientError.HttpClientError({
        reason: new HttpClientError.TransportError({
          request,
          cause: fetchFailed(new AggregateError([nodeError("ECONNREFUSED"), nodeError("ECONNREFUSED")], ""))
        })
      })
      assert.strictEqual(classifyTransportError(wrapped), "ConnectionRefused")
    })

    it("recognises timeouts and aborts by their kind", () => {
      assert.strictEqual(classifyTransportError(new Cause.TimeoutError("Operation timed out")), "Timeout")
      assert.strictEqual(classifyTransportError(new DOMException("The operation was aborted", "AbortError")), "Aborted")
      assert.strictEqual(classifyTransportError(new DOMException("signal timed out", "TimeoutError")), "Timeout")
    })

    it("says Unknown for anything else, without throwing", () => {
      for (const cause of [undefined, null, "text", 42, {}, new Error("odd"), fetchFailed(new Error("bad port"))]) {
        assert.strictEqual(classifyTransportError(cause), "Unknown")
      }
      const cyclic: { cause?: unknown } = {}
      cyclic.cause = cyclic
      assert.strictEqual(classifyTransportError(cyclic), "Unknown")
    })

    it.effect("classifies real fetch failures: refused and reset connections", () =>
      Effect.gen(function*() {
        const refusedUrl = yield* FaultServer.makeRefusedUrl
        const refused = yield* HttpClient.get(`${refusedUrl}/api/v1/sources`).pipe(Effect.flip)
        assert.strictEqual(classifyTransportError(refused), "ConnectionRefused")
        assert.match(describeTransportError(refused) ?? "", /ECONNREFUSED/)

        const server = yield* FaultServer.make()
        server.enqueue(FaultServer.reset())
        const reset = yield* HttpClient.get(`${server.url}/api/v1/sources`).pipe(Effect.flip)
        assert.strictEqual(classifyTransportError(reset), "ConnectionReset")
      }).pipe(Effect.provide(FetchHttpClient.layer), Effect.scoped))
  })

  describe("describeTransportError", () => {
    it("gives the most specific message, not fetch's generic one", () => {
      assert.strictEqual(
        describeTransportError(fetchFailed(nodeError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"))),
        "connect ECONNREFUSED 127.0.0.1:9"
      )
      assert.isUndefined(describeTransportError(fetchFailed(undefined)))
    })

    it("redacts Bearer credentials and the given secrets", () => {
      const cause = fetchFailed(nodeError("ECONNRESET", `reset after Bearer abc123 and ${TOKEN}`))
      assert.strictEqual(describeTransportError(cause, [Redacted.make(TOKEN)]), "reset after Bearer <redacted> and <redacted>")
    })

    it("never repeats the text of an HttpClientError, which holds the URL with its query", () => {
      const request = HttpClientRequest.get(`https://acme.reinfer.io/x?access_token=${TOKEN}`)
      const error = new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request }) })
      assert.isUndefined(describeTransportError(error))
    })
  })

  describe("schema issues", () => {
    it("summarise a SchemaError as paths and messages", () => {
      const Response = Schema.Struct({
        status: Schema.Literal("ok"),
        dataset: Schema.Struct({ name: Schema.String, labels: Schema.Array(Schema.String) })
      })
      const exit = Schema.decodeUnknownExit(Response)({ status: "ok", dataset: { name: 3, labels: ["a", 1] } }, {
        errors: "all"
      })
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isSuccess(exit)) return
      const error = Cause.squash(exit.cause)
      assert.isTrue(Schema.isSchemaError(error))
      if (!Schema.isSchemaError(error)) return
      const issues = summarizeSchemaError(error)
      assert.deepStrictEqual(issues.map((issue) => issue.path), [["dataset", "name"], ["dataset", "labels", 1]])
      for (const issue of issues) assert.match(issue.message, /Expected string/)
    })

    it("write paths the way a reader expects", () => {
      assert.strictEqual(formatPath(["sources", 3, "name"]), "sources[3].name")
      assert.strictEqual(formatPath(["user_properties", "string:Sender Domain"]), "user_properties[\"string:Sender Domain\"]")
      assert.strictEqual(formatPath([0]), "[0]")
      assert.strictEqual(formatPath([]), "")
    })
  })

  describe("secrets", () => {
    it.effect("an error built the documented way never shows the token, however it is printed", () =>
      Effect.gen(function*() {
        const url = `https://user:${TOKEN}@acme.reinfer.io/api/v1/sources?api_key=${TOKEN}&limit=5`
        const request = HttpClientRequest.get(url).pipe(HttpClientRequest.bearerToken(Redacted.make(TOKEN)))
        const cause = new HttpClientError.HttpClientError({
          reason: new HttpClientError.TransportError({
            request,
            cause: fetchFailed(nodeError("ECONNRESET", `read ECONNRESET while sending Bearer ${TOKEN}`))
          })
        })
        const secrets = [Redacted.make(TOKEN)]
        const detail = describeTransportError(cause, secrets)
        const errors: ReadonlyArray<ReinferError> = [
          new ReinferTransportError({
            operationId: "listSources",
            method: "GET",
            url: redactUrl(url, secrets),
            route: "/api/v1/sources",
            attempts: 2,
            reason: classifyTransportError(cause),
            detail
          }),
          new ReinferApiError({
            operationId: "listSources",
            method: "GET",
            url: redactUrl(url, secrets),
            route: "/api/v1/sources",
            attempts: 1,
            status: 401,
            serverMessage: redactText(`token ${TOKEN} is not valid`, secrets),
            serverTiming: []
          })
        ]
        for (const error of errors) {
          const exit = yield* Effect.exit(Effect.fail(error))
          const printed = [
            error.message,
            String(error),
            JSON.stringify(error),
            inspect(error, { depth: 10 }),
            Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
          ]
          for (const text of printed) assert.notInclude(text, TOKEN)
        }
        assert.strictEqual(errors[0]!.url, "https://acme.reinfer.io/api/v1/sources?api_key=REDACTED&limit=5")
        assert.strictEqual(
          errors[0]!.message,
          "Connection reset: read ECONNRESET while sending Bearer <redacted> (GET https://acme.reinfer.io/api/v1/sources, listSources, 2 attempts)"
        )
      }))
  })
})
