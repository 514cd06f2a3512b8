/**
 * generated/schemas/codecs.ts: the few building blocks the generated schemas use beyond Effect's own.
 *
 * - `openStruct`: a response object whose declared fields are checked and typed, while fields a newer server adds
 *   survive decoding (as JSON) without being part of the static type;
 * - `absentWhenNull`, `emptyWhenAbsent`, `emptyWhenAbsentOrNull`: optional response fields as the server sends
 *   them (`null` for "none", a collection left out when empty), decoded to what user code wants to read;
 * - `TimestampInput`: a request timestamp, accepted as a `Date` or an ISO 8601 string and sent in one canonical
 *   form;
 * - `FileUpload`: the file part of a multipart upload, any `Blob`.
 *
 * The module is written once here and emitted with only the blocks a spec's schemas use, so the generated code
 * needs nothing outside generated/. The response-field blocks carry a `FIELD_DECODING` annotation naming what
 * they do, so that a compiled decoder (effect-reinfer's `src/internal/fast-codec.ts`) can do exactly the same.
 *
 * @since 0.1.0
 */

/** The names emit-schemas.ts may import from codecs.ts. */
export type CodecName =
  | "openStruct"
  | "absentWhenNull"
  | "emptyWhenAbsent"
  | "emptyWhenAbsentOrNull"
  | "TimestampInput"
  | "FileUpload"

/** The body of generated/schemas/codecs.ts (without the header line) for the blocks `used` names. */
export const emitCodecs = (used: ReadonlySet<CodecName>): string => {
  const fieldBlocks = (["absentWhenNull", "emptyWhenAbsent", "emptyWhenAbsentOrNull"] as const).filter((name) =>
    used.has(name)
  )
  const effectImports = new Set(["Schema"])
  if (fieldBlocks.length > 0 || used.has("TimestampInput") || used.has("FileUpload")) {
    effectImports.add("SchemaTransformation")
  }
  if (fieldBlocks.length > 0) effectImports.add("Option")
  const blocks = [
    // By module path, not from the "effect" index: importing the index loads every module of effect.
    `${HEADER}\n${[...effectImports].sort().map((name) => `import * as ${name} from "effect/${name}"`).join("\n")}`,
    ...(used.has("openStruct") ? [OPEN_STRUCT] : []),
    ...(fieldBlocks.length > 0 ? [FIELD_DECODING] : []),
    ...fieldBlocks.map((name) => FIELD_BLOCKS[name]),
    ...(used.has("TimestampInput") ? [TIMESTAMP_INPUT] : []),
    ...(used.has("FileUpload") ? [FILE_UPLOAD] : [])
  ]
  return `${blocks.join("\n\n")}\n`
}

const HEADER = `/**
 * The building blocks of the generated schemas beyond Effect's own: open response objects, optional response
 * fields as the server sends them, and timestamps as callers write them.
 *
 * @since 0.1.0
 */`

const OPEN_STRUCT = `/**
 * A response object. Its declared fields are checked and make up its type. A field a newer server adds is kept
 * with its JSON value when decoding, so nothing the server sent is lost, but it is not part of the type, so a
 * misspelt field name is a compile error rather than a silent \`undefined\`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const openStruct = <const Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.StructWithRest(Schema.Struct(fields), [Schema.Record(Schema.String, Schema.Json)])`

const FIELD_DECODING = `/**
 * The key annotation that names how an optional response field decodes, so that code which decodes without the
 * schema (a compiled decoder) can do exactly what the schema does.
 *
 * @category annotations
 * @since 0.1.0
 */
export const FIELD_DECODING = "effect-reinfer/fieldDecoding"

/**
 * What \`FIELD_DECODING\` says: \`null\` means absent, or an absent (or \`null\`) collection means an empty one.
 *
 * @category models
 * @since 0.1.0
 */
export type FieldDecoding =
  | { readonly whenNull: "absent" }
  | { readonly whenAbsent: "empty"; readonly whenNull: "fail" | "empty"; readonly empty: "array" | "map" }

const emptyOf = (empty: "array" | "map"): never => (empty === "array" ? [] : {}) as never

// The decoded side of a field codec. The wrapped schema checks the value on the way in (and again on the way
// out); checking its decoded form once more would walk every value of a response twice. Tools that derive from
// the decoded side (arbitraries, equivalence) get the wrapped schema's decoded side.
const alreadyChecked = <S extends Schema.Top>(schema: S) => {
  const decoded = Schema.toType(schema) as unknown as Schema.Codec<S["Type"]>
  return Schema.declare((_value: unknown): _value is S["Type"] => true, {
    toCodecArbitrary: () => Schema.link<S["Type"]>()(decoded, SchemaTransformation.passthrough()),
    toEquivalence: () => Schema.toEquivalence(decoded)
  })
}`

