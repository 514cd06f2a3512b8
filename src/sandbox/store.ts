/**
 * The sandbox's in-memory Re:infer: projects, sources, comments, datasets and labels, streams, buckets and
 * e-mails, users, quotas and audit events, with the platform's semantics (catalogue §4).
 *
 * The store knows nothing about HTTP: every operation is an `Effect` that fails with a `SandboxFailure`
 * (status + message) and reads the time from Effect's `Clock`, so tests can run it directly under the
 * TestClock. Each resource's operations live in `store/<resource>.ts`; this module composes them over one
 * shared state.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { type AnnotationStore, makeAnnotationStore } from "./store/annotations.ts"
import { type AuditStore, makeAuditStore } from "./store/audit.ts"
import { type BucketStore, makeBucketStore } from "./store/buckets.ts"
import { type CommentStore, makeCommentStore } from "./store/comments.ts"
import { type DatasetStore, makeDatasetStore } from "./store/datasets.ts"
import { type FileStore, makeFileStore } from "./store/files.ts"
import { type IntegrationStore, makeIntegrationStore } from "./store/integrations.ts"
import { makeProjectStore, type ProjectStore } from "./store/projects.ts"
import { makeQuotaStore, type QuotaStore } from "./store/quotas.ts"
import { makeSourceStore, type SourceStore } from "./store/sources.ts"
import { makeState, type StoreOptions } from "./store/state.ts"
import { makeStreamStore, type StreamStore } from "./store/streams.ts"
import { makeUserStore, type UserStore } from "./store/users.ts"

export type { DatasetQuery } from "./store/annotations.ts"
export type { AuditQuery } from "./store/audit.ts"
export type { EmailPage } from "./store/buckets.ts"
export type { CommentPage, ListCommentsOptions, SyncCounts } from "./store/comments.ts"
export type { StoredFile } from "./store/files.ts"
export type { LabelSelection, PredictDocument, Prediction } from "./store/datasets.ts"
export type { StoreOptions } from "./store/state.ts"
export type { StreamException, StreamResultsPage, StreamResultWithContinuation } from "./store/streams.ts"

/**
 * Every operation of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface SandboxStore
  extends
    ProjectStore,
    SourceStore,
    CommentStore,
    DatasetStore,
    AnnotationStore,
    StreamStore,
    BucketStore,
    FileStore,
    UserStore,
    IntegrationStore,
    QuotaStore,
    AuditStore
{}

/**
 * Creates an empty store (plus the current user and any `projects` named in the options).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { makeStore } from "effect-reinfer/sandbox"
 *
 * const program = Effect.gen(function*() {
 *   const store = yield* makeStore({ projects: ["acme"] })
 *   yield* store.createSource("acme", "inbox", { title: "Inbox" })
 *   const comment = { id: "1", timestamp: "2024-01-01T00:00:00Z", messages: [{ body: { text: "Hi" } }] }
 *   return yield* store.syncComments("acme", "inbox", [comment]) // { new: 1, updated: 0, unchanged: 0 }
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeStore = (options: StoreOptions = {}): Effect.Effect<SandboxStore> =>
  Effect.gen(function*() {
    const state = makeState(options)
    const users = yield* makeUserStore(state, options.username ?? "sandbox-user")
    const projects = makeProjectStore(state)
    for (const name of options.projects ?? []) {
      yield* Effect.orDie(projects.createProject(name, { title: name }))
    }
    return {
      ...users,
      ...projects,
      ...makeSourceStore(state),
      ...makeCommentStore(state),
      ...makeDatasetStore(state),
      ...makeAnnotationStore(state),
      ...makeStreamStore(state),
      ...makeBucketStore(state),
      ...makeQuotaStore(state),
      ...makeIntegrationStore(state),
      ...makeFileStore(state),
      ...makeAuditStore(state)
    }
  })
