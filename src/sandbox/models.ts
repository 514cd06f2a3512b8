/**
 * The shapes the sandbox store reads and writes, derived from the generated schemas.
 *
 * The spec describes every resource once; the store uses those descriptions instead of its own. What a route
 * hands to the store is a request body as it came over the wire (the schema's `Encoded` side: timestamps are the
 * canonical strings the handler decoded them to). What the store returns is a response value (the schema's
 * decoded side), which the handler encodes through the operation's response schema before it is sent. Where the
 * store always knows a field the spec leaves optional (a stored comment always has its `source_id`), the model
 * narrows the generated type; where it keeps more than the spec declares (a bucket's title), it extends it.
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import type * as Schemas from "../../generated/schemas/index.ts"

/** A request body type as it arrives over the wire. */
type Wire<S extends Schema.Top> = S["Encoded"]

/**
 * Any JSON value (opaque fields such as `text_markup` or label `metadata`).
 *
 * @category models
 * @since 0.1.0
 */
export type JsonValue = Schema.Json

/**
 * A JSON object.
 *
 * @category models
 * @since 0.1.0
 */
export type JsonObject = Schema.JsonObject

/**
 * `user_properties`: keys prefixed `string:` hold strings, keys prefixed `number:` hold numbers.
 *
 * @category models
 * @since 0.1.0
 */
export type UserProperties = Wire<typeof Schemas.NewUserProperties>

/**
 * A project (formerly "organisation"); the store always knows its id.
 *
 * @category models
 * @since 0.1.0
 */
export interface Project extends Schemas.Project {
  readonly id: string
}

/**
 * The writable fields of a project.
 *
 * @category models
 * @since 0.1.0
 */
export type NewProject = Wire<typeof Schemas.NewProject>

/**
 * A source: a named container of comments; the store always knows its kind and last modification.
 *
 * @category models
 * @since 0.1.0
 */
export interface Source extends Schemas.Source {
  readonly last_modified: string
}

/**
 * The body of a create-source request (`source` field).
 *
 * @category models
 * @since 0.1.0
 */
export type NewSource = Wire<typeof Schemas.NewSource>

/**
 * The body of an update-source request (`source` field); `bucket_id: null` detaches the bucket.
 *
 * @category models
 * @since 0.1.0
 */
export type UpdateSource = Wire<typeof Schemas.UpdateSource>

/**
 * A text part of a message (body, subject or signature).
 *
 * @category models
 * @since 0.1.0
 */
export type MessageText = Schemas.MessageText

/**
 * One message of a comment, as the store keeps it.
 *
 * @category models
 * @since 0.1.0
 */
export type Message = Schemas.Message

/**
 * Metadata of a comment or e-mail attachment.
 *
 * @category models
 * @since 0.1.0
 */
export type AttachmentMetadata = Schemas.AttachmentMetadata

/**
 * A comment as a client sends it to sync or insert.
 *
 * @category models
 * @since 0.1.0
 */
export type NewComment = Wire<typeof Schemas.NewComment>

/**
 * A stored comment, as reads return it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Comment extends Schemas.Comment {
  readonly source_id: string
  readonly has_annotations: boolean
}

/**
 * An assigned or dismissed label.
 *
 * @category models
 * @since 0.1.0
 */
export type Label = Schemas.Label

/**
 * The labels of one group on a comment.
 *
 * @category models
 * @since 0.1.0
 */
export type Labelling = Schemas.Labelling

/**
 * A comment with its annotations (and predictions, where asked for).
 *
 * @category models
 * @since 0.1.0
 */
export type AnnotatedComment = Schemas.AnnotatedComment

/**
 * A span of an entity as clients write it.
 *
 * @category models
 * @since 0.1.0
 */
export type NewEntitySpan = Wire<typeof Schemas.NewEntitySpan>

/**
 * An entity as clients write it, with one span or several.
 *
 * @category models
 * @since 0.1.0
 */
export type NewEntity = Wire<typeof Schemas.NewEntity>

/**
 * The body of an update-labelling request; an absent field leaves that kind of annotation unchanged.
 *
 * @category models
 * @since 0.1.0
 */
export type LabellingUpdate = Wire<typeof Schemas.UpdateLabellingRequest>

/**
 * A label definition, as datasets return it.
 *
 * @category models
 * @since 0.1.0
 */
export type LabelDef = Schemas.LabelDef

/**
 * A label definition as a client writes it.
 *
 * @category models
 * @since 0.1.0
 */
export type NewLabelDef = Wire<typeof Schemas.NewLabelDef>

/**
 * A named group of label definitions; the default group is `"default"`.
 *
 * @category models
 * @since 0.1.0
 */
export type LabelGroup = Schemas.LabelGroup

/**
 * An entity definition, as datasets return it.
 *
 * @category models
 * @since 0.1.0
 */
export type EntityDef = Schemas.EntityDef

/**
 * A dataset: a view over sources with a label taxonomy.
 *
 * @category models
 * @since 0.1.0
 */
