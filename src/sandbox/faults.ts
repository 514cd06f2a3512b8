/**
 * Fault knobs for tests and demos: added latency, 429s with `Retry-After`, 5xx envelopes, dropped
 * connections, HTML error pages as a proxy in front of the platform would send them, and the worst case for
 * at-least-once delivery: a request that is carried out and whose answer is then lost.
 *
 * Each knob has a `rate` (the share of requests it hits, 0..1) and an optional `times` (it stops after that
 * many hits), so `{ rate: 1, times: 2 }` means "the next two requests", which is what retry tests want.
 * Rates between 0 and 1 draw from a seeded generator, so a run is reproducible. `operations` limits every
 * knob to some operation ids. The knobs can be changed while the sandbox runs (`SandboxHandler.setFaults`).
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"

/**
 * One knob's trigger: the share of requests it hits, and at most how many.
 *
 * @category configuration
 * @since 0.1.0
 */
export interface FaultRate {
  /**
   * Share of matching requests hit, from 0 (never) to 1 (always).
   * @default 1
   */
  readonly rate?: number
  /**
   * Stop after this many hits.
   * @default unlimited
   */
  readonly times?: number
}

/**
 * The fault knobs.
 *
 * @category configuration
 * @since 0.1.0
 */
export interface FaultOptions {
  /** Delay added before every matching response (including fault responses), through `Effect.sleep`. */
  readonly latency?: Duration.Input
  /** Answer `429` with a Re:infer error envelope and `Retry-After: <seconds>` (default 1 second). */
  readonly rateLimit?: FaultRate & { readonly retryAfterSeconds?: number }
  /** Answer a 5xx Re:infer error envelope (default status 500). */
  readonly serverError?: FaultRate & { readonly status?: number }
  /** Close the connection without answering (in process: a transport error). */
  readonly dropConnection?: FaultRate
  /**
   * Carry the request out (a write is applied, a stream advanced), then close the connection instead of
   * answering: the client sees a transport error for a call that took effect.
   */
  readonly applyThenDrop?: FaultRate
  /** Answer an HTML error page as a proxy would (default status 502), without a Re:infer envelope. */
  readonly proxyError?: FaultRate & { readonly status?: number }
  /**
   * Operation ids the knobs apply to; requests for other operations (and unknown routes) pass untouched.
   * @default every request
   */
  readonly operations?: ReadonlyArray<string>
  /**
   * Seed of the generator that decides fractional rates.
   * @default 1
   */
  readonly seed?: number
}

/**
 * What the faults decided for one request.
 *
 * @category models
 * @since 0.1.0
 */
export type FaultOutcome =
  | { readonly _tag: "Pass" }
  | { readonly _tag: "DropConnection" }
  | { readonly _tag: "ApplyThenDrop" }
  | { readonly _tag: "ProxyError"; readonly status: number }
  | { readonly _tag: "RateLimit"; readonly retryAfterSeconds: number }
  | { readonly _tag: "ServerError"; readonly status: number }

/**
 * The decision for one request: a delay and an outcome.
 *
 * @category models
 * @since 0.1.0
 */
export interface FaultDecision {
  readonly latency: Duration.Duration
  readonly outcome: FaultOutcome
}

/**
 * The name of one knob that answers instead of the platform (every knob but `latency`).
 *
 * @category models
 * @since 0.1.0
 */
export type FaultKnob = "dropConnection" | "applyThenDrop" | "proxyError" | "rateLimit" | "serverError"

/**
 * The faults of a running sandbox, changeable at any time.
 *
 * @category models
 * @since 0.1.0
 */
export interface FaultController {
  /** Replaces every knob (and resets the `times` counters and the generator). */
  readonly set: (options: FaultOptions) => void
  /** Turns every knob off. */
  readonly clear: () => void
  /** The knobs in force. */
  readonly current: () => FaultOptions
  /** How many requests each knob has hit since the knobs were last set or cleared. */
  readonly hits: () => Readonly<Record<FaultKnob, number>>
  /** Decides the fate of one request; `operationId` is undefined for unknown routes. */
  readonly decide: (operationId: string | undefined) => FaultDecision
}

/**
 * The proxy error page, like the ones nginx or a cloud load balancer send when the platform is unreachable.
 *
 * @category constructors
 * @since 0.1.0
 */
export const proxyErrorPage = (status: number): string => {
  const title = `${status} ${PROXY_REASONS[status] ?? "Proxy Error"}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

const PROXY_REASONS: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out"
}

/**
 * A controller starting with the given knobs.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeFaultController = (initial: FaultOptions = {}): FaultController => {
  let options = initial
  let random = seededRandom(initial.seed ?? 1)
  let hits = new Map<FaultKnob, number>()

  const fires = (name: FaultKnob, knob: FaultRate | undefined): boolean => {
    if (knob === undefined) return false
    const rate = knob.rate ?? 1
    const count = hits.get(name) ?? 0
    if (knob.times !== undefined && count >= knob.times) return false
    // Always draw for fractional rates, so one knob's hits don't shift another's sequence.
    const hit = rate >= 1 ? true : rate <= 0 ? false : random() < rate
    if (hit) hits.set(name, count + 1)
    return hit
  }

  return {
    set: (next) => {
      options = next
      random = seededRandom(next.seed ?? 1)
      hits = new Map()
    },
    clear: () => {
      options = {}
      hits = new Map()
    },
    current: () => options,
    hits: () => ({
      dropConnection: hits.get("dropConnection") ?? 0,
      applyThenDrop: hits.get("applyThenDrop") ?? 0,
      proxyError: hits.get("proxyError") ?? 0,
      rateLimit: hits.get("rateLimit") ?? 0,
      serverError: hits.get("serverError") ?? 0
    }),
    decide: (operationId) => {
      const applies = options.operations === undefined ||
        (operationId !== undefined && options.operations.includes(operationId))
      if (!applies) return { latency: Duration.zero, outcome: { _tag: "Pass" } }
      const latency = options.latency === undefined ? Duration.zero : Duration.fromInputUnsafe(options.latency)
      const outcome: FaultOutcome = fires("dropConnection", options.dropConnection)
        ? { _tag: "DropConnection" }
        : fires("applyThenDrop", options.applyThenDrop)
        ? { _tag: "ApplyThenDrop" }
        : fires("proxyError", options.proxyError)
        ? { _tag: "ProxyError", status: options.proxyError?.status ?? 502 }
        : fires("rateLimit", options.rateLimit)
        ? { _tag: "RateLimit", retryAfterSeconds: options.rateLimit?.retryAfterSeconds ?? 1 }
        : fires("serverError", options.serverError)
        ? { _tag: "ServerError", status: options.serverError?.status ?? 500 }
        : { _tag: "Pass" }
      return { latency, outcome }
    }
  }
}

/** Mulberry32: a small, fast, seedable generator in [0, 1). */
const seededRandom = (seed: number): () => number => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}
