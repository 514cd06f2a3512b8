/**
 * The wire shapes the sandbox store reads and writes, written as plain TypeScript interfaces.
 *
 * They follow the API catalogue (§3) field for field, in snake_case, so a record can be sent as JSON as it
 * is; the handler still encodes every response through the generated response schema, which is the real
 * check against the spec. Write models (`New…`, `Update…`) describe what the routes hand to the store after
 * decoding a request body; read models are what the store returns.
 *
 * @since 0.1.0
 */

/**
 * Any JSON value (opaque fields such as `text_markup` or label `metadata`).
 *
 * @category models
 * @since 0.1.0
 */
export type JsonValue = string | number | boolean | null | ReadonlyArray<JsonValue> | { readonly [key: string]: JsonValue }

/**
 * A JSON object.
 *
 * @category models
 * @since 0.1.0
 */
export type JsonObject = { readonly [key: string]: JsonValue }

/**
 * `user_properties`: keys prefixed `string:` hold strings, keys prefixed `number:` hold numbers.
 *
 * @category models
 * @since 0.1.0
 */
export type UserProperties = { readonly [key: string]: string | number }

/**
 * A project (formerly "organisation").
 *
 * @category models
 * @since 0.1.0
 */
export interface Project {
  readonly id: string
  readonly name: string
  readonly title: string
  readonly description: string
  readonly created_at: string
  readonly updated_at: string
}

/**
 * The writable fields of a project.
 *
 * @category models
 * @since 0.1.0
 */
export interface NewProject {
  readonly title?: string
  readonly description?: string
}

/**
 * A source: a named container of comments.
 *
 * @category models
 * @since 0.1.0
 */
export interface Source {
  readonly id: string
  readonly owner: string
  readonly name: string
  readonly title: string
  readonly description: string
  readonly language: string
  readonly should_translate: boolean
  readonly sensitive_properties: ReadonlyArray<string>
  readonly bucket_id: string | null
  readonly email_transform_tag: string | null
  readonly _kind?: string
  readonly created_at: string
  readonly updated_at: string
  readonly last_modified: string
}

/**
 * The body of a create-source request (`source` field).
 *
 * @category models
 * @since 0.1.0
 */
export interface NewSource {
  readonly title?: string
  readonly description?: string
  readonly language?: string
  readonly should_translate?: boolean
  readonly bucket_id?: string | null
  readonly sensitive_properties?: ReadonlyArray<string>
  readonly _kind?: string
  readonly email_transform_tag?: string | null
}

/**
 * The body of an update-source request (`source` field); `bucket_id: null` detaches the bucket.
 *
 * @category models
 * @since 0.1.0
 */
export interface UpdateSource extends NewSource {}

/**
 * A text part of a message (body, subject or signature).
 *
 * @category models
 * @since 0.1.0
 */
export interface MessageText {
  readonly text: string
  readonly translated_from?: string
  readonly text_markup?: JsonValue
  readonly translated_from_markup?: JsonValue
}

/**
 * One message of a comment.
 *
 * @category models
 * @since 0.1.0
 */
export interface Message {
  readonly body: MessageText
  readonly subject?: MessageText
  readonly signature?: MessageText
  readonly language?: string
  readonly from?: string
  readonly to?: ReadonlyArray<string>
  readonly cc?: ReadonlyArray<string>
  readonly bcc?: ReadonlyArray<string>
  readonly sent_at?: string
}

/**
 * Metadata of a comment or e-mail attachment.
 *
 * @category models
 * @since 0.1.0
 */
export interface AttachmentMetadata {
  readonly name: string
  readonly size: number
  readonly content_type: string
  readonly attachment_reference?: string
  readonly content_hash?: string
}

/**
 * A comment as a client sends it to sync or insert.
 *
 * @category models
 * @since 0.1.0
 */
export interface NewComment {
  readonly id: string
  readonly timestamp: string
  readonly messages: ReadonlyArray<Message>
  readonly thread_id?: string
  readonly user_properties?: UserProperties
  readonly attachments?: ReadonlyArray<AttachmentMetadata>
  readonly text_format?: string
}

/**
 * A stored comment, as reads return it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Comment extends NewComment {
  readonly uid: string
  readonly source_id: string
  readonly user_properties: UserProperties
  readonly attachments: ReadonlyArray<AttachmentMetadata>
  readonly created_at: string
  readonly has_annotations: boolean
}

/**
 * A label definition, as datasets return it.
 *
 * @category models
 * @since 0.1.0
 */
export interface LabelDef {
  readonly name: string
  readonly title: string
  readonly instructions: string
  readonly external_id?: string
  readonly pretrained?: JsonObject
  readonly moon_form?: ReadonlyArray<JsonObject>
}

