/**
 * `npm run check:package`: builds the package, packs it, installs the tarball into an empty consumer project
 * outside the repository, and checks that what a user installs works there:
 *
 * - the tarball holds what `exports` points at and nothing a consumer does not need;
 * - `effect` is a peer, and the consumer's tree holds one copy of it;
 * - plain `node` (the pinned one running this script) runs an ESM program and a CommonJS program that import
 *   `effect-reinfer` and `effect-reinfer/sandbox`, start the sandbox on 127.0.0.1 and call it through
 *   `ReinferClient`;
 * - the `reinfer` bin runs from the consumer's `node_modules/.bin` once the consumer also installs its optional peer
 *   `@effect/platform-node`: `--version`, and a failing call that ends with the transport failure's exit code;
 * - `tsc` type-checks consumer files with `skipLibCheck: false` under `module: nodenext` and
 *   `moduleResolution: bundler`, each with a strict and a loose configuration, with zero errors; the main entry
 *   also without `@types/node`, so code for browsers and edge runtimes can use it.
 *
 * The consumer is installed offline, from the npm cache `npm ci` filled: its lock file takes `effect` and
 * `@types/node` (and `@effect/platform-node` with everything it needs) at the versions and integrity this
 * repository's lock file records. Prints one line per check
 * and `package checks: N passed, N failed`; exits 1 when any check failed. The consumer project is deleted
 * afterwards unless a check failed or `--keep` is given.
 *
 * @since 0.1.0
 */
import { execFileSync, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc")

interface PackageJson {
  readonly name: string
  readonly version: string
  readonly exports: Readonly<Record<string, string | Readonly<Record<string, string>>>>
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>
  readonly bin?: Readonly<Record<string, string>>
}

interface LockEntry {
  readonly version: string
  readonly integrity: string
}

interface Check {
  readonly name: string
  readonly run: () => string | undefined
}

const readJson = <A>(file: string): A => JSON.parse(fs.readFileSync(file, "utf8")) as A

const run = (command: string, args: ReadonlyArray<string>, cwd: string) => {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 180_000 })
  return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() }
}

const failure = (what: string, output: string): string => `${what}\n${indent(output)}`
const indent = (text: string): string => text.split("\n").slice(0, 40).map((line) => `      ${line}`).join("\n")

// ---------------------------------------------------------------------------------------------------------
// Build and pack

const manifest = readJson<PackageJson>(path.join(ROOT, "package.json"))
const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-reinfer-package-"))
const consumer = path.join(work, "consumer")
fs.mkdirSync(consumer)

console.log(`Building and packing ${manifest.name}@${manifest.version} …`)
execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" })
const packed = readJson<
  ReadonlyArray<{ filename: string; size: number; unpackedSize: number; entryCount: number; files: ReadonlyArray<{ path: string }> }>
>(
  // `npm pack --json` prints the report; --ignore-scripts because the build just ran.
  (() => {
    const report = path.join(work, "pack.json")
    fs.writeFileSync(
      report,
      execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], {
        cwd: ROOT,
        encoding: "utf8"
      })
    )
    return report
  })()
)[0]!
const tarball = path.join(work, packed.filename)
const packedFiles = new Set(packed.files.map((file) => file.path))
console.log(
  `Packed ${packed.filename}: ${(packed.size / 1024).toFixed(0)} kB, ${
    (packed.unpackedSize / 1024).toFixed(0)
  } kB unpacked, ${packed.entryCount} files`
)

// ---------------------------------------------------------------------------------------------------------
// The consumer project

