/**
 * Every documented payload in test/fixtures/examples (where each came from: its README) is accepted by the schema
 * of its operation and survives decode → encode unchanged, but for the form of its timestamps: a request
 * timestamp is sent in one canonical form (`2011-12-11T11:05:10.000000+00:00` becomes
 * `2011-12-11T11:05:10.000000Z`), which must name the same instant. Request examples are decoded strictly (unknown
 * fields rejected), as the client encodes request bodies.
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema, type SchemaAST } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { operations } from "../generated/operations.ts"
import { canonicalTimestamp } from "../generated/schemas/codecs.ts"
import { ErrorResponse, RawEmailDocument } from "../generated/schemas/index.ts"

const EXAMPLES = fileURLToPath(new URL("fixtures/examples/", import.meta.url))

const strict: SchemaAST.ParseOptions = { onExcessProperty: "error", errors: "all" }

/** Which schema each example file belongs to, and whether it is a request (strict) or a response (open). */
const examples: Record<string, { readonly schema: Schema.Top; readonly side: "request" | "response" }> = {
  "create-dataset.request.json": { schema: operations.createDataset.requestBody, side: "request" },
  "create-source.request.json": { schema: operations.createSource.requestBody, side: "request" },
  "create-trigger.request.legacy.json": { schema: operations.createTrigger.requestBody, side: "request" },
  "error-not-found.response.json": { schema: ErrorResponse, side: "response" },
  "get-sources.response.json": { schema: operations.listSources.response, side: "response" },
  "query-audit-events.request.json": { schema: operations.queryAuditEvents.requestBody, side: "request" },
  "rust-test.dataset-query.request.recent.json": { schema: operations.queryDataset.requestBody, side: "request" },
  "rust-test.sync-raw-emails.document.plain-raw-attachments.json": { schema: RawEmailDocument, side: "request" },
  "rust-test.sync-raw-emails.document.with-comment-id.json": { schema: RawEmailDocument, side: "request" },
  "stream-advance.request.json": { schema: operations.advanceStream.requestBody, side: "request" },
  "stream-fetch.request.json": { schema: operations.fetchStream.requestBody, side: "request" },
  "sync-comments.request.json": { schema: operations.syncComments.requestBody, side: "request" }
}

const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), "utf8"))

// The example with each timestamp written as the client sends it; everything else unchanged.
const asSent = (value: unknown): unknown => {
  if (typeof value === "string") return canonicalTimestamp(value) ?? value
  if (Array.isArray(value)) return value.map(asSent)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, asSent(field)]))
  }
  return value
}

describe("documented examples", () => {
  it("every example file has a schema", () => {
    const files = fs.readdirSync(EXAMPLES).filter((file) => file.endsWith(".json")).sort()
    assert.deepStrictEqual(files, Object.keys(examples).sort())
  })

  for (const [file, { schema, side }] of Object.entries(examples)) {
    it(`${file} is accepted by its ${side} schema and round-trips`, () => {
      const json = read(file)
      const codec = schema as Schema.Codec<unknown, unknown>
      const options = side === "request" ? strict : { errors: "all" as const }
      const decoded = Schema.decodeUnknownSync(codec)(json, options)
      assert.deepStrictEqual(Schema.encodeSync(codec)(decoded, options), side === "request" ? asSent(json) : json)
    })
  }

  it("the raw-email documents are valid inside a sync-raw-emails body", () => {
    const body = {
      documents: [
        read("rust-test.sync-raw-emails.document.plain-raw-attachments.json"),
        read("rust-test.sync-raw-emails.document.with-comment-id.json")
      ],
      transform_tag: "generic.0.CONVKER5",
      include_comments: false
    }
    const codec = operations.syncRawEmails.requestBody as Schema.Codec<unknown, unknown>
    assert.deepStrictEqual(Schema.encodeSync(codec)(Schema.decodeUnknownSync(codec)(body, strict), strict), asSent(body))
  })
})
