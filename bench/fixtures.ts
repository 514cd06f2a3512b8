/**
 * Deterministic, realistic Re:infer payloads for the benchmarks: stored comments (as `listComments` returns
 * them), annotated comments (as a `queryDataset` page returns them, with labels, predictions and entities), new
 * comments (as `syncComments` takes them) and a small source (the call-overhead GET).
 *
 * The shapes follow the Re:infer documentation's examples: one to three e-mail messages with subject, addresses
 * and a body of a few hundred characters, five to eight typed user properties, attachments on about a third of
 * the comments, and two label groups. Everything is derived from the comment's index through a small PRNG, so a
 * page is the same bytes in every run and on every machine, and a server can make any page without storing it.
 *
 * @since 0.1.0
 */
import type { NewComment } from "../generated/schemas/comments.ts"

/** A comment as the benchmark server stores and returns it (the `Comment` response schema). */
export interface StoredComment {
  readonly id: string
  readonly uid: string
  readonly source_id: string
  readonly thread_id: string
  readonly timestamp: string
  readonly created_at: string
  readonly has_annotations: boolean
  readonly messages: ReadonlyArray<Record<string, unknown>>
  readonly user_properties: Record<string, string | number>
  readonly attachments?: ReadonlyArray<Record<string, unknown>>
}

/** The source id every generated comment belongs to (16 lowercase hex characters, like Re:infer's). */
export const SOURCE_ID = "18ba5ce699f8da1f"

const WORDS = (
  "invoice payment refund order delivery account statement please kindly regards thanks team urgent issue " +
  "request update confirm attached below schedule meeting contract renewal policy premium claim balance " +
  "transfer pending approved rejected shipment tracking number customer support service reference query"
).split(" ")

const NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
const DOMAINS = ["acme.com", "example.org", "globex.net", "initech.io"]
const LABEL_NAMES = [
  ["Billing", "Refund"],
  ["Billing", "Invoice Query"],
  ["Delivery", "Late"],
  ["Account", "Update Details"],
  ["Complaint"],
  ["Urgent"]
]

/** mulberry32: tiny, fast and good enough to vary text; seeded per comment so any comment can be made alone. */
const prng = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <A>(random: () => number, values: ReadonlyArray<A>): A => values[Math.floor(random() * values.length)]!

