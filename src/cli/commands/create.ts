/**
 * `reinfer create …`: projects, sources, datasets, streams and buckets, and uploads of comments (to a source) or
 * raw emails (to a bucket) from files. Resources named by `project/name` are looked up by the API itself; where
 * the API wants ids (a dataset's sources, a source's bucket) the names are resolved first, so a typo fails with
 * the lookup's 404 before anything is created.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { NewSource } from "../../../generated/schemas/sources.ts"
import { ReinferClient, type ReinferClientShape } from "../../client.ts"
import { literalsOf } from "../../internal/schema-limits.ts"
import { CliIo, printRecord } from "../output.ts"
import { formatOf } from "../records.ts"
import {
  type FullName,
  fullName,
  fullNameFlag,
  givenFields,
  resourceColumns,
  shouldTranslateFlag,
  sourceId,
  textFlag,
  withClient
} from "../root.ts"
import { upload, type UploadTarget } from "../upload.ts"

const title = textFlag("title", "A title people read")
const description = textFlag("description", "What it holds")

const createProject = Command.make("project", {
  name: Argument.String("name").pipe(Argument.withDescription("The project's name (letters, digits, '-' and '_')")),
  title,
  description,
  userIds: Flag.String("user-id").pipe(
    Flag.atLeast(0),
    Flag.withDescription("A user to give access (repeat for more; the token's own user when none is given)")
  )
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const userIds = input.userIds.length > 0 ? input.userIds : [(yield* client.getCurrentUser()).user.id]
      const { project } = yield* client.createProject({
        project: input.name,
        body: { project: givenFields({ title: input.title, description: input.description }), user_ids: userIds }
      })
      yield* printRecord(project, resourceColumns, format)
    })
  )).pipe(Command.withDescription("Create a project, giving access to the users named (or to yourself)"))

// The id of a bucket named project/name: a source links it by id.
const bucketId = (client: ReinferClientShape, [project, bucket]: FullName<2>) =>
  Effect.map(client.getBucket({ project, bucket }), (found) => found.bucket.id)

const createSource = Command.make("source", {
  source: fullName("source", 2),
  title,
  description,
  language: Flag.Literals("language", literalsOf(NewSource.fields.language)).pipe(
    Flag.optional,
    Flag.withDescription("The language of its comments (xlm: several)")
  ),
  shouldTranslate: shouldTranslateFlag,
  bucket: fullNameFlag("bucket", "An email bucket to link").pipe(Flag.optional)
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const bucket = Option.isSome(input.bucket) ? Option.some(yield* bucketId(client, input.bucket.value)) : Option.none()
      const { source } = yield* client.createSource({
        project: input.source[0],
        source: input.source[1],
        body: {
          source: givenFields({
            title: input.title,
            description: input.description,
            language: input.language,
            should_translate: input.shouldTranslate,
            bucket_id: bucket
          })
        }
      })
      yield* printRecord(source, resourceColumns, format)
    })
  )).pipe(Command.withDescription("Create a source (--bucket links an email bucket)"))

const createDataset = Command.make("dataset", {
  dataset: fullName("dataset", 2),
  sources: fullNameFlag("source", "A source whose comments it holds (repeat for more)").pipe(Flag.atLeast(0)),
  title,
  description,
  hasSentiment: Flag.Boolean("has-sentiment").pipe(
    Flag.optional,
    Flag.withDescription("Whether it predicts sentiment (the API's default: yes)")
  )
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const sourceIds = yield* Effect.forEach(input.sources, (source) => sourceId(client, source))
      const { dataset } = yield* client.createDataset({
        project: input.dataset[0],
        dataset: input.dataset[1],
        body: {
          dataset: {
            ...givenFields({ title: input.title, description: input.description, has_sentiment: input.hasSentiment }),
            source_ids: sourceIds
          }
        }
      })
      yield* printRecord(dataset, resourceColumns, format)
    })
  )).pipe(Command.withDescription("Create a dataset over sources (--source project/name, repeated)"))

const createStream = Command.make("stream", {
  stream: fullName("stream", 3),
  title,
  description
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const { stream } = yield* client.createStream({
        project: input.stream[0],
        dataset: input.stream[1],
        body: { stream: { name: input.stream[2], ...givenFields({ title: input.title, description: input.description }) } }
      })
      yield* printRecord(stream, resourceColumns, format)
    })
  )).pipe(Command.withDescription("Create a stream of a dataset, from its first comment on"))

const createBucket = Command.make("bucket", {
  bucket: fullName("bucket", 2),
  title
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const { bucket } = yield* client.createBucket({
        project: input.bucket[0],
        bucket: input.bucket[1],
        body: { bucket: { bucket_type: "emails", ...givenFields({ title: input.title }) } }
      })
      yield* printRecord(bucket, resourceColumns, format)
    })
  )).pipe(Command.withDescription("Create an email bucket, for create emails"))

// What both uploads take besides their target.
const uploadFlags = {
  file: Flag.String("file").pipe(Flag.withDescription("The file to read; - for standard input")),
  batchSize: Flag.Int("batch-size").pipe(Flag.optional, Flag.withDescription("Items per request (1 to 4096; 128)")),
  concurrency: Flag.Int("concurrency").pipe(Flag.optional, Flag.withDescription("Requests in flight (4)")),
  noProgress: Flag.Boolean("no-progress").pipe(Flag.withDefault(false), Flag.withDescription("Show no progress")),
  failedOut: Flag.String("failed-out").pipe(
    Flag.optional,
    Flag.withDescription("Write each item that failed (line, id, error) to this file as JSON lines")
  ),
  resume: Flag.Boolean("resume").pipe(
    Flag.withDefault(false),
    Flag.withDescription("Skip what an earlier run had confirmed (the checkpoint beside the file)")
  )
}

type UploadInput = Command.Command.Config.Infer<typeof uploadFlags>

const runUpload = (target: UploadTarget, input: UploadInput, format: "jsonl" | "csv") =>
  withClient((client, output) =>
    Effect.gen(function*() {
      const io = yield* CliIo
      yield* upload({
        target,
        file: input.file,
        format,
        batchSize: Option.getOrUndefined(input.batchSize),
        concurrency: Option.getOrUndefined(input.concurrency),
        progress: input.noProgress ? "none" : io.errIsTerminal ? "bar" : "lines",
        failedOut: Option.getOrUndefined(input.failedOut),
        resume: input.resume,
        output
      }).pipe(Effect.provideService(ReinferClient, client))
    })
  )

const createComments = Command.make("comments", {
  source: fullNameFlag("source", "The source to upload to"),
  format: Flag.Literals("format", ["jsonl", "csv"]).pipe(
    Flag.optional,
    Flag.withDescription("jsonl or csv (with a header row); by default what the file's extension says")
  ),
  ...uploadFlags
}, (input) =>
  runUpload(
    { _tag: "Comments", project: input.source[0], source: input.source[1] },
    input,
    Option.getOrElse(input.format, () => formatOf(input.file))
  )).pipe(Command.withDescription("Upload comments from a file through bulk sync, with progress, --failed-out and --resume"))

const createEmails = Command.make("emails", {
  bucket: fullNameFlag("bucket", "The bucket to add them to"),
  ...uploadFlags
}, (input) => runUpload({ _tag: "Emails", project: input.bucket[0], bucket: input.bucket[1] }, input, "jsonl")).pipe(
  Command.withDescription("Add raw emails (JSON lines: id, mailbox, timestamp, mime_content) to a bucket, like comments")
)

/**
 * `reinfer create …`.
 *
 * @since 0.1.0
 * @category commands
 */
export const create = Command.make("create").pipe(
  Command.withDescription("Create resources, upload comments and emails"),
  Command.withSubcommands([
    createProject,
    createSource,
    createDataset,
    createStream,
    createBucket,
    createComments,
    createEmails
  ])
)
