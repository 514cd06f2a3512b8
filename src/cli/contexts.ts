/**
 * Named contexts for the `reinfer` command line: an endpoint and a token under a name, kept
 * in `contexts.json` in the user's configuration directory, and the order in which a command settles the endpoint
 * and token it uses.
 *
 * The file holds tokens, so it is written with mode 0600 in a directory of mode 0700, and a file that others can
 * read is refused rather than used.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Path from "effect/Path"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { CliFailure } from "./failure.ts"

/**
 * One named context as stored.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredContext {
  readonly endpoint: string
  readonly token: string
  /** An HTTP proxy every request goes through (`http://proxy.corp:3128`, credentials allowed). */
  readonly proxy?: string | undefined
}

/**
 * The contents of `contexts.json`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ContextsFile {
  readonly current?: string | undefined
  readonly contexts: Readonly<Record<string, StoredContext>>
}

const ContextsFileSchema = Schema.Struct({
  current: Schema.optionalKey(Schema.String),
  contexts: Schema.Record(
    Schema.String,
    Schema.Struct({ endpoint: Schema.String, token: Schema.String, proxy: Schema.optionalKey(Schema.String) })
  )
})

const decodeContextsFile = Schema.decodeUnknownResult(Schema.fromJsonString(ContextsFileSchema))

/**
 * Where the contexts live: `$XDG_CONFIG_HOME/reinfer` when set, otherwise the platform's own place
 * (`~/Library/Application Support/reinfer` on macOS, `%APPDATA%\reinfer` on Windows, `~/.config/reinfer`
 * elsewhere).
 *
 * @since 0.1.0
 * @category configuration
 */
export const configDirectory = (
  environment: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  home: string,
  path: Path.Path
): string => {
  const xdg = environment.XDG_CONFIG_HOME
  if (xdg !== undefined && xdg !== "") return path.join(xdg, "reinfer")
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "reinfer")
  if (platform === "win32") return path.join(environment.APPDATA ?? path.join(home, "AppData", "Roaming"), "reinfer")
  return path.join(home, ".config", "reinfer")
}

/**
 * What the command line reads from the process it runs in: its environment variables, platform and home
 * directory (a service, so tests give their own instead of changing the process's).
 *
 * @since 0.1.0
 * @category services
 */
export class CliEnvironment extends Context.Service<CliEnvironment, {
  readonly variables: Readonly<Record<string, string | undefined>>
  readonly platform: NodeJS.Platform
  readonly home: string
}>()("effect-reinfer/cli/CliEnvironment") {}

/**
 * The path of `contexts.json` for the current environment.
 *
 * @since 0.1.0
 * @category configuration
 */
export const contextsFile: Effect.Effect<string, never, CliEnvironment | Path.Path> = Effect.gen(function*() {
  const environment = yield* CliEnvironment
  const path = yield* Path.Path
  return path.join(configDirectory(environment.variables, environment.platform, environment.home, path), "contexts.json")
})

/** Permission bits others (group or world) have on a file. */
const OTHERS = 0o077

/**
 * Reads the contexts file; a missing file is no contexts. Fails with a `CliFailure` when the file can be read by
 * others (it holds tokens) or is not a contexts file.
 *
 * @since 0.1.0
 * @category constructors
 */
export const readContexts = (file: string): Effect.Effect<ContextsFile, CliFailure, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    if (!(yield* Effect.orElseSucceed(fs.exists(file), () => false))) return { contexts: {} }
    const info = yield* Effect.mapError(fs.stat(file), (cause) => configFailure(`cannot read ${file}: ${cause.message}`))
    if (process.platform !== "win32" && (info.mode & OTHERS) !== 0) {
      return yield* configFailure(
        `${file} can be read by others (mode ${(info.mode & 0o777).toString(8)}) and holds tokens: run chmod 600 ${file}`
      )
    }
    const text = yield* Effect.mapError(fs.readFileString(file), (cause) => configFailure(`cannot read ${file}: ${cause.message}`))
    const decoded = decodeContextsFile(text)
    if (decoded._tag === "Failure") return yield* configFailure(`${file} is not a contexts file: ${decoded.failure.message}`)
    return decoded.success
  })

/**
 * Writes the contexts file with mode 0600 (its directory 0700), through a temporary file renamed into place, so a
 * crash never leaves half a file.
 *
 * @since 0.1.0
 * @category constructors
 */
