/**
 * Dataset routes of the sandbox: list (all or per project), get (by name or id), create, update, delete
 * (by name or id), and bulk updates of a label group's definitions.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the datasets tag (and the label-definition route of the labellings tag).
 *
 * @category constructors
 * @since 0.1.0
 */
export const datasetRoutes = {
  listDatasets: (_, __, store) => Effect.map(store.listDatasets(), (datasets) => ({ datasets })),
  listProjectDatasets: ({ project }, _, store) => Effect.map(store.listDatasets(project), (datasets) => ({ datasets })),
  getDataset: ({ dataset, project }, _, store) => Effect.map(store.getDataset(project, dataset), (found) => ({ dataset: found })),
  getDatasetById: ({ datasetId }, _, store) => Effect.map(store.getDatasetById(datasetId), (found) => ({ dataset: found })),
  createDataset: ({ dataset, project }, body, store) =>
    Effect.map(store.createDataset(project, dataset, body.dataset), (created) => ({ dataset: created })),
  updateDataset: ({ dataset, project }, body, store) =>
    Effect.map(store.updateDataset(project, dataset, body.dataset), (updated) => ({ dataset: updated })),
  deleteDataset: ({ dataset, project }, _, store) => Effect.as(store.deleteDataset(project, dataset), {}),
  deleteDatasetById: ({ datasetId }, _, store) => Effect.as(store.deleteDatasetById(datasetId), {}),
  updateLabelDefs: ({ dataset, labelGroup, project }, body, store) =>
    Effect.as(store.updateLabelDefs(project, dataset, labelGroup, body.label_defs), {})
} satisfies RouteDefinitions
