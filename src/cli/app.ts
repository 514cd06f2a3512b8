/**
 * The commands of the `reinfer` command line, built with `effect/cli`: contexts (`config …`), reading resources
 * (`get …`) and a local sandbox to try it on (`sandbox`). Every API call goes through `ReinferClient`, so it gets
 * the library's validation, retries, typed errors and Server-Timing.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import type * as Path from "effect/Path"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Argument from "effect/cli/Argument"
import * as CliError from "effect/cli/CliError"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import type * as HttpClient from "effect/http/HttpClient"
import { ReinferClient, type ReinferClientShape } from "../client.ts"
import { resolveOptions } from "../config.ts"
import * as Pagination from "../pagination.ts"
import {
  CliEnvironment,
  contextsFile,
  noSuchContext,
  readContexts,
  resolveConnection,
  writeContexts
} from "./contexts.ts"
import { CliFailure, toCliFailure } from "./failure.ts"
import { CliIo, type Column, type OutputFormat, printRecord, printRecords } from "./output.ts"
import { formatOf } from "./records.ts"
import { uploadComments } from "./upload.ts"

/**
 * What every command needs from where it runs.
 *
 * @since 0.1.0
 * @category models
 */
export type CliServices = CliIo | CliEnvironment | FileSystem.FileSystem | Path.Path | HttpClient.HttpClient

// ---------------------------------------------------------------------------------------------------------
// The root and its shared flags

const root = Command.make("reinfer").pipe(
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
    )
  })
)

const outputOf = (shared: { readonly output: Option.Option<OutputFormat> }) => Option.getOrUndefined(shared.output)

// Runs `body` with a client connected as the flags, the environment and the contexts say.
const withClient = <A, E>(
  body: (client: ReinferClientShape, format: OutputFormat | undefined) => Effect.Effect<A, E, CliServices>
) =>
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
    const client = yield* ReinferClient.make({ endpoint: connection.endpoint, token: connection.token })
    return yield* body(client, outputOf(shared))
  })

// ---------------------------------------------------------------------------------------------------------
// reinfer config …

const contextName = Argument.String("name").pipe(Argument.withDescription("The context's name"))

// `--endpoint` and `--token` are the root's own flags: here they say what to store rather than where to connect.
const configAdd = Command.make("add", {
  name: contextName,
  use: Flag.Boolean("use").pipe(Flag.withDefault(false), Flag.withDescription("Also make it the current context"))
}, (input) =>
  Effect.gen(function*() {
    const shared = yield* root
    const endpoint = Option.getOrUndefined(shared.endpoint)
    const token = Option.getOrUndefined(shared.token)
    if (endpoint === undefined || token === undefined) {
      return yield* new CliFailure({
        kind: "usage",
        message: "config add needs --endpoint and --token (reinfer config add <name> --endpoint <url> --token <token>)"
      })
    }
    // The same checks a client makes (https, no credentials in the URL), before anything is stored.
    yield* resolveOptions({ endpoint, token })
    const file = yield* contextsFile
    const contexts = yield* readContexts(file)
    const current = input.use || contexts.current === undefined ? input.name : contexts.current
    yield* writeContexts(file, {
      current,
      contexts: { ...contexts.contexts, [input.name]: { endpoint, token: Redacted.value(token) } }
    })
    const io = yield* CliIo
    yield* io.out(`Added context ${input.name} (${endpoint})${current === input.name ? ", now current" : ""}\n`)
  })).pipe(Command.withDescription("Add a context (--endpoint, --token), or replace one of the same name"))

const configUse = Command.make("use", { name: contextName }, (input) =>
  Effect.gen(function*() {
    const file = yield* contextsFile
    const contexts = yield* readContexts(file)
    if (contexts.contexts[input.name] === undefined) {
      return yield* noSuchContext(input.name)
    }
    yield* writeContexts(file, { ...contexts, current: input.name })
    yield* Effect.flatMap(Effect.service(CliIo), (io) => io.out(`Now using ${input.name}\n`))
  })).pipe(Command.withDescription("Make a context the current one"))

interface ContextRow {
  readonly name: string
  readonly endpoint: string
  readonly current: boolean
}

