/**
 * IXP document routes of the sandbox: upload a document (it becomes a comment), download the original,
 * and create an IXP dataset (a project, a design-time source and a dataset, all named after it).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { BinaryPayload } from "../handler.ts"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the documents tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const documentRoutes = {
  uploadDocument: ({ sourceId }, body, store) => store.uploadDocument(sourceId, body.file),
  getDocument: ({ commentId, sourceId }, _, store) =>
    Effect.map(store.getDocument(sourceId, commentId), (file) => new BinaryPayload(file.bytes, file.contentType)),
  createIxpDataset: (_, body, store) =>
    Effect.gen(function*() {
      const name = body.dataset.name
      // IXP datasets live in a project of their own; reuse it if a previous call created it.
      yield* store.getProject(name).pipe(Effect.catch(() => store.createProject(name, { title: name })))
      const source = yield* store.createSource(name, name, { title: name, _kind: "ixp_design" })
      const dataset = yield* store.createDataset(name, name, {
        source_ids: [source.id],
        title: name,
        _dataset_flags: ["ixp"]
      }, { kind: "doc_path_ixp" })
      return { dataset }
    })
} satisfies RouteDefinitions
