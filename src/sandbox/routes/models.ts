/**
 * Model routes of the sandbox: the model list and validation (every dataset has one model, version 1: the
 * keyword predictor over its taxonomy), and the four predict routes, answered with the store's
 * deterministic keyword predictions (predict routes accept any pinned version).
 *
 * Label selection: `labels` (per-label thresholds) wins; otherwise a numeric `threshold`; `"auto"` (predict-
 * comments) means 0.5; with neither, every label is returned with its probability.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { LabelThreshold, NewComment } from "../models.ts"
import { commentFromRawEmail } from "../raw-email.ts"
import { SANDBOX_MODEL_VERSION } from "../store/annotations.ts"
import { now } from "../store/state.ts"
import type { LabelSelection } from "../store.ts"
import type { RouteDefinition, RouteDefinitions } from "./route.ts"

/** The probability the sandbox uses for `threshold: "auto"`. */
const AUTOMATIC_THRESHOLD = 0.5

const selection = (body: {
  readonly threshold?: number | "auto"
  readonly labels?: ReadonlyArray<LabelThreshold>
}): LabelSelection => ({
  threshold: body.threshold === "auto" ? AUTOMATIC_THRESHOLD : body.threshold,
  labelThresholds: body.labels
})

const predict: RouteDefinition<"predict"> & RouteDefinition<"predictLatest"> = ({ dataset, project }, body, store) =>
  Effect.map(store.predictDocuments(project, dataset, body.documents, selection(body)), (predictions) => ({ predictions }))

const validation: RouteDefinition<"getValidation"> & RouteDefinition<"getLatestValidation"> = (parameters, _, store) =>
  store.getValidation(parameters.project, parameters.dataset, "version" in parameters ? parameters.version : undefined)

/**
 * Route implementations of the models tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const modelRoutes = {
  listLabellers: ({ dataset, project }, _, store) =>
    Effect.map(store.getDataset(project, dataset), (found) => ({
      labellers: [{ version: SANDBOX_MODEL_VERSION, model_id: found.id, trained_time: found.last_modified }]
    })),
  getLatestValidation: validation,
  getValidation: validation,
  getModelStatistics: ({ dataset, project, version }, _, store) => store.getValidation(project, dataset, version),
  getLabelValidation: ({ dataset, project, version }, body, store) =>
    Effect.map(store.getLabelValidation(project, dataset, version, body.label), (labelValidation) => ({
      label_validation: labelValidation
    })),
  predict,
  predictLatest: predict,
  predictComments: ({ dataset, project }, body, store) =>
    Effect.map(store.predictComments(project, dataset, body.uids, selection(body)), (predictions) => ({ predictions })),
  predictRawEmails: ({ dataset, project }, body, store) =>
    Effect.gen(function*() {
      const timestamp = yield* now
      const comments: ReadonlyArray<NewComment> = body.documents.map((document) => commentFromRawEmail(document, () => timestamp))
      const predictions = yield* store.predictDocuments(project, dataset, comments, selection(body))
      return body.include_comments === true ? { predictions, comments } : { predictions }
    })
} satisfies RouteDefinitions
