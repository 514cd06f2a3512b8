/**
 * The mutable state behind the sandbox store, and the small services every store part shares: ids, the
 * clock, lookups that fail with a Re:infer-style 404, and the audit log.
 *
 * Each `store/<resource>.ts` part receives the same {@link StoreState}; `store.ts` composes them. Mutations
 * run inside `Effect.sync`/`Effect.gen` without yielding between reading and writing, so concurrent requests
 * (several fibers, one JavaScript thread) never interleave inside one store operation.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { canonicalTimestamp } from "../../../generated/schemas/codecs.ts"
import { notFound, type SandboxFailure } from "../failure.ts"
import type {
  AuditEvent,
  Bucket,
  Comment,
  Dataset,
  Email,
  NewStream,
  Project,
  Quota,
  Source,
  Stream,
  User
} from "../models.ts"

/**
 * A comment with what the store needs to answer upserts and streams.
 *
 * @category models
 * @since 0.1.0
 */
export interface StoredComment {
  readonly comment: Comment
  /** Canonical JSON of the comment as the client sent it: equal fingerprints mean "unchanged". */
  readonly fingerprint: string
  /** Ingestion order across the whole store; streams advance over it. */
  readonly sequence: number
  readonly createdAtMillis: number
}

/**
 * A stream with its server-side position.
 *
 * @category models
 * @since 0.1.0
 */
export interface StoredStream {
  stream: Stream
  /** The definition the stream was created (or last replaced) with, as the client sent it. */
  definition: NewStream
  /** The last acknowledged sequence number (0 = nothing acknowledged: the stream starts at the beginning). */
  position: number
  readonly exceptions: Map<string, string>
}

/**
 * Options that shape a fresh store.
 *
 * @category configuration
 * @since 0.1.0
 */
export interface StoreOptions {
  /**
   * Seed of the id generator; the same seed and the same requests give the same ids.
   * @default 1
   */
  readonly seed?: number
  /**
   * Projects that exist from the start, so a test can create sources right away.
   * @default []
   */
  readonly projects?: ReadonlyArray<string>
  /**
   * Tenant id reported in audit events and quotas.
   * @default "sandbox-tenant"
   */
  readonly tenantId?: string
  /**
   * Username of the current user (`GET /auth/user`).
   * @default "sandbox-user"
   */
  readonly username?: string
}

/**
 * Everything the store holds.
 *
 * @category models
 * @since 0.1.0
 */
export interface StoreState {
  readonly tenantId: string
  readonly projects: Map<string, Project>
  readonly sources: Map<string, Source>
  readonly comments: Map<string, Map<string, StoredComment>>
  readonly datasets: Map<string, Dataset>
  readonly streams: Map<string, Map<string, StoredStream>>
  readonly buckets: Map<string, Bucket>
  readonly emails: Map<string, Map<string, Email>>
  readonly users: Map<string, User>
  readonly quotas: Map<string, Quota>
  readonly auditEvents: Array<AuditEvent>
  /** Names of projects and datasets by id, kept after deletion so old audit events still resolve. */
  readonly projectNames: Map<string, string>
  readonly datasetNames: Map<string, { readonly name: string; readonly projectId: string; readonly title: string }>
  currentUserId: string
  sequence: number
  readonly nextId: () => string
}

/**
 * An empty state with its id generator.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeState = (options: StoreOptions): StoreState => ({
  tenantId: options.tenantId ?? "sandbox-tenant",
  projects: new Map(),
  sources: new Map(),
  comments: new Map(),
  datasets: new Map(),
  streams: new Map(),
  buckets: new Map(),
  emails: new Map(),
  users: new Map(),
  quotas: new Map(),
  auditEvents: [],
  projectNames: new Map(),
  datasetNames: new Map(),
  currentUserId: "",
  sequence: 0,
  nextId: makeIdGenerator(options.seed ?? 1)
})

/**
 * The current time as an RFC 3339 UTC string, from Effect's clock (so the TestClock controls it).
 *
 * @category constructors
 * @since 0.1.0
 */
export const now: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis).toISOString())

