/**
 * Annotations and dataset reads in the sandbox store: set a comment's labels and entities, read them back
 * (by uid or by iterating a source's reviewed comments), query a dataset's comments with predictions, its
 * statistics, and the one "model" every dataset has (version 1, the keyword predictor).
 *
 * Annotations are kept per dataset. Annotating a comment marks it `has_annotations`, which the `reviewed`
 * comment filter reads. Extraction fields (`moon_forms`) are accepted and ignored.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { matchesFilter } from "../comment-filter.ts"
import { decodeCursor, encodeCursor } from "../cursor.ts"
import { badRequest, notFound, type SandboxFailure } from "../failure.ts"
import type {
  AnnotatedComment,
  Comment,
  Dataset,
  Entity,
  JsonObject,
  JsonValue,
  Label,
  LabelGroup,
  Labelling,
  LabellingUpdate,
  NewEntity,
  NewEntitySpan,
  PredictedLabel
} from "../models.ts"
import { labelName } from "../predictions.ts"
import { findComment, predictFor } from "./datasets.ts"
import { projectIds, recordAudit, requireDataset, type StoreState } from "./state.ts"

/**
 * Options of a dataset query.
 *
 * @category models
 * @since 0.1.0
 */
export interface DatasetQuery {
  readonly filter: JsonObject
  readonly order: { readonly kind: string; readonly label?: string; readonly seed?: number }
  readonly limit?: number | undefined
  readonly continuation?: string | undefined
}

/**
 * Annotation and dataset-read operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface AnnotationStore {
  /** Sets labels (per group: absent list = unchanged, `[]` = cleared) and entities of a comment. */
  readonly updateLabelling: (
    project: string,
    dataset: string,
    uid: string,
    update: LabellingUpdate
  ) => Effect.Effect<AnnotatedComment, SandboxFailure>
  /** The annotations of the given comments (unknown uids are left out). */
  readonly getLabellingsByUid: (
    project: string,
    dataset: string,
    uids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<AnnotatedComment>, SandboxFailure>
  /** Iterates the reviewed comments of one source of the dataset; ends with an empty page. */
  readonly iterateLabellings: (
    project: string,
    dataset: string,
    options: {
      readonly sourceId: string
      readonly returnPredictions: boolean
      readonly after?: string | undefined
      readonly limit?: number | undefined
    }
  ) => Effect.Effect<{ readonly results: ReadonlyArray<AnnotatedComment>; readonly after: string | null }, SandboxFailure>
  /** Comments of the dataset matching a filter, with annotations and predictions, in the requested order. */
  readonly queryDataset: (
    project: string,
    dataset: string,
    query: DatasetQuery
  ) => Effect.Effect<{ readonly results: ReadonlyArray<AnnotatedComment>; readonly continuation: string | null }, SandboxFailure>
  /** Comment and assigned-label counts of the comments matching a filter. */
  readonly getDatasetStatistics: (
    project: string,
    dataset: string,
    filter: JsonObject
  ) => Effect.Effect<
    {
      readonly num_comments: number
      readonly label_counts: Readonly<Record<string, { readonly positive: number; readonly negative: number }>>
    },
    SandboxFailure
  >
  /** The user properties seen on the comments matching a filter, with the distinct values of string ones. */
  readonly getDatasetSummary: (
    project: string,
    dataset: string,
    filter: JsonObject
  ) => Effect.Effect<
    {
      readonly user_properties: {
        readonly string: ReadonlyArray<{ readonly full_name: string; readonly values: ReadonlyArray<{ readonly value: string }> }>
        readonly number: ReadonlyArray<{ readonly full_name: string }>
      }
    },
    SandboxFailure
  >
  /** A precision/recall curve for one label, made up but plausible (precision rises, recall falls). */
  readonly getLabelValidation: (
    project: string,
    dataset: string,
    version: number,
    label: string
  ) => Effect.Effect<
    {
      readonly thresholds: ReadonlyArray<number>
      readonly precisions: ReadonlyArray<number>
      readonly recalls: ReadonlyArray<number>
    },
    SandboxFailure
  >
  /** The dataset's validation: its taxonomy and a rating that grows with the number of reviewed comments. */
  readonly getValidation: (
    project: string,
    dataset: string,
    version: number | undefined
  ) => Effect.Effect<
    {
      readonly label_groups: ReadonlyArray<LabelGroup>
      readonly validation: {
        readonly version: number
        readonly model_rating: { readonly score: number; readonly quality: string }
        readonly reviewed_size: number
      }
    },
    SandboxFailure
  >
}

