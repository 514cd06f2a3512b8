/**
 * What the emitted schemas do, construct by construct: the key lines of each fixture's output (substring checks
 * on the goldens, which golden.test.ts keeps equal to the generator's output) and how the emitted schemas decode:
 * which values they accept, which they reject, and what they keep.
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Schema } from "effect"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import * as AdditionalProperties from "./fixtures/additional-properties.expected/schemas/index.ts"
import * as AllOf from "./fixtures/all-of.expected/schemas/index.ts"
import { operations as binaryOperations } from "./fixtures/binary.expected/operations.ts"
import * as Binary from "./fixtures/binary.expected/schemas/index.ts"
import * as Enums from "./fixtures/enums.expected/schemas/index.ts"
import * as Limits from "./fixtures/limits.expected/schemas/index.ts"
import * as Nullable from "./fixtures/nullable.expected/schemas/index.ts"
import * as OneOf from "./fixtures/one-of.expected/schemas/index.ts"
import { operations } from "./fixtures/operations.expected/operations.ts"
import * as PatternProperties from "./fixtures/pattern-properties.expected/schemas/index.ts"
import * as Recursion from "./fixtures/recursion.expected/schemas/index.ts"
import * as Refs from "./fixtures/refs.expected/schemas/index.ts"
import { expectedDir, type FixtureName } from "./fixture-specs.ts"

/** Decodes like the runtime does for a request body: unknown fields are an error. */
const strict = <S extends Schema.Codec<unknown>>(schema: S, value: unknown) =>
  Schema.decodeUnknownResult(schema)(value, { onExcessProperty: "error" })

/** Decodes like the runtime does for a response body: default options. */
const lenient = <S extends Schema.Codec<unknown>>(schema: S, value: unknown) =>
  Schema.decodeUnknownResult(schema)(value)

const accepts = (result: { readonly _tag: string }, what: string) =>
  assert.strictEqual(result._tag, "Success", `should accept ${what}: ${JSON.stringify(result)}`)
const rejects = (result: { readonly _tag: string }, what: string) =>
  assert.strictEqual(result._tag, "Failure", `should reject ${what}`)

const decoded = <A>(result: { readonly _tag: "Success"; readonly success: A } | { readonly _tag: "Failure" }): A => {
  assert.strictEqual(result._tag, "Success")
  return (result as { readonly success: A }).success
}

const output = (fixture: FixtureName, path: string) => readFile(join(expectedDir(fixture), path), "utf8")

describe("refs", () => {
  it("puts schemas several tags use in shared.ts and imports them", async () => {
    assert.include(await output("refs", "schemas/shared.ts"), "export const Owner: Schema.Codec<Owner, ")
    assert.include(await output("refs", "schemas/things.ts"), `import { Name, Owner, StatusOk } from "./shared.ts"`)
    assert.include(await output("refs", "schemas/index.ts"), `export * from "./things.ts"`)
    assert.include(await output("refs", "schemas/things.ts"), "/** The thing's owner. */\n  owner: Owner")
  })

  it("decodes through references, keeping unknown response fields", () => {
    const thing = { name: "box", owner: { name: "ann", since: 2020 }, colour: "red" }
    assert.deepStrictEqual(decoded(lenient(Refs.Thing, thing)), thing)
    rejects(lenient(Refs.Thing, { name: "a box", owner: { name: "ann" } }), "a name outside the pattern")
    rejects(strict(Refs.CreateThingRequest, { thing: { title: "t", colour: "red" } }), "an unknown request field")
  })

  it("declares a schema identical to an earlier one of its module as an alias of it", async () => {
    const things = await output("refs", "schemas/things.ts")
    assert.include(things, "export const GetThingResponse = CreateThingResponse\nexport type GetThingResponse = CreateThingResponse")
    assert.strictEqual(Refs.GetThingResponse, Refs.CreateThingResponse)
  })
})

describe("allOf", () => {
  it("merges the members into one struct", async () => {
    assert.include(
      await output("all-of", "schemas/pets.ts"),
      "export const NewPet = Schema.Struct({\n" +
        "  age: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),"
    )
  })

  it("requires what any member requires, and stays closed or open as a whole", () => {
    accepts(strict(AllOf.NewPet, { name: "Tom", nickname: "T", species: "cat" }), "a complete pet")
    rejects(strict(AllOf.NewPet, { name: "Tom", species: "cat" }), "no nickname (the last member requires it)")
    rejects(strict(AllOf.NewPet, { name: "Tom", nickname: "T", species: "cat", extra: 1 }), "an extra field")
    const pet = { id: "1", name: "Tom", extra: 1 }
    assert.deepStrictEqual(decoded(lenient(AllOf.Pet, pet)), pet)
  })
})