const contextColumns: ReadonlyArray<Column<ContextRow>> = [
  { title: "current", value: (row) => (row.current ? "*" : "") },
  { title: "name", value: (row) => row.name },
  { title: "endpoint", value: (row) => row.endpoint }
]

const configLs = Command.make("ls", {}, () =>
  Effect.gen(function*() {
    const shared = yield* root
    const contexts = yield* readContexts(yield* contextsFile)
    // Never the tokens.
    const rows = Object.entries(contexts.contexts).map(([name, stored]) => ({
      name,
      endpoint: stored.endpoint,
      current: name === contexts.current
    }))
    yield* printRecords(rows, contextColumns, outputOf(shared))
  })).pipe(Command.withDescription("List the contexts (never their tokens)"))

const configCurrent = Command.make("current", {}, () =>
  Effect.gen(function*() {
    const contexts = yield* readContexts(yield* contextsFile)
    if (contexts.current === undefined) {
      return yield* new CliFailure({ kind: "config", message: "no current context (reinfer config use <name> sets one)" })
    }
    yield* Effect.flatMap(Effect.service(CliIo), (io) => io.out(`${contexts.current}\n`))
  })).pipe(Command.withDescription("Print the current context's name"))

const configDelete = Command.make("delete", { name: contextName }, (input) =>
  Effect.gen(function*() {
    const file = yield* contextsFile
    const contexts = yield* readContexts(file)
    if (contexts.contexts[input.name] === undefined) {
      return yield* noSuchContext(input.name)
    }
    const { [input.name]: _deleted, ...rest } = contexts.contexts
    yield* writeContexts(file, { contexts: rest, ...(contexts.current === input.name ? {} : { current: contexts.current }) })
    yield* Effect.flatMap(Effect.service(CliIo), (io) => io.out(`Deleted context ${input.name}\n`))
  })).pipe(Command.withDescription("Delete a context"))

const configGetToken = Command.make("get-token", {
  name: contextName.pipe(Argument.optional)
}, (input) =>
  Effect.gen(function*() {
    const contexts = yield* readContexts(yield* contextsFile)
    const name = Option.getOrUndefined(input.name) ?? contexts.current
    const stored = name === undefined ? undefined : contexts.contexts[name]
    if (stored === undefined) {
      return yield* name === undefined
        ? new CliFailure({ kind: "config", message: "no current context (reinfer config use <name> sets one)" })
        : noSuchContext(name)
    }
    // The one command that prints a token, because that is what it was asked for.
    yield* Effect.flatMap(Effect.service(CliIo), (io) => io.out(`${stored.token}\n`))
  })).pipe(Command.withDescription("Print a context's token (the current one's unless named)"))

const config = Command.make("config").pipe(
  Command.withDescription("Named endpoints and tokens, kept in contexts.json (mode 0600) in your configuration directory"),
  Command.withSubcommands([configAdd, configUse, configLs, configCurrent, configDelete, configGetToken])
)

// ---------------------------------------------------------------------------------------------------------
// reinfer get …

// `project/name` (or `project/dataset/name`), as the official client writes full names; undefined when not one.
const splitFullName = (text: string, parts: number): ReadonlyArray<string> | undefined => {
  const pieces = text.split("/")
  return pieces.length === parts && pieces.every((piece) => piece !== "") ? pieces : undefined
}

const fullName = (what: string, parts: number) =>
  Argument.String(what).pipe(
    Argument.withDescription(parts === 2 ? `The ${what} as project/name` : `The ${what} as project/dataset/name`),
    Argument.filterMap(
      (text) => Option.fromNullishOr(splitFullName(text, parts)),
      (text) => `expected ${parts === 2 ? "project/name" : "project/dataset/name"}, got "${text}"`
    )
  )

const projectFilter = Argument.String("project").pipe(
  Argument.withDescription("Only those of this project"),
  Argument.optional
)

const getCurrentUser = Command.make("current-user", {}, () =>
  withClient((client, format) =>
    Effect.flatMap(client.getCurrentUser(), ({ user }) =>
      printRecord(user, [
        { title: "username", value: (u) => u.username },
        { title: "email", value: (u) => u.email },
        { title: "id", value: (u) => u.id }
      ], format))
  )).pipe(Command.withDescription("The user the token belongs to"))

