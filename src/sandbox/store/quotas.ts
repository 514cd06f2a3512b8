/**
 * Tenant quotas in the sandbox store. Limits are generous defaults that `setQuota` can change; usage is
 * counted from the store for the kinds it holds (projects, sources, datasets, comments, buckets, users,
 * streams) and 0 for the rest. The sandbox does not enforce quotas.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Quota } from "../models.ts"
import { recordAudit, type StoreState } from "./state.ts"

/**
 * Every quota kind the catalogue lists, with the sandbox's default hard limit.
 *
 * @category configuration
 * @since 0.1.0
 */
export const DEFAULT_QUOTA_LIMITS: Readonly<Record<string, number>> = {
  sources: 1_000,
  sources_per_dataset: 1_024,
  datasets: 1_000,
  datasets_per_source: 1_024,
  labels_per_dataset: 4_096,
  entities_per_dataset: 1_024,
  comments: 10_000_000,
  comments_per_source: 1_000_000,
  comments_in_ixp_designtime: 100_000,
  comments_in_ixp_runtime: 1_000_000,
  reviewed_comments_per_dataset: 100_000,
  integrations: 100,
  mailboxes_per_integration: 100,
  triggers: 1_000,
  triggers_per_dataset: 100,
  users: 1_000,
  alerts: 100,
  buckets: 1_000,
  projects: 1_000,
  pinned_models: 100,
  extraction_predictions: 1_000_000
}

/**
 * Quota operations of the sandbox store.
 *
 * @category services
 * @since 0.1.0
 */
export interface QuotaStore {
  /** The quotas of a tenant (the sandbox has one set, whatever the tenant id). */
  readonly listQuotas: () => Effect.Effect<ReadonlyArray<Quota>>
  /**
   * Sets a quota's hard limit; `autoIncreaseUpTo` absent keeps the previous value, `null` resets it.
   */
  readonly setQuota: (quotaKind: string, hardLimit: number, autoIncreaseUpTo: number | null | undefined) => Effect.Effect<void>
}

/**
 * Builds the quota operations over a shared state.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeQuotaStore = (state: StoreState): QuotaStore => {
  const usage = (quotaKind: string): number => {
    switch (quotaKind) {
      case "projects":
        return state.projects.size
      case "sources":
        return state.sources.size
      case "datasets":
        return state.datasets.size
      case "buckets":
        return state.buckets.size
      case "users":
        return state.users.size
      case "triggers":
        return [...state.streams.values()].reduce((total, streams) => total + streams.size, 0)
      case "comments":
        return [...state.comments.values()].reduce((total, comments) => total + comments.size, 0)
      default:
        return 0
    }
  }
  const quotaOf = (quotaKind: string): Quota => {
    const stored = state.quotas.get(quotaKind)
    return {
      quota_kind: quotaKind,
      hard_limit: stored?.hard_limit ?? DEFAULT_QUOTA_LIMITS[quotaKind] ?? 0,
      current_max_usage: usage(quotaKind),
      ...(stored?.auto_increase_up_to === undefined ? {} : { auto_increase_up_to: stored.auto_increase_up_to })
    }
  }
  return {
    listQuotas: () =>
      Effect.sync(() => [...new Set([...Object.keys(DEFAULT_QUOTA_LIMITS), ...state.quotas.keys()])].map(quotaOf)),
    setQuota: (quotaKind, hardLimit, autoIncreaseUpTo) =>
      Effect.gen(function*() {
        const previous = state.quotas.get(quotaKind)
        const autoIncrease = autoIncreaseUpTo === undefined ? previous?.auto_increase_up_to : autoIncreaseUpTo ?? undefined
        state.quotas.set(quotaKind, {
          quota_kind: quotaKind,
          hard_limit: hardLimit,
          current_max_usage: 0,
          ...(autoIncrease === undefined ? {} : { auto_increase_up_to: autoIncrease })
        })
        yield* recordAudit(state, "quota_set", {})
      })
  }
}
