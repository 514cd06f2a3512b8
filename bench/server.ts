/**
 * The loopback server every HTTP benchmark talks to: a stateless Re:infer look-alike that answers three routes.
 *
 * - `GET /api/v1/sources/{project}/{source}`: one small source (the call-overhead GET), pre-serialised.
 * - `GET /api/_private/sources/{project}/gen-{N}/comments?limit=&after=`: the comments of a generated source of
 *   N comments, made on the fly from fixtures.ts (the cursor is the next index), so a million comments cost the
 *   server no memory.
 * - `POST /api/v1/sources/{project}/{source}/sync`: reads and parses the body like a server must, and answers
 *   `{new: <count>}`.
 *
 * It is not the sandbox on purpose: the sandbox validates every request and encodes every response through the
 * schemas and stores what it is sent, which would make the server, not the client, the thing measured. It runs
 * in its own process (`startServerProcess`), so on a 2-core machine the client under test keeps a core to itself
 * and its memory figures hold only its own memory; the smoke test starts it in process (`startServer`).
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { commentId, sourceResponse, storedComment } from "./fixtures.ts"

/**
 * A running server and how to stop it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  readonly close: () => Promise<void>
}

/** The token the server expects; any other answers 401, so a client that forgets it fails loudly. */
export const TOKEN = "bench-token-0123456789"

/** The largest page `listComments` serves, as the real API (the spec's `maximum`). */
const MAX_PAGE_SIZE = 256

// Comments are stamped from a few hundred templates: varied sizes and shapes, and the cost of one string join.
const TEMPLATE_COUNT = 500

interface Template {
  readonly parts: ReadonlyArray<string>
}

const templates: ReadonlyArray<Template> = Array.from({ length: TEMPLATE_COUNT }, (_, index) => ({
  parts: JSON.stringify(storedComment(index)).split(commentId(index))
}))

const commentJson = (index: number): string => templates[index % TEMPLATE_COUNT]!.parts.join(commentId(index))

const SOURCE_JSON = JSON.stringify(sourceResponse)
const HEADERS = { "content-type": "application/json", "server-timing": "total;dur=0.3" }

const COMMENTS_ROUTE = /^\/api\/_private\/sources\/[^/]+\/gen-(\d+)\/comments$/
const SOURCE_ROUTE = /^\/api\/v1\/sources\/[^/]+\/[^/]+$/
const SYNC_ROUTE = /^\/api\/v1\/sources\/[^/]+\/[^/]+\/sync$/

const handle = (request: Http.IncomingMessage, response: Http.ServerResponse): void => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1")
  const answer = (status: number, body: string) => {
    response.writeHead(status, HEADERS)
    response.end(body)
  }
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    return answer(401, `{"status":"error","message":"Unauthorized"}`)
  }
  if (request.method === "GET" && SOURCE_ROUTE.test(url.pathname)) return answer(200, SOURCE_JSON)

  const comments = request.method === "GET" ? COMMENTS_ROUTE.exec(url.pathname) : null
  if (comments !== null) {
    const total = Number(comments[1])
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 64), MAX_PAGE_SIZE)
    const start = Number(url.searchParams.get("after") ?? 0)
    const end = Math.min(start + limit, total)
    const items: Array<string> = []
    for (let index = start; index < end; index++) items.push(commentJson(index))
    const continuation = end < total ? `,"continuation":"${end}"` : ""
    return answer(200, `{"status":"ok","comments":[${items.join(",")}]${continuation}}`)
  }

  if (request.method === "POST" && SYNC_ROUTE.test(url.pathname)) {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { comments: ReadonlyArray<unknown> }
      answer(200, `{"status":"ok","new":${body.comments.length},"updated":0,"unchanged":0}`)
    })
    return
  }
  answer(404, `{"status":"error","message":"No route for ${request.method} ${url.pathname}"}`)
}

/**
 * Starts the server in this process on an ephemeral loopback port.
 *
 * @since 0.1.0
 * @category constructors
 */
export const startServer = (): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    const server = Http.createServer({ keepAliveTimeout: 60_000 }, handle)
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })

/**
 * Starts the server in a child process (the same Node, on its own type stripping) and resolves once it listens.
 *
 * @since 0.1.0
 * @category constructors
 */
export const startServerProcess = (): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      stdio: ["pipe", "pipe", "inherit"]
    })
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      const match = /^listening (\S+)$/m.exec(output)
      if (match === null) return
      child.stdout.off("data", onData)
      resolve({
        url: match[1]!,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.once("exit", () => done())
            // Closing stdin is the stop signal; it also stops the server if this process dies first.
            child.stdin.end()
          })
      })
    }
    child.stdout.on("data", onData)
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code} before listening: ${output}`)))
  })

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startServer()
  console.log(`listening ${server.url}`)
  process.stdin.resume()
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)))
}
