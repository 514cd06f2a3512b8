/**
 * A scriptable loopback HTTP server for client tests: it records every request and answers from a script.
 *
 * Each test enqueues one behaviour per expected request (a JSON body, a 429 with Retry-After, an nginx
 * HTML page, a truncated body, a reset socket, a request that never gets an answer, ...). Requests beyond
 * the script get the fallback behaviour. The server listens on 127.0.0.1 and an ephemeral port.
 *
 * Every response carries `connection: close`, and enqueueing closes idle sockets, so a pooling client
 * (fetch/undici) never reuses a connection across a fault: otherwise a behaviour change might never reach
 * it. Closing the server destroys every socket, including those held open by `hang()`.
 *
 * Use it from Effect code with `make` (scoped) or `layer`, and from plain async code with `start`.
 *
 * **Example**
 *
 * ```ts
 * const server = yield* FaultServer.make()
 * server.enqueue(FaultServer.retryAfter(429, 2), FaultServer.ok({ dataset: { name: "support" } }))
 * // ... call `${server.url}/api/v1/datasets/acme/support` twice ...
 * assert.deepStrictEqual(server.requests.map((r) => r.path), ["/api/v1/datasets/acme/support", ...])
 * ```
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type { Scope } from "effect"
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"

/**
 * One request as the server received it.
 *
 * @category models
 * @since 0.1.0
 */
export interface RecordedRequest {
  /** Position among the requests this server received, from 0. */
  readonly index: number
  readonly method: string
  /** Path and query exactly as they appeared on the request line, e.g. `/api/v1/sources?limit=2`. */
  readonly url: string
  /** The path part of `url`, still percent-encoded as sent. */
  readonly path: string
  /** The query part of `url` without the `?`, still encoded as sent (`""` when there is none). */
  readonly search: string
  /** Decoded query parameters. */
  readonly query: URLSearchParams
  /** Header names in lower case (Node's `IncomingHttpHeaders`). */
  readonly headers: http.IncomingHttpHeaders
  /** The body decoded as UTF-8 (`""` when there is none). */
  readonly body: string
  /** The body bytes, for multipart or binary uploads. */
  readonly bodyBytes: Uint8Array
  /** The client's port: requests on one reused connection share it. */
  readonly remotePort: number | undefined
}

/**
 * How the server answers one request. `recorded` is the request as recorded (body already read).
 *
 * @category models
 * @since 0.1.0
 */
export type Behaviour = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  recorded: RecordedRequest
) => void

/**
 * A running fault server.
 *
 * @category models
 * @since 0.1.0
 */
export interface FaultServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  readonly port: number
  /** Every request received so far, in arrival order (a live view). */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Appends behaviours to the script; each answers exactly one request, in order. */
  readonly enqueue: (...behaviours: ReadonlyArray<Behaviour>) => void
  /** Replaces the behaviour used once the script is empty. */
  readonly setFallback: (behaviour: Behaviour) => void
  /** How many scripted behaviours have not been used yet. */
  readonly pending: () => number
  /** Forgets recorded requests and the remaining script (the fallback stays). */
  readonly clear: () => void
  /** Resolves once at least `count` requests have been recorded (the body read, the behaviour started). */
  readonly waitForRequests: (count: number) => Promise<ReadonlyArray<RecordedRequest>>
  /** The Effect form of `waitForRequests`. */
  readonly awaitRequests: (count: number) => Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Destroys every open socket now (hanging requests included), keeping the server listening. */
  readonly dropConnections: () => void
  /** Stops listening and destroys every socket. Idempotent. */
  readonly close: () => Promise<void>
}

/**
 * Options for `start`, `make` and `layer`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Answers requests beyond the script. Default: `notScripted` (a 599 naming the request). */
  readonly fallback?: Behaviour | undefined
}

// ---------------------------------------------------------------------------------------------------------
// Behaviours
// ---------------------------------------------------------------------------------------------------------

/**
 * Answers with a JSON body.
 *
 * **Example**
 *
 * ```ts
 * FaultServer.json(200, { status: "ok", sources: [] }, { "server-timing": "total;dur=37.7" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Behaviour =>
  (_request, response) => {
    send(response, status, { "content-type": "application/json", ...lowerCaseKeys(headers) }, JSON.stringify(body))
  }

/**
 * A Re:infer success: 200 with `{ status: "ok", ...payload }`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const ok = (payload: Readonly<Record<string, unknown>> = {}, headers: Readonly<Record<string, string>> = {}): Behaviour =>
  json(200, { status: "ok", ...payload }, headers)

/**
 * A Re:infer error envelope: `{ status: "error", message }` (the message is left out when undefined).
 *
 * @category constructors
 * @since 0.1.0
 */
