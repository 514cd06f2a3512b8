/**
 * `reinfer get …`: reading resources. Lists print as a table on a terminal and as JSON lines when piped; comments,
 * audit events and stream results are printed page by page as they arrive, never all held at once.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { ReinferClient } from "../../client.ts"
import * as Pagination from "../../pagination.ts"
import { CliFailure } from "../failure.ts"
import { type Column, printRecord, printRecords, printRecordStream } from "../output.ts"
import { fullName, givenFields, resourceColumns, withClient } from "../root.ts"
import { tailStream } from "../stream-tail.ts"

const projectFilter = Argument.String("project").pipe(
  Argument.withDescription("Only those of this project"),
  Argument.optional
)

const getCurrentUser = Command.make("current-user", {}, () =>
  withClient((client, format) =>
    Effect.flatMap(client.getCurrentUser(), ({ user }) =>
      printRecord(user, [
        { title: "username", value: (u) => u.username },
        { title: "email", value: (u) => u.email },
        { title: "id", value: (u) => u.id }
      ], format))
  )).pipe(Command.withDescription("The user the token belongs to"))

const getProjects = Command.make("projects", {}, () =>
  withClient((client, format) =>
    Effect.flatMap(client.listProjects(), ({ projects }) => printRecords(projects, resourceColumns, format))
  )).pipe(Command.withDescription("List projects"))

// Sources and datasets are listed whole and filtered here: the API's per-project lists are private routes.
const ofProject = <A extends { readonly owner: string }>(all: ReadonlyArray<A>, project: Option.Option<string>) =>
  Option.match(project, { onNone: () => all, onSome: (name) => all.filter((resource) => resource.owner === name) })

const getSources = Command.make("sources", { project: projectFilter }, (input) =>
  withClient((client, format) =>
    Effect.flatMap(client.listSources(), ({ sources }) =>
      printRecords(ofProject(sources, input.project), resourceColumns, format))
  )).pipe(Command.withDescription("List sources, of every project or of one"))

const getDatasets = Command.make("datasets", { project: projectFilter }, (input) =>
  withClient((client, format) =>
    Effect.flatMap(client.listDatasets(), ({ datasets }) =>
      printRecords(ofProject(datasets, input.project), resourceColumns, format))
  )).pipe(Command.withDescription("List datasets, of every project or of one"))

const getStreams = Command.make("streams", { dataset: fullName("dataset", 2) }, (input) =>
  withClient((client, format) =>
    Effect.flatMap(
      client.listStreams({ project: input.dataset[0], dataset: input.dataset[1] }),
      ({ streams }) => printRecords(streams, resourceColumns, format)
    )
  )).pipe(Command.withDescription("List the streams of a dataset"))

const getBuckets = Command.make("buckets", { project: projectFilter }, (input) =>
  withClient((client, format) =>
    Effect.flatMap(client.listBuckets(), ({ buckets }) =>
      printRecords(ofProject(buckets, input.project), resourceColumns, format))
  )).pipe(Command.withDescription("List email buckets, of every project or of one"))

const commentColumns: ReadonlyArray<Column<{ readonly id: string; readonly timestamp: string; readonly uid: string }>> = [
  { title: "id", value: (comment) => comment.id },
  { title: "timestamp", value: (comment) => comment.timestamp },
  { title: "uid", value: (comment) => comment.uid }
]

const getComment = Command.make("comment", {
  source: fullName("source", 2),
  id: Argument.String("id").pipe(Argument.withDescription("The comment's id"))
}, (input) =>
  withClient((client, format) =>
    Effect.flatMap(
      client.getComment({ project: input.source[0], source: input.source[1], commentId: input.id }),
      ({ comment }) => printRecord(comment, commentColumns, format)
    )
  )).pipe(Command.withDescription("One comment of a source"))

const fromFlag = (what: string) =>
  Flag.String("from").pipe(Flag.optional, Flag.withDescription(`Only ${what} at or after this timestamp`))
const toFlag = (what: string) =>
  Flag.String("to").pipe(Flag.optional, Flag.withDescription(`Only ${what} before this timestamp`))
const limitFlag = (what: string) =>
  Flag.Int("limit").pipe(Flag.optional, Flag.withDescription(`At most this many ${what}`))

// `--limit` applied to a stream, refused below 1.
const limited = (limit: Option.Option<number>) => <A, E, R>(stream: Stream.Stream<A, E, R>) =>
  Option.match(limit, {
    onNone: () => Effect.succeed(stream),
    onSome: (most) =>
      most < 1
        ? Effect.fail(new CliFailure({ kind: "usage", message: `--limit must be at least 1, got ${most}` }))
        : Effect.succeed(Stream.take(stream, most))
  })

const getComments = Command.make("comments", {
  source: fullName("source", 2),
  from: fromFlag("comments"),
  to: toFlag("comments"),
  limit: limitFlag("comments")
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      const comments = yield* limited(input.limit)(Pagination.stream("listComments", {
        project: input.source[0],
        source: input.source[1],
        ...givenFields({ from_timestamp: input.from, to_timestamp: input.to })
      }, { pageSize: 256 }))
      yield* printRecordStream(Stream.provideService(comments, ReinferClient, client), format)
    })
  )).pipe(Command.withDescription("Stream a source's comments as JSON lines (--from, --to, --limit)"))

const getAuditEvents = Command.make("audit-events", {
  from: fromFlag("events"),
  to: toFlag("events"),
  limit: limitFlag("events")
}, (input) =>
  withClient((client, format) =>
    Effect.gen(function*() {
      // Each event with its actor's e-mail and tenant's name, from the side arrays of its page.
      const events = Pagination.pages("queryAuditEvents", {
        body: { filter: { timestamp: givenFields({ minimum: input.from, maximum: input.to }) } }
      }).pipe(Stream.flatMap((page) => {
        const emails = new Map(page.users.map((user) => [user.id, user.email]))
        const tenants = new Map(page.tenants.map((tenant) => [tenant.id, tenant.name]))
        return Stream.fromIterable(page.audit_events.map((event) => ({
          ...event,
          actor_email: emails.get(event.actor_user_id),
          actor_tenant_name: tenants.get(event.actor_tenant_id)
        })))
      }))
      const shown = yield* limited(input.limit)(events)
      yield* printRecordStream(Stream.provideService(shown, ReinferClient, client), format)
    })
  )).pipe(Command.withDescription("Stream the tenant's audit events as JSON lines, with the actor's e-mail (--from, --to, --limit)"))

const getStreamComments = Command.make("stream-comments", {
  stream: fullName("stream", 3),
  listen: Flag.Boolean("listen").pipe(
    Flag.withDefault(false),
    Flag.withDescription("Keep waiting for new results until Ctrl-C (which finishes the batch in hand first)")
  ),
  size: Flag.Int("size").pipe(Flag.optional, Flag.withDescription("Results per fetch (1 to 1024; 16)"))
}, (input) =>
  withClient((client) =>
    tailStream({
      project: input.stream[0],
      dataset: input.stream[1],
      stream: input.stream[2],
      listen: input.listen,
      size: Option.getOrUndefined(input.size)
    }).pipe(Effect.asVoid, Effect.provideService(ReinferClient, client))
  )).pipe(
  Command.withDescription("Print a stream's results as JSON lines, advancing past each batch once it is written")
)

/**
 * `reinfer get …`.
 *
 * @since 0.1.0
 * @category commands
 */
export const get = Command.make("get").pipe(
  Command.withDescription("Read resources"),
  Command.withSubcommands([
    getCurrentUser,
    getProjects,
    getSources,
    getDatasets,
    getStreams,
    getBuckets,
    getComment,
    getComments,
    getStreamComments,
    getAuditEvents
  ])
)
