/**
 * The audit-events route of the sandbox: pages through the audit log the store keeps for every mutation.
 *
 * @since 0.1.0
 */
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the audit-events tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const auditEventRoutes = {
  queryAuditEvents: (_, body, store) =>
    store.queryAuditEvents({
      minimum: body.filter.timestamp.minimum,
      maximum: body.filter.timestamp.maximum,
      continuation: body.continuation
    })
} satisfies RouteDefinitions
