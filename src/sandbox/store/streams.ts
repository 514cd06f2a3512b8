/**
 * Streams in the sandbox store, with the platform's at-least-once semantics (catalogue §4.2).
 *
 * A stream is a position over its dataset's comments in ingestion order. `fetch` (and `results`) return the
 * comments after the position without moving it, so fetching again without advancing returns the same
 * batch; `advance` acknowledges up to a sequence id (the batch's or one result's); `reset` moves the position
 * to just before the first comment ingested at or after a time. A new stream starts at the beginning of the
 * dataset, so a demo sees the comments it just synced (the sandbox's choice; the catalogue does not say).
 * Comments the stream's `comment_filter` rejects count as `filtered` and are skipped once advanced past.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { matchesFilter } from "../comment-filter.ts"
import { decodeCursor, encodeCursor } from "../cursor.ts"
import { badRequest, notFound, type SandboxFailure } from "../failure.ts"
import type {
  Comment,
  CommentFilter,
  CommentFilterView,
  Dataset,
  NewStream,
  PropertyFilter,
  PropertyFilterView,
  Stream,
  StreamBatch,
  StreamResult
} from "../models.ts"
import { predictFor } from "./datasets.ts"
import {
  normalizeTimestamp,
  now,
  projectIds,
  recordAudit,
  requireDataset,
  type StoreState,
  type StoredComment,
  type StoredStream
} from "./state.ts"

/**
 * One result of the `results` route: a stream result plus the `continuation` to advance to.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamResultWithContinuation extends StreamResult {
  readonly continuation: string
}

/**
 * A page of the `results` route.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamResultsPage {
  readonly results: ReadonlyArray<StreamResultWithContinuation>
  /** Advancing to this acknowledges every result and every filtered comment of the page. */
  readonly continuation: string
  readonly num_filtered: number
  readonly is_end_sequence: boolean
}

/**
 * A stream exception tag.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamException {
  readonly uid: string
  readonly metadata: { readonly type: string }
}

/**
 * Stream operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface StreamStore {
  /** The streams of a dataset, by name. */
  readonly listStreams: (project: string, dataset: string) => Effect.Effect<ReadonlyArray<Stream>, SandboxFailure>
  /** One stream; 404 if unknown. */
  readonly getStream: (project: string, dataset: string, name: string) => Effect.Effect<Stream, SandboxFailure>
  /** Creates a stream, or replaces the definition of an existing one with that name (its position is kept). */
  readonly createStream: (project: string, dataset: string, stream: NewStream) => Effect.Effect<Stream, SandboxFailure>
  /** Changes some fields of an existing stream's definition (the legacy trigger update); 404 if unknown. */
  readonly updateStream: (
    project: string,
    dataset: string,
    name: string,
    changes: Partial<NewStream>
  ) => Effect.Effect<Stream, SandboxFailure>
  /** Deletes a stream. */
  readonly deleteStream: (project: string, dataset: string, name: string) => Effect.Effect<void, SandboxFailure>
  /** The next batch after the stream's position, without moving it. */
  readonly fetchStream: (
    project: string,
    dataset: string,
    name: string,
    options: { readonly size: number; readonly maxFiltered?: number | undefined }
  ) => Effect.Effect<StreamBatch, SandboxFailure>
  /** Like {@link StreamStore.fetchStream}, in the shape of the newer `results` route. */
  readonly getStreamResults: (
    project: string,
    dataset: string,
    name: string,
    options: { readonly maxResults: number; readonly maxFiltered?: number | undefined }
  ) => Effect.Effect<StreamResultsPage, SandboxFailure>
  /** Acknowledges everything up to a sequence id (or a result's continuation); 400 for an id it did not issue. */
  readonly advanceStream: (project: string, dataset: string, name: string, sequenceId: string) => Effect.Effect<void, SandboxFailure>
  /** Moves the position to just before the first comment ingested at or after a time; returns the new position. */
  readonly resetStream: (
    project: string,
    dataset: string,
    name: string,
    toCommentCreatedAt: string
  ) => Effect.Effect<{ readonly sequence_id: string }, SandboxFailure>
  /** Tags comments as exceptions of a stream. */
  readonly tagStreamExceptions: (
    project: string,
    dataset: string,
    name: string,
    exceptions: ReadonlyArray<StreamException>
  ) => Effect.Effect<void, SandboxFailure>
  /** Removes exception tags. */
  readonly untagStreamExceptions: (
    project: string,
    dataset: string,
    name: string,
    uids: ReadonlyArray<string>
  ) => Effect.Effect<void, SandboxFailure>
  /** The exception tags of a stream, by uid (for tests). */
  readonly getStreamExceptions: (
    project: string,
    dataset: string,
    name: string
  ) => Effect.Effect<ReadonlyMap<string, string>, SandboxFailure>
}

