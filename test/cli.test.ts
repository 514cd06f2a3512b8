/**
 * Tests of the `reinfer` command line: contexts (file modes, refusal of a file others can read, the order in which
 * endpoint and token are settled), `get` commands against the in-process sandbox in every output format, errors as
 * one line with an exit code per kind, the token never printed, and, as real processes, `--help` for every command,
 * `--version`, and `reinfer sandbox` driven by another `reinfer`.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Redacted } from "effect"
import { HttpClient } from "effect/http"
import { ReinferClient } from "../src/client.ts"
import { app } from "../src/cli/app.ts"
import { resolveConnection } from "../src/cli/contexts.ts"
import { EXIT_CODES } from "../src/cli/failure.ts"
import { renderTable } from "../src/cli/output.ts"
import { describe as describeProgress } from "../src/cli/progress.ts"
import { checkpointOf } from "../src/cli/upload.ts"
import * as Sandbox from "../src/sandbox/index.ts"
import { cli, connect, ENDPOINT, jsonLines, makeScratch, seeded } from "./support/cli.ts"
import * as TestClient from "./support/client.ts"
import { driveFiber, nextTurn } from "./support/test-clock.ts"

const { freshHome, scratch } = makeScratch()

describe("reinfer config", () => {
  it.effect("adds, lists, switches and deletes contexts in a file only its owner can read; ls never shows tokens", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const added = yield* cli(sandbox, home, ["config", "add", "prod", "--endpoint", ENDPOINT, "--token", sandbox.token])
      assert.strictEqual(added.code, 0, added.err)
      yield* cli(sandbox, home, ["config", "add", "staging", "--endpoint", "https://staging.reinfer.io", "--token", "staging-token-0123456789"])
      const file = join(home, "config", "reinfer", "contexts.json")
      assert.strictEqual(statSync(file).mode & 0o777, 0o600)
      assert.strictEqual(statSync(join(home, "config", "reinfer")).mode & 0o777, 0o700)

      const listed = yield* cli(sandbox, home, ["config", "ls"])
      assert.deepStrictEqual(jsonLines(listed.out), [
        { name: "prod", endpoint: ENDPOINT, current: true },
        { name: "staging", endpoint: "https://staging.reinfer.io", current: false }
      ])
      assert.notInclude(listed.out + listed.err, sandbox.token)
      assert.notInclude(listed.out, "staging-token")

      assert.strictEqual((yield* cli(sandbox, home, ["config", "current"])).out, "prod\n")
      yield* cli(sandbox, home, ["config", "use", "staging"])
      assert.strictEqual((yield* cli(sandbox, home, ["config", "current"])).out, "staging\n")
      assert.strictEqual((yield* cli(sandbox, home, ["config", "get-token", "prod"])).out, `${sandbox.token}\n`)
      yield* cli(sandbox, home, ["config", "delete", "staging"])
      const missing = yield* cli(sandbox, home, ["config", "current"])
      assert.strictEqual(missing.code, EXIT_CODES.config)
      assert.strictEqual((yield* cli(sandbox, home, ["config", "use", "nope"])).code, EXIT_CODES.config)
    }))

  it.effect("refuses a contexts file others can read, and says how to fix it", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      yield* cli(sandbox, home, ["config", "add", "prod", "--endpoint", ENDPOINT, "--token", sandbox.token])
      const file = join(home, "config", "reinfer", "contexts.json")
      chmodSync(file, 0o644)
      const refused = yield* cli(sandbox, home, ["get", "projects"])
      assert.strictEqual(refused.code, EXIT_CODES.config)
      assert.include(refused.err, "can be read by others (mode 644)")
      assert.include(refused.err, `chmod 600 ${file}`)
      assert.notInclude(refused.err, sandbox.token)
    }))

  it.effect("refuses an endpoint the client would refuse before storing it", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const refused = yield* cli(sandbox, home, ["config", "add", "bad", "--endpoint", "http://acme.reinfer.io", "--token", "t0k3n-0123456789"])
      assert.strictEqual(refused.code, EXIT_CODES.config)
      assert.include(refused.err, "endpoint")
      assert.notInclude(refused.err, "t0k3n-0123456789")
    }))

  it.effect("settles endpoint and token: flag, then --context, then the environment, then the current context", () =>
    Effect.gen(function*() {
      const contexts = {
        current: "main",
        contexts: {
          main: { endpoint: "https://main.reinfer.io", token: "main-token" },
          other: { endpoint: "https://other.reinfer.io", token: "other-token" }
        }
      }
      const settle = (sources: Partial<Parameters<typeof resolveConnection>[0]>) =>
        Effect.map(resolveConnection({
          endpointFlag: undefined,
          tokenFlag: undefined,
          contextFlag: undefined,
          environment: {},
          contexts,
          ...sources
        }), (connection) => [connection.endpoint, Redacted.value(connection.token)])
      assert.deepStrictEqual(yield* settle({}), ["https://main.reinfer.io", "main-token"])
      const environment = { REINFER_ENDPOINT: "https://env.reinfer.io", REINFER_TOKEN: "env-token" }
      assert.deepStrictEqual(yield* settle({ environment }), ["https://env.reinfer.io", "env-token"])
      assert.deepStrictEqual(yield* settle({ environment, contextFlag: "other" }), ["https://other.reinfer.io", "other-token"])
      assert.deepStrictEqual(
        yield* settle({ environment, contextFlag: "other", endpointFlag: "https://flag.reinfer.io", tokenFlag: Redacted.make("flag-token") }),
        ["https://flag.reinfer.io", "flag-token"]
      )
      const none = yield* Effect.flip(resolveConnection({
        endpointFlag: undefined,
        tokenFlag: undefined,
        contextFlag: undefined,
        environment: {},
        contexts: { contexts: {} }
      }))
      assert.include(none.message, "no endpoint")
      const unknown = yield* Effect.flip(settle({ contextFlag: "nope" }))
      assert.include(unknown.message, `no context "nope"`)
    }))
})

describe("reinfer get", () => {
  it.effect("reads projects, sources, datasets, streams and the current user, as JSON lines when piped", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const connect = ["--endpoint", ENDPOINT, "--token", sandbox.token]
      const projects = yield* cli(sandbox, home, [...connect, "get", "projects"])
      assert.deepStrictEqual(jsonLines(projects.out).map((project) => project.name), ["acme"])
      const sources = yield* cli(sandbox, home, [...connect, "get", "sources", "acme"])
      assert.deepStrictEqual(jsonLines(sources.out).map((source) => source.title), ["Support e-mails"])
      const datasets = yield* cli(sandbox, home, [...connect, "get", "datasets"])
      assert.deepStrictEqual(jsonLines(datasets.out).map((dataset) => dataset.name), ["support"])
      const streams = yield* cli(sandbox, home, [...connect, "get", "streams", "acme/support"])
      assert.deepStrictEqual(jsonLines(streams.out).map((stream) => stream.name), ["urgent"])
      const user = yield* cli(sandbox, home, [...connect, "-o", "json", "get", "current-user"])
      assert.strictEqual(JSON.parse(user.out).username, "sandbox-user")
      const comment = yield* cli(sandbox, home, [...connect, "get", "comment", "acme/emails", "c007"])
      assert.strictEqual(jsonLines(comment.out)[0].id, "c007")
    }))

  it.effect("streams a source's comments as JSON lines with --from and --limit", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const connect = ["--endpoint", ENDPOINT, "--token", sandbox.token]
      const all = yield* cli(sandbox, home, [...connect, "get", "comments", "acme/emails"])
      assert.strictEqual(jsonLines(all.out).length, 30)
      const some = yield* cli(sandbox, home, [...connect, "get", "comments", "acme/emails", "--from", "2024-01-01T10:00:00Z", "--limit", "5"])
      assert.deepStrictEqual(jsonLines(some.out).map((comment) => comment.id), ["c010", "c011", "c012", "c013", "c014"])
      const asJson = yield* cli(sandbox, home, [...connect, "-o", "json", "get", "comments", "acme/emails", "--limit", "2"])
      assert.deepStrictEqual(JSON.parse(asJson.out).map((comment: { id: string }) => comment.id), ["c000", "c001"])
    }))

  it.effect("prints a table when asked, cut to the terminal's width", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const table = yield* cli(sandbox, home, ["--endpoint", ENDPOINT, "--token", sandbox.token, "-o", "table", "get", "sources"])
      const [heading, row] = table.out.split("\n")
      assert.match(heading!, /^NAME\s+TITLE\s+ID$/)
      assert.match(row!, /^acme\/emails\s+Support e-mails\s+[0-9a-f]{16}$/)
      const narrow = renderTable(
        [{ a: "a".repeat(50), b: "b".repeat(50) }],
        [{ title: "a", value: (row) => row.a }, { title: "b", value: (row) => row.b }],
        40
      )
      for (const line of narrow.trimEnd().split("\n")) assert.isAtMost([...line].length, 40)
      assert.include(narrow, "…")
    }))

  it.effect("fails with one readable line and an exit code per kind, never showing the token", () =>
    Effect.gen(function*() {
      const sandbox = yield* seeded
      const home = freshHome()
      const unauthorized = yield* cli(sandbox, home, ["--endpoint", ENDPOINT, "--token", "wrong-token-0123456789", "get", "projects"])
      assert.strictEqual(unauthorized.code, EXIT_CODES.api)
      assert.match(unauthorized.err, /^reinfer: .*401.*listProjects.*\n$/)
      assert.notInclude(unauthorized.err, "wrong-token-0123456789")
      const missing = yield* cli(sandbox, home, ["--endpoint", ENDPOINT, "--token", sandbox.token, "get", "comment", "acme/emails", "nope"])
      assert.strictEqual(missing.code, EXIT_CODES.api)
      assert.include(missing.err, "404")
      // Retried with backoff first (the TestClock is moved on), then reported with the attempts it took.
      const retried = (faults: Sandbox.FaultOptions) =>
        Effect.gen(function*() {
          sandbox.faults.set(faults)
          const fiber = yield* Effect.forkChild(cli(sandbox, home, ["--endpoint", ENDPOINT, "--token", sandbox.token, "get", "projects"]))
          const exit = yield* driveFiber(fiber, "1 second")
          sandbox.faults.set({})
          return Exit.isSuccess(exit) ? exit.value : assert.fail(String(exit))
        })
      const unavailable = yield* retried({ serverError: { status: 503 } })
      assert.strictEqual(unavailable.code, EXIT_CODES.platform)
      assert.include(unavailable.err, "4 attempts")
      const dropped = yield* retried({ dropConnection: {} })
      assert.strictEqual(dropped.code, EXIT_CODES.transport)
      const proxied = yield* retried({ proxyError: { status: 502 } })
      assert.strictEqual(proxied.code, EXIT_CODES.transport)
      assert.include(proxied.err, "Not a Re:infer response")
      for (const outcome of [unauthorized, missing, unavailable, dropped, proxied]) {
        assert.notInclude(outcome.out + outcome.err, sandbox.token)
      }
      const usage = yield* cli(sandbox, home, ["get", "streams", "not-a-full-name"])
      assert.strictEqual(usage.code, EXIT_CODES.usage)
    }))
})

describe("reinfer --help", () => {
  // Every command path of the tree, from the tree itself, so a new command is covered without editing this file.
  interface Node {
    readonly name: string
    readonly subcommands: ReadonlyArray<{ readonly commands: ReadonlyArray<Node> }>
  }
  const paths = (node: Node, path: ReadonlyArray<string> = []): ReadonlyArray<ReadonlyArray<string>> => [
    path,
    ...node.subcommands.flatMap((group) => group.commands.flatMap((command) => paths(command, [...path, command.name])))
  ]

  it.effect("describes every command, with its usage, and completes every command in bash, zsh and fish", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make()
      const all = paths(app as unknown as Node)
      assert.isAbove(all.length, 15)
      for (const path of all) {
        const help = yield* cli(sandbox, freshHome(), [...path, "--help"])
        assert.strictEqual(help.code, 0, `${path.join(" ")}: ${help.err}`)
        assert.include(help.out, "USAGE", path.join(" "))
        assert.include(help.out, ["reinfer", ...path].join(" "), path.join(" "))
        assert.include(help.out, "DESCRIPTION", path.join(" "))
      }
      const version = yield* cli(sandbox, freshHome(), ["--version"])
      assert.strictEqual(version.out, "reinfer v0.1.0\n")
      // Shell completion scripts from the same tree, every command in them.
      for (const shell of ["bash", "zsh", "fish"]) {
        const script = yield* cli(sandbox, freshHome(), ["--completions", shell])
        assert.strictEqual(script.code, 0, script.err)
        for (const path of all.filter((each) => each.length > 0)) assert.include(script.out, path[path.length - 1]!, `${shell}: ${path.join(" ")}`)
      }
    }))
})

describe("reinfer create comments", () => {
  const COMMENTS = 20_000
  const BAD = new Map([[41, "timestamp"], [9_000, "id"], [17_777, "json"]])
  const commentLine = (i: number) => {
    const comment: Record<string, unknown> = {
      id: `u${String(i).padStart(5, "0")}`,
      timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      messages: [{ body: { text: `Upload ${i}` } }]
    }
    if (BAD.get(i) === "timestamp") comment.timestamp = "yesterday"
    if (BAD.get(i) === "id") delete comment.id
    return BAD.get(i) === "json" ? "{not json" : JSON.stringify(comment)
  }
  const writeInput = (name: string) => {
    const file = join(scratch, name)
    writeFileSync(file, Array.from({ length: COMMENTS }, (_, i) => commentLine(i)).join("\n") + "\n")
    return file
  }
  const withSource = Effect.gen(function*() {
    const sandbox = yield* Sandbox.make({ projects: ["acme"] })
    yield* Effect.flatMap(ReinferClient, (client) =>
      client.createSource({ project: "acme", source: "emails", body: { source: {} } })).pipe(
        Effect.provide(TestClient.overSandbox(sandbox))
      )
    return sandbox
  })

  it.effect("uploads 20,000 comments with 3 bad ones: those 3, and only they, are in the failed-out file", () =>
    Effect.gen(function*() {
      const sandbox = yield* withSource
      const file = writeInput("upload.jsonl")
      const failedOut = join(scratch, "failed.jsonl")
      const result = yield* cli(sandbox, freshHome(), [
        ...connect(sandbox), "create", "comments", "--source", "acme/emails", "--file", file, "--failed-out", failedOut
      ])
      assert.strictEqual(result.code, EXIT_CODES.api, result.err)
      assert.deepStrictEqual(JSON.parse(result.out.trim()), { new: COMMENTS - 3, updated: 0, unchanged: 0, failed: 3, skipped: 0 })
      const failed = jsonLines(readFileSync(failedOut, "utf8"))
      assert.deepStrictEqual(failed.map((failure) => failure.line), [...BAD.keys()].map((i) => i + 1))
      assert.include(failed[0].error, "timestamp")
      assert.include(failed[2].error, "not JSON")
      assert.match(result.err, /3 comments failed \(written to .*failed\.jsonl\)/)
      // Plain progress lines on a pipe: the last one at 100 %.
      assert.match(result.err, /100% 20,000\/20,000 comments/)
      // Failures remain, so the checkpoint stays for a --resume that retries only them.
      assert.isTrue(existsSync(checkpointOf(file)))
    }), 60_000)

  it.effect("a killed upload resumed with --resume sends no comment the checkpoint had confirmed", () =>
    Effect.gen(function*() {
      const sandbox = yield* withSource
      const file = writeInput("killed.jsonl")
      const base = Sandbox.httpClient(sandbox)
      const sent: Array<string> = []
      let syncs = 0
      // Records the ids every sync request carries; from the 40th on none answers, as if the process were killed
      // with requests in flight.
      const recording = (hangAt: number | undefined) =>
        Layer.succeed(HttpClient.HttpClient)(HttpClient.make((request) => {
          if (request.url.endsWith("/sync") && request.body._tag === "Uint8Array") {
            syncs += 1
            const body = JSON.parse(new TextDecoder().decode(request.body.body)) as { comments: Array<{ id: string }> }
            if (hangAt !== undefined && syncs >= hangAt) return Effect.never
            sent.push(...body.comments.map((comment) => comment.id))
          }
          return base.execute(request)
        }))
      const home = freshHome()
      const args = [...connect(sandbox), "create", "comments", "--source", "acme/emails", "--file", file, "--no-progress"]
      const killed = yield* Effect.forkChild(cli(sandbox, home, args, { transport: recording(40) }))
      // Until all four requests in flight hang and the 39 before them were answered and checkpointed.
      while (syncs < 43) yield* nextTurn
      for (let turn = 0; turn < 100; turn++) yield* nextTurn
      yield* Fiber.interrupt(killed)
      const checkpoint = JSON.parse(readFileSync(checkpointOf(file), "utf8")) as { confirmed: Array<[number, number]> }
      const confirmedLines = new Set(checkpoint.confirmed.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, k) => from + k)))
      assert.strictEqual(confirmedLines.size, 39 * 128, "the 39 batches answered before the kill")
      const idOfLine = (line: number) => `u${String(line - 1).padStart(5, "0")}`

      sent.length = 0
      syncs = 0
      const resumed = yield* cli(sandbox, home, [...args, "--resume"], { transport: recording(undefined) })
      assert.strictEqual(resumed.code, EXIT_CODES.api, resumed.err)
      const summary = JSON.parse(resumed.out.trim())
      assert.strictEqual(summary.skipped, confirmedLines.size)
      for (const line of confirmedLines) assert.notInclude(sent, idOfLine(line))
      assert.strictEqual(summary.new + summary.updated + summary.unchanged + summary.skipped + summary.failed, COMMENTS)
    }), 60_000)

  it.effect("reads CSV with a header row: quoted commas and line breaks, addresses, user properties", () =>
    Effect.gen(function*() {
      const sandbox = yield* withSource
      const file = join(scratch, "tickets.csv")
      writeFileSync(file, [
        "id,timestamp,subject,from,to,text,string:Team,number:Priority",
        `t1,2024-05-01T09:00:00Z,"Refund, please",ann@example.com,support@example.com;billing@example.com,"Line one`,
        `line two",Billing,2`,
        `t2,2024-05-01T10:00:00Z,Hello,bob@example.com,,"She said ""hi""",,`
      ].join("\n") + "\n")
      const result = yield* cli(sandbox, freshHome(), [...connect(sandbox), "create", "comments", "--source", "acme/emails", "--file", file])
      assert.strictEqual(result.code, 0, result.err)
      const comment = yield* cli(sandbox, freshHome(), [...connect(sandbox), "get", "comment", "acme/emails", "t1"])
      const [stored] = jsonLines(comment.out)
      assert.strictEqual(stored.messages[0].subject.text, "Refund, please")
      assert.strictEqual(stored.messages[0].body.text, "Line one\nline two")
      assert.deepStrictEqual(stored.messages[0].to, ["support@example.com", "billing@example.com"])
      assert.deepStrictEqual(stored.user_properties, { "string:Team": "Billing", "number:Priority": 2 })
      const second = jsonLines((yield* cli(sandbox, freshHome(), [...connect(sandbox), "get", "comment", "acme/emails", "t2"])).out)[0]
      assert.strictEqual(second.messages[0].body.text, `She said "hi"`)
    }))

  it("describes progress as a bar with share, rate and time left", () => {
    const line = describeProgress(
      { read: 12_000, synced: 12_000, failed: 0, new: 12_000, updated: 0, unchanged: 0, requests: 94, total: 20_000, done: false },
      0,
      3_000
    )
    assert.strictEqual(line, "[██████████████░░░░░░░░░░] 60% 12,000/20,000 comments · 4,000/s · 2s left")
  })
})
