/**
 * `effect-reinfer/sandbox`: an in-memory, stateful Re:infer server built on the same contract as the client.
 *
 * Two ways to run it, one handler behind both:
 * - `startSandbox({ port? })` serves it over HTTP on a loopback port (also `npm run sandbox`), for
 *   integration tests, demos and other languages' clients;
 * - `layer(options)` is a `Layer<HttpClient>` that answers `ReinferClient`'s requests in process, with no
 *   socket at all, for users' own unit tests (it works under the TestClock, latency faults included).
 *
 * Every request is validated against `openapi/reinfer.yaml` (through the generated operation table) and
 * every response is encoded through the operation's response schema. Requests need
 * `Authorization: Bearer <token>` (default token `sandbox-token`). See store.ts for what is stateful,
 * predictions.ts for the deterministic "model", and faults.ts for the fault knobs.
 *
 * @since 0.1.0
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import { operations } from "../../generated/operations.ts"
import { type FaultController, type FaultOptions, makeFaultController } from "./faults.ts"
import {
  makeRequestHandler,
  normalizeBasePath,
  type SandboxOperation,
  type SandboxRequest,
  type SandboxResponse
} from "./handler.ts"
import { routes } from "./routes.ts"
import { makeStore, type SandboxStore, type StoreOptions } from "./store.ts"

export type { FaultController, FaultDecision, FaultKnob, FaultOptions, FaultOutcome, FaultRate } from "./faults.ts"
export type { RouteContext, RouteImplementation, RouteTable, SandboxRequest, SandboxResponse } from "./handler.ts"
export { NOT_IMPLEMENTED_STATUS } from "./handler.ts"
export type * from "./models.ts"
export type * from "./store.ts"
export { makeStore } from "./store.ts"

/**
 * The token the sandbox accepts when none is configured.
 *
 * @category configuration
 * @since 0.1.0
 */
export const DEFAULT_TOKEN = "sandbox-token"

/**
 * An endpoint for clients of the in-process layer. The layer reads only path and query, so any origin works;
 * this one is https because `ReinferClient` refuses plain http except on loopback.
 *
 * @category configuration
 * @since 0.1.0
 */
export const IN_PROCESS_URL = "https://sandbox.reinfer.invalid"

/**
 * Options of a sandbox.
 *
 * @category configuration
 * @since 0.1.0
 */
export interface SandboxOptions extends StoreOptions {
  /**
   * The bearer token requests must carry.
   * @default "sandbox-token"
   */
  readonly token?: string
  /**
   * Path prefix to serve the API under, as UiPath-hosted tenants do (`/org/tenant/reinfer_`).
   * @default ""
   */
  readonly basePath?: string
  /**
   * Fault knobs in force from the start (change them later with `sandbox.faults.set`).
   * @default none
   */
  readonly faults?: FaultOptions
}

/**
 * A sandbox: its handler, store and fault knobs.
 *
 * @category models
 * @since 0.1.0
 */
export interface Sandbox {
  /** Answers one request. */
  readonly handle: (request: SandboxRequest) => Effect.Effect<SandboxResponse>
  /** The state behind it, for seeding and assertions. */
  readonly store: SandboxStore
  /** The fault knobs, changeable at any time. */
  readonly faults: FaultController
  /** The bearer token it accepts. */
  readonly token: string
  /** The normalised base path (`""` or `/prefix`). */
  readonly basePath: string
}

/**
 * Every operation of the generated table, as the handler sees them.
 *
 * @category models
 * @since 0.1.0
 */
export const sandboxOperations: ReadonlyArray<SandboxOperation> = Object.values(operations)

/**
 * Creates a sandbox (not yet serving anything).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import * as Sandbox from "effect-reinfer/sandbox"
 *
 * const program = Effect.gen(function*() {
 *   const sandbox = yield* Sandbox.make({ projects: ["acme"], faults: { rateLimit: { times: 1 } } })
 *   const client = Sandbox.httpClient(sandbox) // an HttpClient answering in process
 *   return client
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: SandboxOptions = {}): Effect.Effect<Sandbox> =>
  Effect.gen(function*() {
    const store = yield* makeStore(options)
    const faults = makeFaultController(options.faults)
    const token = options.token ?? DEFAULT_TOKEN
    const basePath = normalizeBasePath(options.basePath)
    const handle = makeRequestHandler({ operations: sandboxOperations, routes, store, faults, token, basePath })
    return { handle, store, faults, token, basePath }
  })

/**
 * An `HttpClient` that answers every request with the sandbox, in process. A dropped-connection fault
 * becomes a `TransportError`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const httpClient = (sandbox: Sandbox): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const { body, contentType } = yield* requestBody(request)
      const headers: Record<string, string> = { ...request.headers }
      if (contentType !== undefined && headers["content-type"] === undefined) headers["content-type"] = contentType
      const response = yield* sandbox.handle({ method: request.method, url: `${url.pathname}${url.search}`, headers, body })
      if (response._tag === "DropConnection") {
        return yield* Effect.fail(
          new HttpClientError.HttpClientError({
            reason: new HttpClientError.TransportError({ request, description: "The sandbox dropped the connection (fault)" })
          })
        )
      }
      return HttpClientResponse.fromWeb(
        request,
        new Response(typeof response.body === "string" ? response.body : new Uint8Array(response.body), {
          status: response.status,
          headers: response.headers
        })
      )
    })
  )

/**
 * A layer providing an in-process `HttpClient` backed by a fresh sandbox, for `ReinferClient` tests without
 * a socket. Point the client at {@link IN_PROCESS_URL} (plus the base path, if you configured one) with the
 * sandbox's token. Delays (latency faults, the client's retry backoff) run on Effect's clock, so tests can
 * drive them with the TestClock. Use {@link make} + {@link layerFrom} to reach the store and faults too.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { ReinferClient } from "effect-reinfer"
 * import * as Sandbox from "effect-reinfer/sandbox"
 *
 * const TestClient = ReinferClient.layer({ endpoint: Sandbox.IN_PROCESS_URL, token: Sandbox.DEFAULT_TOKEN }).pipe(
 *   Layer.provide(Sandbox.layer({ projects: ["acme"] }))
 * )
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* ReinferClient
 *   yield* client.createSource({ project: "acme", source: "inbox", body: { source: {} } })
 *   return yield* client.getCurrentUser({})
 * }).pipe(Effect.provide(TestClient))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: SandboxOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(HttpClient.HttpClient, Effect.map(make(options), httpClient))

/**
 * A layer providing an in-process `HttpClient` over an existing sandbox, so a test can also reach its store
 * and fault knobs.
 *
 * @category layers
 * @since 0.1.0
 */