const lock = readJson<{ readonly packages: Readonly<Record<string, LockEntry>> }>(path.join(ROOT, "package-lock.json"))
const locked = (name: string): LockEntry => {
  const entry = lock.packages[`node_modules/${name}`]
  if (entry === undefined) throw new Error(`package-lock.json has no entry for ${name}`)
  return { version: entry.version, integrity: entry.integrity }
}
// A package's lock entry and those of everything it needs (dependencies and required peers), as this repository's
// lock file records them, so the consumer's lock file can be written without the network.
const lockedTree = (name: string, into: Record<string, unknown> = {}): Record<string, unknown> => {
  const key = `node_modules/${name}`
  if (key in into) return into
  const entry = lock.packages[key] as LockEntry & {
    readonly dependencies?: Readonly<Record<string, string>>
    readonly peerDependencies?: Readonly<Record<string, string>>
    readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>
    readonly dev?: boolean
  }
  if (entry === undefined) throw new Error(`package-lock.json has no entry for ${name}`)
  const { dev: _dev, ...kept } = entry
  into[key] = kept
  const needed = [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.peerDependencies ?? {}).filter((peer) => entry.peerDependenciesMeta?.[peer]?.optional !== true)
  ]
  for (const dependency of needed) if (dependency !== "effect") lockedTree(dependency, into)
  return into
}

const effectRange = manifest.peerDependencies?.["effect"] ?? "(none)"
const consumerDependencies = {
  "@types/node": locked("@types/node").version,
  "@effect/platform-node": locked("@effect/platform-node").version,
  effect: effectRange,
  [manifest.name]: `file:${tarball}`
}
fs.writeFileSync(
  path.join(consumer, "package.json"),
  JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module", dependencies: consumerDependencies }, null, 2)
)
fs.writeFileSync(
  path.join(consumer, "package-lock.json"),
  JSON.stringify(
    {
      name: "consumer",
      version: "1.0.0",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "consumer", version: "1.0.0", dependencies: consumerDependencies },
        "node_modules/@types/node": { ...locked("@types/node"), dependencies: { "undici-types": "*" } },
        "node_modules/undici-types": locked("undici-types"),
        "node_modules/effect": locked("effect"),
        ...lockedTree("@effect/platform-node"),
        [`node_modules/${manifest.name}`]: {
          version: manifest.version,
          resolved: `file:${tarball}`,
          integrity: `sha512-${createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`,
          ...(manifest.dependencies === undefined ? {} : { dependencies: manifest.dependencies }),
          ...(manifest.peerDependencies === undefined ? {} : { peerDependencies: manifest.peerDependencies }),
          ...(manifest.peerDependenciesMeta === undefined ? {} : { peerDependenciesMeta: manifest.peerDependenciesMeta }),
          // npm links a package's commands into node_modules/.bin from its lock entry.
          ...(manifest.bin === undefined ? {} : { bin: manifest.bin })
        }
      }
    },
    null,
    2
  )
)

const installed = path.join(consumer, "node_modules", manifest.name)

const ESM_PROGRAM = `
import { Effect, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { ReinferClient } from "effect-reinfer"
import { DEFAULT_TOKEN, startSandbox } from "effect-reinfer/sandbox"

const sandbox = await startSandbox({ host: "127.0.0.1", port: 0, projects: ["acme"] })
try {
  const Reinfer = ReinferClient.layer({ endpoint: sandbox.url, token: DEFAULT_TOKEN }).pipe(Layer.provide(FetchHttpClient.layer))
  const sources = await Effect.gen(function*() {
    const client = yield* ReinferClient
    yield* client.createSource({ project: "acme", source: "emails", body: { source: { title: "Emails" } } })
    return (yield* client.listSources()).sources.map((source) => source.owner + "/" + source.name)
  }).pipe(Effect.provide(Reinfer), Effect.runPromise)
  console.log("esm: " + sources.join(","))
} finally {
  await sandbox.stop()
}
`

const COMMONJS_PROGRAM = `
const { Effect, Layer } = require("effect")
const { FetchHttpClient } = require("effect/http")
const { ReinferClient } = require("effect-reinfer")
const { DEFAULT_TOKEN, startSandbox } = require("effect-reinfer/sandbox")

startSandbox({ host: "127.0.0.1", port: 0, projects: ["acme"] }).then(async (sandbox) => {
  try {
    const Reinfer = ReinferClient.layer({ endpoint: sandbox.url, token: DEFAULT_TOKEN }).pipe(Layer.provide(FetchHttpClient.layer))
    const projects = await Effect.runPromise(
      Effect.flatMap(ReinferClient, (client) => client.listProjects()).pipe(Effect.provide(Reinfer))
    )
    console.log("commonjs: " + projects.projects.map((project) => project.name).join(","))
  } finally {
    await sandbox.stop()
  }
})
`