describe("oneOf", () => {
  it("emits a tagged union with a discriminator and a plain union without", async () => {
    const text = await output("one-of", "schemas/shapes.ts")
    assert.include(text, `NewShape = Schema.Union([NewCircle, NewSquare]).pipe(Schema.toTaggedUnion("kind"))`)
    assert.include(text, "export const Area = Schema.Union([Schema.Number, openStruct({ reason: Schema.String })])")
  })

  it("dispatches on the discriminator", () => {
    accepts(strict(OneOf.NewShape, { kind: "circle", radius: 1 }), "a circle")
    rejects(strict(OneOf.NewShape, { kind: "circle", side: 1 }), "a circle with a square's field")
    rejects(strict(OneOf.NewShape, { kind: "triangle" }), "an unknown kind")
    assert.isTrue(OneOf.NewShape.guards.square({ kind: "square", side: 2 }))
    const size = OneOf.NewShape.match({ kind: "circle", radius: 2 }, { circle: (c) => c.radius, square: (s) => s.side })
    assert.strictEqual(size, 2)
  })

  it("decodes a kind an open union does not know as its last member, every field kept", async () => {
    assert.include(await output("one-of", "schemas/shapes.ts"), "Shape = Schema.Union([Circle, Square, OtherShape])")
    const triangle = { kind: "triangle", sides: [3, 4, 5] }
    assert.deepStrictEqual(decoded(lenient(OneOf.Shape, triangle)), triangle)
    assert.isTrue(Schema.is(OneOf.OtherShape)(triangle))
    accepts(lenient(OneOf.Shape, { kind: "circle", radius: 1 }), "a known kind")
    // A known kind with a wrong shape fails as itself: the last member does not take known kinds.
    rejects(lenient(OneOf.Shape, { kind: "circle" }), "a circle without a radius")
  })

  it("accepts any member of an untagged union", () => {
    const shape = { kind: "square", side: 1 }
    accepts(strict(OneOf.DrawShapeRequest, { shape, colour: "red" }), "a colour name")
    accepts(strict(OneOf.DrawShapeRequest, { shape, colour: [0, 128, 255] }), "an RGB triple")
    rejects(strict(OneOf.DrawShapeRequest, { shape, colour: [0, 128] }), "two numbers")
    accepts(lenient(OneOf.Area, 2.5), "a number")
    accepts(lenient(OneOf.Area, { reason: "open shape" }), "an object")
  })
})

describe("nullable", () => {
  it("keeps optional and nullable apart", async () => {
    const text = await output("nullable", "schemas/notes.ts")
    assert.include(text, "title: Schema.NullOr(Schema.String)")
    assert.include(text, "pinned: Schema.optionalKey(Schema.Boolean)")
    assert.include(text, `colour: Schema.optionalKey(Schema.NullOr(Schema.Literals(["red", "green"])))`)
    assert.include(text, "due: Schema.optionalKey(Schema.NullOr(NewTimestamp))")
    assert.include(text, "score: absentWhenNull(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))")
    assert.include(text, `tags: emptyWhenAbsent(Schema.Array(Schema.String), "array")`)
    assert.include(text, `links: emptyWhenAbsentOrNull(Schema.Array(Schema.String), "array")`)
  })

  it("reads null in an optional response field as absent, and an absent collection as empty", () => {
    const note = decoded(lenient(Nullable.Note, { title: null, edited: "2020-01-09T16:34:45", score: null, links: null }))
    assert.deepStrictEqual(note, { title: null, edited: "2020-01-09T16:34:45", tags: [], links: [] })
    assert.isFalse("score" in note, "null decodes as absent, not as a key holding undefined")
    const full = { title: "t", edited: "2020-01-09T16:34:45Z", score: 3, tags: ["a"], links: ["b"], colour: "teal" }
    assert.deepStrictEqual(decoded(lenient(Nullable.Note, full)), full)
    rejects(lenient(Nullable.Note, { title: null, edited: "x", tags: null }), "null where only absence means empty")
  })

  it("accepts null only where the spec allows it", () => {
    accepts(strict(Nullable.UpdateNoteRequest, { title: null, body: "b" }), "a null title")
    rejects(strict(Nullable.UpdateNoteRequest, { body: "b" }), "a missing (required) title")
    rejects(strict(Nullable.UpdateNoteRequest, { title: "t", body: null }), "a null body")
    rejects(strict(Nullable.UpdateNoteRequest, { title: "t", body: "b", pinned: null }), "a null optional boolean")
    rejects(strict(Nullable.UpdateNoteRequest, { title: "t", body: "b", pinned: undefined }), "an explicit undefined")
    accepts(strict(Nullable.UpdateNoteRequest, { title: "t", body: "b", colour: null, due: null }), "null enum and ref")
    const note = { title: null, edited: "2020-01-09T16:34:45Z", score: null }
    accepts(lenient(Nullable.Note, note), "null response fields")
  })
})

