/**
 * E-mail buckets in the sandbox store: create, get (by name or id), list, delete by id, statistics, and the
 * raw e-mails they hold (add, page through with a continuation, get by id). Keyed sync states belong to
 * Exchange integrations, which the sandbox does not run, so every bucket has none.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { decodeCursor, encodeCursor } from "../cursor.ts"
import { badRequest, conflict, notFound, type SandboxFailure } from "../failure.ts"
import type { Bucket, Email, NewEmail } from "../models.ts"
import { normalizeTimestamp, now, projectIds, recordAudit, requireProject, type StoreState } from "./state.ts"

/**
 * The page size of e-mail iteration when the request gives none (the CLI's default); 256 is the maximum.
 *
 * @category configuration
 * @since 0.1.0
 */
export const DEFAULT_EMAIL_PAGE_SIZE = 64

/**
 * One page of a bucket's e-mails.
 *
 * @category models
 * @since 0.1.0
 */
export interface EmailPage {
  readonly emails: ReadonlyArray<Email>
  readonly continuation?: string
}

/**
 * Bucket operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface BucketStore {
  /** All buckets. */
  readonly listBuckets: () => Effect.Effect<ReadonlyArray<Bucket>>
  /** One bucket by full name; 404 if unknown. */
  readonly getBucket: (project: string, name: string) => Effect.Effect<Bucket, SandboxFailure>
  /** One bucket by id; 404 if unknown. */
  readonly getBucketById: (id: string) => Effect.Effect<Bucket, SandboxFailure>
  /** Creates a bucket; 409 if the name is taken. */
  readonly createBucket: (
    project: string,
    name: string,
    bucket: { readonly bucket_type?: string; readonly title?: string }
  ) => Effect.Effect<Bucket, SandboxFailure>
  /** Deletes a bucket, its e-mails, and detaches it from sources. */
  readonly deleteBucketById: (id: string) => Effect.Effect<void, SandboxFailure>
  /** The exact number of e-mails in a bucket. */
  readonly getBucketStatistics: (
    project: string,
    name: string
  ) => Effect.Effect<{ readonly count: { readonly kind: "exact"; readonly value: number } }, SandboxFailure>
  /** Adds (or replaces, by id) raw e-mails. */
  readonly addEmails: (project: string, name: string, emails: ReadonlyArray<NewEmail>) => Effect.Effect<void, SandboxFailure>
  /** A page of e-mails in timestamp order. */
  readonly listEmails: (
    project: string,
    name: string,
    options: { readonly continuation?: string | undefined; readonly limit?: number | undefined }
  ) => Effect.Effect<EmailPage, SandboxFailure>
  /** The e-mails with these ids (unknown ids are left out). */
  readonly getEmails: (project: string, name: string, ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Email>, SandboxFailure>
}

