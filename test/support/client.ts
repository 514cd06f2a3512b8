/**
 * The client layers tests share: one over a real socket (`overFetch`, for the suites where the wire is the point),
 * one over an in-memory transport that records each request and answers from a script (`scripted`), one over any
 * in-memory `HttpClient` (`overHttpClient`), and one over the in-process sandbox (`overSandbox`); and a sandbox
 * seeded with a stream to read (`sandboxWithStream`).
 *
 * Every layer dies on bad options (`Layer.orDie`): a test's options are fixed, so a config error there is a bug in
 * the test.
 *
 * **Example**
 *
 * ```ts
 * const { layer, sent } = TestClient.scripted([TestClient.json(200, { status: "ok", sources: [] })])
 * yield* Effect.flatMap(ReinferClient, (client) => client.listSources()).pipe(Effect.provide(layer))
 * assert.strictEqual(sent[0]?.url, "https://acme.reinfer.io/api/v1/sources")
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { FetchHttpClient, HttpClient, type HttpClientRequest, HttpClientResponse } from "effect/http"
import * as BulkSync from "../../src/bulk-sync.ts"
import { ReinferClient } from "../../src/client.ts"
import type { ReinferOptions } from "../../src/config.ts"
import * as Sandbox from "../../src/sandbox/index.ts"

/**
 * The token the shared layers use.
 *
 * @category constants
 * @since 0.1.0
 */
export const TOKEN = "test-token-0123456789abcdef"

/**
 * Options of a test layer: every `ReinferOptions` field but the endpoint, which each layer sets.
 *
 * @category models
 * @since 0.1.0
 */
export type TestOptions = Partial<Omit<ReinferOptions, "endpoint">>

/**
 * A client over `fetch`, for an endpoint on a loopback server the test started.
 *
 * @category layers
 * @since 0.1.0
 */
export const overFetch = (endpoint: string, options: TestOptions = {}): Layer.Layer<ReinferClient> =>
  ReinferClient.layer({ endpoint, token: TOKEN, timeout: "5 seconds", ...options }).pipe(
    Layer.provide(FetchHttpClient.layer),
    Layer.orDie
  )

/**
 * A client over the in-process sandbox (no socket).
 *
 * @category layers
 * @since 0.1.0
 */
export const overSandbox = (sandbox: Sandbox.Sandbox, options: TestOptions = {}): Layer.Layer<ReinferClient> =>
  ReinferClient.layer({ endpoint: `${Sandbox.IN_PROCESS_URL}${sandbox.basePath}`, token: sandbox.token, ...options })
    .pipe(Layer.provide(Sandbox.layerFrom(sandbox)), Layer.orDie)

/**
 * A client over an `HttpClient` the test made (an in-memory fake), at a fixed endpoint.
 *
 * @category layers
 * @since 0.1.0
 */
export const overHttpClient = (
  http: HttpClient.HttpClient,
  options: TestOptions & { readonly endpoint?: string } = {}
): Layer.Layer<ReinferClient> => {
  const { endpoint = "https://acme.reinfer.io", ...rest } = options
  return ReinferClient.layer({ endpoint, token: TOKEN, ...rest }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, http)),
    Layer.orDie
  )
}

/**
 * One request as the scripted transport received it.
 *
 * @category models
 * @since 0.1.0
 */
export interface SentRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** The body as text (`""` for none; multipart bodies are not decoded). */
  readonly body: string
}

/**
 * How the scripted transport answers one request.
 *
 * @category models
 * @since 0.1.0
 */
export type Answer = (request: HttpClientRequest.HttpClientRequest) => Response

/**
 * A JSON answer.
 *
 * @category constructors
 * @since 0.1.0
 */
export const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Answer => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

/**
 * A client over an in-memory transport: the n-th request gets the n-th answer (the last one once the script runs
 * out), and every request is recorded in `sent`.
 *
 * @category layers
 * @since 0.1.0
 */
export const scripted = (
  answers: ReadonlyArray<Answer>,
  options: TestOptions & { readonly endpoint?: string } = {}
): { readonly layer: Layer.Layer<ReinferClient>; readonly sent: ReadonlyArray<SentRequest> } => {
  const sent: Array<SentRequest> = []
  const http = HttpClient.make((request) =>
    Effect.sync(() => {
      sent.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      })
      const answer = answers[Math.min(sent.length, answers.length) - 1]
      return HttpClientResponse.fromWeb(request, answer === undefined ? new Response(null, { status: 599 }) : answer(request))
    })
  )
  return { layer: overHttpClient(http, options), sent }
}

/**
 * An in-process sandbox with project acme, source acme/emails holding `comments`, dataset acme/support over it and
 * stream acme/support/urgent, for the suites that read a stream.
 *
 * @category constructors
 * @since 0.1.0
 */
export const sandboxWithStream = (options: {
  readonly sourceTitle: string
  readonly comments: ReadonlyArray<BulkSync.NewComment>
}): Effect.Effect<Sandbox.Sandbox> =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox.make({ projects: ["acme"] })
    yield* Effect.gen(function*() {
      const client = yield* ReinferClient
      yield* client.createSource({ project: "acme", source: "emails", body: { source: { title: options.sourceTitle } } })
      const { source } = yield* client.getSource({ project: "acme", source: "emails" })
      yield* client.createDataset({ project: "acme", dataset: "support", body: { dataset: { source_ids: [source.id] } } })
      yield* client.createStream({ project: "acme", dataset: "support", body: { stream: { name: "urgent" } } })
      yield* BulkSync.syncCommentsBulk({ project: "acme", source: "emails", comments: options.comments })
    }).pipe(Effect.orDie, Effect.provide(overSandbox(sandbox)))
    return sandbox
  })