describe("enums", () => {
  it("is closed where the spec writes it closed and open where it writes it open", async () => {
    const text = await output("enums", "schemas/tickets.ts")
    assert.include(text, `state: Schema.Literals(["open", "closed"])`)
    assert.include(
      text,
      `language: Schema.optionalKey(Schema.Union([Schema.Literals(["en", "de"]), Schema.StringForLiteralAutocomplete]))`
    )
    assert.include(text, `export const NewPriority = Schema.Literals(["low", "high"])`)
    assert.include(
      text,
      `export const Priority = Schema.Union([Schema.Literals(["low", "high"]), Schema.StringForLiteralAutocomplete])`
    )
  })

  it("decodes unknown response values unchanged and rejects unknown request values", () => {
    rejects(strict(Enums.CreateTicketRequest, { state: "archived" }), "an unknown request value")
    accepts(strict(Enums.CreateTicketRequest, { state: "open", only: "single", size: 2 }), "known values")
    rejects(strict(Enums.CreateTicketRequest, { state: "open", size: 4 }), "an unknown number")
    accepts(strict(Enums.CreateTicketRequest, { state: "open", language: "fr" }), "any value of an open request enum")
    const ticket = decoded(lenient(Enums.Ticket, { state: "archived", priority: "urgent" }))
    assert.deepStrictEqual(ticket, { state: "archived", priority: "urgent" })
    rejects(lenient(Enums.Ticket, { state: 7, priority: "low" }), "a value of the wrong type")
  })
})

describe("recursion", () => {
  it("suspends references inside a cycle and writes the cycle's types out", async () => {
    const text = await output("recursion", "schemas/search.ts")
    assert.include(text, "export type Filter = {")
    assert.include(text, "Schema.suspend((): Schema.Codec<Filter> => Filter)")
    assert.include(text, "export type Entry = Folder | File")
    assert.include(text, "Schema.suspend((): Schema.Codec<Entry> => Entry)")
  })

  it("decodes nested values at any depth", () => {
    const filter = { any_of: [{ name: "a" }, { not: { any_of: [{ name: "b" }] } }] }
    accepts(strict(Recursion.Filter, filter), "a deep filter")
    rejects(strict(Recursion.Filter, { any_of: [{ not: { name: 1 } }] }), "a wrong value deep inside")
    const tree = { name: "/", entries: [{ name: "etc", entries: [{ name: "hosts", size: 1, mode: "644" }] }] }
    assert.deepStrictEqual(decoded(lenient(Recursion.Folder, tree)), tree)
  })
})

