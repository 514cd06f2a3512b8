/**
 * Datasets in the sandbox store: create, get (by name or id), list, update, delete, label definitions per
 * group, and the deterministic predictions of the predict routes.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { badRequest, conflict, notFound, type SandboxFailure } from "../failure.ts"
import type {
  Comment,
  Dataset,
  Entity,
  EntityDef,
  JsonObject,
  LabelDef,
  LabelGroup,
  LabelThreshold,
  Message,
  ModelConfig,
  NewDataset,
  NewLabelDef,
  PredictedLabel,
  UpdateDataset,
  UserProperties
} from "../models.ts"
import { messagesText, predictEntities, predictLabels, selectLabels } from "../predictions.ts"
import { now, projectIds, recordAudit, requireDataset, requireProject, type StoreState } from "./state.ts"

/** The label group every dataset has; top-level `label_defs` are its definitions. */
const DEFAULT_LABEL_GROUP = "default"

/**
 * Which predicted labels a caller wants back.
 *
 * @category models
 * @since 0.1.0
 */
export interface LabelSelection {
  readonly threshold?: number | undefined
  readonly labelThresholds?: ReadonlyArray<LabelThreshold> | undefined
}

/**
 * A prediction for one document or comment.
 *
 * @category models
 * @since 0.1.0
 */
export interface Prediction {
  readonly labels: ReadonlyArray<PredictedLabel>
  readonly entities: ReadonlyArray<Entity>
}

/**
 * A document of the predict routes (not stored).
 *
 * @category models
 * @since 0.1.0
 */
export interface PredictDocument {
  readonly messages: ReadonlyArray<Message>
  readonly timestamp?: string
  readonly user_properties?: UserProperties
}

/**
 * Dataset operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface DatasetStore {
  /** All datasets, or those of one project. */
  readonly listDatasets: (project?: string) => Effect.Effect<ReadonlyArray<Dataset>, SandboxFailure>
  /** One dataset by full name; 404 if unknown. */
  readonly getDataset: (project: string, name: string) => Effect.Effect<Dataset, SandboxFailure>
  /** One dataset by id; 404 if unknown. */
  readonly getDatasetById: (id: string) => Effect.Effect<Dataset, SandboxFailure>
  /** Creates a dataset over existing sources; 409 if the name is taken. */
  readonly createDataset: (
    project: string,
    name: string,
    dataset: NewDataset,
    /** The model configuration, which clients cannot choose at creation (IXP datasets get theirs). */
    modelConfig?: ModelConfig
  ) => Effect.Effect<Dataset, SandboxFailure>
  /** Overwrites the given fields. */
  readonly updateDataset: (project: string, name: string, dataset: UpdateDataset) => Effect.Effect<Dataset, SandboxFailure>
  /** Deletes a dataset and its streams. */
  readonly deleteDataset: (project: string, name: string) => Effect.Effect<void, SandboxFailure>
  /** Deletes a dataset by id and its streams. */
  readonly deleteDatasetById: (id: string) => Effect.Effect<void, SandboxFailure>
  /** Creates or replaces (by name) label definitions in one group, creating the group if needed. */
  readonly updateLabelDefs: (
    project: string,
    name: string,
    group: string,
    labelDefs: ReadonlyArray<NewLabelDef>
  ) => Effect.Effect<Dataset, SandboxFailure>
  /** Predicts labels and entities for ad-hoc documents. */
  readonly predictDocuments: (
    project: string,
    name: string,
    documents: ReadonlyArray<PredictDocument>,
    selection: LabelSelection
  ) => Effect.Effect<ReadonlyArray<Prediction>, SandboxFailure>
  /** Predicts labels and entities for stored comments, by uid (`<source_id>.<comment_id>`); 404 for an unknown uid. */
  readonly predictComments: (
    project: string,
    name: string,
    uids: ReadonlyArray<string>,
    selection: LabelSelection
  ) => Effect.Effect<ReadonlyArray<Prediction & { readonly uid: string }>, SandboxFailure>
}

/**
 * Every label definition of a dataset, all groups together.
 *
 * @category models
 * @since 0.1.0
 */
export const allLabelDefs = (dataset: Dataset): ReadonlyArray<LabelDef> => dataset.label_groups.flatMap((group) => group.label_defs)

/**
 * The prediction for a comment (or document) under a dataset's taxonomy.
 *
 * @category constructors
 * @since 0.1.0
 */
export const predictFor = (dataset: Dataset, key: string, messages: ReadonlyArray<Message>, selection: LabelSelection): Prediction => ({
  labels: selectLabels(
    predictLabels(messagesText(messages), allLabelDefs(dataset), { key, hasSentiment: dataset.has_sentiment }),
    selection
  ),
  entities: predictEntities(messages, dataset.entity_defs)
})