/**
 * The one model version every sandbox dataset has.
 *
 * @category configuration
 * @since 0.1.0
 */
export const SANDBOX_MODEL_VERSION = 1

/**
 * Builds the annotation operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeAnnotationStore = (state: StoreState): AnnotationStore => {
  const annotations = new Map<string, Map<string, { labelling: Array<Labelling>; entities?: AnnotatedComment["entities"] }>>()
  const annotationsOf = (datasetId: string) => {
    let byUid = annotations.get(datasetId)
    if (byUid === undefined) {
      byUid = new Map()
      annotations.set(datasetId, byUid)
    }
    return byUid
  }

  const annotated = (dataset: Dataset, comment: Comment, withPredictions: boolean): AnnotatedComment => {
    const stored = annotations.get(dataset.id)?.get(comment.uid)
    const prediction = withPredictions ? predictFor(dataset, comment.uid, comment.messages, {}) : undefined
    const groups = new Map((stored?.labelling ?? []).map((labelling) => [labelling.group, labelling]))
    if (prediction !== undefined && !groups.has("default")) groups.set("default", { group: "default", assigned: [], dismissed: [] })
    const labelling = [...groups.values()].map((entry) =>
      prediction !== undefined && entry.group === "default" ? { ...entry, predicted: prediction.labels } : entry
    )
    const entities = stored?.entities ?? (prediction === undefined ? undefined : { assigned: [], dismissed: [] })
    return {
      comment,
      ...(labelling.length === 0 ? {} : { labelling }),
      ...(entities === undefined
        ? {}
        : { entities: prediction === undefined ? entities : { ...entities, predicted: prediction.entities } })
    }
  }

  const datasetComments = (dataset: Dataset): Array<Comment> =>
    dataset.source_ids.flatMap((sourceId) => [...(state.comments.get(sourceId)?.values() ?? [])].map((stored) => stored.comment))

  const pageCursor = (kind: string, cursor: string | undefined): Effect.Effect<number, SandboxFailure> => {
    if (cursor === undefined) return Effect.succeed(0)
    const decoded = decodeCursor(kind, cursor)
    return typeof decoded === "number" && Number.isInteger(decoded) && decoded >= 0
      ? Effect.succeed(decoded)
      : Effect.fail(badRequest("Invalid continuation at [\"continuation\"]"))
  }

  return {
    updateLabelling: (project, datasetName, uid, update) =>
      Effect.gen(function*() {
        const dataset = yield* requireDataset(state, project, datasetName)
        const comment = findComment(state, dataset, uid)
        if (comment === undefined) return yield* Effect.fail(notFound(`Comment '${uid}' is not in dataset '${project}/${datasetName}'`))
        const byUid = annotationsOf(dataset.id)
        const existing = byUid.get(uid) ?? { labelling: [] }
        const groups = new Map(existing.labelling.map((labelling) => [labelling.group, labelling]))
        for (const change of update.labelling ?? []) {
          const group = change.group ?? "default"
          const previous = groups.get(group) ?? { group, assigned: [], dismissed: [] }
          groups.set(group, {
            group,
            assigned: change.assigned ?? previous.assigned,
            dismissed: change.dismissed ?? previous.dismissed
          })
        }
        const entities = update.entities === undefined
          ? existing.entities
          : {
            assigned: update.entities.assigned === undefined
              ? existing.entities?.assigned ?? []
              : update.entities.assigned.map((entity) => toEntity(comment, entity)),
            dismissed: update.entities.dismissed === undefined
              ? existing.entities?.dismissed ?? []
              : update.entities.dismissed.map((entity) => toEntity(comment, entity))
          }
        byUid.set(uid, { labelling: [...groups.values()], ...(entities === undefined ? {} : { entities }) })
        const sourceComments = state.comments.get(comment.source_id)
        const stored = sourceComments?.get(comment.id)
        if (sourceComments !== undefined && stored !== undefined) {
          sourceComments.set(comment.id, { ...stored, comment: { ...stored.comment, has_annotations: true } })
        }
        yield* recordAudit(state, "labelling_updated", { projectIds: projectIds(state, project), datasetIds: [dataset.id] })
        return annotated(dataset, stored === undefined ? comment : { ...comment, has_annotations: true }, false)
      }),
    getLabellingsByUid: (project, datasetName, uids) =>
      Effect.map(requireDataset(state, project, datasetName), (dataset) =>
        uids.flatMap((uid) => {
          const comment = findComment(state, dataset, uid)
          return comment === undefined ? [] : [annotated(dataset, comment, false)]
        })),
    iterateLabellings: (project, datasetName, options) =>
      Effect.gen(function*() {
        const dataset = yield* requireDataset(state, project, datasetName)
        if (!dataset.source_ids.includes(options.sourceId)) {
          return yield* Effect.fail(notFound(`Source 'id:${options.sourceId}' is not in dataset '${project}/${datasetName}'`))
        }
        const start = yield* pageCursor("labellings", options.after)
        const reviewed = [...(annotations.get(dataset.id)?.keys() ?? [])]
          .flatMap((uid) => {
            const comment = findComment(state, dataset, uid)
            return comment === undefined || comment.source_id !== options.sourceId ? [] : [comment]
          })
          .sort((left, right) => (left.timestamp === right.timestamp ? (left.id < right.id ? -1 : 1) : left.timestamp < right.timestamp ? -1 : 1))
        const page = reviewed.slice(start, start + (options.limit ?? 64))
        return {
          results: page.map((comment) => annotated(dataset, comment, options.returnPredictions)),
          after: encodeCursor("labellings", start + page.length)
        }
      }),
    queryDataset: (project, datasetName, query) =>
      Effect.gen(function*() {
        const dataset = yield* requireDataset(state, project, datasetName)
        const start = yield* pageCursor("query", query.continuation)
        const matching = datasetComments(dataset).filter((comment) => matchesFilter(comment, query.filter))
        const ordered = order(dataset, matching, query.order)
        const limit = query.limit ?? 64
        const page = ordered.slice(start, start + limit)
        const next = start + page.length
        return {
          results: page.map((comment) => annotated(dataset, comment, true)),
          continuation: next < ordered.length ? encodeCursor("query", next) : null
        }
      }),
    getDatasetStatistics: (project, datasetName, filter) =>
      Effect.map(requireDataset(state, project, datasetName), (dataset) => {
        const matching = datasetComments(dataset).filter((comment) => matchesFilter(comment, filter))
        const counts: Record<string, { positive: number; negative: number }> = {}
        for (const comment of matching) {
          for (const labelling of annotations.get(dataset.id)?.get(comment.uid)?.labelling ?? []) {
            for (const label of labelling.assigned) {
              const entry = counts[label.name] ?? { positive: 0, negative: 0 }
              // Clients can only assign the two sentiments the request schema knows.
              if (label.sentiment === "positive") entry.positive++
              else if (label.sentiment === "negative") entry.negative++
              counts[label.name] = entry
            }
          }
        }
        return { num_comments: matching.length, label_counts: counts }
      }),
    getDatasetSummary: (project, datasetName, filter) =>
      Effect.map(requireDataset(state, project, datasetName), (dataset) => {
        const strings = new Map<string, Set<string>>()
        const numbers = new Set<string>()
        for (const comment of datasetComments(dataset).filter((candidate) => matchesFilter(candidate, filter))) {
          for (const [name, value] of Object.entries(comment.user_properties)) {
            if (typeof value === "number") numbers.add(name)
            else if (typeof value === "string") strings.set(name, (strings.get(name) ?? new Set()).add(value))
          }
        }
        return {
          user_properties: {
            string: [...strings].sort(([left], [right]) => left.localeCompare(right)).map(([fullName, values]) => ({
              full_name: fullName,
              values: [...values].sort().map((value) => ({ value }))
            })),
            number: [...numbers].sort().map((fullName) => ({ full_name: fullName }))
          }
        }
      }),
    getLabelValidation: (project, datasetName, version, label) =>
      Effect.gen(function*() {
        const dataset = yield* requireDataset(state, project, datasetName)
        if (version !== SANDBOX_MODEL_VERSION) {
          return yield* Effect.fail(notFound(`Model version ${version} of '${project}/${datasetName}' does not exist`))
        }
        if (!dataset.label_groups.some((group) => group.label_defs.some((labelDef) => labelDef.name === label))) {
          return yield* Effect.fail(notFound(`Label '${label}' does not exist in '${project}/${datasetName}'`))
        }
        const thresholds = Array.from({ length: 11 }, (_, index) => index / 10)
        const skill = 0.6 + 0.3 * ((hash(label) % 1000) / 1000)
        return {
          thresholds,
          precisions: thresholds.map((threshold) => round(Math.min(1, skill + (1 - skill) * threshold))),
          recalls: thresholds.map((threshold) => round(Math.max(0, 1 - threshold * (1.2 - skill))))
        }
      }),
    getValidation: (project, datasetName, version) =>
      Effect.gen(function*() {
        const dataset = yield* requireDataset(state, project, datasetName)
        if (version !== undefined && version !== SANDBOX_MODEL_VERSION) {
          return yield* Effect.fail(notFound(`Model version ${version} of '${project}/${datasetName}' does not exist`))
        }
        const reviewedSize = annotations.get(dataset.id)?.size ?? 0
        // A made-up but monotone rating: more reviewed comments, better model.
        const score = Math.round(100 * (1 - 1 / (1 + reviewedSize / 20)))
        const quality = score >= 80 ? "excellent" : score >= 60 ? "good" : score >= 40 ? "average" : score > 0 ? "poor" : "none"
        return {
          label_groups: dataset.label_groups,
          validation: { version: SANDBOX_MODEL_VERSION, model_rating: { score, quality }, reviewed_size: reviewedSize }
        }
      })
  }
}

const order = (dataset: Dataset, comments: ReadonlyArray<Comment>, queryOrder: DatasetQuery["order"]): Array<Comment> => {
  const byRecent = [...comments].sort((left, right) =>
    left.timestamp === right.timestamp ? (left.uid < right.uid ? -1 : 1) : left.timestamp > right.timestamp ? -1 : 1
  )
  if (queryOrder.kind === "by_label" && queryOrder.label !== undefined) {
    const label = queryOrder.label
    const probability = (comment: Comment) =>
      predictFor(dataset, comment.uid, comment.messages, {}).labels.find((predicted) => labelName(predicted) === label)
        ?.probability ?? 0
    return byRecent.sort((left, right) => probability(right) - probability(left))
  }
  if (queryOrder.kind === "sample") {
    const seed = queryOrder.seed ?? 0
    const key = (comment: Comment) => hash(`${seed}|${comment.uid}`)
    return byRecent.sort((left, right) => key(left) - key(right))
  }
  return byRecent
}

const toEntity = (comment: Comment, entity: NewEntity): Entity => {
  const spans = "span" in entity ? [entity.span] : entity.spans
  return {
    name: entity.name,
    formatted_value: entity.formatted_value,
    spans: spans.map((span) => {
      const message = comment.messages[span.message_index]
      const part = span.content_part === "subject" ? message?.subject : span.content_part === "signature" ? message?.signature : message?.body
      const text = part?.text ?? ""
      // Offsets are UTF-16 byte offsets (two bytes a code unit); characters are code points.
      const start = text.slice(0, span.utf16_byte_start / 2)
      const end = text.slice(0, span.utf16_byte_end / 2)
      return { ...span, char_start: [...start].length, char_end: [...end].length }
    })
  }
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000

const hash = (text: string): number => {
  let value = 0x811c9dc5
  for (let index = 0; index < text.length; index++) value = Math.imul(value ^ text.charCodeAt(index), 0x01000193)
  return value >>> 0
}