describe("patternProperties", () => {
  it("becomes template-literal records", async () => {
    const text = await output("pattern-properties", "schemas/comments.ts")
    assert.include(text, `Schema.Record(Schema.TemplateLiteral(["string:", Schema.String]), Schema.String)`)
    assert.include(
      text,
      `Schema.TemplateLiteral([Schema.Literals(["string", "number"]), ":", Schema.String]), PropertyFilter)`
    )
  })

  it("checks each key's prefix and value", () => {
    const properties = { "string:city": "Paris", "number:age": 42 }
    accepts(strict(PatternProperties.NewUserProperties, properties), "typed properties")
    rejects(strict(PatternProperties.NewUserProperties, { "string:city": 1 }), "a number under string:")
    rejects(strict(PatternProperties.NewUserProperties, { city: "Paris" }), "a key without a prefix (request)")
    const kept = { "string:city": "Paris", legacy: [1] }
    assert.deepStrictEqual(decoded(lenient(PatternProperties.UserProperties, kept)), kept)
    rejects(lenient(PatternProperties.UserProperties, { "number:age": "old" }), "a string under number: (response)")
    accepts(
      strict(PatternProperties.SyncCommentsRequest, {
        id: "1",
        user_properties: {},
        filters: { "string:city": { one_of: ["Paris"] }, "number:age": {} }
      }),
      "filters under either prefix"
    )
  })

  it("refuses NaN and ±Infinity in a request, which JSON would send as null", async () => {
    const text = await output("pattern-properties", "schemas/comments.ts")
    assert.include(text, `Schema.Record(Schema.TemplateLiteral(["number:", Schema.String]), Schema.Finite)`)
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      rejects(strict(PatternProperties.NewUserProperties, { "number:age": bad }), `${bad} under number:`)
    }
    // What the API sends is decoded as sent: JSON cannot carry NaN, so a response never holds one.
    assert.include(text, `Schema.Record(Schema.TemplateLiteral(["number:", Schema.String]), Schema.Number)`)
  })
})

describe("additionalProperties", () => {
  it("emits plain structs, records and rests", async () => {
    const text = await output("additional-properties", "schemas/labels.ts")
    assert.include(text, "closed: Schema.Struct({ a: Schema.optionalKey(Schema.String) })")
    assert.include(text, "empty: Schema.optionalKey(Schema.Record(Schema.String, Schema.Never))")
    assert.include(text, "counts: Schema.Record(Schema.String, Schema.Int)")
    assert.include(text, "Schema.Record(Schema.String.check(Schema.isPattern(/^[a-z]+$/)), Schema.Array(")
    assert.include(text, "open: Schema.StructWithRest(Schema.Struct({ a: Schema.optionalKey(Schema.String) }), [")
  })

  it("accepts extra keys only where the spec does", () => {
    const base = { closed: {}, open: {}, counts: {} }
    const extras = { ...base, open: { a: "x", b: [1] }, counts: { x: 1 } }
    accepts(strict(AdditionalProperties.SetLabelsRequest, extras), "extras")
    rejects(strict(AdditionalProperties.SetLabelsRequest, { ...base, closed: { b: 1 } }), "an extra key when false")
    rejects(strict(AdditionalProperties.SetLabelsRequest, { ...base, counts: { x: 1.5 } }), "a non-integer count")
    rejects(strict(AdditionalProperties.SetLabelsRequest, { ...base, by_project: { "Bad Key": [] } }), "a bad key")
    rejects(strict(AdditionalProperties.SetLabelsRequest, { ...base, empty: { a: 1 } }), "a key in an empty object")
    rejects(strict(AdditionalProperties.SetLabelsRequest, { ...base, empty: "x" }), "a string for an empty object")
    const label = { name: "n", metadata: { any: ["json"] }, exact: { a: "x", b: "dropped" }, other: true }
    assert.deepStrictEqual(decoded(lenient(AdditionalProperties.Label, label)), { ...label, exact: { a: "x" } })
  })
})

describe("limits", () => {
  it("turns validation keywords into checks", async () => {
    const text = await output("limits", "schemas/sources.ts")
    assert.include(text, "name: Schema.String.check(Schema.isMinCodePoints(1), Schema.isMaxCodePoints(8))")
    assert.include(text, "path: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[a-z/]+$/)))")
    const tags = "Schema.Array(Schema.String).check(Schema.isMinLength(1), Schema.isMaxLength(3), Schema.isUnique())"
    assert.include(text, tags)
    assert.include(text, "Schema.Finite.check(Schema.isGreaterThan(0), Schema.isLessThan(1))")
    assert.include(text, "Schema.isMinProperties(1), Schema.isMaxProperties(2)")
  })

  it("accepts values at the limits and rejects values past them", () => {
    const valid = { name: "a/b", path: "a/b", tags: ["x"], weight: 0.5, step: 1.5, count: 2, options: { a: true } }
    accepts(strict(Limits.CreateSourceRequest, valid), "values within the limits")
    accepts(strict(Limits.CreateSourceRequest, { ...valid, name: "é".repeat(8) }), "8 code points (not 8 bytes)")
    const invalid: Record<string, unknown> = {
      name: "",
      tags: [],
      weight: 1,
      step: 0.3,
      count: 1.5,
      options: {}
    }
    for (const [key, value] of Object.entries(invalid)) {
      rejects(strict(Limits.CreateSourceRequest, { ...valid, [key]: value }), `${key}: ${JSON.stringify(value)}`)
    }
    rejects(strict(Limits.CreateSourceRequest, { ...valid, name: "abcdefghi" }), "9 characters")
    rejects(strict(Limits.CreateSourceRequest, { ...valid, path: "A/B" }), "a path outside the pattern")
    rejects(strict(Limits.CreateSourceRequest, { ...valid, tags: ["a", "a"] }), "duplicate tags")
    rejects(strict(Limits.CreateSourceRequest, { ...valid, tags: ["a", "b", "c", "d"] }), "four tags")
    rejects(strict(Limits.CreateSourceRequest, { ...valid, options: { a: true, b: true, c: true } }), "three options")
    rejects(strict(Limits.CreateSourceRequest, { ...valid, count: -3 }), "a count below the minimum")
  })
})

