/**
 * Tests of the `reinfer` commands that change things and of the stream tail, in process against the sandbox:
 * create, update and delete of projects, sources, datasets, streams, buckets and comments; raw emails uploaded to
 * a bucket with --failed-out and --resume; audit events; `get stream-comments` to the end of the stream, with
 * --listen, and stopped like Ctrl-C in the middle of a batch; `--verbose`; a context with a proxy.
 */
import { readFileSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { EXIT_CODES } from "../src/cli/failure.ts"
import { checkpointOf } from "../src/cli/upload.ts"
import * as Sandbox from "../src/sandbox/index.ts"
import { cli, connect, jsonLines, makeScratch, seeded } from "./support/cli.ts"
import { driveFiber, nextTurn } from "./support/test-clock.ts"

const { freshHome, scratch } = makeScratch()

describe("reinfer create, update, delete", () => {
  it.effect("creates a project, source, bucket, dataset and stream, changes them, and deletes them again", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const reinfer = (...args: ReadonlyArray<string>) => cli(sandbox, home, [...connect(sandbox), ...args])
      const ok = (outcome: { readonly code: number; readonly err: string }) => assert.strictEqual(outcome.code, 0, outcome.err)

      const project = yield* reinfer("create", "project", "billing", "--title", "Billing team")
      ok(project)
      assert.strictEqual(jsonLines(project.out)[0].title, "Billing team")
      ok(yield* reinfer("create", "bucket", "billing/inbox", "--title", "Inbox"))
      const source = yield* reinfer("create", "source", "billing/invoices", "--title", "Invoices", "--language", "de", "--bucket", "billing/inbox")
      ok(source)
      const created = jsonLines(source.out)[0]
      assert.strictEqual(created.language, "de")
      const bucket = jsonLines((yield* reinfer("get", "buckets", "billing")).out)[0]
      assert.strictEqual(created.bucket_id, bucket.id)
      const dataset = yield* reinfer(
        "create", "dataset", "billing/triage", "--source", "billing/invoices", "--source", "acme/emails", "--title", "Triage"
      )
      ok(dataset)
      assert.strictEqual(jsonLines(dataset.out)[0].source_ids.length, 2)
      ok(yield* reinfer("create", "stream", "billing/triage/new-invoices", "--title", "New invoices"))
      assert.deepStrictEqual(
        jsonLines((yield* reinfer("get", "streams", "billing/triage")).out).map((stream) => stream.name),
        ["new-invoices"]
      )

      // Only what is given changes: the bucket stays linked when the title changes.
      const renamed = jsonLines((yield* reinfer("update", "source", "billing/invoices", "--title", "All invoices")).out)[0]
      assert.strictEqual(renamed.title, "All invoices")
      assert.strictEqual(renamed.bucket_id, bucket.id)
      ok(yield* reinfer("update", "source", "billing/invoices", "--should-translate"))
      const untranslated = jsonLines((yield* reinfer("update", "source", "billing/invoices", "--no-should-translate")).out)[0]
      assert.strictEqual(untranslated.should_translate, false)
      assert.strictEqual(untranslated.title, "All invoices")
      const narrowed = jsonLines((yield* reinfer("update", "dataset", "billing/triage", "--source", "billing/invoices")).out)[0]
      assert.deepStrictEqual(narrowed.source_ids, [created.id])

      // A name that does not exist fails before anything is created.
      const typo = yield* reinfer("create", "dataset", "billing/other", "--source", "billing/nope")
      assert.strictEqual(typo.code, EXIT_CODES.api)
      assert.include(typo.err, "404")
      assert.notInclude(jsonLines((yield* reinfer("get", "datasets", "billing")).out).map((d) => d.name), "other")

      ok(yield* reinfer("delete", "stream", "billing/triage/new-invoices"))
      assert.deepStrictEqual(jsonLines((yield* reinfer("get", "streams", "billing/triage")).out), [])
      ok(yield* reinfer("delete", "dataset", "billing/triage"))
      const deleted = yield* reinfer("delete", "source", "billing/invoices")
      ok(deleted)
      assert.match(deleted.out, /^Deleted source billing\/invoices \([0-9a-f]{16}\)\n$/)
      assert.deepStrictEqual(jsonLines((yield* reinfer("get", "sources", "billing")).out), [])
    }))

  it.effect("deletes comments by id in groups of 32 (each id once), and refuses a call without ids", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      // 20 of the seeded comments and 20 ids the source never held, each given twice.
      const ids = Array.from({ length: 20 }, (_, i) => [`c${String(i).padStart(3, "0")}`, `gone${i}`]).flat()
      const deleted = yield* cli(sandbox, home, [
        ...connect(sandbox), "--verbose", "delete", "comments", "--source", "acme/emails", ...ids, ...ids
      ])
      assert.strictEqual(deleted.code, 0, deleted.err)
      assert.strictEqual(deleted.out, "Deleted 40 comment ids from acme/emails\n")
      assert.strictEqual(deleted.err.match(/· DELETE \S+\/comments attempt 1 → 200/g)?.length, 2, deleted.err)
      const left = jsonLines((yield* cli(sandbox, home, [...connect(sandbox), "get", "comments", "acme/emails"])).out)
      assert.deepStrictEqual(left.map((comment) => comment.id), Array.from({ length: 10 }, (_, i) => `c0${20 + i}`))
      const none = yield* cli(sandbox, home, [...connect(sandbox), "delete", "comments", "--source", "acme/emails"])
      assert.strictEqual(none.code, EXIT_CODES.usage)
    }))

  it.effect("creates a project for the token's own user when no --user-id is given", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const created = yield* cli(sandbox, freshHome(), [...connect(sandbox), "-o", "json", "create", "project", "ops"])
      assert.strictEqual(created.code, 0, created.err)
      assert.strictEqual(JSON.parse(created.out).name, "ops")
      const refused = yield* cli(sandbox, freshHome(), [...connect(sandbox), "create", "stream", "acme/support/has space"])
      assert.strictEqual(refused.code, EXIT_CODES.usage)
      assert.include(refused.err, "stream.name")
    }))
})