const FIELD_BLOCKS: Record<"absentWhenNull" | "emptyWhenAbsent" | "emptyWhenAbsentOrNull", string> = {
  absentWhenNull: `/**
 * An optional response field that may also arrive as \`null\`: \`null\` decodes as absent, so reading it means one
 * check (\`!== undefined\`), not two.
 *
 * @category constructors
 * @since 0.1.0
 */
export const absentWhenNull = <S extends Schema.Top>(schema: S) =>
  Schema.optionalKey(Schema.NullOr(schema)).pipe(
    Schema.decodeTo(
      Schema.optionalKey(alreadyChecked(schema)),
      SchemaTransformation.transformOptional({
        decode: (value) => Option.filter(value, (inner): inner is S["Type"] => inner !== null),
        encode: (value) => value
      })
    ),
    Schema.annotateKey({ [FIELD_DECODING]: { whenNull: "absent" } satisfies FieldDecoding })
  )`,
  emptyWhenAbsent: `/**
 * An optional response collection that the server leaves out when it is empty: absent decodes as \`[]\` (or \`{}\`),
 * so user code never needs \`?? []\`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const emptyWhenAbsent = <S extends Schema.Top>(schema: S, empty: "array" | "map") =>
  Schema.optionalKey(schema).pipe(
    Schema.decodeTo(
      alreadyChecked(schema),
      SchemaTransformation.transformOptional({
        decode: (value) => Option.orElseSome(value, () => emptyOf(empty)),
        encode: (value) => value
      })
    ),
    Schema.annotateKey({ [FIELD_DECODING]: { whenAbsent: "empty", whenNull: "fail", empty } satisfies FieldDecoding })
  )`,
  emptyWhenAbsentOrNull: `/**
 * An optional response collection that may also arrive as \`null\`: absent and \`null\` both decode as \`[]\` (or
 * \`{}\`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const emptyWhenAbsentOrNull = <S extends Schema.Top>(schema: S, empty: "array" | "map") =>
  Schema.optionalKey(Schema.NullOr(schema)).pipe(
    Schema.decodeTo(
      alreadyChecked(schema),
      SchemaTransformation.transformOptional<S["Type"], S["Type"] | null>({
        decode: (value) => Option.some(Option.isSome(value) && value.value !== null ? value.value : emptyOf(empty)),
        encode: (value) => value
      })
    ),
    Schema.annotateKey({ [FIELD_DECODING]: { whenAbsent: "empty", whenNull: "empty", empty } satisfies FieldDecoding })
  )`
}