/**
 * A label definition as a client writes it.
 *
 * @category models
 * @since 0.1.0
 */
export interface NewLabelDef {
  readonly name: string
  readonly title?: string
  readonly instructions?: string
  readonly description?: string
  readonly external_id?: string
  readonly pretrained?: JsonObject
  readonly trainable?: boolean
  readonly moon_form?: ReadonlyArray<JsonObject>
}

/**
 * A named group of label definitions; the default group is `"default"`.
 *
 * @category models
 * @since 0.1.0
 */
export interface LabelGroup {
  readonly name: string
  readonly label_defs: ReadonlyArray<LabelDef>
}

/**
 * An entity definition, as datasets return it.
 *
 * @category models
 * @since 0.1.0
 */
export interface EntityDef {
  readonly id: string
  readonly name: string
  readonly title: string
  readonly color: number
  readonly inherits_from: ReadonlyArray<string>
  readonly trainable: boolean
  readonly [key: string]: JsonValue | undefined
}

/**
 * A dataset: a view over sources with a label taxonomy.
 *
 * @category models
 * @since 0.1.0
 */
export interface Dataset {
  readonly id: string
  readonly owner: string
  readonly name: string
  readonly title: string
  readonly description: string
  readonly created: string
  readonly last_modified: string
  readonly model_family: string
  readonly source_ids: ReadonlyArray<string>
  readonly has_sentiment: boolean
  readonly entity_defs: ReadonlyArray<EntityDef>
  readonly general_fields: ReadonlyArray<JsonObject>
  readonly label_defs: ReadonlyArray<LabelDef>
  readonly label_groups: ReadonlyArray<LabelGroup>
  readonly _dataset_flags: ReadonlyArray<string>
  readonly _model_config?: JsonObject
}

/**
 * The body of a create-dataset request (`dataset` field).
 *
 * @category models
 * @since 0.1.0
 */
export interface NewDataset {
  readonly source_ids?: ReadonlyArray<string>
  readonly title?: string
  readonly description?: string
  readonly has_sentiment?: boolean
  readonly entity_defs?: ReadonlyArray<JsonObject>
  readonly general_fields?: ReadonlyArray<JsonObject>
  readonly label_defs?: ReadonlyArray<NewLabelDef>
  readonly label_groups?: ReadonlyArray<{ readonly name: string; readonly label_defs?: ReadonlyArray<NewLabelDef> }>
  readonly model_family?: string
  readonly copy_annotations_from?: string
  readonly _dataset_flags?: ReadonlyArray<string>
  readonly _model_config?: JsonObject
}

/**
 * The body of an update-dataset request (`dataset` field).
 *
 * @category models
 * @since 0.1.0
 */
export interface UpdateDataset {
  readonly source_ids?: ReadonlyArray<string>
  readonly title?: string
  readonly description?: string
  readonly entity_defs?: ReadonlyArray<JsonObject>
  readonly _model_config?: JsonObject
}

/**
 * A per-label threshold of a stream's model or a predict request.
 *
 * @category models
 * @since 0.1.0
 */
export interface LabelThreshold {
  readonly name: ReadonlyArray<string>
  readonly threshold: number
}

/**
 * A stream (formerly "trigger"): a persistent cursor over a dataset's comments.
 *
 * @category models
 * @since 0.1.0
 */
export interface Stream {
  readonly id: string
  readonly dataset_id: string
  readonly name: string
  readonly title: string
  readonly description: string
  readonly comment_filter: JsonObject
  readonly model?: { readonly version: number; readonly label_thresholds?: ReadonlyArray<LabelThreshold> }
  readonly label_threshold_filter: null
  readonly context: string
  readonly created_at: string
  readonly updated_at: string
}

/**
 * The body of a create-stream request (`stream` field).
 *
 * @category models
 * @since 0.1.0
 */
export interface NewStream {
  readonly name: string
  readonly title?: string
  readonly description?: string
  readonly comment_filter?: JsonObject
  readonly model?: { readonly version: number; readonly label_thresholds?: ReadonlyArray<LabelThreshold> }
}

/**
 * A predicted label: the hierarchy as name parts, a probability, and a sentiment when the dataset has one.
 *
 * @category models
 * @since 0.1.0
 */
export interface PredictedLabel {
  readonly name: ReadonlyArray<string>
  readonly probability: number
  readonly sentiment?: number
}

/**
 * Where an entity occurs in a comment.
 *
 * @category models
 * @since 0.1.0
 */
export interface EntitySpan {
  readonly content_part: string
  readonly message_index: number
  readonly char_start: number
  readonly char_end: number
  readonly utf16_byte_start: number
  readonly utf16_byte_end: number
}