describe("reinfer create emails", () => {
  const EMAILS = 600
  const emailLine = (i: number) =>
    i === 250
      ? JSON.stringify({ id: "e250", mailbox: "support@acme.example", timestamp: "soon", mime_content: "x" })
      : JSON.stringify({
        id: `e${i}`,
        mailbox: "support@acme.example",
        timestamp: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
        mime_content: `Subject: Ticket ${i}\r\nFrom: customer${i}@example.com\r\n\r\nHello ${i}`
      })

  it.effect("adds raw emails to a bucket in batches; the bad one is in --failed-out and --resume retries only it", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const reinfer = (...args: ReadonlyArray<string>) => cli(sandbox, home, [...connect(sandbox), ...args])
      yield* reinfer("create", "bucket", "acme/inbox")
      const file = join(scratch, "emails.jsonl")
      writeFileSync(file, Array.from({ length: EMAILS }, (_, i) => emailLine(i)).join("\n") + "\n")
      const failedOut = join(scratch, "emails-failed.jsonl")
      const upload = ["create", "emails", "--bucket", "acme/inbox", "--file", file, "--batch-size", "50", "--failed-out", failedOut]
      const first = yield* reinfer(...upload)
      assert.strictEqual(first.code, EXIT_CODES.api, first.err)
      assert.deepStrictEqual(JSON.parse(first.out), { added: EMAILS - 1, failed: 1, skipped: 0 })
      const [failure] = jsonLines(readFileSync(failedOut, "utf8"))
      assert.deepStrictEqual([failure.line, failure.id], [251, "e250"])
      assert.match(failure.error, /^timestamp: .*\(nothing was sent\)$/)
      assert.match(first.err, /1 email failed/)

      const resumed = yield* reinfer(...upload, "--resume")
      assert.deepStrictEqual(JSON.parse(resumed.out), { added: 0, failed: 1, skipped: EMAILS - 1 })
      const checkpoint = JSON.parse(readFileSync(checkpointOf(file), "utf8"))
      assert.deepStrictEqual(checkpoint.confirmed, [[1, 250], [252, EMAILS]])
      assert.strictEqual(checkpoint.target, "bucket acme/inbox")
    }))
})

