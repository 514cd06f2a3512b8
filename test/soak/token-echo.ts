/**
 * The token phase of the soak run: a server that echoes the token back in every way a misbehaving server or proxy
 * might, in bodies and in headers, and a scan of everything a user would see or ship for the token.
 *
 * Each answer carries the token in three headers (`x-echo`, `server-timing` and `www-authenticate`) and, in turn,
 * in an error message, a retried 503, an HTML proxy page with the token in its content type, a payload that fails
 * its schema on the token's value, a truncated body, a plain-text 500, a valid answer and a connection reset after
 * the headers. The token is given to the client, which must keep it out of every rendering of every error
 * (`TokenScan.renderings`), every log line (logfmt and JSON, the caller's own included) and every span.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { ReinferClient } from "../../src/client.ts"
import type { ReinferCallError } from "../../src/errors.ts"
import * as FaultServer from "../support/fault-server.ts"
import * as LogCapture from "../support/log-capture.ts"
import { SOURCE as source } from "../support/payloads.ts"
import * as TokenScan from "../support/token-scan.ts"
import * as TestTracing from "../support/tracing.ts"

/**
 * A token with characters that percent-encoding changes, so both of its forms are looked for.
 *
 * @category constants
 * @since 0.1.0
 */
export const ECHOED_TOKEN = "soak-echo+token/0123456789="


const echoHeaders = (token: string): Record<string, string> => ({
  "x-echo": `Bearer ${token}`,
  "server-timing": `total;dur=1;desc="${token}"`,
  "www-authenticate": `Bearer realm="${token}"`
})

const send = (status: number, contentType: string, body: string, extra: Record<string, string> = {}): FaultServer.Behaviour =>
  FaultServer.custom((_request, response) => {
    response.writeHead(status, { "content-type": contentType, ...echoHeaders(ECHOED_TOKEN), ...extra })
    response.end(body)
  })

const json = "application/json"

/** The misbehaviours, answered in turn. */
const ECHOES: ReadonlyArray<FaultServer.Behaviour> = [
  send(401, json, JSON.stringify({ status: "error", message: `token ${ECHOED_TOKEN} is not valid` })),
  send(503, json, JSON.stringify({ status: "error", message: `overloaded while serving ${ECHOED_TOKEN}` }), {
    "retry-after": "0"
  }),
  send(502, `text/html; x=${ECHOED_TOKEN}`, `<html><body>upstream said Bearer ${ECHOED_TOKEN}</body></html>`),
  send(200, json, JSON.stringify({ status: "ok", source: { ...source, should_translate: ECHOED_TOKEN } })),
  send(200, json, `{"status":"ok","source":{"name":"${ECHOED_TOKEN}`),
  send(500, "text/plain", `Authorization: Bearer ${encodeURIComponent(ECHOED_TOKEN)}`),
  send(200, json, JSON.stringify({ status: "ok", source })),
  FaultServer.custom((_request, response) => {
    response.writeHead(200, { "content-type": json, ...echoHeaders(ECHOED_TOKEN) })
    response.write(`{"status":"ok","source":{"title":"${ECHOED_TOKEN}`)
    response.socket?.destroy()
  })
]

/**
 * What the token phase saw.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenPhaseResult {
  readonly calls: number
  readonly failures: number
  /** How many texts were scanned: renderings, log lines and spans. */
  readonly scanned: number
  /** Excerpts around each occurrence of the token (the token itself masked). */
  readonly occurrences: ReadonlyArray<string>
  /** Calls that ended in a defect. */
  readonly defects: number
}

/**
 * Makes `calls` calls against the echoing server, logging each outcome as a caller would, and scans everything.
 *
 * @category constructors
 * @since 0.1.0
 */
export const runTokenPhase = async (calls: number): Promise<TokenPhaseResult> => {
  let next = 0
  const server = await FaultServer.start({ fallback: (...args) => ECHOES[next++ % ECHOES.length]!(...args) })
  const logs = LogCapture.make()
  const tracing = TestTracing.make()
  const texts: Array<string> = []
  let failures = 0
  let defects = 0
  const layer = ReinferClient.layer({
    endpoint: server.url,
    token: ECHOED_TOKEN,
    timeout: "10 seconds",
    retry: { maxRetries: 2, baseDelay: "1 millis", maxDelay: "5 millis" }
  }).pipe(Layer.provide(FetchHttpClient.layer), Layer.orDie)
  const program = Effect.gen(function*() {
    const client = yield* ReinferClient
    for (let index = 0; index < calls; index++) {
      const call: Effect.Effect<unknown, ReinferCallError> = index % 2 === 0
        ? client.getSource({ project: "soak", source: "emails" })
        : client.withResponse.getSource({ project: "soak", source: "emails" })
      const exit = yield* Effect.exit(Effect.withSpan(call, "soak.token-call"))
      if (Exit.isSuccess(exit)) {
        yield* Effect.logInfo("answer", exit.value)
        texts.push(JSON.stringify(exit.value))
        continue
      }
      failures += 1
      yield* Effect.logError("call failed", exit.cause)
      texts.push(Cause.pretty(exit.cause))
      const error = Cause.squash(exit.cause)
      if (exit.cause.reasons.some((reason) => !Cause.isFailReason(reason))) defects += 1
      yield* Effect.logWarning(error)
      texts.push(...TokenScan.renderings(error).map((rendering) => rendering.text))
    }
  })
  try {
    await Effect.runPromise(program.pipe(Effect.provide(layer), Effect.provide(tracing.layer), Effect.provide(logs.layer)))
  } finally {
    await server.close()
  }
  texts.push(...logs.lines, ...logs.jsonLines)
  texts.push(...tracing.spans().map((span) =>
    JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links })
  ))
  return { calls, failures, scanned: texts.length, occurrences: TokenScan.occurrences(texts, ECHOED_TOKEN), defects }
}
