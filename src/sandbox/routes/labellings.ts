/**
 * Annotation routes of the sandbox: set a comment's labels and entities, read annotations by uid or by
 * iterating a source's reviewed comments (the two forms of getLabellings), and the dataset reads that
 * return annotated comments (query, recent), counts (statistics) or property values (summary).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { badRequest } from "../failure.ts"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the labellings tag and the dataset read routes.
 *
 * @category constructors
 * @since 0.1.0
 */
export const labellingRoutes = {
  updateLabelling: ({ commentUid, dataset, project }, body, store) => store.updateLabelling(project, dataset, commentUid, body),
  getLabellings: (parameters, _, store) => {
    if (parameters.id !== undefined) {
      return Effect.map(store.getLabellingsByUid(parameters.project, parameters.dataset, parameters.id), (results) => ({ results }))
    }
    if (parameters.source_id === undefined) return Effect.fail(badRequest("Expected either id or source_id at [\"id\"]"))
    return store.iterateLabellings(parameters.project, parameters.dataset, {
      sourceId: parameters.source_id,
      returnPredictions: parameters.return_predictions ?? false,
      after: parameters.after,
      limit: parameters.limit
    })
  },
  queryDataset: ({ dataset, project }, body, store) => store.queryDataset(project, dataset, body),
  queryRecentComments: ({ dataset, project }, body, store) =>
    store.queryDataset(project, dataset, {
      filter: body.filter,
      order: { kind: "recent" },
      limit: body.limit,
      continuation: body.continuation
    }),
  getDatasetSummary: ({ dataset, project }, body, store) =>
    Effect.map(store.getDatasetSummary(project, dataset, body.filter), (summary) => ({ summary })),
  getDatasetStatistics: ({ dataset, project }, body, store) =>
    Effect.map(store.getDatasetStatistics(project, dataset, body.comment_filter), (statistics) => ({ statistics }))
} satisfies RouteDefinitions
