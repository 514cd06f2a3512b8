/**
 * Project routes of the sandbox: list, get, create (granting the named users access), update, delete.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the projects tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const projectRoutes = {
  listProjects: (_, __, store) => Effect.map(store.listProjects(), (projects) => ({ projects })),
  getProject: ({ project }, _, store) => Effect.map(store.getProject(project), (found) => ({ project: found })),
  createProject: ({ project }, body, store) =>
    Effect.map(store.createProject(project, body.project, body.user_ids), (created) => ({ project: created })),
  updateProject: ({ project }, body, store) =>
    Effect.map(store.updateProject(project, body.project), (updated) => ({ project: updated })),
  deleteProject: ({ force, project }, _, store) => Effect.as(store.deleteProject(project, force ?? false), {})
} satisfies RouteDefinitions
