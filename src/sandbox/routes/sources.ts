/**
 * Source routes of the sandbox: list (all or per project), get (by name or id), create, update, delete by
 * id, and comment statistics.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the sources tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const sourceRoutes = {
  listSources: (_, __, store) => Effect.map(store.listSources(), (sources) => ({ sources })),
  listProjectSources: ({ project }, _, store) => Effect.map(store.listSources(project), (sources) => ({ sources })),
  getSource: ({ project, source }, _, store) => Effect.map(store.getSource(project, source), (found) => ({ source: found })),
  getSourceById: ({ sourceId }, _, store) => Effect.map(store.getSourceById(sourceId), (found) => ({ source: found })),
  createSource: ({ project, source }, body, store) =>
    Effect.map(store.createSource(project, source, body.source), (created) => ({ source: created })),
  updateSource: ({ project, source }, body, store) =>
    Effect.map(store.updateSource(project, source, body.source), (updated) => ({ source: updated })),
  deleteSourceById: ({ sourceId }, _, store) => Effect.as(store.deleteSourceById(sourceId), {}),
  getSourceStatistics: ({ project, source }, body, store) =>
    Effect.map(store.getSourceStatistics(project, source, body.comment_filter), (statistics) => ({ statistics }))
} satisfies RouteDefinitions