// Everything a typical application touches: the client, its errors, a stream, the sandbox and the generated code.
const TYPED_CONSUMER = `
import { Effect, Layer, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { Pagination, ReinferClient, type ReinferError, Schemas } from "effect-reinfer"
import { operations } from "effect-reinfer/generated/operations"
import * as GeneratedSchemas from "effect-reinfer/generated/schemas"
import * as Sandbox from "effect-reinfer/sandbox"

export const titles: Effect.Effect<ReadonlyArray<string>, ReinferError, ReinferClient> = Effect.gen(function*() {
  const client = yield* ReinferClient
  const { datasets } = yield* client.listDatasets()
  return datasets.map((dataset) => dataset.title)
})

export const ids = Pagination.stream("listComments", { project: "acme", source: "emails" }).pipe(
  Stream.map((comment) => comment.id),
  Stream.runCollect
)

export const handled = titles.pipe(
  Effect.catchTag("ReinferApiError", (error) => Effect.succeed([\`\${error.status}\`]))
)

export const TestReinfer = ReinferClient.layer({ endpoint: Sandbox.IN_PROCESS_URL, token: Sandbox.DEFAULT_TOKEN }).pipe(
  Layer.provide(Sandbox.layer({ projects: ["acme"] }))
)
export const Live = ReinferClient.layer({ endpoint: "https://acme.reinfer.io", token: "t0ken" }).pipe(
  Layer.provide(FetchHttpClient.layer)
)
export const route: string = operations.getDataset.path
export const sameSchema: boolean = Schemas.Dataset === GeneratedSchemas.Dataset
`

// The main entry alone, as code for a browser or an edge runtime uses it: no Node types at hand.
const PORTABLE_CONSUMER = `
import { Effect } from "effect"
import { ReinferClient, ServerTiming } from "effect-reinfer"

export const program = Effect.flatMap(ReinferClient, (client) => client.getCurrentUser())
export const metrics = ServerTiming.parse("total;dur=37.7")
`

const TSCONFIGS: Record<string, Record<string, unknown>> = {
  "nodenext, strict": {
    module: "nodenext",
    target: "es2022",
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true
  },
  "nodenext, loose": { module: "nodenext", target: "es2022" },
  "bundler, strict": {
    module: "esnext",
    moduleResolution: "bundler",
    target: "es2022",
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true
  },
  "bundler, loose": { module: "esnext", moduleResolution: "bundler", target: "es2022" }
}

const typeCheck = (label: string, file: string, source: string, options: Record<string, unknown>) => {
  const name = label.replace(/[^a-z]+/g, "-")
  fs.writeFileSync(path.join(consumer, file), source)
  const config = `tsconfig.${name}.json`
  fs.writeFileSync(
    path.join(consumer, config),
    JSON.stringify({ compilerOptions: { ...options, skipLibCheck: false, noEmit: true }, files: [file] }, null, 2)
  )
  const result = run(process.execPath, [TSC, "-p", config], consumer)
  return result.status === 0 ? undefined : failure(`tsc -p ${config} failed`, result.output)
}

