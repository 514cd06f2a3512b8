/**
 * `reinfer sandbox`: a stateful Re:infer sandbox on a loopback port, with the `reinfer config add` line that points
 * a context at it, until Ctrl-C.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { CliIo } from "../output.ts"

/**
 * `reinfer sandbox`.
 *
 * @since 0.1.0
 * @category commands
 */
export const sandbox = Command.make("sandbox", {
  port: Flag.Int("port").pipe(Flag.withDefault(0), Flag.withDescription("The port to listen on (0: any free one)")),
  project: Flag.String("project").pipe(
    Flag.withDefault("acme"),
    Flag.withDescription("A project to create, so there is something to work in")
  )
}, (input) =>
  Effect.gen(function*() {
    const io = yield* CliIo
    // Loaded only for this command: the sandbox is most of the package and no other command needs it.
    const { DEFAULT_TOKEN, startSandbox } = yield* Effect.promise(() => import("../../sandbox/index.ts"))
    const running = yield* Effect.acquireRelease(
      Effect.promise(() => startSandbox({ port: input.port, host: "127.0.0.1", projects: [input.project] })),
      (started) => Effect.promise(() => started.stop())
    )
    yield* io.out(`Re:infer sandbox listening on ${running.url}\n`)
    yield* io.out(`reinfer config add sandbox --endpoint ${running.url} --token ${DEFAULT_TOKEN} --use\n`)
    // Until interrupted (Ctrl-C): the runtime then releases the sandbox.
    return yield* Effect.never
  }).pipe(Effect.scoped)).pipe(
  Command.withDescription("Start a local sandbox on 127.0.0.1 and print the command that adds a context for it")
)
