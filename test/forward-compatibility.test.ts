/**
 * The generated schemas of the real spec: responses accept what the server may add tomorrow (unknown fields,
 * unknown enum values) and keep it; requests stay strict and say which field is wrong.
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema, type SchemaAST } from "effect"
import { operations } from "../generated/operations.ts"
import { summarizeSchemaError } from "../src/internal/schema-issues.ts"
import { SOURCE as source } from "./support/payloads.ts"

const strict: SchemaAST.ParseOptions = { onExcessProperty: "error", errors: "all" }


const comment = { id: "c1", timestamp: "2024-01-01T00:00:00Z", messages: [{ body: { text: "Hello" } }] }

const rejection = (schema: Schema.Top | undefined, value: unknown) => {
  const result = Schema.decodeUnknownResult(schema as Schema.Codec<unknown, unknown>)(value, strict)
  assert.strictEqual(result._tag, "Failure", "expected the request to be rejected")
  return result._tag === "Failure" ? summarizeSchemaError(result.failure) : []
}

describe("forward compatibility of the generated schemas", () => {
  it("a response with an unknown enum value and unknown fields decodes and keeps them", () => {
    const payload = {
      status: "ok",
      source: { ...source, _kind: "voice_note", language: "fr", added_next_year: { nested: [1, "two"] } },
      request_id: "r-1"
    }
    const decoded = Schema.decodeUnknownSync(operations.getSource.response as Schema.Codec<unknown, unknown>)(payload)
    assert.deepStrictEqual(decoded, payload)
  })

  it("a response enum still rejects a value of the wrong type", () => {
    const result = Schema.decodeUnknownResult(operations.getSource.response as Schema.Codec<unknown, unknown>)({
      status: "ok",
      source: { ...source, _kind: 7 }
    })
    assert.strictEqual(result._tag, "Failure")
  })

  it("a request with an unknown field is rejected, naming the field", () => {
    const issues = rejection(operations.syncComments.requestBody, { comments: [{ ...comment, colour: "red" }] })
    assert.deepStrictEqual(issues[0]?.path, ["comments", 0, "colour"])
  })

  it("a request list over its documented limit is rejected, naming the list", () => {
    const comments = Array.from({ length: 16_385 }, (_, index) => ({ ...comment, id: `c${index}` }))
    const issues = rejection(operations.syncComments.requestBody, { comments })
    assert.deepStrictEqual(issues[0]?.path, ["comments"])
    assert.match(issues[0]?.message ?? "", /16384/)
  })

  it("a closed request enum accepts only the documented values", () => {
    const issues = rejection(operations.createBucket.requestBody, { bucket: { bucket_type: "letters" } })
    assert.deepStrictEqual(issues[0]?.path, ["bucket", "bucket_type"])
  })

  it("an open request enum takes any value, as the official client sends any model family", () => {
    const body = { dataset: { source_ids: ["18ba5ce699f8da1f"], model_family: "transformer-xlm-2" } }
    const result = Schema.encodeUnknownResult(operations.createDataset.requestBody as Schema.Codec<unknown, unknown>)(
      body,
      { onExcessProperty: "error" }
    )
    assert.strictEqual(result._tag, "Success")
  })
})
