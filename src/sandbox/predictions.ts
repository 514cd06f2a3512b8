/**
 * Deterministic "model" predictions for the sandbox: labels from keywords, a sentiment from a tiny lexicon,
 * and entities from regular expressions.
 *
 * There is no model in the sandbox. A label is predicted when words of its name (or title) appear in the
 * comment's subject or body, so `"Billing > Refund"` scores high on "please refund my invoice". The same
 * comment and taxonomy always give the same probabilities (a hash supplies the small variations), so tests
 * and documentation examples are stable while the output still looks like a real model's.
 *
 * @since 0.1.0
 */
import type { Entity, EntityDef, EntitySpan, LabelDef, LabelThreshold, Message, PredictedLabel } from "./models.ts"

/**
 * A predicted label's flat name: the platform sends it as hierarchy parts or as one string.
 *
 * @category models
 * @since 0.1.0
 */
export const labelName = (label: PredictedLabel): string =>
  typeof label.name === "string" ? label.name : label.name.join(LABEL_LEVEL_SEPARATOR)

/** Separator Re:infer uses between the levels of a hierarchical label name. */
const LABEL_LEVEL_SEPARATOR = " > "

/**
 * The plain text a prediction reads: each message's subject and body.
 *
 * @category models
 * @since 0.1.0
 */
export const messagesText = (messages: ReadonlyArray<Message>): string =>
  messages.map((message) => [message.subject?.text ?? "", message.body.text].join("\n")).join("\n\n")

/**
 * Scores every label of a taxonomy against a text, highest probability first.
 *
 * A label whose keywords (words of three letters or more in its name and title) occur in the text scores
 * between 0.55 and 0.99, rising with the share of keywords found; any other label scores below 0.15. `key`
 * (usually the comment uid) varies the scores slightly and deterministically.
 *
 * @category constructors
 * @since 0.1.0
 */
export const predictLabels = (
  text: string,
  labelDefs: ReadonlyArray<LabelDef>,
  options: { readonly key: string; readonly hasSentiment: boolean }
): Array<PredictedLabel> => {
  const words = new Set(tokenize(text))
  const sentiment = options.hasSentiment ? sentimentOf(text) : undefined
  const predictions = labelDefs.map((labelDef): PredictedLabel => {
    const keywords = [...new Set(tokenize(`${labelDef.name} ${labelDef.title}`))]
    const found = keywords.filter((keyword) => words.has(keyword)).length
    const jitter = unitHash(`${options.key}|${labelDef.name}`)
    const probability = found > 0
      ? Math.min(0.99, 0.55 + 0.35 * (found / keywords.length) + 0.09 * jitter)
      : 0.01 + 0.14 * jitter
    return {
      name: labelDef.name.split(LABEL_LEVEL_SEPARATOR),
      probability: round(probability),
      ...(sentiment === undefined ? {} : { sentiment })
    }
  })
  return predictions.sort((left, right) => right.probability - left.probability)
}

/**
 * Keeps the predictions a caller asked for: with label thresholds, only those labels at or above their own
 * threshold; with a single threshold, every label at or above it; with neither, all of them.
 *
 * @category combinators
 * @since 0.1.0
 */
export const selectLabels = (
  predictions: ReadonlyArray<PredictedLabel>,
  selection: { readonly threshold?: number | undefined; readonly labelThresholds?: ReadonlyArray<LabelThreshold> | undefined }
): Array<PredictedLabel> => {
  const labelThresholds = selection.labelThresholds
  if (labelThresholds !== undefined && labelThresholds.length > 0) {
    return predictions.filter((prediction) => {
      const name = labelName(prediction)
      const match = labelThresholds.find((entry) => entry.name.join(LABEL_LEVEL_SEPARATOR) === name)
      return match !== undefined && prediction.probability >= match.threshold
    })
  }
  const threshold = selection.threshold
  return threshold === undefined ? [...predictions] : predictions.filter((prediction) => prediction.probability >= threshold)
}

/**
 * Finds entities in the messages' bodies for the entity definitions whose name suggests a pattern: e-mail
 * addresses, URLs, money amounts, dates, and order/reference numbers. Other definitions find nothing.
 *
 * @category constructors
 * @since 0.1.0
 */
export const predictEntities = (messages: ReadonlyArray<Message>, entityDefs: ReadonlyArray<EntityDef>): Array<Entity> => {
  const entities: Array<Entity> = []
  for (const entityDef of entityDefs) {
    const pattern = entityPattern(entityDef.name)
    if (pattern === undefined) continue
    messages.forEach((message, messageIndex) => {
      const text = message.body.text
      for (const match of text.matchAll(pattern)) {
        const start = match.index
        const end = start + match[0].length
        const span: EntitySpan = {
          content_part: "body",
          message_index: messageIndex,
          char_start: [...text.slice(0, start)].length,
          char_end: [...text.slice(0, end)].length,
          // JavaScript strings are UTF-16, so a code unit is two bytes.
          utf16_byte_start: start * 2,
          utf16_byte_end: end * 2
        }
        entities.push({ name: entityDef.name, formatted_value: match[0].trim(), spans: [span] })
      }
    })
  }
  return entities
}

const entityPattern = (name: string): RegExp | undefined => {
  const lower = name.toLowerCase()
  if (lower.includes("email") || lower.includes("e-mail")) return /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g
  if (lower.includes("url") || lower.includes("link")) return /https?:\/\/[^\s)]+/g
  if (lower.includes("money") || lower.includes("amount") || lower.includes("price")) {
    return /(?:[$€£]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP))/g
  }
  if (lower.includes("date")) return /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g
  if (lower.includes("order") || lower.includes("reference") || lower.includes("number") || lower === "id") {
    return /\b[A-Z]{0,4}-?\d{5,}\b/g
  }
  return undefined
}

const POSITIVE_WORDS = new Set(["thank", "thanks", "great", "good", "happy", "pleased", "appreciate", "excellent", "love"])
const NEGATIVE_WORDS = new Set(["wrong", "bad", "complaint", "unhappy", "angry", "problem", "issue", "error", "late", "urgent"])

/** A sentiment in [-1, 1]: the balance of positive and negative words. */
const sentimentOf = (text: string): number => {
  let score = 0
  for (const word of tokenize(text)) {
    if (POSITIVE_WORDS.has(word)) score += 1
    if (NEGATIVE_WORDS.has(word)) score -= 1
  }
  return round(Math.max(-1, Math.min(1, score / 3)))
}

/** Lower-cased words of three letters or more, with a trailing plural "s" removed. */
const tokenize = (text: string): Array<string> =>
  (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => word.length >= 3)
    .map((word) => (word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word))

/** FNV-1a over the string, scaled to [0, 1). */
const unitHash = (text: string): number => {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) / 0x1_0000_0000
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000