const TIMESTAMP_INPUT = `// An ISO 8601 date-time: date, \`T\`, time to the second with an optional fraction, and an optional offset.
const TIMESTAMP = /^(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?(?:([Zz])|([+-])(\\d{2}):?(\\d{2}))?$/

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Reads an ISO 8601 date-time as the UTC instant it names: a string without an offset is read as UTC, as
 * Re:infer reads it. Returns the RFC 3339 form in UTC (\`2024-05-01T09:00:00Z\`, the fraction of a second kept as
 * written), or \`undefined\` when the text is not a real date-time (\`2024-02-30T…\`, \`25:00\`, an offset past 23:59).
 *
 * @category parsing
 * @since 0.1.0
 */
export const canonicalTimestamp = (text: string): string | undefined => {
  const match = TIMESTAMP.exec(text)
  if (match === null) return undefined
  const [, year, month, day, hour, minute, second, fraction = "", zulu, sign, offsetHours, offsetMinutes] = match
  const y = Number(year)
  const mo = Number(month)
  const d = Number(day)
  const h = Number(hour)
  const mi = Number(minute)
  const s = Number(second)
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  const days = mo === 2 && !leap ? 28 : DAYS_IN_MONTH[mo - 1]
  if (days === undefined || d < 1 || d > days || h > 23 || mi > 59 || s > 59) return undefined
  if (Number(offsetHours ?? 0) > 23 || Number(offsetMinutes ?? 0) > 59) return undefined
  const offset = sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes))
  // Nothing to move: the instant is written as it was, with an upper-case \`T\` and \`Z\` (most inputs already are).
  if (offset === 0) {
    if (zulu === "Z" && text.charCodeAt(10) === 84) return text
    return \`\${year}-\${month}-\${day}T\${hour}:\${minute}:\${second}\${fraction}Z\`
  }
  const instant = new Date(0)
  instant.setUTCFullYear(y, mo - 1, d)
  instant.setUTCHours(h, mi - offset, s, 0)
  const utc = instant.toISOString()
  // A date that the offset moves out of the four-digit years cannot be written in RFC 3339.
  if (!/^\\d{4}-/.test(utc)) return undefined
  return \`\${utc.slice(0, 19)}\${fraction}Z\`
}

/**
 * The annotation that marks \`TimestampInput\`, so that code which encodes without the schema (a compiled
 * encoder) can send exactly what the schema sends.
 *
 * @category annotations
 * @since 0.1.0
 */
export const TIMESTAMP_INPUT = "effect-reinfer/timestampInput"

const TIMESTAMP_EXPECTED = "an ISO 8601 date-time such as \\"2024-05-01T09:00:00Z\\" (the offset may be left out: UTC)"

const TimestampText = Schema.String.check(
  Schema.makeFilter((text) => canonicalTimestamp(text) !== undefined, { expected: TIMESTAMP_EXPECTED })
)

/**
 * A request timestamp: a \`Date\`, or an ISO 8601 date-time string with or without an offset
 * (\`2024-05-01T09:00:00Z\`, \`2024-05-01T11:00:00+02:00\`, \`2024-05-01T09:00:00.123456\`). It is sent as RFC 3339 in
 * UTC with \`Z\`, whatever form it was given in; anything else fails validation, before a request is sent. Decoding
 * (what a server does with a request) gives that canonical string.
 *
 * @category schemas
 * @since 0.1.0
 */
export const TimestampInput = TimestampText.pipe(
  Schema.decodeTo(
    // The string member comes first, so a bad string is reported as a bad timestamp, not as "not a Date".
    Schema.Union([TimestampText, Schema.Date.annotate({ message: \`Expected a valid Date or \${TIMESTAMP_EXPECTED}\` })]),
    SchemaTransformation.transform({
      decode: (text: string): Date | string => canonicalTimestamp(text) ?? text,
      encode: (value: Date | string): string =>
        typeof value === "string" ? canonicalTimestamp(value) ?? value : canonicalTimestamp(value.toISOString()) ?? ""
    })
  ),
  Schema.annotate({ [TIMESTAMP_INPUT]: true })
)`

const FILE_UPLOAD = `/**
 * The file part of a multipart upload: any \`Blob\` (a \`File\` is one; its name becomes the part's filename).
 *
 * Arbitraries derived from a request schema (for property tests) generate small text files: a \`Blob\` has no
 * arbitrary of its own. The link only ever runs that way; a \`Blob\` cannot be read back as text synchronously, so
 * the other direction gives a description.
 *
 * @category schemas
 * @since 0.1.0
 */
export const FileUpload = Schema.instanceOf(Blob, {
  identifier: "Blob",
  toCodecArbitrary: () =>
    Schema.link<Blob>()(
      Schema.String,
      SchemaTransformation.transform({
        decode: (text: string): Blob => new File([text], "upload.txt", { type: "text/plain" }),
        encode: (blob: Blob): string => \`[a Blob of \${blob.size} bytes]\`
      })
    )
})`