const sentence = (random: () => number, words: number): string => {
  const parts: Array<string> = []
  for (let i = 0; i < words; i++) parts.push(pick(random, WORDS))
  const text = parts.join(" ")
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

const paragraph = (random: () => number, characters: number): string => {
  let text = ""
  while (text.length < characters) text += (text === "" ? "" : " ") + sentence(random, 6 + Math.floor(random() * 10))
  return text
}

const address = (random: () => number): string => `${pick(random, NAMES)}@${pick(random, DOMAINS)}`

// 2024-01-01T00:00:00Z plus one minute per comment: timestamps increase with the index, as listComments orders them.
const BASE_TIME = Date.UTC(2024, 0, 1)
const timestampOf = (index: number): string => new Date(BASE_TIME + index * 60_000).toISOString()

/** The id of the comment at `index` in a generated source. */
export const commentId = (index: number): string => `comment-${index.toString().padStart(8, "0")}`

const messagesOf = (random: () => number, index: number): Array<Record<string, unknown>> => {
  const count = 1 + Math.floor(random() * 3)
  const messages: Array<Record<string, unknown>> = []
  for (let m = 0; m < count; m++) {
    messages.push({
      from: address(random),
      to: [address(random)],
      ...(random() < 0.4 ? { cc: [address(random), address(random)] } : {}),
      subject: { text: `Re: ${sentence(random, 4)}` },
      body: { text: paragraph(random, 200 + Math.floor(random() * 500)) },
      ...(random() < 0.5 ? { signature: { text: `Kind regards,\n${pick(random, NAMES)}` } } : {}),
      sent_at: timestampOf(index - m),
      language: "en"
    })
  }
  return messages
}

const userPropertiesOf = (random: () => number, index: number): Record<string, string | number> => ({
  "string:Customer Name": `${pick(random, NAMES)} ${pick(random, NAMES)}`,
  "string:Region": pick(random, ["EMEA", "AMER", "APAC"]),
  "string:Channel": pick(random, ["email", "chat", "phone"]),
  "number:Account Value": Math.round(random() * 1_000_000) / 100,
  "number:Ticket": 100_000 + index,
  ...(random() < 0.5 ? { "string:Priority": pick(random, ["low", "normal", "high"]) } : {}),
  ...(random() < 0.5 ? { "number:Open Cases": Math.floor(random() * 9) } : {})
})

const attachmentsOf = (random: () => number, index: number): Array<Record<string, unknown>> | undefined => {
  if (random() >= 0.35) return undefined
  const count = 1 + Math.floor(random() * 2)
  const attachments: Array<Record<string, unknown>> = []
  for (let a = 0; a < count; a++) {
    attachments.push({
      name: `document-${index}-${a}.pdf`,
      size: 10_000 + Math.floor(random() * 900_000),
      content_type: "application/pdf",
      attachment_reference: `${SOURCE_ID}.${index}.${a}`
    })
  }
  return attachments
}

/**
 * The comment at `index` of a generated source, as `listComments` returns it (about 1.9 KB of JSON on average).
 *
 * @since 0.1.0
 * @category constructors
 */
export const storedComment = (index: number): StoredComment => {
  const random = prng(index + 1)
  const id = commentId(index)
  const attachments = attachmentsOf(random, index)
  return {
    id,
    uid: `${SOURCE_ID}.${id}`,
    source_id: SOURCE_ID,
    thread_id: `thread-${Math.floor(index / 3)}`,
    timestamp: timestampOf(index),
    created_at: timestampOf(index + 5),
    has_annotations: index % 4 === 0,
    messages: messagesOf(random, index),
    user_properties: userPropertiesOf(random, index),
    ...(attachments === undefined ? {} : { attachments })
  }
}

/**
 * The comment at `index` with its annotations, as a `queryDataset` page returns it: assigned and predicted labels
 * in two label groups, one predicted entity with its span, and thread properties (about 2.6 KB of JSON).
 *
 * @since 0.1.0
 * @category constructors
 */
export const annotatedComment = (index: number): Record<string, unknown> => {
  const comment = storedComment(index)
  const random = prng(~index)
  const assigned = pick(random, LABEL_NAMES)
  return {
    comment,
    labelling: [
      {
        group: "default",
        assigned: [{ name: assigned.join(" > "), sentiment: random() < 0.5 ? "positive" : "negative" }],
        dismissed: [],
        predicted: [
          { name: assigned, probability: 0.5 + random() / 2, sentiment: random() * 2 - 1 },
          { name: pick(random, LABEL_NAMES), probability: random() / 2 }
        ]
      },
      {
        group: "tone",
        predicted: [{ name: ["Positive"], probability: random() }]
      }
    ],
    entities: {
      assigned: [],
      dismissed: [],
      predicted: [{
        name: "invoice-number",
        formatted_value: `INV-${100_000 + index}`,
        spans: [{
          content_part: "body",
          message_index: 0,
          char_start: 10,
          char_end: 20,
          utf16_byte_start: 20,
          utf16_byte_end: 40
        }]
      }]
    },
    thread_properties: { num_messages: comment.messages.length, thread_position: 0, first_sender: "alice@acme.com" }
  }
}

/**
 * A `queryDataset` response page of `count` annotated comments, as the JSON text a server sends.
 *
 * @since 0.1.0
 * @category constructors
 */
export const annotatedPageJson = (count: number): string => {
  const results: Array<unknown> = []
  for (let i = 0; i < count; i++) results.push(annotatedComment(i))
  return JSON.stringify({ status: "ok", results, continuation: "page-2" })
}

/**
 * The comment at `index` as `syncComments` takes it (the `NewComment` request schema).
 *
 * @since 0.1.0
 * @category constructors
 */
export const newComment = (index: number): NewComment => {
  const { id, thread_id, timestamp, messages, user_properties, attachments } = storedComment(index)
  // The stored shapes are the request shapes here (no server-side fields are generated inside them).
  return {
    id,
    thread_id,
    timestamp,
    messages: messages as unknown as NewComment["messages"],
    user_properties: user_properties as NewComment["user_properties"] & object,
    ...(attachments === undefined
      ? {}
      : { attachments: attachments as unknown as NonNullable<NewComment["attachments"]> })
  }
}

/**
 * The small JSON answer of the call-overhead GET: one source, as `getSource` returns it (about 400 bytes).
 *
 * @since 0.1.0
 * @category constructors
 */
export const sourceResponse = {
  status: "ok",
  source: {
    id: SOURCE_ID,
    owner: "acme",
    name: "emails",
    title: "Customer e-mails",
    description: "Inbound customer e-mails from the support mailbox",
    language: "en",
    should_translate: false,
    sensitive_properties: [],
    bucket_id: null,
    email_transform_tag: null,
    created_at: "2024-01-01T00:00:00.000Z",
    updated_at: "2024-05-01T09:30:00.000Z",
    last_modified: "2024-05-01T09:30:00.000Z",
    _kind: "chat"
  }
} as const
