/**
 * A loopback HTTP proxy that counts what reaches the server: how many times each call was sent, and how many of
 * those sends lost their answer.
 *
 * The soak run tags every call with a `x-soak-call` header (one id per call, the same on each of its attempts).
 * The proxy forwards each request to the upstream (the sandbox) as it came and relays the answer; when the
 * upstream closes the connection without answering (a dropped connection, or a write applied and its answer
 * lost), the proxy closes the client's connection the same way. `sends(id)` is then the number of times a call
 * was put on the wire: a call of an operation that is not retry-safe must have been sent at most once.
 *
 * @since 0.1.0
 */
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"

/**
 * The header naming the call a request belongs to.
 *
 * @category constants
 * @since 0.1.0
 */
export const CALL_HEADER = "x-soak-call"

/**
 * A running proxy.
 *
 * @category models
 * @since 0.1.0
 */
export interface CountingProxy {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** How many times the call with this id was sent (0 when never). */
  readonly sends: (callId: string) => number
  /** How many sends of the call with this id got no answer. */
  readonly lostAnswers: (callId: string) => number
  /** Every request that passed, in total. */
  readonly total: () => number
  /** Stops listening and closes every connection. */
  readonly close: () => Promise<void>
}

/**
 * Starts a proxy in front of `upstream` (an `http://127.0.0.1:<port>` base URL) on an ephemeral loopback port.
 *
 * @category constructors
 * @since 0.1.0
 */
export const start = async (upstream: string): Promise<CountingProxy> => {
  const target = new URL(upstream)
  const sent = new Map<string, number>()
  const lost = new Map<string, number>()
  let total = 0
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  const sockets = new Set<Socket>()

  const server = http.createServer((incoming, outgoing) => {
    total += 1
    const callId = String(incoming.headers[CALL_HEADER] ?? "")
    if (callId !== "") sent.set(callId, (sent.get(callId) ?? 0) + 1)
    const forwarded = http.request({
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: target.host },
      agent
    }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
      answer.on("error", () => incoming.socket.destroy())
    })
    forwarded.on("error", () => {
      // The upstream closed the connection without answering: the client must see the same.
      if (callId !== "") lost.set(callId, (lost.get(callId) ?? 0) + 1)
      incoming.socket.destroy()
    })
    incoming.pipe(forwarded)
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    sends: (callId) => sent.get(callId) ?? 0,
    lostAnswers: (callId) => lost.get(callId) ?? 0,
    total: () => total,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        agent.destroy()
        server.close(() => resolve())
      })
  }
}
