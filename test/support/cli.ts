/**
 * Runs the `reinfer` command line in process, as a user would see it: over the sandbox (or a given transport),
 * with its own configuration directory, its standard output and error captured, and what effect/cli itself prints
 * (help, version, parse errors, completion scripts) formatted as on a terminal. Every run is scanned for the
 * sandbox's token, which no command but `config get-token` may print.
 *
 * @since 0.1.0
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeServices } from "@effect/platform-node"
import { assert } from "@effect/vitest"
import { Console, Deferred, Effect, Exit, Layer, Runtime } from "effect"
import { CliOutput } from "effect/cli"
import type { HttpClient } from "effect/http"
import { afterAll } from "vitest"
import { run } from "../../src/cli/app.ts"
import { CliEnvironment } from "../../src/cli/contexts.ts"
import { CliIo } from "../../src/cli/output.ts"
import * as Sandbox from "../../src/sandbox/index.ts"
import * as TestClient from "./client.ts"

/**
 * A scratch directory for the calling test file, removed after it, and fresh home directories in it (each with an
 * empty configuration directory). Called by each file itself: the suite runs without isolation, so a hook
 * registered here once would run after whichever file imported this module first.
 */
export const makeScratch = (): { readonly scratch: string; readonly freshHome: () => string } => {
  const scratch = mkdtempSync(join(tmpdir(), "effect-reinfer-cli-"))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))
  let homes = 0
  return { scratch, freshHome: () => join(scratch, `home-${++homes}`) }
}

/** What a run printed, and its exit code. */
export interface Outcome {
  readonly code: number
  readonly out: string
  readonly err: string
}

/** How a run differs from a plain one on a pipe over the sandbox. */
export interface RunOptions {
  readonly variables?: Record<string, string>
  readonly transport?: Layer.Layer<HttpClient.HttpClient>
  /** Runs as each piece of standard output is written (after it was captured). */
  readonly onOut?: (text: string) => Effect.Effect<void>
  /** Both outputs are a terminal 100 columns wide (tables, a progress bar redrawn in place). */
  readonly terminal?: boolean
  /** Interrupt the command, as Ctrl-C does, once it has written anything; the outcome's code is then 130. */
  readonly interruptAfterOutput?: boolean
}

/** The exit code of a command stopped by Ctrl-C, as a shell reports it. */
export const INTERRUPTED = 130

/** Runs `reinfer <args>` in process. */
export const cli = (
  sandbox: Sandbox.Sandbox,
  home: string,
  args: ReadonlyArray<string>,
  options: RunOptions = {}
): Effect.Effect<Outcome> =>
  Effect.gen(function*() {
    let out = ""
    let err = ""
    const wrote = yield* Deferred.make<void>()
    const io = Layer.succeed(CliIo)({
      out: (text) =>
        Effect.sync(() => void (out += text)).pipe(
          Effect.andThen(Deferred.succeed(wrote, undefined)),
          Effect.andThen(options.onOut?.(text) ?? Effect.void)
        ),
      err: (text) => Effect.andThen(Effect.sync(() => void (err += text)), Deferred.succeed(wrote, undefined)),
      isTerminal: options.terminal ?? false,
      errIsTerminal: options.terminal ?? false,
      columns: 100
    })
    const environment = Layer.succeed(CliEnvironment)({
      variables: { XDG_CONFIG_HOME: join(home, "config"), ...options.variables },
      platform: process.platform,
      home
    })
    const formatter = CliOutput.defaultFormatter({ colors: false })
    const presenter = CliOutput.layerPresenter({
      present: (event) =>
        Effect.sync(() => {
          if (event._tag === "Version") out += `${event.name} v${event.version}\n`
          else if (event._tag === "Help") out += formatter.formatHelpDoc(event.helpDoc)
          else err += event.errors.map((error) => formatter.formatCliError(error)).join("\n")
        })
    })
    const transport = options.transport ?? Sandbox.layerFrom(sandbox)
    // effect/cli prints a completion script with Console.log.
    const console: Console.Console = {
      ...globalThis.console,
      log: (...parts) => void (out += `${parts.join(" ")}\n`),
      error: (...parts) => void (err += `${parts.join(" ")}\n`)
    }
    const command = run(args, "0.1.0").pipe(
      Effect.provide(Layer.mergeAll(NodeServices.layer, transport, io, environment, presenter)),
      Effect.provideService(Console.Console, console)
    )
    const exit = yield* Effect.exit(
      options.interruptAfterOutput === true
        ? Effect.raceFirst(command, Effect.andThen(Deferred.await(wrote), Effect.interrupt))
        : command
    )
    const code = Exit.isSuccess(exit)
      ? 0
      : Exit.hasInterrupts(exit)
      ? INTERRUPTED
      : Runtime.getErrorExitCode(failureOf(exit))
    if (!args.includes("get-token")) {
      assert.notInclude(out + err, sandbox.token, `reinfer ${args.join(" ")} printed the token`)
    }
    return { code, out, err } satisfies Outcome
  })

const failureOf = (exit: Exit.Exit<unknown, unknown>): unknown =>
  Exit.isFailure(exit) ? exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error : undefined

/**
 * A sandbox with project acme, source acme/emails (30 comments, c000 to c029, an hour apart from 2024-01-01),
 * dataset acme/support over it and stream acme/support/urgent.
 */
export const seeded: Effect.Effect<Sandbox.Sandbox> = TestClient.sandboxWithStream({
  sourceTitle: "Support e-mails",
  comments: Array.from({ length: 30 }, (_, i) => ({
    id: `c${String(i).padStart(3, "0")}`,
    timestamp: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
    messages: [{ body: { text: `Message ${i}` } }]
  }))
})

/** The sandbox's in-process endpoint. */
export const ENDPOINT = Sandbox.IN_PROCESS_URL

/** The flags that connect to the sandbox. */
export const connect = (sandbox: Sandbox.Sandbox): ReadonlyArray<string> => ["--endpoint", ENDPOINT, "--token", sandbox.token]

/** Each non-empty line, parsed as JSON. */
export const jsonLines = (text: string): Array<any> =>
  text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line))
