/**
 * Exchange integrations in the sandbox store: their definitions only. The sandbox never connects to a
 * mailbox, so integrations sync nothing; they exist so client code that manages them can be exercised.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { conflict, notFound, type SandboxFailure } from "../failure.ts"
import type { Integration, NewIntegration } from "../models.ts"
import { now, projectIds, recordAudit, requireProject, type StoreState } from "./state.ts"

/**
 * Integration operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface IntegrationStore {
  /** All integrations. */
  readonly listIntegrations: () => Effect.Effect<ReadonlyArray<Integration>>
  /** One integration; 404 if unknown. */
  readonly getIntegration: (project: string, name: string) => Effect.Effect<Integration, SandboxFailure>
  /** Creates an integration; 409 if the name is taken. */
  readonly createIntegration: (project: string, name: string, integration: NewIntegration) => Effect.Effect<Integration, SandboxFailure>
  /** Replaces an integration's title, state and configuration. */
  readonly updateIntegration: (project: string, name: string, integration: NewIntegration) => Effect.Effect<Integration, SandboxFailure>
}

/**
 * Builds the integration operations.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeIntegrationStore = (state: StoreState): IntegrationStore => {
  const integrations = new Map<string, Integration>()
  const getIntegration: IntegrationStore["getIntegration"] = (project, name) => {
    const found = integrations.get(`${project}/${name}`)
    return found === undefined ? Effect.fail(notFound(`Integration '${project}/${name}' does not exist`)) : Effect.succeed(found)
  }
  const define = (existing: Integration | undefined, project: string, name: string, integration: NewIntegration) =>
    Effect.map(now, (timestamp): Integration => {
      const enabled = integration.enabled ?? existing?.enabled ?? true
      return {
        id: existing?.id ?? state.nextId(),
        owner: project,
        name,
        title: integration.title ?? existing?.title ?? "",
        type: "exchange_online",
        enabled,
        ...(enabled ? {} : { disabled_reason: "user" }),
        configuration: {
          ...integration.configuration,
          mailboxes: integration.configuration.mailboxes.map(withoutNulls)
        },
        created_at: existing?.created_at ?? timestamp,
        updated_at: timestamp
      }
    })
  return {
    listIntegrations: () => Effect.sync(() => [...integrations.values()]),
    getIntegration,
    createIntegration: (project, name, integration) =>
      Effect.gen(function*() {
        const owner = yield* requireProject(state, project)
        if (integrations.has(`${project}/${name}`)) return yield* Effect.fail(conflict(`Integration '${project}/${name}' already exists`))
        const created = yield* define(undefined, project, name, integration)
        integrations.set(`${project}/${name}`, created)
        yield* recordAudit(state, "integration_created", { projectIds: [owner.id] })
        return created
      }),
    updateIntegration: (project, name, integration) =>
      Effect.gen(function*() {
        const existing = yield* getIntegration(project, name)
        const updated = yield* define(existing, project, name, integration)
        integrations.set(`${project}/${name}`, updated)
        yield* recordAudit(state, "integration_updated", { projectIds: projectIds(state, project) })
        return updated
      })
  }
}

// A field a client sets to null is one the platform leaves out of what it returns (clients read it as absent).
const withoutNulls = <A extends object>(value: A): { readonly [K in keyof A]: Exclude<A[K], null> } =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null)) as never