describe("binary", () => {
  it("types multipart file fields as Blob and binary responses by content type", async () => {
    const attachments = await output("binary", "schemas/attachments.ts")
    assert.include(attachments, "file: FileUpload")
    assert.include(await output("binary", "schemas/codecs.ts"), "export const FileUpload = Schema.instanceOf(Blob, {")
    assert.include(await output("binary", "client-shape.ts"), "readonly output: Uint8Array")
    assert.deepStrictEqual(binaryOperations.getAttachment.responseContentTypes, ["application/octet-stream"])
    assert.strictEqual(binaryOperations.getAttachment.response, undefined)
    assert.strictEqual(binaryOperations.uploadAttachment.requestContentType, "multipart/form-data")
    assert.deepStrictEqual(binaryOperations.queryReport.responseContentTypes, ["application/json", "text/csv"])
    assert.deepStrictEqual(binaryOperations.deleteAttachment.responseContentTypes, [])
  })

  it("accepts a Blob for the file field and nothing else", () => {
    accepts(strict(Binary.UploadAttachmentRequest, { file: new Blob(["bytes"]), filename: "a.txt" }), "a Blob")
    rejects(strict(Binary.UploadAttachmentRequest, { file: "bytes" }), "a string")
  })

  it.effect("derives arbitraries for an upload request, generating small files", () =>
    Effect.gen(function*() {
      const samples = yield* Arbitrary.sampleEffect(Arbitrary.schema(Binary.UploadAttachmentRequest), { count: 5, seed: 7 })
      assert.strictEqual(samples.length, 5)
      for (const sample of samples) {
        assert.instanceOf(sample.file, Blob)
        accepts(strict(Binary.UploadAttachmentRequest, sample), "a generated upload")
      }
    }))
})

describe("operations", () => {
  it("describes routes, parameters, retry and pagination", () => {
    const listComments = operations.listComments
    assert.strictEqual(listComments.method, "GET")
    assert.strictEqual(listComments.path, "/api/_private/sources/{project}/{source}/comments")
    assert.deepStrictEqual(listComments.permissions, ["Read sources", "Read comments"])
    assert.deepStrictEqual(listComments.retry, { safe: true, conflict: false })
    assert.deepStrictEqual(listComments.pagination, {
      items: "comments",
      cursor: { in: "query", name: "after", response: "continuation", replaces: "from_timestamp" },
      pageSize: { in: "query", name: "limit", default: 64, maximum: 256 },
      end: "cursor-absent"
    })
    assert.deepStrictEqual(operations.queryDataset.pagination, {
      items: "results",
      cursor: { in: "body", name: "continuation", response: "continuation" },
      pageSize: { in: "body", name: "limit" },
      end: "empty-page"
    })
    assert.deepStrictEqual(operations.queryDataset.retry, { safe: true, conflict: true })
    assert.strictEqual(operations.refreshUserPermissions.queryParameters, undefined)
  })

  it("decodes parameters with their checks, query parameters under their wire names", () => {
    const query = listCommentsQuery()
    accepts(strict(query, { from_timestamp: "2020-01-09T16:34:45Z", limit: 256, id: ["a", "b"] }), "valid query")
    rejects(strict(query, { limit: 0 }), "a limit below 1")
    rejects(strict(query, { fromTimestamp: "x" }), "a camel-cased name")
    accepts(strict(operations.listComments.pathParameters, { project: "p", source: "s" }), "path parameters")
  })
})

const listCommentsQuery = () => {
  const query = operations.listComments.queryParameters
  assert.isDefined(query)
  return query
}