export type Dataset = Schemas.Dataset

/**
 * A dataset's model configuration.
 *
 * @category models
 * @since 0.1.0
 */
export type ModelConfig = Schemas.ModelConfig

/**
 * The body of a create-dataset request (`dataset` field).
 *
 * @category models
 * @since 0.1.0
 */
export type NewDataset = Wire<typeof Schemas.NewDataset>

/**
 * The body of an update-dataset request (`dataset` field).
 *
 * @category models
 * @since 0.1.0
 */
export type UpdateDataset = Wire<typeof Schemas.UpdateDataset>

/**
 * A per-label threshold of a stream's model or a predict request.
 *
 * @category models
 * @since 0.1.0
 */
export type LabelThreshold = Wire<typeof Schemas.NewLabelThreshold>

/**
 * A comment filter as a client writes it (a stream's `comment_filter`).
 *
 * @category models
 * @since 0.1.0
 */
export type CommentFilter = Wire<typeof Schemas.CommentFilter>

/**
 * A filter on one property, as a client writes it.
 *
 * @category models
 * @since 0.1.0
 */
export type PropertyFilter = Wire<typeof Schemas.PropertyFilter>

/**
 * A comment filter as the platform returns it.
 *
 * @category models
 * @since 0.1.0
 */
export type CommentFilterView = Schemas.CommentFilterView

/**
 * A property filter as the platform returns it.
 *
 * @category models
 * @since 0.1.0
 */
export type PropertyFilterView = Schemas.PropertyFilterView

/**
 * A stream (formerly "trigger"): a persistent cursor over a dataset's comments.
 *
 * @category models
 * @since 0.1.0
 */
export type Stream = Schemas.Stream

/**
 * The body of a create-stream request (`stream` field).
 *
 * @category models
 * @since 0.1.0
 */
export type NewStream = Wire<typeof Schemas.NewStream>

/**
 * A predicted label: the hierarchy as name parts, a probability, and a sentiment when the dataset has one.
 *
 * @category models
 * @since 0.1.0
 */
export type PredictedLabel = Schemas.PredictedLabel

/**
 * Where an entity occurs in a comment.
 *
 * @category models
 * @since 0.1.0
 */
export type EntitySpan = Schemas.EntitySpan

/**
 * A predicted entity.
 *
 * @category models
 * @since 0.1.0
 */
export type Entity = Schemas.Entity

/**
 * One result of a legacy stream fetch.
 *
 * @category models
 * @since 0.1.0
 */
export type StreamResult = Schemas.StreamBatchResult

/**
 * A batch of a legacy stream fetch, without the envelope's `status`.
 *
 * @category models
 * @since 0.1.0
 */
export type StreamBatch = Omit<Schemas.FetchStreamResponse, "status">

/**
 * A bucket of raw e-mails. The store also keeps the title and type it was created with, which the spec's bucket
 * does not declare (the official client does not read them); the open response object passes them through.
 *
 * @category models
 * @since 0.1.0
 */
export interface Bucket extends Schemas.Bucket {
  readonly title: string
  readonly bucket_type: string
}

/**
 * A raw e-mail as a client adds it to a bucket.
 *
 * @category models
 * @since 0.1.0
 */
export type NewEmail = Wire<typeof Schemas.NewEmail>

/**
 * A stored e-mail.
 *
 * @category models
 * @since 0.1.0
 */
export type Email = Schemas.Email

/**
 * A raw e-mail document for sync-raw-emails and predict-raw-emails.
 *
 * @category models
 * @since 0.1.0
 */
export type RawEmailDocument = Wire<typeof Schemas.RawEmailDocument>

/**
 * A user of the tenant.
 *
 * @category models
 * @since 0.1.0
 */
export type User = Schemas.User

/**
 * The body of a create-user request (`user` field).
 *
 * @category models
 * @since 0.1.0
 */
export type NewUser = Wire<typeof Schemas.NewUser>

/**
 * The body of an update-user request (`user` field).
 *
 * @category models
 * @since 0.1.0
 */
export type UpdateUser = Wire<typeof Schemas.UpdateUser>

/**
 * One audit event; ids resolve through the side arrays of the query response.
 *
 * @category models
 * @since 0.1.0
 */
export type AuditEvent = Schemas.AuditEvent

/**
 * One page of audit events with the projects, datasets, tenants and users they refer to.
 *
 * @category models
 * @since 0.1.0
 */
export type AuditQueryPage = Omit<Schemas.QueryAuditEventsResponse, "status">

/**
 * An Exchange integration (the sandbox keeps its definition; it never connects to a mailbox).
 *
 * @category models
 * @since 0.1.0
 */
export type Integration = Schemas.Integration

/**
 * An integration as clients write it.
 *
 * @category models
 * @since 0.1.0
 */
export type NewIntegration = Wire<typeof Schemas.NewIntegration>

/**
 * A tenant quota.
 *
 * @category models
 * @since 0.1.0
 */
export type Quota = Schemas.Quota
