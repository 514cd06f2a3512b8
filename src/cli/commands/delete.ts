/**
 * `reinfer delete …`: sources, datasets, streams and comments. Each prints what it deleted; nothing is asked
 * first, as with the official client, so scripts can run them.
 *
 * @since 0.1.0
 */
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import { operations } from "../../../generated/operations.ts"
import { limitOf } from "../../internal/schema-limits.ts"
import { printLine } from "../output.ts"
import { fullName, fullNameFlag, withClient } from "../root.ts"

// The API deletes a source by id only.
const deleteSource = Command.make("source", { source: fullName("source", 2) }, (input) =>
  withClient((client) =>
    Effect.gen(function*() {
      const { source } = yield* client.getSource({ project: input.source[0], source: input.source[1] })
      yield* client.deleteSourceById({ sourceId: source.id })
      yield* printLine(`Deleted source ${input.source.join("/")} (${source.id})`)
    })
  )).pipe(Command.withDescription("Delete a source and every comment in it"))

const deleteDataset = Command.make("dataset", { dataset: fullName("dataset", 2) }, (input) =>
  withClient((client) =>
    Effect.andThen(
      client.deleteDataset({ project: input.dataset[0], dataset: input.dataset[1] }),
      printLine(`Deleted dataset ${input.dataset.join("/")}`)
    )
  )).pipe(Command.withDescription("Delete a dataset (its sources and their comments stay)"))

const deleteStream = Command.make("stream", { stream: fullName("stream", 3) }, (input) =>
  withClient((client) =>
    Effect.andThen(
      client.deleteStream({ project: input.stream[0], dataset: input.stream[1], stream: input.stream[2] }),
      printLine(`Deleted stream ${input.stream.join("/")}`)
    )
  )).pipe(Command.withDescription("Delete a stream"))

/**
 * Comment ids per `deleteComments` request, from the spec's `maxItems` on `id` (32).
 *
 * @since 0.1.0
 * @category configuration
 */
export const MAX_IDS_PER_DELETE: number = limitOf(
  operations.deleteComments.queryParameters.fields.id,
  "maxLength",
  "deleteComments.id"
)

const deleteComments = Command.make("comments", {
  source: fullNameFlag("source", "The source to delete them from"),
  ids: Argument.String("id").pipe(Argument.withDescription("The ids of the comments to delete"), Argument.atLeast(1))
}, (input) =>
  withClient((client) =>
    Effect.gen(function*() {
      // The API skips ids it does not hold and does not say which: what is reported is the ids sent.
      let deleted = 0
      const ids = (count: number) => `${count} comment id${count === 1 ? "" : "s"}`
      // One request per group; a failure stops there, after saying how many went before it.
      for (const group of Arr.chunksOf(Arr.dedupe(input.ids), MAX_IDS_PER_DELETE)) {
        yield* client.deleteComments({ project: input.source[0], source: input.source[1], id: group }).pipe(
          Effect.tapError(() => deleted === 0 ? Effect.void : printLine(`Deleted ${ids(deleted)} before the failure`))
        )
        deleted += group.length
      }
      yield* printLine(`Deleted ${ids(deleted)} from ${input.source.join("/")}`)
    })
  )).pipe(Command.withDescription(`Delete comments by id (${MAX_IDS_PER_DELETE} per request)`))

/**
 * `reinfer delete …`.
 *
 * @since 0.1.0
 * @category commands
 */
export const remove = Command.make("delete").pipe(
  Command.withDescription("Delete resources"),
  Command.withSubcommands([deleteSource, deleteDataset, deleteStream, deleteComments])
)
