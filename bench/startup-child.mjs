/**
 * The child process of bench/startup.ts. Plain JavaScript: a `.ts` file would load Node's type stripper (about
 * 12 MB of RSS) into the very process whose memory is measured. Prints one JSON line for the mode it is given:
 *
 * - `package <index.js>`: RSS of Node alone, then after importing the built package (and a full GC), the import
 *   time, and how long `ReinferClient.layer` takes to build: the first time, and the median of further builds.
 * - `list <index.js>`: the URLs of every module of `effect` the package's import loads.
 * - `modules <file>`: RSS after importing exactly the modules listed in the file, one URL a line.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { registerHooks } from "node:module"
import { pathToFileURL } from "node:url"

/**
 * What the `package` mode reports.
 *
 * @typedef {object} PackageStartup
 * @property {number} nodeRssMB
 * @property {number} importedRssMB
 * @property {number} importMs
 * @property {number} firstLayerBuildMs
 * @property {ReadonlyArray<number>} layerBuildMs
 */

const gc = globalThis.gc
const rssMB = () => process.memoryUsage().rss / 1024 / 1024
const LAYER_BUILDS = 200

const [mode, target] = process.argv.slice(2)

if (mode === "package") {
  gc()
  const nodeRssMB = rssMB()
  const started = performance.now()
  const { ReinferClient } = await import(pathToFileURL(target).href)
  const importMs = performance.now() - started
  gc()
  const importedRssMB = rssMB()
  // Loaded only now: the transport and the runner are what any program adds, not part of importing the package.
  const { Effect, Layer } = await import("effect")
  const { FetchHttpClient } = await import("effect/http")
  const layer = ReinferClient.layer({ endpoint: "https://acme.reinfer.io", token: "startup-token-0123456789" }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )
  const build = async () => {
    const start = performance.now()
    await Effect.runPromise(Effect.scoped(Layer.build(layer)))
    return performance.now() - start
  }
  // Effect's runtime and Layer machinery run for the first time here too; every program pays that once, on its
  // first layer, whatever the layer. Warm them on the transport's layer alone, so the first build is ours.
  await Effect.runPromise(Effect.scoped(Layer.build(FetchHttpClient.layer)))
  const firstLayerBuildMs = await build()
  const layerBuildMs = []
  for (let i = 0; i < LAYER_BUILDS; i++) layerBuildMs.push(await build())
  /** @type {PackageStartup} */
  const report = { nodeRssMB, importedRssMB, importMs, firstLayerBuildMs, layerBuildMs }
  console.log(JSON.stringify(report))
} else if (mode === "list") {
  const loaded = []
  registerHooks({
    load(url, context, next) {
      if (url.includes("/node_modules/effect/")) loaded.push(url)
      return next(url, context)
    }
  })
  await import(pathToFileURL(target).href)
  console.log(JSON.stringify(loaded))
} else if (mode === "modules") {
  const urls = readFileSync(target, "utf8").split("\n").filter((line) => line !== "")
  gc()
  for (const url of urls) await import(url)
  gc()
  console.log(JSON.stringify({ rssMB: rssMB(), modules: urls.length }))
} else {
  throw new Error(`unknown mode ${mode}`)
}