export const apiError = (
  status: number,
  message?: string,
  headers: Readonly<Record<string, string>> = {}
): Behaviour => json(status, message === undefined ? { status: "error" } : { status: "error", message }, headers)

/**
 * A 429 or 503 with `Retry-After` as delta seconds (a number) or an HTTP date (a `Date`, or a string sent
 * as is), and a Re:infer error body.
 *
 * @category constructors
 * @since 0.1.0
 */
export const retryAfter = (
  status: 429 | 503,
  after: number | Date | string,
  message = status === 429 ? "Too many requests" : "Service unavailable"
): Behaviour => {
  const value = typeof after === "number" ? String(after) : after instanceof Date ? after.toUTCString() : after
  return apiError(status, message, { "retry-after": value })
}

/**
 * The page nginx sends for a 502 when the upstream is down.
 *
 * @category constructors
 * @since 0.1.0
 */
export const NGINX_502_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

/**
 * An HTML page with `content-type: text/html` (by default nginx's 502 page).
 *
 * @category constructors
 * @since 0.1.0
 */
export const html = (status: number, page: string = NGINX_502_PAGE): Behaviour =>
  text(status, page, "text/html")

/**
 * A text body with the given content type (default `text/plain; charset=utf-8`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const text = (status: number, body: string, contentType = "text/plain; charset=utf-8"): Behaviour =>
  (_request, response) => {
    send(response, status, { "content-type": contentType }, body)
  }

/**
 * Claims `application/json` but sends a body that does not parse.
 *
 * @category constructors
 * @since 0.1.0
 */
export const malformedJson = (status = 200, body = `{"status":"ok","sources":[{"id":`): Behaviour =>
  text(status, body, "application/json")

/**
 * No body at all (default 204). Any status may be used, e.g. `empty(200)` for an empty 200.
 *
 * @category constructors
 * @since 0.1.0
 */
export const empty = (status = 204, headers: Readonly<Record<string, string>> = {}): Behaviour =>
  (_request, response) => {
    response.writeHead(status, lowerCaseKeys(headers))
    response.end()
  }

/**
 * Sends the status line, headers and a `Content-Length` larger than the body, writes part of the body,
 * then destroys the socket: the client sees the connection end mid-body.
 *
 * @category constructors
 * @since 0.1.0
 */
export const truncated = (status = 200, partialBody = `{"status":"ok","comments":[{"id":"0123`): Behaviour =>
  (_request, response) => {
    const bytes = Buffer.from(partialBody, "utf8")
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": String(bytes.length + 1024)
    })
    // Destroy only once the partial body is flushed, so the client really receives headers and some bytes.
    response.write(bytes, () => response.socket?.destroy())
  }

/**
 * Destroys the socket with a TCP reset and sends no response at all.
 *
 * @category constructors
 * @since 0.1.0
 */
export const reset = (): Behaviour => (request) => {
  request.socket.resetAndDestroy()
}

/**
 * Never answers. The socket stays open until the client gives up or the server closes.
 *
 * @category constructors
 * @since 0.1.0
 */
export const hang = (): Behaviour => () => {}

/**
 * Any hand-written behaviour. `connection: close` is already set on the response.
 *
 * @category constructors
 * @since 0.1.0
 */
export const custom = (
  f: (request: http.IncomingMessage, response: http.ServerResponse, recorded: RecordedRequest) => void
): Behaviour => f

/**
 * The default fallback: a 599 whose text body names the request, so an unscripted call is easy to spot.
 *
 * @category constructors
 * @since 0.1.0
 */
export const notScripted: Behaviour = (_request, response, recorded) => {
  send(response, 599, { "content-type": "text/plain; charset=utf-8" },
    `fault-server: no scripted response for ${recorded.method} ${recorded.url}`)
}

/**
 * A behaviour that holds its request until released, without any timer.
 *
 * @category models
 * @since 0.1.0
 */
export interface Gate {
  readonly behaviour: Behaviour
  /** Resolves when the held request has arrived. */
  readonly arrived: Promise<RecordedRequest>
  /** Answers the held request (or the next one to arrive) with `behaviour`. */
  readonly release: (behaviour: Behaviour) => void
}