/**
 * Normalises a client timestamp to `YYYY-MM-DDTHH:MM:SS.sssZ`; a timestamp without a zone is UTC, as the
 * platform assumes. `undefined` when it is not an ISO 8601 date-time (the same rule as the client's).
 *
 * @category parsing
 * @since 0.1.0
 */
export const normalizeTimestamp = (value: string): string | undefined => {
  // The client's rule, so the sandbox accepts exactly what a client may send; then one fixed width (milliseconds,
  // `Z`), so that stored timestamps sort and compare as strings.
  const canonical = canonicalTimestamp(value)
  return canonical === undefined ? undefined : new Date(Date.parse(canonical)).toISOString()
}

/**
 * Looks up a project by name or fails with a 404.
 *
 * @category constructors
 * @since 0.1.0
 */
export const requireProject = (state: StoreState, name: string): Effect.Effect<Project, SandboxFailure> => {
  const project = state.projects.get(name)
  return project === undefined ? Effect.fail(notFound(`Project '${name}' does not exist`)) : Effect.succeed(project)
}

/**
 * Looks up a source by its full name or fails with a 404.
 *
 * @category constructors
 * @since 0.1.0
 */
export const requireSource = (state: StoreState, project: string, name: string): Effect.Effect<Source, SandboxFailure> => {
  for (const source of state.sources.values()) {
    if (source.owner === project && source.name === name) return Effect.succeed(source)
  }
  return Effect.fail(notFound(`Source '${project}/${name}' does not exist`))
}

/**
 * Looks up a dataset by its full name or fails with a 404.
 *
 * @category constructors
 * @since 0.1.0
 */
export const requireDataset = (state: StoreState, project: string, name: string): Effect.Effect<Dataset, SandboxFailure> => {
  for (const dataset of state.datasets.values()) {
    if (dataset.owner === project && dataset.name === name) return Effect.succeed(dataset)
  }
  return Effect.fail(notFound(`Dataset '${project}/${name}' does not exist`))
}

/**
 * The comments of a source, created on first use.
 *
 * @category constructors
 * @since 0.1.0
 */
export const commentsOf = (state: StoreState, sourceId: string): Map<string, StoredComment> => {
  let comments = state.comments.get(sourceId)
  if (comments === undefined) {
    comments = new Map()
    state.comments.set(sourceId, comments)
  }
  return comments
}

/**
 * Appends an audit event for a mutation, attributed to the current user.
 *
 * @category constructors
 * @since 0.1.0
 */
export const recordAudit = (
  state: StoreState,
  eventType: string,
  scope: { readonly projectIds?: ReadonlyArray<string>; readonly datasetIds?: ReadonlyArray<string> }
): Effect.Effect<void> =>
  Effect.map(now, (timestamp) => {
    state.auditEvents.push({
      event_id: state.nextId(),
      event_type: eventType,
      timestamp,
      actor_user_id: state.currentUserId,
      actor_tenant_id: state.tenantId,
      tenant_ids: [state.tenantId],
      project_ids: scope.projectIds ?? [],
      dataset_ids: scope.datasetIds ?? []
    })
  })

/**
 * The id of the project with this name, for audit scopes (`[]` if it no longer exists).
 *
 * @category constructors
 * @since 0.1.0
 */
export const projectIds = (state: StoreState, name: string): ReadonlyArray<string> => {
  const project = state.projects.get(name)
  return project === undefined ? [] : [project.id]
}

/**
 * 16 lowercase hex digits from SplitMix64, like the platform's ids (`18ba5ce699f8da1f`).
 */
const makeIdGenerator = (seed: number): () => string => {
  const mask = (1n << 64n) - 1n
  let counter = BigInt(seed) & mask
  return () => {
    counter = (counter + 0x9e3779b97f4a7c15n) & mask
    let value = counter
    value = ((value ^ (value >> 30n)) * 0xbf58476d1ce4e5b9n) & mask
    value = ((value ^ (value >> 27n)) * 0x94d049bb133111ebn) & mask
    value = value ^ (value >> 31n)
    return value.toString(16).padStart(16, "0")
  }
}
