/**
 * Sources in the sandbox store: create, get (by name or id), list, update, delete by id, and statistics.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { matchesFilter } from "../comment-filter.ts"
import { badRequest, conflict, notFound, type SandboxFailure } from "../failure.ts"
import type { JsonObject, NewSource, Source, UpdateSource } from "../models.ts"
import { now, projectIds, recordAudit, requireProject, requireSource, type StoreState } from "./state.ts"

/** Source, dataset and stream names: the platform's pattern (catalogue §1.7). */
const RESOURCE_NAME = /^[A-Za-z0-9_-]{1,256}$/

/**
 * Source operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface SourceStore {
  /** All sources, or those of one project. */
  readonly listSources: (project?: string) => Effect.Effect<ReadonlyArray<Source>, SandboxFailure>
  /** One source by full name; 404 if unknown. */
  readonly getSource: (project: string, name: string) => Effect.Effect<Source, SandboxFailure>
  /** One source by id; 404 if unknown. */
  readonly getSourceById: (id: string) => Effect.Effect<Source, SandboxFailure>
  /** Creates a source in an existing project; 409 if the name is taken, 404 for an unknown project or bucket. */
  readonly createSource: (project: string, name: string, source: NewSource) => Effect.Effect<Source, SandboxFailure>
  /** Overwrites the given fields; `bucket_id: null` detaches the bucket. */
  readonly updateSource: (project: string, name: string, source: UpdateSource) => Effect.Effect<Source, SandboxFailure>
  /** Deletes a source, its comments, and its id from every dataset. */
  readonly deleteSourceById: (id: string) => Effect.Effect<void, SandboxFailure>
  /** `num_comments` of the comments matching a filter. */
  readonly getSourceStatistics: (
    project: string,
    name: string,
    filter: JsonObject | undefined
  ) => Effect.Effect<{ readonly num_comments: number }, SandboxFailure>
}

/**
 * Builds the source operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeSourceStore = (state: StoreState): SourceStore => {
  const requireBucket = (bucketId: string | null | undefined): Effect.Effect<void, SandboxFailure> =>
    bucketId === null || bucketId === undefined || state.buckets.has(bucketId)
      ? Effect.void
      : Effect.fail(notFound(`Bucket '${bucketId}' does not exist`))

  const createSource: SourceStore["createSource"] = (project, name, source) =>
    Effect.gen(function*() {
      const owner = yield* requireProject(state, project)
      if (!RESOURCE_NAME.test(name)) return yield* Effect.fail(badRequest(`Invalid source name '${name}'`))
      if ([...state.sources.values()].some((existing) => existing.owner === project && existing.name === name)) {
        return yield* Effect.fail(conflict(`Source '${project}/${name}' already exists`))
      }
      yield* requireBucket(source.bucket_id)
      const timestamp = yield* now
      const created: Source = {
        id: state.nextId(),
        owner: project,
        name,
        title: source.title ?? "",
        description: source.description ?? "",
        language: source.language ?? "en",
        should_translate: source.should_translate ?? false,
        sensitive_properties: source.sensitive_properties ?? [],
        ...(source.bucket_id === undefined ? {} : { bucket_id: source.bucket_id }),
        ...(source.email_transform_tag === undefined ? {} : { email_transform_tag: source.email_transform_tag }),
        ...(source._kind === undefined ? {} : { _kind: source._kind }),
        created_at: timestamp,
        updated_at: timestamp,
        last_modified: timestamp
      }
      state.sources.set(created.id, created)
      yield* recordAudit(state, "source_created", { projectIds: [owner.id] })
      return created
    })

  const updateSource: SourceStore["updateSource"] = (project, name, source) =>
    Effect.gen(function*() {
      const existing = yield* requireSource(state, project, name)
      yield* requireBucket(source.bucket_id)
      const timestamp = yield* now
      const updated: Source = { ...withUpdate(existing, source), updated_at: timestamp, last_modified: timestamp }
      state.sources.set(existing.id, updated)
      yield* recordAudit(state, "source_updated", { projectIds: projectIds(state, project) })
      return updated
    })

  const getSourceById: SourceStore["getSourceById"] = (id) => {
    const source = state.sources.get(id)
    return source === undefined ? Effect.fail(notFound(`Source 'id:${id}' does not exist`)) : Effect.succeed(source)
  }

  const deleteSourceById: SourceStore["deleteSourceById"] = (id) =>
    Effect.gen(function*() {
      const source = yield* getSourceById(id)
      state.sources.delete(id)
      state.comments.delete(id)
      for (const dataset of state.datasets.values()) {
        if (dataset.source_ids.includes(id)) {
          state.datasets.set(dataset.id, { ...dataset, source_ids: dataset.source_ids.filter((sourceId) => sourceId !== id) })
        }
      }
      yield* recordAudit(state, "source_deleted", { projectIds: projectIds(state, source.owner) })
    })

  return {
    listSources: (project) =>
      Effect.gen(function*() {
        if (project !== undefined) yield* requireProject(state, project)
        return [...state.sources.values()]
          .filter((source) => project === undefined || source.owner === project)
          .sort((left, right) => `${left.owner}/${left.name}`.localeCompare(`${right.owner}/${right.name}`))
      }),
    getSource: (project, name) => requireSource(state, project, name),
    getSourceById,
    createSource,
    updateSource,
    deleteSourceById,
    getSourceStatistics: (project, name, filter) =>
      Effect.map(requireSource(state, project, name), (source) => {
        const comments = [...(state.comments.get(source.id)?.values() ?? [])]
        return { num_comments: comments.filter((stored) => matchesFilter(stored.comment, filter)).length }
      })
  }
}

/**
 * A source with a partial update applied: absent keys keep their value, `null` clears the field (the platform
 * then leaves it out of responses, which clients read as "none").
 */
const withUpdate = (source: Source, update: UpdateSource): Source => {
  const updated: Record<string, unknown> = { ...source }
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete updated[key]
    else if (value !== undefined) updated[key] = value
  }
  return updated as unknown as Source
}
