/**
 * Projects in the sandbox store: create, get, list, update, and delete (which needs `force` when the project
 * still owns sources, datasets or buckets, and then deletes them too).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { badRequest, conflict, notFound, type SandboxFailure } from "../failure.ts"
import type { NewProject, Project, User } from "../models.ts"
import { now, recordAudit, requireProject, type StoreState } from "./state.ts"

/**
 * Every project permission; the creator of a project and the users named at creation get all of them.
 *
 * @category models
 * @since 0.1.0
 */
export const PROJECT_PERMISSIONS: ReadonlyArray<string> = [
  "sources-add-comments",
  "datasets-admin",
  "voc",
  "datasets-review",
  "voc-readonly",
  "datasets-export",
  "sources-admin",
  "sources-read",
  "sources-read-sensitive",
  "streams-admin",
  "streams-consume",
  "streams-read",
  "streams-write",
  "users-read",
  "users-write",
  "buckets-read",
  "buckets-write",
  "buckets-append",
  "integrations-read",
  "integrations-write"
]

/**
 * Project operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface ProjectStore {
  /** All projects, by name. */
  readonly listProjects: () => Effect.Effect<ReadonlyArray<Project>>
  /** One project; 404 if unknown. */
  readonly getProject: (name: string) => Effect.Effect<Project, SandboxFailure>
  /** Creates a project and grants every project permission to the current user and `userIds`; 409 if the name is taken. */
  readonly createProject: (name: string, project: NewProject, userIds?: ReadonlyArray<string>) => Effect.Effect<Project, SandboxFailure>
  /** Overwrites the given fields. */
  readonly updateProject: (name: string, project: NewProject) => Effect.Effect<Project, SandboxFailure>
  /** Deletes a project; 409 if it is not empty and `force` is not set, otherwise deletes its contents too. */
  readonly deleteProject: (name: string, force: boolean) => Effect.Effect<void, SandboxFailure>
}

/**
 * Builds the project operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeProjectStore = (state: StoreState): ProjectStore => {
  const grant = (userId: string, projectName: string) => {
    const user = state.users.get(userId)
    if (user === undefined) return
    const updated: User = {
      ...user,
      organisation_permissions: { ...user.organisation_permissions, [projectName]: PROJECT_PERMISSIONS }
    }
    state.users.set(userId, updated)
  }

  const createProject: ProjectStore["createProject"] = (name, project, userIds = []) =>
    Effect.gen(function*() {
      if (!/^[A-Za-z0-9_-]{1,1024}$/.test(name)) {
        return yield* Effect.fail(badRequest(`Invalid project name '${name}': use letters, digits, '-' and '_'`))
      }
      if (state.projects.has(name)) return yield* Effect.fail(conflict(`Project '${name}' already exists`))
      for (const userId of userIds) {
        if (!state.users.has(userId)) return yield* Effect.fail(notFound(`User '${userId}' does not exist`))
      }
      const timestamp = yield* now
      const created: Project = {
        id: state.nextId(),
        name,
        title: project.title ?? "",
        description: project.description ?? "",
        created_at: timestamp,
        updated_at: timestamp
      }
      state.projects.set(name, created)
      state.projectNames.set(created.id, name)
      for (const userId of new Set([state.currentUserId, ...userIds])) grant(userId, name)
      yield* recordAudit(state, "project_created", { projectIds: [created.id] })
      return created
    })

  const updateProject: ProjectStore["updateProject"] = (name, project) =>
    Effect.gen(function*() {
      const existing = yield* requireProject(state, name)
      const updated: Project = {
        ...existing,
        ...(project.title === undefined ? {} : { title: project.title }),
        ...(project.description === undefined ? {} : { description: project.description }),
        updated_at: yield* now
      }
      state.projects.set(name, updated)
      yield* recordAudit(state, "project_updated", { projectIds: [existing.id] })
      return updated
    })

  const deleteProject: ProjectStore["deleteProject"] = (name, force) =>
    Effect.gen(function*() {
      const project = yield* requireProject(state, name)
      const sources = [...state.sources.values()].filter((source) => source.owner === name)
      const datasets = [...state.datasets.values()].filter((dataset) => dataset.owner === name)
      const buckets = [...state.buckets.values()].filter((bucket) => bucket.owner === name)
      if (!force && sources.length + datasets.length + buckets.length > 0) {
        return yield* Effect.fail(
          conflict(`Project '${name}' is not empty; delete its sources, datasets and buckets first or pass force=true`)
        )
      }
      for (const source of sources) {
        state.sources.delete(source.id)
        state.comments.delete(source.id)
      }
      for (const dataset of datasets) {
        state.datasets.delete(dataset.id)
        state.streams.delete(dataset.id)
      }
      for (const bucket of buckets) {
        state.buckets.delete(bucket.id)
        state.emails.delete(bucket.id)
      }
      state.projects.delete(name)
      for (const user of state.users.values()) {
        if (name in user.organisation_permissions) {
          const { [name]: _removed, ...rest } = user.organisation_permissions
          state.users.set(user.id, { ...user, organisation_permissions: rest })
        }
      }
      yield* recordAudit(state, "project_deleted", { projectIds: [project.id] })
    })

  return {
    listProjects: () => Effect.sync(() => [...state.projects.values()].sort((left, right) => left.name.localeCompare(right.name))),
    getProject: (name) => requireProject(state, name),
    createProject,
    updateProject,
    deleteProject
  }
}
