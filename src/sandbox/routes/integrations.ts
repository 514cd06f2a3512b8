/**
 * Integration routes of the sandbox: list, get, create, update (definitions only; nothing is synced).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the integrations tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const integrationRoutes = {
  listIntegrations: (_, __, store) => Effect.map(store.listIntegrations(), (integrations) => ({ integrations })),
  getIntegration: ({ integration, project }, _, store) =>
    Effect.map(store.getIntegration(project, integration), (found) => ({ integration: found })),
  createIntegration: ({ integration, project }, body, store) =>
    Effect.map(store.createIntegration(project, integration, body.integration), (created) => ({ integration: created })),
  updateIntegration: ({ integration, project }, body, store) =>
    Effect.map(store.updateIntegration(project, integration, body.integration), (updated) => ({ integration: updated }))
} satisfies RouteDefinitions