const getProjects = Command.make("projects", {}, () =>
  withClient((client, format) =>
    Effect.flatMap(client.listProjects(), ({ projects }) =>
      printRecords(projects, [
        { title: "name", value: (project) => project.name },
        { title: "title", value: (project) => project.title },
        { title: "id", value: (project) => project.id }
      ], format))
  )).pipe(Command.withDescription("List projects"))

const getSources = Command.make("sources", { project: projectFilter }, (input) =>
  withClient((client, format) =>
    Effect.flatMap(client.listSources(), ({ sources }) => {
      const project = Option.getOrUndefined(input.project)
      return printRecords(project === undefined ? sources : sources.filter((source) => source.owner === project), [
        { title: "name", value: (source) => `${source.owner}/${source.name}` },
        { title: "title", value: (source) => source.title },
        { title: "id", value: (source) => source.id }
      ], format)
    })
  )).pipe(Command.withDescription("List sources, of every project or of one"))

const getDatasets = Command.make("datasets", { project: projectFilter }, (input) =>
  withClient((client, format) =>
    Effect.flatMap(client.listDatasets(), ({ datasets }) => {
      const project = Option.getOrUndefined(input.project)
      return printRecords(project === undefined ? datasets : datasets.filter((dataset) => dataset.owner === project), [
        { title: "name", value: (dataset) => `${dataset.owner}/${dataset.name}` },
        { title: "title", value: (dataset) => dataset.title },
        { title: "id", value: (dataset) => dataset.id }
      ], format)
    })
  )).pipe(Command.withDescription("List datasets, of every project or of one"))

const getStreams = Command.make("streams", { dataset: fullName("dataset", 2) }, (input) =>
  withClient((client, format) =>
    Effect.flatMap(client.listStreams({ project: input.dataset[0]!, dataset: input.dataset[1]! }), ({ streams }) =>
      printRecords(streams, [
        { title: "name", value: (stream) => stream.name },
        { title: "title", value: (stream) => stream.title },
        { title: "id", value: (stream) => stream.id }
      ], format))
  )).pipe(Command.withDescription("List the streams of a dataset"))

const commentColumns: ReadonlyArray<Column<{ readonly id: string; readonly timestamp: string; readonly uid: string }>> = [
  { title: "id", value: (comment) => comment.id },
  { title: "timestamp", value: (comment) => comment.timestamp },
  { title: "uid", value: (comment) => comment.uid }
]

const getComment = Command.make("comment", {
  source: fullName("source", 2),
  id: Argument.String("id").pipe(Argument.withDescription("The comment's id"))
}, (input) =>
  withClient((client, format) =>
    Effect.flatMap(
      client.getComment({ project: input.source[0]!, source: input.source[1]!, commentId: input.id }),
      ({ comment }) => printRecord(comment, commentColumns, format)
    )
  )).pipe(Command.withDescription("One comment of a source"))

const getComments = Command.make("comments", {
  source: fullName("source", 2),
  from: Flag.String("from").pipe(Flag.optional, Flag.withDescription("Only comments at or after this timestamp")),
  to: Flag.String("to").pipe(Flag.optional, Flag.withDescription("Only comments before this timestamp")),
  limit: Flag.Int("limit").pipe(Flag.optional, Flag.withDescription("At most this many comments"))
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const io = yield* CliIo
      const from = Option.getOrUndefined(input.from)
      const to = Option.getOrUndefined(input.to)
      const limit = Option.getOrUndefined(input.limit)
      if (limit !== undefined && limit < 1) {
        return yield* new CliFailure({ kind: "usage", message: `--limit must be at least 1, got ${limit}` })
      }
      const comments = Pagination.stream("listComments", {
        project: input.source[0]!,
        source: input.source[1]!,
        ...(from === undefined ? {} : { from_timestamp: from }),
        ...(to === undefined ? {} : { to_timestamp: to })
      }, { pageSize: 256 }).pipe(
        limit === undefined ? (stream) => stream : Stream.take(limit),
        Stream.provideService(ReinferClient, client)
      )
      // Printed page by page as they arrive, never all held at once: JSON lines whatever the format, since a
      // table would have to see every row first to align them.
      if (format === "json") {
        yield* io.out("[")
        let first = true
        yield* Stream.runForEach(comments, (comment) => {
          const text = `${first ? "\n" : ",\n"}${JSON.stringify(comment)}`
          first = false
          return io.out(text)
        })
        yield* io.out(first ? "]\n" : "\n]\n")
        return
      }
      yield* Stream.runForEach(comments, (comment) => io.out(`${JSON.stringify(comment)}\n`))
    })
  )).pipe(Command.withDescription("Stream a source's comments as JSON lines (--from, --to, --limit)"))

