/**
 * The root of the `reinfer` command tree and what every command shares: the flags that say where to connect and
 * how to print (`--context`, `--endpoint`, `--token`, `--output`, `--verbose`), the client those flags settle, and
 * the `project/name` arguments resources are named with.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import type * as Path from "effect/Path"
import * as Redacted from "effect/Redacted"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as HttpClient from "effect/http/HttpClient"
import { ReinferClient, type ReinferClientShape } from "../client.ts"
import type { ReinferConfigError } from "../errors.ts"
import { CliEnvironment, contextsFile, readContexts, resolveConnection } from "./contexts.ts"
import { CliFailure } from "./failure.ts"
import { CliIo, type Column, type OutputFormat } from "./output.ts"
import { verboseTracer } from "./verbose.ts"

/**
 * What every command needs from where it runs.
 *
 * @since 0.1.0
 * @category models
 */
export type CliServices = CliIo | CliEnvironment | FileSystem.FileSystem | Path.Path | HttpClient.HttpClient

/**
 * The `reinfer` command itself, with the flags every command below it takes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const root = Command.make("reinfer").pipe(
  Command.withDescription("Re:infer (UiPath Communications Mining) from the command line"),
  Command.withSharedFlags({
    context: Flag.String("context").pipe(
      Flag.optional,
      Flag.withDescription("The context to use instead of the current one (reinfer config ls lists them)")
    ),
    endpoint: Flag.String("endpoint").pipe(
      Flag.optional,
      Flag.withDescription("The tenant's base URL, overriding the context and REINFER_ENDPOINT")
    ),
    token: Flag.Redacted("token").pipe(
      Flag.optional,
      Flag.withDescription("An API token, overriding the context and REINFER_TOKEN")
    ),
    output: Flag.Literals("output", ["table", "json", "jsonl"]).pipe(
      Flag.withAlias("o"),
      Flag.optional,
      Flag.withDescription("table (the default on a terminal), json, or jsonl (the default when piped)")
    ),
    // No -v: effect/cli gives that to --version.
    verbose: Flag.Boolean("verbose").pipe(
      Flag.withDefault(false),
      Flag.withDescription("Print every request attempt and span on standard error as it ends")
    )
  })
)

/**
 * The output format the flags asked for, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const outputOf = (shared: { readonly output: Option.Option<OutputFormat> }): OutputFormat | undefined =>
  Option.getOrUndefined(shared.output)

/**
 * Runs `body` with a client connected as the flags, the environment and the contexts say; with `--verbose`, every
 * span the body makes is printed as it ends.
 *
 * @since 0.1.0
 * @category constructors
 */