/**
 * Holds one request until the test calls `release`, e.g. to observe work in flight.
 *
 * **Example**
 *
 * ```ts
 * const gate = FaultServer.gate()
 * server.enqueue(gate.behaviour)
 * // ... start the call, then:
 * await gate.arrived
 * gate.release(FaultServer.ok())
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const gate = (): Gate => {
  let markArrived!: (recorded: RecordedRequest) => void
  const arrived = new Promise<RecordedRequest>((resolve) => { markArrived = resolve })
  let released: Behaviour | undefined
  let held: Parameters<Behaviour> | undefined
  return {
    arrived,
    behaviour: (request, response, recorded) => {
      if (released !== undefined) return released(request, response, recorded)
      held = [request, response, recorded]
      markArrived(recorded)
    },
    release: (behaviour) => {
      released = behaviour
      if (held !== undefined) behaviour(...held)
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------------------

/**
 * Starts a fault server (plain async form). Call `close()` when done.
 *
 * **Example**
 *
 * ```ts
 * const server = await FaultServer.start()
 * server.enqueue(FaultServer.html(502))
 * const response = await fetch(`${server.url}/api/v1/sources`)
 * await server.close()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const start = (options: Options = {}): Promise<FaultServer> => {
  const requests: Array<RecordedRequest> = []
  const script: Array<Behaviour> = []
  let fallback: Behaviour = options.fallback ?? notScripted
  const sockets = new Set<Socket>()
  const waiters = new Set<{ readonly count: number; readonly resolve: () => void }>()
  let closing: Promise<void> | undefined

  const notifyWaiters = () => {
    for (const waiter of waiters) {
      if (requests.length >= waiter.count) {
        waiters.delete(waiter)
        waiter.resolve()
      }
    }
  }

  const server = http.createServer((request, response) => {
    const chunks: Array<Buffer> = []
    // A client that aborts mid-upload must not crash the test process.
    request.on("error", () => {})
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const rawUrl = request.url ?? "/"
      const queryStart = rawUrl.indexOf("?")
      const bodyBytes = Buffer.concat(chunks)
      const search = queryStart === -1 ? "" : rawUrl.slice(queryStart + 1)
      const recorded: RecordedRequest = {
        index: requests.length,
        method: request.method ?? "",
        url: rawUrl,
        path: queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart),
        search,
        query: new URLSearchParams(search),
        headers: request.headers,
        body: bodyBytes.toString("utf8"),
        bodyBytes: new Uint8Array(bodyBytes),
        remotePort: request.socket.remotePort
      }
      requests.push(recorded)
      const behaviour = script.shift() ?? fallback
      // Never let a pooled client keep this connection for the next (possibly different) behaviour.
      response.setHeader("connection", "close")
      try {
        behaviour(request, response, recorded)
      } catch (error) {
        if (!response.headersSent) {
          send(response, 500, { "content-type": "text/plain; charset=utf-8" }, `fault-server: behaviour threw: ${String(error)}`)
        } else {
          response.destroy()
        }
      }
      notifyWaiters()
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })

  const dropConnections = () => {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
  }

  const waitForRequests = (count: number) =>
    new Promise<ReadonlyArray<RecordedRequest>>((resolve) => {
      const waiter = { count, resolve: () => resolve(requests.slice()) }
      waiters.add(waiter)
      notifyWaiters()
    })

  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
      dropConnections()
    })
    return closing
  }

  return new Promise<FaultServer>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject)
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        enqueue: (...behaviours) => {
          server.closeIdleConnections()
          script.push(...behaviours)
        },
        setFallback: (behaviour) => {
          server.closeIdleConnections()
          fallback = behaviour
        },
        pending: () => script.length,
        clear: () => {
          requests.length = 0
          script.length = 0
        },
        waitForRequests,
        awaitRequests: (count) => Effect.promise(() => waitForRequests(count)),
        dropConnections,
        close
      })
    })
  })
}

/**
 * Starts a fault server for the current scope and closes it when the scope closes.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<FaultServer, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => start(options)), (server) => Effect.promise(() => server.close()))

/**
 * The fault server as a service, for `layer(FaultServer.layer())("suite", (it) => ...)`.
 *
 * @category services
 * @since 0.1.0
 */
export class Service extends Context.Service<Service, FaultServer>()("effect-reinfer/test/FaultServer") {}

/**
 * A layer that runs one fault server for the layer's lifetime.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<Service> => Layer.effect(Service, make(options))

/**
 * A base URL on which nothing listens, so a request gets "connection refused". It binds an ephemeral port,
 * closes it, and returns the URL (another process could take the port in between, which is very unlikely).
 *
 * @category constructors
 * @since 0.1.0
 */
export const refusedUrl = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const probe = http.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(`http://127.0.0.1:${port}`))
    })
  })

/**
 * The Effect form of `refusedUrl`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeRefusedUrl: Effect.Effect<string> = Effect.promise(() => refusedUrl())

const send = (
  response: http.ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string
) => {
  const bytes = Buffer.from(body, "utf8")
  response.writeHead(status, { ...lowerCaseKeys(headers), "content-length": String(bytes.length) })
  response.end(bytes)
}

// Header names are case-insensitive; one spelling per name keeps a caller's override from duplicating ours.
const lowerCaseKeys = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
