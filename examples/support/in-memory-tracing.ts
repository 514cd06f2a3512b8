/**
 * In-memory OpenTelemetry tracing: Effect spans → OTel SDK → an in-memory exporter, for the quickstart
 * (which prints the trace tree of its run) and for tests.
 *
 * Uses only `@effect/opentelemetry/OtelTracer` and `/Resource` (the package root would also load the logs and
 * metrics SDKs). The exporter here keeps its spans when the tracer provider shuts down (the stock
 * `InMemorySpanExporter` clears them and refuses new ones), so spans stay readable after a layer's scope
 * closes and one `TestTracing` can back several layer builds. `spanTree` renders spans as an indented tree.
 *
 * **Example**
 *
 * ```ts
 * const tracing = Tracing.make()
 * layer(tracing.layer)("ReinferClient spans", (it) => {
 *   it.effect("one span per call", () => Effect.gen(function*() {
 *     tracing.reset()
 *     yield* Effect.void.pipe(Effect.withSpan("child"), Effect.withSpan("parent"))
 *     assert.strictEqual(tracing.tree(), "parent\n  child")
 *   }))
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import * as Resource from "@effect/opentelemetry/Resource"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node"
import { Effect, Exit, Layer } from "effect"

export type { ReadableSpan }

/**
 * An `InMemorySpanExporter` whose `shutdown` keeps the spans and keeps accepting new ones.
 *
 * @category models
 * @since 0.1.0
 */
export class RetainingSpanExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return this.forceFlush()
  }
}

/**
 * A test tracer: its layer and the exporter behind it.
 *
 * @category models
 * @since 0.1.0
 */
export interface TestTracing {
  readonly exporter: RetainingSpanExporter
  /** Installs the OTel tracer as Effect's tracer. Each build gets its own provider, shut down with the layer. */
  readonly layer: Layer.Layer<OtelTracer.OtelTracer>
  /** A copy of the spans finished so far, in the order they ended. */
  readonly spans: () => ReadonlyArray<ReadableSpan>
  /** Forgets the finished spans. */
  readonly reset: () => void
  /** `spanTree(spans(), options)`. */
  readonly tree: (options?: SpanTreeOptions) => string
}

/**
 * Builds a test tracer whose spans carry `service.name = serviceName`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (serviceName = "effect-reinfer-test"): TestTracing => {
  const exporter = new RetainingSpanExporter()
  const provider = Layer.effect(
    OtelTracer.OtelTracerProvider,
    Effect.gen(function*() {
      const resource = yield* Resource.Resource
      return yield* Effect.acquireRelease(
        Effect.sync(() => new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] })),
        (tracerProvider) => Effect.promise(() => tracerProvider.shutdown())
      )
    })
  )
  const layer = OtelTracer.layer.pipe(
    Layer.provide(provider),
    Layer.provide(Resource.layer({ serviceName }))
  )
  const spans = () => exporter.getFinishedSpans().slice()
  return {
    exporter,
    layer,
    spans,
    reset: () => exporter.reset(),
    tree: (options) => spanTree(spans(), options)
  }
}

/**
 * Runs `effect` under a fresh test tracer and returns its exit together with every span it finished.
 * Failures are returned, not raised, so a test can inspect the spans of a failed call.
 *
 * **Example**
 *
 * ```ts
 * const { exit, spans } = yield* Tracing.capture(client.getDataset({ project: "acme", dataset: "support" }))
 * assert.isTrue(Exit.isFailure(exit))
 * console.log(Tracing.spanTree(spans))
 * ```
 *
 * @category tracing
 * @since 0.1.0
 */
export const capture = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  serviceName?: string
): Effect.Effect<{ readonly exit: Exit.Exit<A, E>; readonly spans: ReadonlyArray<ReadableSpan> }, never, Exclude<R, OtelTracer.OtelTracer>> =>
  Effect.suspend(() => {
    const tracing = make(serviceName)
    return Effect.exit(effect).pipe(
      Effect.provide(tracing.layer),
      Effect.map((exit) => ({ exit, spans: tracing.spans() }))
    )
  })

/**
 * Options for `spanTree`.
 *
 * @category models
 * @since 0.1.0
 */
export interface SpanTreeOptions {
  /** Attribute keys to print after a span's name as `{key=value, ...}` (only those present). */
  readonly attributes?: ReadonlyArray<string> | undefined
  /** Append ` !error` (and the status message, if any) to spans whose status is ERROR. Default: false. */
  readonly status?: boolean | undefined
}

/**
 * Renders spans as an indented tree of names, two spaces per level. A span whose parent is not among
 * `spans` is a root. Siblings are ordered by start time, then by the order they ended.
 *
 * **Example**
 *
 * ```ts
 * Tracing.spanTree(spans, { attributes: ["http.response.status_code"] })
 * // reinfer.getDataset
 * //   GET {http.response.status_code=200}
 * ```
 *
 * @category tracing
 * @since 0.1.0
 */
export const spanTree = (spans: ReadonlyArray<ReadableSpan>, options: SpanTreeOptions = {}): string => {
  const ids = new Set(spans.map((span) => span.spanContext().spanId))
  const children = new Map<string | undefined, Array<{ readonly span: ReadableSpan; readonly order: number }>>()
  spans.forEach((span, order) => {
    const parentId = span.parentSpanContext?.spanId
    const key = parentId !== undefined && ids.has(parentId) ? parentId : undefined
    const siblings = children.get(key) ?? []
    siblings.push({ span, order })
    children.set(key, siblings)
  })
  const lines: Array<string> = []
  const visit = (parentId: string | undefined, depth: number) => {
    const siblings = (children.get(parentId) ?? []).slice().sort((a, b) =>
      compareHrTime(a.span.startTime, b.span.startTime) || a.order - b.order
    )
    for (const { span } of siblings) {
      lines.push(`${"  ".repeat(depth)}${describe(span, options)}`)
      visit(span.spanContext().spanId, depth + 1)
    }
  }
  visit(undefined, 0)
  return lines.join("\n")
}

const describe = (span: ReadableSpan, options: SpanTreeOptions): string => {
  let line = span.name
  const shown = (options.attributes ?? []).filter((key) => span.attributes[key] !== undefined)
  if (shown.length > 0) {
    line += ` {${shown.map((key) => `${key}=${formatAttribute(span.attributes[key])}`).join(", ")}}`
  }
  // SpanStatusCode.ERROR is 2 (avoids importing @opentelemetry/api just for the enum).
  if (options.status === true && span.status.code === 2) {
    line += span.status.message === undefined || span.status.message === "" ? " !error" : ` !error(${span.status.message})`
  }
  return line
}

const formatAttribute = (value: unknown): string =>
  Array.isArray(value) ? `[${value.map(String).join(",")}]` : String(value)

const compareHrTime = (a: readonly [number, number], b: readonly [number, number]): number =>
  a[0] - b[0] || a[1] - b[1]
