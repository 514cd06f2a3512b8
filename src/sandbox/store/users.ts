/**
 * Users in the sandbox store: the current user (the token's owner, who may do everything), and the admin
 * routes to list, get, create, update and delete users.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { conflict, notFound, type SandboxFailure } from "../failure.ts"
import type { NewUser, UpdateUser, User } from "../models.ts"
import { now, recordAudit, type StoreState } from "./state.ts"

/**
 * User operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface UserStore {
  /** The user the sandbox's token belongs to. */
  readonly getCurrentUser: () => Effect.Effect<User, SandboxFailure>
  /** All users, by username. */
  readonly listUsers: () => Effect.Effect<ReadonlyArray<User>>
  /** One user by id; 404 if unknown. */
  readonly getUser: (id: string) => Effect.Effect<User, SandboxFailure>
  /** Creates a user; 409 if the username or e-mail is taken. */
  readonly createUser: (user: NewUser) => Effect.Effect<User, SandboxFailure>
  /** Replaces the given permission sets. */
  readonly updateUser: (id: string, user: UpdateUser) => Effect.Effect<User, SandboxFailure>
  /** Deletes a user (not the current one: 409). */
  readonly deleteUser: (id: string) => Effect.Effect<void, SandboxFailure>
}

/**
 * Builds the user operations over a shared state and creates the current user.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeUserStore = (state: StoreState, username: string): Effect.Effect<UserStore> =>
  Effect.gen(function*() {
    const current: User = {
      id: state.nextId(),
      username,
      email: `${username}@sandbox.invalid`,
      created: yield* now,
      global_permissions: ["root", "tenant-admin"],
      organisation_permissions: {},
      sso_global_permissions: [],
      verified: true
    }
    state.users.set(current.id, current)
    state.currentUserId = current.id

    const getUser: UserStore["getUser"] = (id) => {
      const user = state.users.get(id)
      return user === undefined ? Effect.fail(notFound(`User '${id}' does not exist`)) : Effect.succeed(user)
    }

    return {
      getCurrentUser: () => getUser(state.currentUserId),
      listUsers: () => Effect.sync(() => [...state.users.values()].sort((left, right) => left.username.localeCompare(right.username))),
      getUser,
      createUser: (user) =>
        Effect.gen(function*() {
          for (const existing of state.users.values()) {
            if (existing.username === user.username || existing.email === user.email) {
              return yield* Effect.fail(conflict(`A user named '${user.username}' or with e-mail '${user.email}' already exists`))
            }
          }
          const created: User = {
            id: state.nextId(),
            username: user.username,
            email: user.email,
            created: yield* now,
            global_permissions: user.global_permissions ?? [],
            organisation_permissions: user.organisation_permissions ?? {},
            sso_global_permissions: [],
            verified: false
          }
          state.users.set(created.id, created)
          yield* recordAudit(state, "user_created", {})
          return created
        }),
      updateUser: (id, user) =>
        Effect.gen(function*() {
          const existing = yield* getUser(id)
          const updated: User = {
            ...existing,
            ...(user.global_permissions === undefined ? {} : { global_permissions: user.global_permissions }),
            ...(user.organisation_permissions === undefined ? {} : { organisation_permissions: user.organisation_permissions })
          }
          state.users.set(id, updated)
          yield* recordAudit(state, "user_updated", {})
          return updated
        }),
      deleteUser: (id) =>
        Effect.gen(function*() {
          yield* getUser(id)
          if (id === state.currentUserId) return yield* Effect.fail(conflict("The current user cannot delete itself"))
          state.users.delete(id)
          yield* recordAudit(state, "user_deleted", {})
        })
    }
  })
