#!/usr/bin/env node
/**
 * The `reinfer` binary: `npx reinfer …` once the package is installed, `npm run cli -- …` in the repository.
 *
 * It runs on @effect/platform-node (an optional peer dependency of the library: install it next to
 * effect-reinfer to get the command line) with `fetch` as the transport, and exits with the code of its failure's
 * kind (src/cli/failure.ts).
 *
 * @since 0.1.0
 */
import { homedir } from "node:os"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { run } from "./app.ts"
import { CliEnvironment } from "./contexts.ts"
import { CliIo } from "./output.ts"

const platform = await import("@effect/platform-node").catch(() => undefined)
if (platform === undefined) {
  process.stderr.write("reinfer: the command line needs @effect/platform-node: npm install @effect/platform-node\n")
  process.exit(1)
}

// By the package's own name, which resolves from the sources and from dist/ alike.
const { version } = (await import("effect-reinfer/package.json", { with: { type: "json" } })).default as {
  readonly version: string
}

const services = Layer.mergeAll(
  platform.NodeServices.layer,
  FetchHttpClient.layer,
  Layer.succeed(CliIo)(CliIo.fromProcess()),
  Layer.succeed(CliEnvironment)({ variables: process.env, platform: process.platform, home: homedir() })
)

run(process.argv.slice(2), version).pipe(Effect.provide(services), platform.NodeRuntime.runMain)