describe("reinfer get audit-events", () => {
  it.effect("streams the audit log as JSON lines, each event with its actor's e-mail and tenant, with --limit", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const events = yield* cli(sandbox, freshHome(), [...connect(sandbox), "get", "audit-events"])
      assert.strictEqual(events.code, 0, events.err)
      const all = jsonLines(events.out)
      assert.isAtLeast(all.length, 3)
      for (const event of all) {
        assert.containsAllKeys(event, ["event_id", "event_type", "timestamp", "actor_user_id", "actor_email", "actor_tenant_name"])
      }
      const two = yield* cli(sandbox, freshHome(), [...connect(sandbox), "get", "audit-events", "--limit", "2"])
      assert.strictEqual(jsonLines(two.out).length, 2)
    }))
})

describe("reinfer get stream-comments", () => {
  const tail = ["get", "stream-comments", "acme/support/urgent", "--size", "8"]
  const uids = (text: string) => jsonLines(text).map((result) => result.comment.id)
  const ALL = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(3, "0")}`)

  it.effect("prints every result to the end of the stream and advances past it: a second run prints nothing", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const first = yield* cli(sandbox, home, [...connect(sandbox), ...tail])
      assert.strictEqual(first.code, 0, first.err)
      assert.deepStrictEqual(uids(first.out), ALL)
      assert.match(first.err, /^30 results in 4 batches, advanced to \S+\n$/)
      const second = yield* cli(sandbox, home, [...connect(sandbox), ...tail])
      assert.strictEqual(second.out, "")
    }))

  it.effect("with --listen, Ctrl-C in the middle of a batch writes the rest of it and advances past it first", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const tenthLine = yield* Deferred.make<void>()
      let lines = 0
      // Each line takes a turn to write, as on a slow terminal; the interruption comes after the 10th, in batch 2.
      const listening = yield* Effect.forkChild(cli(sandbox, home, [...connect(sandbox), ...tail, "--listen"], {
        onOut: () =>
          Effect.andThen(
            Effect.suspend(() => (++lines === 10 ? Deferred.succeed(tenthLine, undefined) : Effect.void)),
            Effect.yieldNow
          )
      }))
      yield* Deferred.await(tenthLine)
      yield* Fiber.interrupt(listening)
      const stopped = yield* Fiber.await(listening)
      assert.isTrue(Exit.isFailure(stopped), "interrupted")
      // Batch 2 (results 9 to 16) was written whole and advanced past: the next run starts at result 17.
      assert.strictEqual(lines, 16)
      const rest = yield* cli(sandbox, home, [...connect(sandbox), ...tail])
      assert.deepStrictEqual(uids(rest.out), ALL.slice(16))
    }))

  it.effect("with --listen, waits for comments that arrive later", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      let out = ""
      const listening = yield* Effect.forkChild(cli(sandbox, home, [...connect(sandbox), ...tail, "--listen"], {
        onOut: (text) => Effect.sync(() => void (out += text))
      }))
      while (uids(out).length < 30) yield* nextTurn
      const upload = join(scratch, "later.jsonl")
      writeFileSync(upload, JSON.stringify({ id: "later", timestamp: "2024-02-01T00:00:00Z", messages: [{ body: { text: "Late" } }] }) + "\n")
      const uploaded = yield* cli(sandbox, home, [...connect(sandbox), "create", "comments", "--source", "acme/emails", "--file", upload, "--no-progress"])
      assert.strictEqual(uploaded.code, 0, uploaded.err)
      yield* TestClock.adjust("10 seconds")
      while (!uids(out).includes("later")) yield* nextTurn
      yield* Fiber.interrupt(listening)
      assert.deepStrictEqual(uids(out), [...ALL, "later"])
    }))
})

describe("reinfer --verbose", () => {
  it.effect("prints each attempt with its status and Server-Timing, under its call, on standard error", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      sandbox.faults.set({ serverError: { status: 503, times: 1 } })
      const fiber = yield* Effect.forkChild(cli(sandbox, freshHome(), [...connect(sandbox), "--verbose", "get", "projects"]))
      const exit = yield* driveFiber(fiber, "1 second")
      sandbox.faults.set({})
      const outcome = Exit.isSuccess(exit) ? exit.value : assert.fail(String(exit))
      assert.strictEqual(outcome.code, 0, outcome.err)
      const lines = outcome.err.trimEnd().split("\n")
      assert.strictEqual(lines.length, 3, outcome.err)
      assert.match(lines[0]!, /^ {2}· GET \/api\/_private\/projects attempt 1 → 503 in \d+\.\d ms/)
      assert.match(lines[1]!, /^ {2}· GET \/api\/_private\/projects attempt 2 → 200 in \d+\.\d ms/)
      assert.match(lines[2]!, /^ReinferClient\.listProjects ok in \d+\.\d ms \(2 attempts\)$/)
      assert.strictEqual(jsonLines(outcome.out)[0].name, "acme")
    }))
})

describe("reinfer through a proxy", () => {
  it.live("sends every request of a context with a proxy through it, and never prints the proxy's password", () =>
    Effect.gen(function*() {
      const running = yield* Effect.acquireRelease(
        Effect.promise(() => Sandbox.startSandbox({ port: 0, host: "127.0.0.1", projects: ["acme"] })),
        (started) => Effect.promise(() => started.stop())
      )
      // A forwarding proxy: plain-HTTP targets arrive in absolute form (GET http://host/path), with the
      // Proxy-Authorization the context's URL carries.
      const seen: Array<{ readonly url: string; readonly authorization: string | undefined }> = []
      const proxy = yield* Effect.acquireRelease(
        Effect.promise(() =>
          new Promise<Http.Server>((resolve) => {
            const server = Http.createServer((incoming, outgoing) => {
              seen.push({ url: incoming.url ?? "", authorization: incoming.headers["proxy-authorization"] })
              const { "proxy-authorization": _, ...headers } = incoming.headers
              const forwarded = Http.request(incoming.url!, { method: incoming.method, headers }, (answer) => {
                outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
                answer.pipe(outgoing)
              })
              incoming.pipe(forwarded)
            })
            server.listen(0, "127.0.0.1", () => resolve(server))
          })
        ),
        (server) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
      )
      const proxyUrl = `http://squid:pr0xy-pa55@127.0.0.1:${(proxy.address() as { port: number }).port}`
      const home = freshHome()
      const options = { transport: FetchHttpClient.layer }
      const added = yield* cli(running.sandbox, home, [
        "config", "add", "office", "--endpoint", running.url, "--token", running.sandbox.token, "--proxy", proxyUrl, "--use"
      ], options)
      assert.strictEqual(added.code, 0, added.err)
      const listed = yield* cli(running.sandbox, home, ["config", "ls"], options)
      const projects = yield* cli(running.sandbox, home, ["get", "projects"], options)
      assert.strictEqual(projects.code, 0, projects.err)
      assert.deepStrictEqual(jsonLines(projects.out).map((project) => project.name), ["acme"])
      assert.deepStrictEqual(seen, [{
        url: `${running.url}/api/_private/projects`,
        authorization: `Basic ${Buffer.from("squid:pr0xy-pa55").toString("base64")}`
      }])
      assert.include(listed.out, `"proxy":"http://127.0.0.1:`)
      for (const outcome of [added, listed, projects]) assert.notInclude(outcome.out + outcome.err, "pr0xy-pa55")
      const refused = yield* cli(running.sandbox, home, ["config", "add", "bad", "--endpoint", running.url, "--token", running.sandbox.token, "--proxy", "socks5://x"], options)
      assert.strictEqual(refused.code, EXIT_CODES.usage)
    }).pipe(Effect.scoped))
})