export const writeContexts = (
  file: string,
  contents: ContextsFile
): Effect.Effect<void, CliFailure, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const failed = (cause: { readonly message: string }) => configFailure(`cannot write ${file}: ${cause.message}`)
    yield* Effect.mapError(fs.makeDirectory(path.dirname(file), { recursive: true, mode: 0o700 }), failed)
    const temporary = `${file}.${process.pid}.tmp`
    yield* Effect.mapError(fs.writeFileString(temporary, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 }), failed)
    // The mode given to a new file is masked by the umask; set it outright.
    yield* Effect.mapError(fs.chmod(temporary, 0o600), failed)
    yield* Effect.mapError(fs.rename(temporary, file), failed)
  })

/**
 * What a command was told about where to connect: flags, the environment, and the contexts file.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectionSources {
  readonly endpointFlag: string | undefined
  readonly tokenFlag: Redacted.Redacted<string> | undefined
  readonly contextFlag: string | undefined
  readonly environment: Readonly<Record<string, string | undefined>>
  readonly contexts: ContextsFile
}

/**
 * The endpoint and token a command uses, and where each came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Connection {
  readonly endpoint: string
  readonly token: Redacted.Redacted<string>
  /** The context the connection came from, if any. */
  readonly context: string | undefined
  /** The proxy of that context, if it has one (a secret: it may hold credentials). */
  readonly proxy: Redacted.Redacted<string> | undefined
}

/**
 * Settles the connection. Each of endpoint and token is taken from the first of: its flag (`--endpoint`,
 * `--token`), the context named by `--context`, its environment variable (`REINFER_ENDPOINT`, `REINFER_TOKEN`),
 * the current context (`reinfer config use`). The proxy is the one of the context the endpoint came from. Naming a context that does not exist, or ending without an endpoint
 * or a token, is a `CliFailure` that says how to give one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveConnection = (sources: ConnectionSources): Effect.Effect<Connection, CliFailure> =>
  Effect.gen(function*() {
    const named = sources.contextFlag
    if (named !== undefined && sources.contexts.contexts[named] === undefined) {
      return yield* noSuchContext(named)
    }
    const chosen = named === undefined ? undefined : sources.contexts.contexts[named]
    const currentName = sources.contexts.current
    const current = currentName === undefined ? undefined : sources.contexts.contexts[currentName]
    const fromEnvironment = (name: string) => {
      const value = sources.environment[name]
      return value === undefined || value === "" ? undefined : value
    }
    const endpoint = sources.endpointFlag ?? chosen?.endpoint ?? fromEnvironment("REINFER_ENDPOINT") ??
      current?.endpoint
    const token = sources.tokenFlag ??
      Redacted.make(chosen?.token ?? fromEnvironment("REINFER_TOKEN") ?? current?.token ?? "")
    if (endpoint === undefined) {
      return yield* configFailure(
        "no endpoint: pass --endpoint, set REINFER_ENDPOINT, or add a context (reinfer config add <name> --endpoint … --token …)"
      )
    }
    if (Redacted.value(token) === "") {
      return yield* configFailure("no token: pass --token, set REINFER_TOKEN, or add a context with one")
    }
    const context = named ?? (sources.endpointFlag === undefined && fromEnvironment("REINFER_ENDPOINT") === undefined
      ? currentName
      : undefined)
    const proxy = context === undefined ? undefined : sources.contexts.contexts[context]?.proxy
    return { endpoint, token, context, proxy: proxy === undefined ? undefined : Redacted.make(proxy) }
  })

const configFailure = (message: string) => new CliFailure({ kind: "config", message })

/**
 * The failure for a context name the file does not hold.
 *
 * @since 0.1.0
 * @category constructors
 */
export const noSuchContext = (name: string): CliFailure =>
  configFailure(`there is no context "${name}" (reinfer config ls lists them)`)

/**
 * The failure for a command that needs the current context when none is set.
 *
 * @since 0.1.0
 * @category constructors
 */
export const noCurrentContext = (): CliFailure => configFailure("no current context (reinfer config use <name> sets one)")

/**
 * A proxy URL fit to print: its origin, without the user name and password it may carry.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeProxy = (proxy: string): string => {
  try {
    const url = new URL(proxy)
    return `${url.protocol}//${url.host}`
  } catch {
    return "(not a URL)"
  }
}