export const layerFrom = (sandbox: Sandbox): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, httpClient(sandbox))

/**
 * A sandbox listening on a loopback port.
 *
 * @category models
 * @since 0.1.0
 */
export interface RunningSandbox {
  /** Base URL of the API, base path included, e.g. `http://127.0.0.1:4010`. */
  readonly url: string
  /** The port it listens on. */
  readonly port: number
  /** The sandbox behind the server (store, faults, token). */
  readonly sandbox: Sandbox
  /** Stops listening and closes open connections. */
  readonly stop: () => Promise<void>
}

/**
 * Options of the HTTP server.
 *
 * @category configuration
 * @since 0.1.0
 */
export interface ServeOptions extends SandboxOptions {
  /**
   * Port to listen on; 0 picks a free one.
   * @default 0
   */
  readonly port?: number
  /**
   * Interface to listen on.
   * @default "127.0.0.1"
   */
  readonly host?: string
}

/**
 * Starts a sandbox on a loopback port.
 *
 * **Example**
 *
 * ```ts
 * import { startSandbox } from "effect-reinfer/sandbox"
 *
 * const { url, stop } = await startSandbox({ port: 4010, token: "sandbox-token" })
 * const response = await fetch(`${url}/auth/user`, { headers: { authorization: "Bearer sandbox-token" } })
 * await stop()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const startSandbox = async (options: ServeOptions = {}): Promise<RunningSandbox> => {
  const sandbox = Effect.runSync(make(options))
  const server = Http.createServer((incoming, outgoing) => {
    const chunks: Array<Uint8Array> = []
    incoming.on("data", (chunk: Uint8Array) => chunks.push(chunk))
    incoming.on("end", () => {
      const request: SandboxRequest = {
        method: incoming.method ?? "GET",
        url: incoming.url ?? "/",
        headers: incoming.headers,
        body: Buffer.concat(chunks)
      }
      Effect.runPromise(sandbox.handle(request)).then(
        (response) => {
          if (response._tag === "DropConnection") {
            incoming.socket.destroy()
            return
          }
          outgoing.writeHead(response.status, response.headers)
          outgoing.end(response.body)
        },
        (error: unknown) => {
          // The handler never fails; this only guards against a bug taking the process down.
          outgoing.writeHead(500, { "content-type": "application/json" })
          outgoing.end(JSON.stringify({ status: "error", message: `500 Internal Server Error: ${String(error)}` }))
        }
      )
    })
  })
  const host = options.host ?? "127.0.0.1"
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`
  return {
    url: `${origin}${sandbox.basePath}`,
    port,
    sandbox,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      })
  }
}

/**
 * {@link startSandbox} as a scoped `Effect`: the server stops when the scope closes.
 *
 * @category constructors
 * @since 0.1.0
 */
export const serve = (options: ServeOptions = {}): Effect.Effect<RunningSandbox, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => startSandbox(options)),
    (running) => Effect.promise(() => running.stop())
  )

/** Reads an outgoing request's body as bytes, whatever form the client built it in. */
const requestBody = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<{ readonly body: Uint8Array | string; readonly contentType: string | undefined }, HttpClientError.HttpClientError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ body: "", contentType: undefined })
    case "Uint8Array":
      return Effect.succeed({ body: body.body, contentType: body.contentType })
    case "Raw":
      return Effect.succeed({
        body: typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : String(body.body),
        contentType: body.contentType
      })
    case "FormData": {
      // Let the platform serialise the multipart body and pick the boundary.
      const web = new Response(body.formData)
      return Effect.promise(async () => ({
        body: new Uint8Array(await web.arrayBuffer()),
        contentType: web.headers.get("content-type") ?? undefined
      }))
    }
    case "Stream":
      return Stream.runCollect(body.stream).pipe(
        Effect.map((chunks) => ({ body: Buffer.concat(chunks), contentType: body.contentType })),
        Effect.mapError((cause) =>
          new HttpClientError.HttpClientError({
            reason: new HttpClientError.TransportError({ request, cause, description: "Could not read the request body" })
          })
        )
      )
  }
}
