/**
 * Turns a raw e-mail document (sync-raw-emails, predict-raw-emails) into the comment Re:infer would store.
 *
 * The platform parses e-mails server-side with a configuration named by `transform_tag`; the sandbox does a
 * small, fixed version of that: it reads Subject, From, To, Cc, Bcc, Date, Message-ID and References
 * (from raw RFC 822 headers or an already parsed map), takes the plain body or strips tags from the HTML
 * one, and derives the comment id from the Message-ID when the document does not give one.
 *
 * @since 0.1.0
 */
import type { Message, NewComment, RawEmailDocument, UserProperties } from "./models.ts"

/**
 * Builds the comment for one raw e-mail document. `fallbackTimestamp` is used when the e-mail has no
 * parseable Date header (the store passes the existing comment's timestamp, so re-syncing stays unchanged).
 *
 * @category parsing
 * @since 0.1.0
 */
export const commentFromRawEmail = (document: RawEmailDocument, fallbackTimestamp: (commentId: string) => string): NewComment => {
  const headers = readHeaders(document.raw_email.headers)
  const header = (name: string): string | undefined => headers.get(name.toLowerCase())
  const messageId = header("Message-ID")?.trim()
  const commentId = document.comment_id ?? (messageId === undefined ? contentId(document) : stripAngles(messageId))
  const body = "plain" in document.raw_email.body
    ? document.raw_email.body.plain
    : htmlToText(document.raw_email.body.html)
  const from = header("From")
  const date = parseDate(header("Date"))
  const subject = header("Subject")
  const message: Message = {
    body: { text: body },
    ...(subject === undefined ? {} : { subject: { text: subject } }),
    ...(from === undefined ? {} : { from: from.trim() }),
    ...addressList("to", header("To")),
    ...addressList("cc", header("Cc")),
    ...addressList("bcc", header("Bcc")),
    ...(date === undefined ? {} : { sent_at: date })
  }
  const senderAddress = from === undefined ? undefined : extractAddress(from)
  const derived: Record<string, string | number> = {}
  if (senderAddress !== undefined) {
    derived["string:Sender"] = senderAddress
    const domain = senderAddress.split("@")[1]
    if (domain !== undefined) derived["string:Sender Domain"] = domain
  }
  if (messageId !== undefined) derived["string:Message ID"] = messageId
  const threadRoot = header("References")?.trim().split(/\s+/)[0] ?? messageId
  const userProperties: UserProperties = { ...derived, ...document.user_properties }
  const attachments = document.raw_email.attachments ?? []
  return {
    id: commentId,
    timestamp: date ?? fallbackTimestamp(commentId),
    messages: [message],
    user_properties: userProperties,
    ...(threadRoot === undefined ? {} : { thread_id: stripAngles(threadRoot) }),
    ...(attachments.length === 0 ? {} : { attachments })
  }
}

const readHeaders = (headers: RawEmailDocument["raw_email"]["headers"]): Map<string, string> => {
  const result = new Map<string, string>()
  if ("parsed" in headers) {
    for (const [name, value] of Object.entries(headers.parsed)) result.set(name.toLowerCase(), value)
    return result
  }
  // RFC 5322 folding: a line starting with whitespace continues the previous header.
  const unfolded = headers.raw.replace(/\r\n/g, "\n").replace(/\n[ \t]+/g, " ")
  for (const line of unfolded.split("\n")) {
    const colon = line.indexOf(":")
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    if (!result.has(name)) result.set(name, line.slice(colon + 1).trim())
  }
  return result
}

const addressList = (field: "to" | "cc" | "bcc", value: string | undefined): { readonly [key: string]: ReadonlyArray<string> } => {
  if (value === undefined) return {}
  const addresses = value.split(",").map((part) => part.trim()).filter((part) => part.length > 0)
  return addresses.length === 0 ? {} : { [field]: addresses }
}

const extractAddress = (value: string): string | undefined => {
  const angled = /<([^>]+)>/.exec(value)
  const candidate = (angled?.[1] ?? value).trim()
  return candidate.includes("@") ? candidate : undefined
}

const stripAngles = (value: string): string => value.trim().replace(/^<|>$/g, "")

const parseDate = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined
  const milliseconds = Date.parse(value)
  return Number.isNaN(milliseconds) ? undefined : new Date(milliseconds).toISOString()
}

const htmlToText = (html: string): string =>
  html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6])>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, "\"")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim()

/** A stable id for an e-mail without Message-ID: a hash of its headers and body. */
const contentId = (document: RawEmailDocument): string => {
  const text = JSON.stringify([document.raw_email.headers, document.raw_email.body])
  let first = 0x811c9dc5
  let second = 0x01000193
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    first = Math.imul(first ^ code, 0x01000193)
    second = Math.imul(second ^ code, 0x5bd1e995)
  }
  return (first >>> 0).toString(16).padStart(8, "0") + (second >>> 0).toString(16).padStart(8, "0")
}