/**
 * A predicted entity.
 *
 * @category models
 * @since 0.1.0
 */
export interface Entity {
  readonly name: string
  readonly formatted_value: string
  readonly spans: ReadonlyArray<EntitySpan>
}

/**
 * One result of a legacy stream fetch.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamResult {
  readonly comment: Comment
  readonly sequence_id: string
  readonly labels: ReadonlyArray<PredictedLabel> | null
  readonly entities: ReadonlyArray<Entity> | null
}

/**
 * A batch of a legacy stream fetch.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamBatch {
  readonly results: ReadonlyArray<StreamResult>
  readonly filtered: number
  readonly sequence_id: string
  readonly is_end_sequence: boolean
}

/**
 * A bucket of raw e-mails.
 *
 * @category models
 * @since 0.1.0
 */
export interface Bucket {
  readonly id: string
  readonly name: string
  readonly owner: string
  readonly title: string
  readonly bucket_type: string
  readonly created_at: string
}

/**
 * A raw e-mail as a client adds it to a bucket.
 *
 * @category models
 * @since 0.1.0
 */
export interface NewEmail {
  readonly id: string
  readonly mailbox: string
  readonly timestamp: string
  readonly mime_content: string
  readonly metadata?: JsonObject | null
  readonly attachments?: ReadonlyArray<AttachmentMetadata>
}

/**
 * A stored e-mail.
 *
 * @category models
 * @since 0.1.0
 */
export interface Email extends NewEmail {
  readonly attachments: ReadonlyArray<AttachmentMetadata>
  readonly created_at: string
  readonly updated_at: string
}

/**
 * A raw e-mail document for sync-raw-emails and predict-raw-emails.
 *
 * @category models
 * @since 0.1.0
 */
export interface RawEmailDocument {
  readonly raw_email: {
    readonly headers: { readonly raw: string } | { readonly parsed: { readonly [header: string]: string } }
    readonly body: { readonly plain: string } | { readonly html: string }
    readonly attachments?: ReadonlyArray<AttachmentMetadata>
  }
  readonly user_properties?: UserProperties
  readonly comment_id?: string
}

/**
 * A user of the tenant.
 *
 * @category models
 * @since 0.1.0
 */
export interface User {
  readonly id: string
  readonly username: string
  readonly email: string
  readonly created: string
  readonly global_permissions: ReadonlyArray<string>
  readonly organisation_permissions: { readonly [project: string]: ReadonlyArray<string> }
  readonly sso_global_permissions: ReadonlyArray<string>
  readonly verified: boolean
}

/**
 * The body of a create-user request (`user` field).
 *
 * @category models
 * @since 0.1.0
 */
export interface NewUser {
  readonly username: string
  readonly email: string
  readonly global_permissions?: ReadonlyArray<string>
  readonly organisation_permissions?: { readonly [project: string]: ReadonlyArray<string> }
}

/**
 * The body of an update-user request (`user` field).
 *
 * @category models
 * @since 0.1.0
 */
export interface UpdateUser {
  readonly global_permissions?: ReadonlyArray<string>
  readonly organisation_permissions?: { readonly [project: string]: ReadonlyArray<string> }
}

/**
 * One audit event; ids resolve through the side arrays of the query response.
 *
 * @category models
 * @since 0.1.0
 */
export interface AuditEvent {
  readonly event_id: string
  readonly event_type: string
  readonly timestamp: string
  readonly actor_user_id: string
  readonly actor_tenant_id: string
  readonly tenant_ids: ReadonlyArray<string>
  readonly dataset_ids?: ReadonlyArray<string>
  readonly project_ids?: ReadonlyArray<string>
}

/**
 * One page of audit events with the projects, datasets, tenants and users they refer to.
 *
 * @category models
 * @since 0.1.0
 */
export interface AuditQueryPage {
  readonly audit_events: ReadonlyArray<AuditEvent>
  readonly projects: ReadonlyArray<{ readonly id: string; readonly name: string; readonly tenant_id: string }>
  readonly datasets: ReadonlyArray<
    { readonly id: string; readonly name: string; readonly project_id: string; readonly title: string }
  >
  readonly tenants: ReadonlyArray<{ readonly id: string; readonly name: string }>
  readonly users: ReadonlyArray<
    {
      readonly id: string
      readonly username: string
      readonly display_name: string
      readonly email: string
      readonly tenant_id: string
    }
  >
  readonly continuation: string | null
}

/**
 * A tenant quota.
 *
 * @category models
 * @since 0.1.0
 */
export interface Quota {
  readonly quota_kind: string
  readonly hard_limit: number
  readonly current_max_usage: number
  readonly auto_increase_up_to?: number
}
