/**
 * `reinfer config add|use|ls|current|delete|get-token`: the named contexts (an endpoint and a token under a name)
 * kept in contexts.json, mode 0600, in the user's configuration directory.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { resolveOptions } from "../../config.ts"
import {
  contextsFile,
  describeProxy,
  noCurrentContext,
  noSuchContext,
  readContexts,
  writeContexts
} from "../contexts.ts"
import { CliFailure } from "../failure.ts"
import { type Column, printLine, printRecords } from "../output.ts"
import { outputOf, root } from "../root.ts"

const contextName = Argument.String("name").pipe(Argument.withDescription("The context's name"))

// `--endpoint` and `--token` are the root's own flags: here they say what to store rather than where to connect.
const configAdd = Command.make("add", {
  name: contextName,
  use: Flag.Boolean("use").pipe(Flag.withDefault(false), Flag.withDescription("Also make it the current context")),
  proxy: Flag.String("proxy").pipe(
    Flag.optional,
    Flag.withDescription("An HTTP proxy for every request of this context (http://user:password@proxy:3128)")
  )
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
    const proxy = Option.getOrUndefined(input.proxy)
    if (proxy !== undefined && !/^https?:$/.test(URL.parse(proxy)?.protocol ?? "")) {
      return yield* new CliFailure({ kind: "usage", message: `--proxy must be an http:// or https:// URL, got "${describeProxy(proxy)}"` })
    }
    const file = yield* contextsFile
    const contexts = yield* readContexts(file)
    const current = input.use || contexts.current === undefined ? input.name : contexts.current
    yield* writeContexts(file, {
      current,
      contexts: {
        ...contexts.contexts,
        [input.name]: { endpoint, token: Redacted.value(token), ...(proxy === undefined ? {} : { proxy }) }
      }
    })
    const through = proxy === undefined ? "" : ` through ${describeProxy(proxy)}`
    yield* printLine(`Added context ${input.name} (${endpoint}${through})${current === input.name ? ", now current" : ""}`)
  })).pipe(Command.withDescription("Add a context (--endpoint, --token), or replace one of the same name"))

// The contexts file and what it holds, which must include `name`.
const contextsHolding = (name: string) =>
  Effect.gen(function*() {
    const file = yield* contextsFile
    const contexts = yield* readContexts(file)
    if (contexts.contexts[name] === undefined) return yield* noSuchContext(name)
    return { file, contexts }
  })

const configUse = Command.make("use", { name: contextName }, (input) =>
  Effect.gen(function*() {
    const { file, contexts } = yield* contextsHolding(input.name)
    yield* writeContexts(file, { ...contexts, current: input.name })
    yield* printLine(`Now using ${input.name}`)
  })).pipe(Command.withDescription("Make a context the current one"))

interface ContextRow {
  readonly name: string
  readonly endpoint: string
  readonly proxy?: string
  readonly current: boolean
}

const contextColumns: ReadonlyArray<Column<ContextRow>> = [
  { title: "current", value: (row) => (row.current ? "*" : "") },
  { title: "name", value: (row) => row.name },
  { title: "endpoint", value: (row) => row.endpoint },
  { title: "proxy", value: (row) => row.proxy }
]

const configLs = Command.make("ls", {}, () =>
  Effect.gen(function*() {
    const shared = yield* root
    const contexts = yield* readContexts(yield* contextsFile)
    // Never the tokens, nor a proxy's credentials.
    const rows = Object.entries(contexts.contexts).map(([name, stored]): ContextRow => ({
      name,
      endpoint: stored.endpoint,
      ...(stored.proxy === undefined ? {} : { proxy: describeProxy(stored.proxy) }),
      current: name === contexts.current
    }))
    // The proxy column only when some context has one.
    const columns = rows.some((row) => row.proxy !== undefined)
      ? contextColumns
      : contextColumns.filter((column) => column.title !== "proxy")
    yield* printRecords(rows, columns, outputOf(shared))
  })).pipe(Command.withDescription("List the contexts (never their tokens)"))

const configCurrent = Command.make("current", {}, () =>
  Effect.gen(function*() {
    const contexts = yield* readContexts(yield* contextsFile)
    if (contexts.current === undefined) return yield* noCurrentContext()
    yield* printLine(contexts.current)
  })).pipe(Command.withDescription("Print the current context's name"))

const configDelete = Command.make("delete", { name: contextName }, (input) =>
  Effect.gen(function*() {
    const { file, contexts } = yield* contextsHolding(input.name)
    const { [input.name]: _deleted, ...rest } = contexts.contexts
    yield* writeContexts(file, { contexts: rest, ...(contexts.current === input.name ? {} : { current: contexts.current }) })
    yield* printLine(`Deleted context ${input.name}`)
  })).pipe(Command.withDescription("Delete a context"))

const configGetToken = Command.make("get-token", {
  name: contextName.pipe(Argument.optional)
}, (input) =>
  Effect.gen(function*() {
    const contexts = yield* readContexts(yield* contextsFile)
    const name = Option.getOrUndefined(input.name) ?? contexts.current
    const stored = name === undefined ? undefined : contexts.contexts[name]
    if (stored === undefined) {
      return yield* name === undefined ? noCurrentContext() : noSuchContext(name)
    }
    // The one command that prints a token, because that is what it was asked for.
    yield* printLine(stored.token)
  })).pipe(Command.withDescription("Print a context's token (the current one's unless named)"))

/**
 * `reinfer config …`.
 *
 * @since 0.1.0
 * @category commands
 */
export const config = Command.make("config").pipe(
  Command.withDescription("Named endpoints and tokens, kept in contexts.json (mode 0600) in your configuration directory"),
  Command.withSubcommands([configAdd, configUse, configLs, configCurrent, configDelete, configGetToken])
)