export const withClient = <A, E, R>(
  body: (client: ReinferClientShape, format: OutputFormat | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliFailure | ReinferConfigError, R | CliServices | Command.CommandContext<"reinfer">> =>
  Effect.gen(function*() {
    const shared = yield* root
    const environment = yield* CliEnvironment
    const contexts = yield* readContexts(yield* contextsFile)
    const connection = yield* resolveConnection({
      endpointFlag: Option.getOrUndefined(shared.endpoint),
      tokenFlag: Option.getOrUndefined(shared.token),
      contextFlag: Option.getOrUndefined(shared.context),
      environment: environment.variables,
      contexts
    })
    const transport = connection.proxy === undefined
      ? yield* HttpClient.HttpClient
      : yield* proxiedTransport(connection.proxy)
    const client = yield* ReinferClient.make({ endpoint: connection.endpoint, token: connection.token }).pipe(
      Effect.provideService(HttpClient.HttpClient, transport)
    )
    const run = body(client, outputOf(shared))
    if (!shared.verbose) return yield* run
    const io = yield* CliIo
    return yield* Effect.withTracer(run, verboseTracer((line) => Effect.runSync(io.err(line))))
  }).pipe(Effect.scoped)

// Undici through a `ProxyAgent` (plain-HTTP targets as absolute-form requests, HTTPS through CONNECT), closed
// when the command ends. Loaded only when a context has a proxy; the command line runs on platform-node anyway.
const proxiedTransport = (proxy: Redacted.Redacted<string>) =>
  Effect.gen(function*() {
    const [{ NodeHttpClient }, Undici] = yield* Effect.promise(() =>
      Promise.all([import("@effect/platform-node"), import("@effect/platform-node/Undici")])
    )
    const agent = yield* Effect.acquireRelease(
      Effect.try({
        try: () => new Undici.ProxyAgent(Redacted.value(proxy)),
        catch: () => new CliFailure({ kind: "config", message: "the context's proxy is not a URL (reinfer config add … --proxy sets it)" })
      }),
      (opened) => Effect.promise(() => opened.close())
    )
    return yield* Effect.provideService(NodeHttpClient.makeUndici, NodeHttpClient.Dispatcher, agent)
  })

/**
 * `project/name` (or `project/dataset/name`), as the official client writes full names: the parts, or undefined
 * when `text` is not one.
 *
 * @since 0.1.0
 * @category parsing
 */
export const splitFullName = (text: string, parts: number): ReadonlyArray<string> | undefined => {
  const pieces = text.split("/")
  return pieces.length === parts && pieces.every((piece) => piece !== "") ? pieces : undefined
}

const fullNameShape = (parts: 2 | 3) => (parts === 2 ? "project/name" : "project/dataset/name")

/**
 * A positional argument naming a resource by its full name: `[project, name]`, or `[project, dataset, name]`.
 *
 * @since 0.1.0
 * @category arguments
 */
export const fullName = <const N extends 2 | 3>(what: string, parts: N) =>
  Argument.String(what).pipe(
    Argument.withDescription(`The ${what} as ${fullNameShape(parts)}`),
    Argument.filterMap(
      (text) => Option.fromNullishOr(splitFullName(text, parts) as FullName<N> | undefined),
      (text) => `expected ${fullNameShape(parts)}, got "${text}"`
    )
  )

/**
 * The parts of a full name.
 *
 * @since 0.1.0
 * @category models
 */
export type FullName<N extends 2 | 3> = N extends 2 ? readonly [project: string, name: string]
  : readonly [project: string, dataset: string, name: string]

/**
 * A flag naming a resource by its full name (`--source acme/emails`), checked the same way as `fullName`.
 *
 * @since 0.1.0
 * @category flags
 */
export const fullNameFlag = (flag: string, description: string) =>
  Flag.String(flag).pipe(
    Flag.withDescription(`${description}, as project/name`),
    Flag.filterMap(
      (text) => Option.fromNullishOr(splitFullName(text, 2) as FullName<2> | undefined),
      (text) => `--${flag}: expected project/name, got "${text}"`
    )
  )

/**
 * The columns every named resource prints with in a table: its full name, title and id.
 *
 * @since 0.1.0
 * @category output
 */
export const resourceColumns: ReadonlyArray<
  Column<{ readonly owner?: string; readonly name: string; readonly title?: string; readonly id?: string | undefined }>
> = [
  { title: "name", value: (resource) => (resource.owner === undefined ? resource.name : `${resource.owner}/${resource.name}`) },
  { title: "title", value: (resource) => resource.title },
  { title: "id", value: (resource) => resource.id }
]

/**
 * The fields of `options` that were given, unwrapped: what goes into a request body when only some flags were
 * passed (a field left out is left as it is by the API).
 *
 * @since 0.1.0
 * @category constructors
 */
export const givenFields = <const F extends Record<string, Option.Option<unknown>>>(
  options: F
): { -readonly [K in keyof F]?: F[K] extends Option.Option<infer A> ? A : never } => {
  const given: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) if (Option.isSome(value)) given[key] = value.value
  return given as never
}

/**
 * An optional text flag with a description.
 *
 * @since 0.1.0
 * @category flags
 */
export const textFlag = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.optional, Flag.withDescription(description))

/**
 * The id of the source named `project/name`: datasets hold their sources by id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sourceId = (client: ReinferClientShape, [project, source]: FullName<2>) =>
  Effect.map(client.getSource({ project, source }), (found) => found.source.id)

/**
 * `--should-translate` (and `--no-should-translate`): whether a source's comments are translated into English.
 *
 * @since 0.1.0
 * @category flags
 */
export const shouldTranslateFlag = Flag.Boolean("should-translate").pipe(
  Flag.optional,
  Flag.withDescription("Translate its comments into English (--no-should-translate: do not)")
)
