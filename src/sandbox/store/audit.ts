/**
 * Audit events of the sandbox store: every mutation appends one (see `recordAudit` in state.ts); the query
 * pages through them oldest first, with the projects, datasets, tenants and users they mention.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { decodeCursor, encodeCursor } from "../cursor.ts"
import { badRequest, type SandboxFailure } from "../failure.ts"
import type { AuditQueryPage } from "../models.ts"
import { normalizeTimestamp, type StoreState } from "./state.ts"

/**
 * Audit events per page when the request gives no limit.
 *
 * @category configuration
 * @since 0.1.0
 */
export const DEFAULT_AUDIT_PAGE_SIZE = 64

/**
 * Options of an audit query.
 *
 * @category models
 * @since 0.1.0
 */
export interface AuditQuery {
  readonly minimum?: string | undefined
  readonly maximum?: string | undefined
  readonly continuation?: string | undefined
  readonly limit?: number | undefined
}

/**
 * Audit operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface AuditStore {
  /** One page of audit events within a time range, oldest first. */
  readonly queryAuditEvents: (query: AuditQuery) => Effect.Effect<AuditQueryPage, SandboxFailure>
}

/**
 * Builds the audit operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeAuditStore = (state: StoreState): AuditStore => ({
  queryAuditEvents: (query) =>
    Effect.gen(function*() {
      const minimum = query.minimum === undefined ? undefined : normalizeTimestamp(query.minimum)
      const maximum = query.maximum === undefined ? undefined : normalizeTimestamp(query.maximum)
      if (minimum === undefined && query.minimum !== undefined) {
        return yield* Effect.fail(badRequest("Expected an RFC 3339 timestamp at [\"filter\"][\"timestamp\"][\"minimum\"]"))
      }
      if (maximum === undefined && query.maximum !== undefined) {
        return yield* Effect.fail(badRequest("Expected an RFC 3339 timestamp at [\"filter\"][\"timestamp\"][\"maximum\"]"))
      }
      let start = 0
      if (query.continuation !== undefined) {
        const decoded = decodeCursor("audit", query.continuation)
        if (typeof decoded !== "number" || !Number.isInteger(decoded) || decoded < 0) {
          return yield* Effect.fail(badRequest("Invalid continuation at [\"continuation\"]"))
        }
        start = decoded
      }
      // Events are appended in time order, so an index into the filtered list is a stable cursor.
      const matching = state.auditEvents.filter((event) =>
        (minimum === undefined || event.timestamp >= minimum) && (maximum === undefined || event.timestamp <= maximum)
      )
      const limit = query.limit ?? DEFAULT_AUDIT_PAGE_SIZE
      const page = matching.slice(start, start + limit)
      const next = start + page.length
      const projectIds = new Set(page.flatMap((event) => event.project_ids ?? []))
      const datasetIds = new Set(page.flatMap((event) => event.dataset_ids ?? []))
      for (const datasetId of datasetIds) {
        const dataset = state.datasetNames.get(datasetId)
        if (dataset !== undefined) projectIds.add(dataset.projectId)
      }
      const userIds = new Set(page.map((event) => event.actor_user_id))
      return {
        audit_events: page,
        projects: [...projectIds].flatMap((id) => {
          const name = state.projectNames.get(id)
          return name === undefined ? [] : [{ id, name, tenant_id: state.tenantId }]
        }),
        datasets: [...datasetIds].flatMap((id) => {
          const dataset = state.datasetNames.get(id)
          return dataset === undefined ? [] : [{ id, name: dataset.name, project_id: dataset.projectId, title: dataset.title }]
        }),
        tenants: [{ id: state.tenantId, name: state.tenantId }],
        users: [...userIds].flatMap((id) => {
          const user = state.users.get(id)
          return user === undefined
            ? []
            : [{ id, username: user.username, display_name: user.username, email: user.email, tenant_id: state.tenantId }]
        }),
        ...(next < matching.length ? { continuation: encodeCursor("audit", next) } : {})
      }
    })
})