/**
 * Finds a stored comment of a dataset by uid.
 *
 * @category constructors
 * @since 0.1.0
 */
export const findComment = (state: StoreState, dataset: Dataset, uid: string): Comment | undefined => {
  const separator = uid.indexOf(".")
  if (separator < 0) return undefined
  const sourceId = uid.slice(0, separator)
  if (!dataset.source_ids.includes(sourceId)) return undefined
  return state.comments.get(sourceId)?.get(uid.slice(separator + 1))?.comment
}

/**
 * Builds the dataset operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeDatasetStore = (state: StoreState): DatasetStore => {
  const requireSources = (sourceIds: ReadonlyArray<string>): Effect.Effect<void, SandboxFailure> => {
    const missing = sourceIds.find((sourceId) => !state.sources.has(sourceId))
    return missing === undefined ? Effect.void : Effect.fail(notFound(`Source 'id:${missing}' does not exist`))
  }

  const toEntityDef = (entityDef: JsonObject): EntityDef => {
    const name = String(entityDef["name"] ?? "")
    return {
      ...entityDef,
      id: state.nextId(),
      name,
      title: typeof entityDef["title"] === "string" ? entityDef["title"] : name,
      color: colorOf(name),
      inherits_from: Array.isArray(entityDef["inherits_from"]) ? entityDef["inherits_from"].map(String) : [],
      trainable: typeof entityDef["trainable"] === "boolean" ? entityDef["trainable"] : true,
      _entity_def_flags: Array.isArray(entityDef["_entity_def_flags"]) ? entityDef["_entity_def_flags"].map(String) : []
    }
  }

  const createDataset: DatasetStore["createDataset"] = (project, name, dataset, modelConfig = { kind: "cm" }) =>
    Effect.gen(function*() {
      const owner = yield* requireProject(state, project)
      if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) return yield* Effect.fail(badRequest(`Invalid dataset name '${name}'`))
      if ([...state.datasets.values()].some((existing) => existing.owner === project && existing.name === name)) {
        return yield* Effect.fail(conflict(`Dataset '${project}/${name}' already exists`))
      }
      const sourceIds = dataset.source_ids ?? []
      yield* requireSources(sourceIds)
      const groups = new Map<string, Array<LabelDef>>([[DEFAULT_LABEL_GROUP, (dataset.label_defs ?? []).map(toLabelDef)]])
      for (const group of dataset.label_groups ?? []) {
        groups.set(group.name, mergeLabelDefs(groups.get(group.name) ?? [], (group.label_defs ?? []).map(toLabelDef)))
      }
      const timestamp = yield* now
      const created: Dataset = withGroups({
        id: state.nextId(),
        owner: project,
        name,
        title: dataset.title ?? "",
        description: dataset.description ?? "",
        created: timestamp,
        last_modified: timestamp,
        model_family: dataset.model_family ?? "english",
        source_ids: sourceIds,
        has_sentiment: dataset.has_sentiment ?? true,
        entity_defs: (dataset.entity_defs ?? []).map(toEntityDef),
        general_fields: dataset.general_fields ?? [],
        label_defs: [],
        label_groups: [],
        _dataset_flags: dataset._dataset_flags ?? [],
        _model_config: modelConfig
      }, groups)
      state.datasets.set(created.id, created)
      state.datasetNames.set(created.id, { name, projectId: owner.id, title: created.title })
      yield* recordAudit(state, "dataset_created", { projectIds: [owner.id], datasetIds: [created.id] })
      return created
    })

  const updateDataset: DatasetStore["updateDataset"] = (project, name, dataset) =>
    Effect.gen(function*() {
      const existing = yield* requireDataset(state, project, name)
      if (dataset.source_ids !== undefined) yield* requireSources(dataset.source_ids)
      const updated: Dataset = {
        ...existing,
        ...(dataset.source_ids === undefined ? {} : { source_ids: dataset.source_ids }),
        ...(dataset.title === undefined ? {} : { title: dataset.title }),
        ...(dataset.description === undefined ? {} : { description: dataset.description }),
        ...(dataset.entity_defs === undefined ? {} : { entity_defs: dataset.entity_defs.map(toEntityDef) }),
        ...(dataset._model_config === undefined ? {} : { _model_config: dataset._model_config }),
        last_modified: yield* now
      }
      state.datasets.set(existing.id, updated)
      yield* recordAudit(state, "dataset_updated", { projectIds: projectIds(state, project), datasetIds: [existing.id] })
      return updated
    })

  const getDatasetById: DatasetStore["getDatasetById"] = (id) => {
    const dataset = state.datasets.get(id)
    return dataset === undefined ? Effect.fail(notFound(`Dataset 'id:${id}' does not exist`)) : Effect.succeed(dataset)
  }

  const deleteDatasetById: DatasetStore["deleteDatasetById"] = (id) =>
    Effect.gen(function*() {
      const dataset = yield* getDatasetById(id)
      state.datasets.delete(id)
      state.streams.delete(id)
      yield* recordAudit(state, "dataset_deleted", { projectIds: projectIds(state, dataset.owner), datasetIds: [id] })
    })

  const updateLabelDefs: DatasetStore["updateLabelDefs"] = (project, name, group, labelDefs) =>
    Effect.gen(function*() {
      const existing = yield* requireDataset(state, project, name)
      const groups = new Map(existing.label_groups.map((labelGroup) => [labelGroup.name, [...labelGroup.label_defs]]))
      groups.set(group, mergeLabelDefs(groups.get(group) ?? [], labelDefs.map(toLabelDef)))
      const updated = withGroups({ ...existing, last_modified: yield* now }, groups)
      state.datasets.set(existing.id, updated)
      yield* recordAudit(state, "label_defs_updated", { projectIds: projectIds(state, project), datasetIds: [existing.id] })
      return updated
    })

  const predictDocuments: DatasetStore["predictDocuments"] = (project, name, documents, selection) =>
    Effect.map(requireDataset(state, project, name), (dataset) =>
      documents.map((document, index) => predictFor(dataset, `document-${index}`, document.messages, selection)))

  const predictComments: DatasetStore["predictComments"] = (project, name, uids, selection) =>
    Effect.gen(function*() {
      const dataset = yield* requireDataset(state, project, name)
      const predictions: Array<Prediction & { readonly uid: string }> = []
      for (const uid of uids) {
        const comment = findComment(state, dataset, uid)
        if (comment === undefined) return yield* Effect.fail(notFound(`Comment '${uid}' is not in dataset '${project}/${name}'`))
        predictions.push({ uid, ...predictFor(dataset, uid, comment.messages, selection) })
      }
      return predictions
    })

  return {
    listDatasets: (project) =>
      Effect.gen(function*() {
        if (project !== undefined) yield* requireProject(state, project)
        return [...state.datasets.values()]
          .filter((dataset) => project === undefined || dataset.owner === project)
          .sort((left, right) => `${left.owner}/${left.name}`.localeCompare(`${right.owner}/${right.name}`))
      }),
    getDataset: (project, name) => requireDataset(state, project, name),
    getDatasetById,
    createDataset,
    updateDataset,
    deleteDataset: (project, name) => Effect.flatMap(requireDataset(state, project, name), (dataset) => deleteDatasetById(dataset.id)),
    deleteDatasetById,
    updateLabelDefs,
    predictDocuments,
    predictComments
  }
}

const toLabelDef = (labelDef: NewLabelDef): LabelDef => ({
  name: labelDef.name,
  title: labelDef.title ?? "",
  instructions: labelDef.instructions ?? "",
  ...(labelDef.external_id === undefined ? {} : { external_id: labelDef.external_id }),
  // The platform names a pretrained label itself; the sandbox falls back on its id.
  ...(labelDef.pretrained === undefined
    ? {}
    : { pretrained: { id: labelDef.pretrained.id, name: labelDef.pretrained.name ?? labelDef.pretrained.id } }),
  ...(labelDef.moon_form === undefined ? {} : { moon_form: labelDef.moon_form })
})

/** Later definitions replace earlier ones with the same name; new names are appended. */
const mergeLabelDefs = (existing: ReadonlyArray<LabelDef>, incoming: ReadonlyArray<LabelDef>): Array<LabelDef> => {
  const byName = new Map(existing.map((labelDef) => [labelDef.name, labelDef]))
  for (const labelDef of incoming) byName.set(labelDef.name, labelDef)
  return [...byName.values()]
}

const withGroups = (dataset: Dataset, groups: ReadonlyMap<string, ReadonlyArray<LabelDef>>): Dataset => {
  const labelGroups: Array<LabelGroup> = [...groups].map(([name, labelDefs]) => ({ name, label_defs: labelDefs }))
  return { ...dataset, label_groups: labelGroups, label_defs: groups.get(DEFAULT_LABEL_GROUP) ?? [] }
}

/** A stable 24-bit colour for an entity name. */
const colorOf = (name: string): number => {
  let hash = 0x811c9dc5
  for (let index = 0; index < name.length; index++) hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193)
  return (hash >>> 0) & 0xffffff
}