const get = Command.make("get").pipe(
  Command.withDescription("Read resources"),
  Command.withSubcommands([getCurrentUser, getProjects, getSources, getDatasets, getStreams, getComment, getComments])
)

// ---------------------------------------------------------------------------------------------------------
// reinfer create …

const createComments = Command.make("comments", {
  source: Flag.String("source").pipe(Flag.withDescription("The source to upload to, as project/name")),
  file: Flag.String("file").pipe(Flag.withDescription("JSON lines, or CSV with a header row (by extension); - for standard input")),
  format: Flag.Literals("format", ["jsonl", "csv"]).pipe(Flag.optional, Flag.withDescription("Overrides the format the extension says")),
  batchSize: Flag.Int("batch-size").pipe(Flag.optional, Flag.withDescription("Comments per request (1 to 4096; 128)")),
  concurrency: Flag.Int("concurrency").pipe(Flag.optional, Flag.withDescription("Requests in flight (4)")),
  noProgress: Flag.Boolean("no-progress").pipe(Flag.withDefault(false), Flag.withDescription("Show no progress")),
  failedOut: Flag.String("failed-out").pipe(
    Flag.optional,
    Flag.withDescription("Write each comment that failed (line, id, error) to this file as JSON lines")
  ),
  resume: Flag.Boolean("resume").pipe(
    Flag.withDefault(false),
    Flag.withDescription("Skip the comments an earlier run had confirmed (the checkpoint beside the file)")
  )
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const [project, source] = splitFullName(input.source, 2) ?? []
      if (project === undefined || source === undefined) {
        return yield* new CliFailure({ kind: "usage", message: `--source must be project/name, got "${input.source}"` })
      }
      const io = yield* CliIo
      yield* uploadComments({
        project,
        source,
        file: input.file,
        format: Option.getOrElse(input.format, () => formatOf(input.file)),
        batchSize: Option.getOrUndefined(input.batchSize),
        concurrency: Option.getOrUndefined(input.concurrency),
        progress: input.noProgress ? "none" : io.errIsTerminal ? "bar" : "lines",
        failedOut: Option.getOrUndefined(input.failedOut),
        resume: input.resume,
        output: format
      }).pipe(Effect.provideService(ReinferClient, client))
    })
  )).pipe(Command.withDescription("Upload comments from a file through bulk sync, with progress, --failed-out and --resume"))

const create = Command.make("create").pipe(
  Command.withDescription("Create resources, upload comments"),
  Command.withSubcommands([createComments])
)

// ---------------------------------------------------------------------------------------------------------
// reinfer sandbox

const sandbox = Command.make("sandbox", {
  port: Flag.Int("port").pipe(Flag.withDefault(0), Flag.withDescription("The port to listen on (0: any free one)")),
  project: Flag.String("project").pipe(
    Flag.withDefault("acme"),
    Flag.withDescription("A project to create, so there is something to work in")
  )
}, (input) =>
  Effect.gen(function*() {
    const io = yield* CliIo
    // Loaded only for this command: the sandbox is most of the package and no other command needs it.
    const { DEFAULT_TOKEN, startSandbox } = yield* Effect.promise(() => import("../sandbox/index.ts"))
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

// ---------------------------------------------------------------------------------------------------------

/**
 * The whole command tree.
 *
 * @since 0.1.0
 * @category constructors
 */
export const app = root.pipe(Command.withSubcommands([config, get, create, sandbox]))

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
