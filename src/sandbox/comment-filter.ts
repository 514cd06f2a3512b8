/**
 * Evaluates a Re:infer `CommentFilter` against a stored comment, for streams and statistics.
 *
 * Supported parts: `reviewed`, `timestamp.{minimum,maximum}`, `sources`, `user_properties` (`one_of`,
 * `not_one_of`, `domain_one_of`, `domain_not_one_of`, `minimum`, `maximum`) and `messages.{from,to}`.
 * Parts the sandbox does not understand (label annotations, trigger exceptions) match every comment rather
 * than none, so a stream never looks empty because of the sandbox's limits.
 *
 * @since 0.1.0
 */
import type { Comment, JsonObject, JsonValue } from "./models.ts"

/**
 * Whether a comment passes a filter; the empty filter passes everything.
 *
 * @category guards
 * @since 0.1.0
 */
export const matchesFilter = (comment: Comment, filter: JsonObject | undefined): boolean => {
  if (filter === undefined) return true
  const reviewed = filter["reviewed"]
  if (reviewed === "only_reviewed" && !comment.has_annotations) return false
  if (reviewed === "only_unreviewed" && comment.has_annotations) return false
  const timestamp = asObject(filter["timestamp"])
  if (timestamp !== undefined) {
    const time = Date.parse(comment.timestamp)
    const minimum = timestamp["minimum"]
    const maximum = timestamp["maximum"]
    if (typeof minimum === "string" && time < Date.parse(minimum)) return false
    if (typeof maximum === "string" && time > Date.parse(maximum)) return false
  }
  const sources = filter["sources"]
  if (Array.isArray(sources) && sources.length > 0 && !sources.includes(comment.source_id)) return false
  const userProperties = asObject(filter["user_properties"])
  if (userProperties !== undefined) {
    for (const [name, propertyFilter] of Object.entries(userProperties)) {
      const value = comment.user_properties[name]
      const values = typeof value === "string" || typeof value === "number" ? [value] : []
      if (!matchesProperty(values, asObject(propertyFilter))) return false
    }
  }
  const messages = asObject(filter["messages"])
  if (messages !== undefined) {
    const senders = comment.messages.flatMap((message) => (message.from === undefined ? [] : [message.from]))
    const recipients = comment.messages.flatMap((message) => message.to ?? [])
    if (!matchesProperty(senders, asObject(messages["from"]))) return false
    if (!matchesProperty(recipients, asObject(messages["to"]))) return false
  }
  return true
}

/** A property filter over the values a comment has for it (several for recipients). */
const matchesProperty = (values: ReadonlyArray<string | number>, filter: JsonObject | undefined): boolean => {
  if (filter === undefined) return true
  const oneOf = filter["one_of"]
  if (Array.isArray(oneOf) && !values.some((value) => oneOf.includes(value))) return false
  const notOneOf = filter["not_one_of"]
  if (Array.isArray(notOneOf) && values.some((value) => notOneOf.includes(value))) return false
  const domains = values.flatMap((value) => (typeof value === "string" ? [value.split("@").pop() ?? value] : []))
  const domainOneOf = filter["domain_one_of"]
  if (Array.isArray(domainOneOf) && !domains.some((domain) => domainOneOf.includes(domain))) return false
  const domainNotOneOf = filter["domain_not_one_of"]
  if (Array.isArray(domainNotOneOf) && domains.some((domain) => domainNotOneOf.includes(domain))) return false
  const minimum = filter["minimum"]
  const maximum = filter["maximum"]
  if (typeof minimum === "number" || typeof maximum === "number") {
    const numbers = values.filter((value): value is number => typeof value === "number")
    if (numbers.length === 0) return false
    if (typeof minimum === "number" && !numbers.some((value) => value >= minimum)) return false
    if (typeof maximum === "number" && !numbers.some((value) => value <= maximum)) return false
  }
  return true
}

const asObject = (value: JsonValue | undefined): JsonObject | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined
