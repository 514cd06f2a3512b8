/**
 * Bucket and e-mail routes of the sandbox: list, get (by name or id), create, delete by id, statistics,
 * add / page through / get e-mails, and the keyed sync states (always none: the sandbox runs no mailbox
 * integration).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { notFound } from "../failure.ts"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the buckets and emails tags.
 *
 * @category constructors
 * @since 0.1.0
 */
export const bucketRoutes = {
  listBuckets: (_, __, store) => Effect.map(store.listBuckets(), (buckets) => ({ buckets })),
  getBucket: ({ bucket, project }, _, store) => Effect.map(store.getBucket(project, bucket), (found) => ({ bucket: found })),
  getBucketById: ({ bucketId }, _, store) => Effect.map(store.getBucketById(bucketId), (found) => ({ bucket: found })),
  createBucket: ({ bucket, project }, body, store) =>
    Effect.map(store.createBucket(project, bucket, body.bucket), (created) => ({ bucket: created })),
  deleteBucketById: ({ bucketId }, _, store) => Effect.as(store.deleteBucketById(bucketId), {}),
  getBucketStatistics: ({ bucket, project }, _, store) =>
    Effect.map(store.getBucketStatistics(project, bucket), (statistics) => ({ statistics })),
  listKeyedSyncStates: ({ bucketId }, _, store) => Effect.as(store.getBucketById(bucketId), { keyed_sync_states: [] }),
  listKeyedSyncStateIds: ({ bucketId }, _, store) => Effect.as(store.getBucketById(bucketId), { keyed_sync_state_ids: [] }),
  deleteKeyedSyncState: ({ bucketId, keyedSyncStateId }, _, store) =>
    Effect.flatMap(store.getBucketById(bucketId), () => Effect.fail(notFound(`Keyed sync state '${keyedSyncStateId}' does not exist`))),
  addEmails: ({ bucket, project }, body, store) => Effect.as(store.addEmails(project, bucket, body.emails), {}),
  listEmails: ({ bucket, project }, body, store) =>
    store.listEmails(project, bucket, { continuation: body.continuation, limit: body.limit }),
  getEmails: ({ bucket, id, project }, _, store) => Effect.map(store.getEmails(project, bucket, id), (emails) => ({ emails }))
} satisfies RouteDefinitions
