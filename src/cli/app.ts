/**
 * The `reinfer` command line, built with `effect/cli`: contexts (`config …`), reading, creating, changing and
 * deleting resources (`get`, `create`, `update`, `delete`), uploads from files (`create comments`, `create
 * emails`), a stream tail (`get stream-comments`), and a local sandbox to try it on (`sandbox`). Every API call
 * goes through `ReinferClient`, so it gets the library's validation, retries, typed errors and Server-Timing.
 *
 * One file a command group, under src/cli/commands/; what they share (flags, the client, full names) is in
 * src/cli/root.ts.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as CliError from "effect/cli/CliError"
import * as Command from "effect/cli/Command"
import { config } from "./commands/config.ts"
import { create } from "./commands/create.ts"
import { remove } from "./commands/delete.ts"
import { get } from "./commands/get.ts"
import { sandbox } from "./commands/sandbox.ts"
import { update } from "./commands/update.ts"
import { CliFailure, toCliFailure } from "./failure.ts"
import { CliIo } from "./output.ts"
import { type CliServices, root } from "./root.ts"

export type { CliServices } from "./root.ts"

/**
 * The whole command tree.
 *
 * @since 0.1.0
 * @category constructors
 */
export const app = root.pipe(Command.withSubcommands([config, get, create, update, remove, sandbox]))

/**
 * Runs the command line on `args` (without the `node` and script paths) and turns any failure into a
 * `CliFailure`, printed as one line on standard error first; usage errors the parser found were printed by it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const run = (
  args: ReadonlyArray<string>,
  version: string
): Effect.Effect<void, CliFailure, CliServices | Command.Environment> =>
  Command.runWith(app, { version })(args).pipe(
    Effect.catch((error: unknown) =>
      Effect.gen(function*() {
        const io = yield* CliIo
        if (isParseError(error)) return yield* new CliFailure({ kind: "usage", message: "see --help" })
        const failure = toCliFailure(error)
        yield* io.err(`reinfer: ${failure.message}\n`)
        return yield* failure
      })
    )
  )

// The parser printed these itself (with the command's help); only the exit code is left to set.
const isParseError = (error: unknown): boolean => CliError.isCliError(error) && error._tag !== "UserError"
