/**
 * `reinfer update …`: change a source's or a dataset's fields. Only the flags given are sent, so everything
 * else stays as it is (unlike the official client before 0.37.2, which detached a source's bucket on any update).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { printRecord } from "../output.ts"
import {
  fullName,
  fullNameFlag,
  givenFields,
  resourceColumns,
  shouldTranslateFlag,
  sourceId,
  textFlag,
  withClient
} from "../root.ts"

const title = textFlag("title", "The new title")
const description = textFlag("description", "The new description")

const updateSource = Command.make("source", {
  source: fullName("source", 2),
  title,
  description,
  shouldTranslate: shouldTranslateFlag
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const { source } = yield* client.updateSource({
        project: input.source[0],
        source: input.source[1],
        body: {
          source: givenFields({
            title: input.title,
            description: input.description,
            should_translate: input.shouldTranslate
          })
        }
      })
      yield* printRecord(source, resourceColumns, format)
    })
  )).pipe(Command.withDescription("Change a source's title, description or translation"))

const updateDataset = Command.make("dataset", {
  dataset: fullName("dataset", 2),
  title,
  description,
  sources: fullNameFlag("source", "Replace its sources with these (repeat for more)").pipe(Flag.atLeast(0))
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const sourceIds = input.sources.length === 0
        ? Option.none()
        : Option.some(yield* Effect.forEach(input.sources, (source) => sourceId(client, source)))
      const { dataset } = yield* client.updateDataset({
        project: input.dataset[0],
        dataset: input.dataset[1],
        body: {
          dataset: givenFields({ title: input.title, description: input.description, source_ids: sourceIds })
        }
      })
      yield* printRecord(dataset, resourceColumns, format)
    })
  )).pipe(Command.withDescription("Change a dataset's title, description or sources"))

/**
 * `reinfer update …`.
 *
 * @since 0.1.0
 * @category commands
 */
export const update = Command.make("update").pipe(
  Command.withDescription("Change resources"),
  Command.withSubcommands([updateSource, updateDataset])
)
