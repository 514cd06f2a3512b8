import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import * as Resource from "@effect/opentelemetry/Resource"
import { ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node"
import { Effect, Layer } from "effect"
import { ReinferClient } from "effect-reinfer"

const TracerProvider = Layer.effect(
  OtelTracer.OtelTracerProvider,
  Effect.gen(function*() {
    const resource = yield* Resource.Resource
    return yield* Effect.acquireRelease(
      Effect.sync(() =>
        new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] })
      ),
      (provider) => Effect.promise(() => provider.shutdown())
    )
  })
)

export const Tracing = OtelTracer.layer.pipe(
  Layer.provide(TracerProvider),
  Layer.provide(Resource.layer({ serviceName: "support-bot" }))
)

// Spans: ReinferClient.getDataset > GET /api/v1/datasets/{project}/{dataset}
// with reinfer.server_timing.total = 37.7 (milliseconds) on both.
export const traced = Effect.flatMap(ReinferClient, (client) => client.getDataset({ project: "acme", dataset: "support" }))
  .pipe(Effect.provide(Tracing))
