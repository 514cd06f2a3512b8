/**
 * Quota routes of the sandbox: list (for the current or a named tenant: the sandbox has one set) and set.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the quotas tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const quotaRoutes = {
  listQuotas: (_, __, store) => Effect.map(store.listQuotas(), (quotas) => ({ quotas })),
  listTenantQuotas: (_, __, store) => Effect.map(store.listQuotas(), (quotas) => ({ quotas })),
  setQuota: ({ quotaKind }, body, store) => Effect.as(store.setQuota(quotaKind, body.hard_limit, body.auto_increase_up_to), {})
} satisfies RouteDefinitions