/**
 * Builds the stream operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeStreamStore = (state: StoreState): StreamStore => {
  const streamsOf = (datasetId: string): Map<string, StoredStream> => {
    let streams = state.streams.get(datasetId)
    if (streams === undefined) {
      streams = new Map()
      state.streams.set(datasetId, streams)
    }
    return streams
  }

  const requireStream = (
    project: string,
    datasetName: string,
    name: string
  ): Effect.Effect<{ readonly dataset: Dataset; readonly stored: StoredStream }, SandboxFailure> =>
    Effect.flatMap(requireDataset(state, project, datasetName), (dataset) => {
      const stored = state.streams.get(dataset.id)?.get(name)
      return stored === undefined
        ? Effect.fail(notFound(`Stream '${project}/${datasetName}/${name}' does not exist`))
        : Effect.succeed({ dataset, stored })
    })

  /** The dataset's comments after a position, in ingestion order. */
  const commentsAfter = (dataset: Dataset, position: number): Array<StoredComment> =>
    dataset.source_ids
      .flatMap((sourceId) => [...(state.comments.get(sourceId)?.values() ?? [])])
      .filter((stored) => stored.sequence > position)
      .sort((left, right) => left.sequence - right.sequence)

  const scan = (
    dataset: Dataset,
    stored: StoredStream,
    size: number,
    maxFiltered: number | undefined
  ) => {
    const pending = commentsAfter(dataset, stored.position)
    const results: Array<{ readonly comment: Comment; readonly sequence: number }> = []
    let filtered = 0
    let last = stored.position
    let scanned = 0
    for (const candidate of pending) {
      if (results.length >= size || (maxFiltered !== undefined && filtered >= maxFiltered)) break
      scanned++
      last = candidate.sequence
      if (matchesFilter(candidate.comment, stored.stream.comment_filter)) {
        results.push({ comment: candidate.comment, sequence: candidate.sequence })
      } else {
        filtered++
      }
    }
    const model = stored.stream.model
    const toResult = ({ comment, sequence }: { readonly comment: Comment; readonly sequence: number }): StreamResult => {
      if (model === undefined) return { comment, sequence_id: sequenceId(sequence) }
      const prediction = predictFor(dataset, comment.uid, comment.messages, {
        labelThresholds: model.label_thresholds === undefined || model.label_thresholds.length === 0
          ? undefined
          : model.label_thresholds
      })
      return { comment, sequence_id: sequenceId(sequence), labels: prediction.labels, entities: prediction.entities }
    }
    return {
      results: results.map(toResult),
      filtered,
      sequence_id: sequenceId(last),
      is_end_sequence: scanned === pending.length
    }
  }

  const validate = (stream: NewStream): Effect.Effect<void, SandboxFailure> => {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(stream.name)) {
      return Effect.fail(badRequest(`Invalid stream name '${stream.name}' at ["stream"]["name"]`))
    }
    return Effect.void
  }

  const createStream: StreamStore["createStream"] = (project, datasetName, stream) =>
    Effect.gen(function*() {
      const dataset = yield* requireDataset(state, project, datasetName)
      yield* validate(stream)
      const streams = streamsOf(dataset.id)
      const existing = streams.get(stream.name)
      const timestamp = yield* now
      const definition: Stream = {
        id: existing?.stream.id ?? state.nextId(),
        dataset_id: dataset.id,
        name: stream.name,
        title: stream.title ?? "",
        description: stream.description ?? "",
        comment_filter: filterView(stream.comment_filter ?? {}),
        // The platform answers with the thresholds list even when none were given; empty means "every label".
        ...(stream.model === undefined
          ? {}
          : { model: { version: stream.model.version, label_thresholds: stream.model.label_thresholds ?? [] } }),
        context: "0",
        created_at: existing?.stream.created_at ?? timestamp,
        updated_at: timestamp
      }
      if (existing === undefined) {
        streams.set(stream.name, { stream: definition, definition: stream, position: 0, exceptions: new Map() })
      } else {
        existing.stream = definition
        existing.definition = stream
      }
      yield* recordAudit(state, existing === undefined ? "stream_created" : "stream_updated", {
        projectIds: projectIds(state, project),
        datasetIds: [dataset.id]
      })
      return definition
    })

  const advanceStream: StreamStore["advanceStream"] = (project, datasetName, name, id) =>
    Effect.gen(function*() {
      const { dataset, stored } = yield* requireStream(project, datasetName, name)
      const position = decodeCursor("sequence", id)
      if (typeof position !== "number" || !Number.isInteger(position) || position < 0 || position > state.sequence) {
        return yield* Effect.fail(badRequest(`Invalid sequence id '${id}' at ["sequence_id"]`))
      }
      stored.position = position
      yield* recordAudit(state, "stream_advanced", { projectIds: projectIds(state, project), datasetIds: [dataset.id] })
    })

  const resetStream: StreamStore["resetStream"] = (project, datasetName, name, toCommentCreatedAt) =>
    Effect.gen(function*() {
      const { dataset, stored } = yield* requireStream(project, datasetName, name)
      const normalized = normalizeTimestamp(toCommentCreatedAt)
      if (normalized === undefined) {
        return yield* Effect.fail(badRequest("Expected an RFC 3339 timestamp at [\"to_comment_created_at\"]"))
      }
      const time = Date.parse(normalized)
      const before = commentsAfter(dataset, 0).filter((candidate) => candidate.createdAtMillis < time)
      stored.position = before.at(-1)?.sequence ?? 0
      yield* recordAudit(state, "stream_reset", { projectIds: projectIds(state, project), datasetIds: [dataset.id] })
      return { sequence_id: sequenceId(stored.position) }
    })

  return {
    listStreams: (project, datasetName) =>
      Effect.map(requireDataset(state, project, datasetName), (dataset) =>
        [...(state.streams.get(dataset.id)?.values() ?? [])]
          .map((stored) => stored.stream)
          .sort((left, right) => left.name.localeCompare(right.name))),
    getStream: (project, datasetName, name) => Effect.map(requireStream(project, datasetName, name), ({ stored }) => stored.stream),
    createStream,
    updateStream: (project, datasetName, name, changes) =>
      Effect.flatMap(
        requireStream(project, datasetName, name),
        ({ stored }) => createStream(project, datasetName, { ...stored.definition, ...changes, name })
      ),
    deleteStream: (project, datasetName, name) =>
      Effect.gen(function*() {
        const { dataset } = yield* requireStream(project, datasetName, name)
        state.streams.get(dataset.id)?.delete(name)
        yield* recordAudit(state, "stream_deleted", { projectIds: projectIds(state, project), datasetIds: [dataset.id] })
      }),
    fetchStream: (project, datasetName, name, options) =>
      Effect.map(requireStream(project, datasetName, name), ({ dataset, stored }) =>
        scan(dataset, stored, options.size, options.maxFiltered)),
    getStreamResults: (project, datasetName, name, options) =>
      Effect.map(requireStream(project, datasetName, name), ({ dataset, stored }) => {
        const batch = scan(dataset, stored, options.maxResults, options.maxFiltered)
        return {
          results: batch.results.map((result) => ({ ...result, continuation: result.sequence_id })),
          continuation: batch.sequence_id,
          num_filtered: batch.filtered,
          is_end_sequence: batch.is_end_sequence
        }
      }),
    advanceStream,
    resetStream,
    tagStreamExceptions: (project, datasetName, name, exceptions) =>
      Effect.gen(function*() {
        const { dataset, stored } = yield* requireStream(project, datasetName, name)
        for (const exception of exceptions) stored.exceptions.set(exception.uid, exception.metadata.type)
        yield* recordAudit(state, "stream_exceptions_tagged", { projectIds: projectIds(state, project), datasetIds: [dataset.id] })
      }),
    untagStreamExceptions: (project, datasetName, name, uids) =>
      Effect.gen(function*() {
        const { dataset, stored } = yield* requireStream(project, datasetName, name)
        for (const uid of uids) stored.exceptions.delete(uid)
        yield* recordAudit(state, "stream_exceptions_untagged", { projectIds: projectIds(state, project), datasetIds: [dataset.id] })
      }),
    getStreamExceptions: (project, datasetName, name) =>
      Effect.map(requireStream(project, datasetName, name), ({ stored }) => new Map(stored.exceptions))
  }
}

/** Sequence ids are opaque to clients; inside they are ingestion sequence numbers. */
const sequenceId = (sequence: number): string => encodeCursor("sequence", sequence)

// A stream echoes its filter as the server returns filters: collections it leaves out read as empty there.
const filterView = (filter: CommentFilter): CommentFilterView => {
  const { messages, sources, user_properties: userProperties, ...rest } = filter
  return {
    ...rest,
    sources: sources ?? [],
    ...(userProperties === undefined ? {} : { user_properties: mapValues(userProperties, propertyFilterView) }),
    ...(messages === undefined
      ? {}
      : { messages: mapValues(messages as Readonly<Record<string, PropertyFilter>>, propertyFilterView) })
  }
}

const propertyFilterView = (filter: PropertyFilter): PropertyFilterView => ({
  ...filter,
  one_of: filter.one_of ?? [],
  not_one_of: filter.not_one_of ?? [],
  domain_not_one_of: filter.domain_not_one_of ?? []
})

const mapValues = <A, B>(record: Readonly<Record<string, A>>, f: (value: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]))
