/**
 * Spec → generated/openapi-types.ts with openapi-typescript (`openapiTS()` + `astToString()`): an
 * independent reading of the spec that the type-agreement tests compare our schemas against.
 *
 * Loading openapi-typescript means loading the TypeScript compiler, the slowest step of a run, so the command
 * runs this module in a worker (worker.ts) that starts loading at once (`preload`). Only erasable TypeScript
 * here: the worker runs it with Node's own type stripping.
 *
 * Two deliberate customisations: binary strings (`format: binary`, `contentMediaType: application/octet-stream`)
 * become `Blob`, as the openapi-typescript docs suggest, matching the multipart `file` fields we emit; and a
 * property with a `default` stays optional (`defaultNonNullable: false`), since these types describe the wire,
 * where such a property may be left out.
 *
 * @since 0.1.0
 */
import { pathToFileURL } from "node:url"

const load = () => Promise.all([import("openapi-typescript"), import("typescript")])

/** Starts loading openapi-typescript and the TypeScript compiler. */
export const preload = (): Promise<unknown> => load()

/**
 * openapi-typescript's output for the spec file, without our header. It reads (and bundles) the file itself, so
 * it does not wait for our own lint and bundle stage: the two run side by side.
 */
export const renderOpenapiTypes = async (specPath: string): Promise<string> => {
  const [openapiTypescript, typescript] = await load()
  const blob = typescript.default.factory.createTypeReferenceNode("Blob")
  const ast = await openapiTypescript.default(pathToFileURL(specPath), {
    silent: true,
    defaultNonNullable: false,
    transform: (schema) =>
      schema.format === "binary" ||
        (schema as { readonly contentMediaType?: unknown }).contentMediaType === "application/octet-stream"
        ? blob
        : undefined
  })
  return openapiTypescript.astToString(ast)
}