const checks: ReadonlyArray<Check> = [
  {
    name: "every exports target is in the tarball",
    run: () => {
      const missing = Object.values(manifest.exports).flatMap((target) =>
        typeof target === "string" ? [target] : Object.values(target)
      ).map((target) => target.replace(/^\.\//, "")).filter((target) => !packedFiles.has(target))
      return missing.length === 0 ? undefined : `missing from the tarball: ${missing.join(", ")}`
    }
  },
  {
    name: "the tarball holds no tests, scripts, benchmarks, lint config or test-only types",
    run: () => {
      const unwanted = [...packedFiles].filter((file) =>
        /^(test|scripts|bench|examples|\.ci)\//.test(file) || file === "generated/openapi-types.ts" ||
        file === "openapi/redocly.yaml" || file.endsWith(".test.ts")
      )
      return unwanted.length === 0 ? undefined : `unwanted files: ${unwanted.join(", ")}`
    }
  },
  {
    name: "effect is a peer dependency, never a dependency",
    run: () => {
      const shipped = readJson<PackageJson>(path.join(installed, "package.json"))
      if (shipped.dependencies?.["effect"] !== undefined) return `dependencies.effect is ${shipped.dependencies["effect"]}`
      return shipped.peerDependencies?.["effect"] === undefined ? "no peerDependencies.effect" : undefined
    }
  },
  {
    name: `npm ls effect: one copy, the consumer's own (effect@${effectRange})`,
    run: () => {
      const result = run("npm", ["ls", "effect", "--all", "--parseable"], consumer)
      const copies = result.output.split("\n").filter((line) => /node_modules[/\\]effect$/.test(line))
      return result.status === 0 && copies.length === 1 ? undefined : failure("npm ls effect", result.output)
    }
  },
  {
    name: `node ${process.version} runs an ESM program: sandbox on 127.0.0.1, calls through ReinferClient`,
    run: () => {
      fs.writeFileSync(path.join(consumer, "app.mjs"), ESM_PROGRAM)
      const result = run(process.execPath, ["app.mjs"], consumer)
      return result.status === 0 && result.output.includes("esm: acme/emails")
        ? undefined
        : failure("node app.mjs", result.output)
    }
  },
  {
    name: `node ${process.version} runs a CommonJS program that require()s the ESM build`,
    run: () => {
      fs.writeFileSync(path.join(consumer, "app.cjs"), COMMONJS_PROGRAM)
      const result = run(process.execPath, ["app.cjs"], consumer)
      return result.status === 0 && result.output.includes("commonjs: acme")
        ? undefined
        : failure("node app.cjs", result.output)
    }
  },
  {
    name: "the reinfer bin runs: --version",
    run: () => {
      const result = run(path.join(consumer, "node_modules", ".bin", "reinfer"), ["--version"], consumer)
      return result.status === 0 && result.output.includes(manifest.version)
        ? undefined
        : failure("reinfer --version", result.output)
    }
  },
  {
    name: "the reinfer bin fails readably, with the transport failure's exit code (6)",
    run: () => {
      const result = run(
        path.join(consumer, "node_modules", ".bin", "reinfer"),
        ["--endpoint", "http://127.0.0.1:9", "--token", "package-check-token-0123", "get", "projects"],
        consumer
      )
      return result.status === 6 && /^reinfer: .*listProjects/m.test(result.output) &&
          !result.output.includes("package-check-token-0123")
        ? undefined
        : failure(`reinfer get projects (exit ${result.status})`, result.output)
    }
  },
  ...Object.entries(TSCONFIGS).map(([label, options]): Check => ({
    name: `tsc, ${label}, skipLibCheck false: every entry point, with @types/node`,
    run: () => typeCheck(label, "consumer.ts", TYPED_CONSUMER, { ...options, types: ["node"] })
  })),
  {
    name: "tsc, nodenext, strict, skipLibCheck false: the main entry without @types/node",
    run: () => typeCheck("portable", "portable.ts", PORTABLE_CONSUMER, { ...TSCONFIGS["nodenext, strict"], types: [] })
  }
]

console.log(`Installing it into ${consumer} (offline, from the npm cache) …`)
const install = run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], consumer)
let passed = 0
let failed = 0
if (install.status !== 0) {
  console.log(failure("✗ npm ci --offline in the consumer failed", install.output))
  failed = checks.length
} else {
  for (const check of checks) {
    const problem = check.run()
    if (problem === undefined) passed += 1
    else failed += 1
    console.log(problem === undefined ? `✓ ${check.name}` : `✗ ${check.name}\n    ${problem}`)
  }
}
if (failed === 0 && !process.argv.includes("--keep")) fs.rmSync(work, { recursive: true, force: true })
else console.log(`The consumer project is kept for a look: ${consumer}`)
console.log(`package checks: ${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 ? 0 : 1
