/**
 * User routes of the sandbox: the current user, permission refresh, and user administration.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { RouteDefinitions } from "./route.ts"

/**
 * Route implementations of the users tag.
 *
 * @category constructors
 * @since 0.1.0
 */
export const userRoutes = {
  getCurrentUser: (_, __, store) => Effect.map(store.getCurrentUser(), (user) => ({ user })),
  refreshUserPermissions: () => Effect.succeed({ permissions_refreshed: true }),
  listUsers: (_, __, store) => Effect.map(store.listUsers(), (users) => ({ users })),
  listUsersPrivate: (_, __, store) => Effect.map(store.listUsers(), (users) => ({ users })),
  getUser: ({ userId }, _, store) => Effect.map(store.getUser(userId), (user) => ({ user })),
  createUser: (_, body, store) => Effect.map(store.createUser(body.user), (user) => ({ user })),
  updateUser: ({ userId }, body, store) => Effect.map(store.updateUser(userId, body.user), (user) => ({ user })),
  deleteUser: ({ userId }, _, store) => Effect.as(store.deleteUser(userId), {}),
  sendWelcomeEmail: ({ userId }, _, store) => Effect.as(store.getUser(userId), {})
} satisfies RouteDefinitions
