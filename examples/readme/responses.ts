import { Effect, Schema } from "effect"
import { ReinferClient, Schemas, unknownFields } from "effect-reinfer"

export const describeDataset = Effect.gen(function*() {
  const client = yield* ReinferClient
  const { dataset } = yield* client.getDataset({ project: "acme", dataset: "support" })
  // Declared fields only: `dataset.lable_defs` would not compile. Collections the server leaves out are [].
  const labels = dataset.label_defs.map((label) => label.name)
  // A model kind the spec does not know yet decodes as ModelConfigOther, with all its fields.
  const model = Schema.is(Schemas.ModelConfigGptIxp)(dataset._model_config)
    ? dataset._model_config.model_version
    : dataset._model_config?.kind
  // Fields the spec does not declare (yet) are kept; this is the one way to read them.
  const extra = unknownFields(Schemas.Dataset, dataset)
  return { labels, model, extra }
})

// The escape hatch: the same call, retries and errors, but the payload is not checked against the spec.
export const rawDataset = Effect.flatMap(ReinferClient, (client) =>
  client.raw.getDataset({ project: "acme", dataset: "support" }).pipe(Effect.map((response) => response.data["dataset"]))
)