/**
 * Builds the bucket operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeBucketStore = (state: StoreState): BucketStore => {
  const getBucket: BucketStore["getBucket"] = (project, name) => {
    for (const bucket of state.buckets.values()) {
      if (bucket.owner === project && bucket.name === name) return Effect.succeed(bucket)
    }
    return Effect.fail(notFound(`Bucket '${project}/${name}' does not exist`))
  }

  const getBucketById: BucketStore["getBucketById"] = (id) => {
    const bucket = state.buckets.get(id)
    return bucket === undefined ? Effect.fail(notFound(`Bucket 'id:${id}' does not exist`)) : Effect.succeed(bucket)
  }

  const emailsOf = (bucketId: string): Map<string, Email> => {
    let emails = state.emails.get(bucketId)
    if (emails === undefined) {
      emails = new Map()
      state.emails.set(bucketId, emails)
    }
    return emails
  }

  return {
    listBuckets: () =>
      Effect.sync(() =>
        [...state.buckets.values()].sort((left, right) => `${left.owner}/${left.name}`.localeCompare(`${right.owner}/${right.name}`))
      ),
    getBucket,
    getBucketById,
    createBucket: (project, name, bucket) =>
      Effect.gen(function*() {
        const owner = yield* requireProject(state, project)
        if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) return yield* Effect.fail(badRequest(`Invalid bucket name '${name}'`))
        if ([...state.buckets.values()].some((existing) => existing.owner === project && existing.name === name)) {
          return yield* Effect.fail(conflict(`Bucket '${project}/${name}' already exists`))
        }
        const created: Bucket = {
          id: state.nextId(),
          name,
          owner: project,
          title: bucket.title ?? "",
          bucket_type: bucket.bucket_type ?? "emails",
          created_at: yield* now
        }
        state.buckets.set(created.id, created)
        yield* recordAudit(state, "bucket_created", { projectIds: [owner.id] })
        return created
      }),
    deleteBucketById: (id) =>
      Effect.gen(function*() {
        const bucket = yield* getBucketById(id)
        state.buckets.delete(id)
        state.emails.delete(id)
        for (const source of state.sources.values()) {
          if (source.bucket_id === id) {
            const { bucket_id: _detached, ...detached } = source
            state.sources.set(source.id, detached)
          }
        }
        yield* recordAudit(state, "bucket_deleted", { projectIds: projectIds(state, bucket.owner) })
      }),
    getBucketStatistics: (project, name) =>
      Effect.map(getBucket(project, name), (bucket) => ({
        count: { kind: "exact" as const, value: state.emails.get(bucket.id)?.size ?? 0 }
      })),
    addEmails: (project, name, emails) =>
      Effect.gen(function*() {
        const bucket = yield* getBucket(project, name)
        const timestamp = yield* now
        const stored = emailsOf(bucket.id)
        for (const [index, email] of emails.entries()) {
          const normalized = normalizeTimestamp(email.timestamp)
          if (normalized === undefined) {
            return yield* Effect.fail(badRequest(`Expected an RFC 3339 timestamp at ["emails"][${index}]["timestamp"]`))
          }
          const existing = stored.get(email.id)
          stored.set(email.id, {
            ...email,
            timestamp: normalized,
            attachments: email.attachments ?? [],
            created_at: existing?.created_at ?? timestamp,
            updated_at: timestamp
          })
        }
        yield* recordAudit(state, "emails_added", { projectIds: projectIds(state, project) })
      }),
    listEmails: (project, name, options) =>
      Effect.gen(function*() {
        const bucket = yield* getBucket(project, name)
        const limit = options.limit ?? DEFAULT_EMAIL_PAGE_SIZE
        if (!Number.isInteger(limit) || limit < 1 || limit > 256) {
          return yield* Effect.fail(badRequest("Expected an integer between 1 and 256 at [\"limit\"]"))
        }
        const ordered = [...(state.emails.get(bucket.id)?.values() ?? [])].sort((left, right) =>
          left.timestamp === right.timestamp ? (left.id < right.id ? -1 : 1) : left.timestamp < right.timestamp ? -1 : 1
        )
        let remaining = ordered
        if (options.continuation !== undefined) {
          const decoded = decodeCursor("emails", options.continuation)
          if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== "string" || typeof decoded[1] !== "string") {
            return yield* Effect.fail(badRequest("Invalid continuation at [\"continuation\"]"))
          }
          const [timestamp, id] = decoded
          remaining = ordered.filter((email) => email.timestamp > timestamp || (email.timestamp === timestamp && email.id > id))
        }
        const page = remaining.slice(0, limit)
        const last = page.at(-1)
        return remaining.length > limit && last !== undefined
          ? { emails: page, continuation: encodeCursor("emails", [last.timestamp, last.id]) }
          : { emails: page }
      }),
    getEmails: (project, name, ids) =>
      Effect.map(getBucket(project, name), (bucket) => {
        const stored = state.emails.get(bucket.id)
        return ids.flatMap((id) => {
          const email = stored?.get(id)
          return email === undefined ? [] : [email]
        })
      })
  }
}
