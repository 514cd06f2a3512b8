/**
 * What the generator refuses (errors naming the JSON pointer) and what it only warns about (warnings with a
 * stable code), on small specs written inline.
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { copyFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { CodegenError, formatWarning } from "../../scripts/codegen/warnings.ts"
import { FIXTURES, generateSpec, withTempDir } from "./fixture-specs.ts"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

interface SpecParts {
  /** Component schemas besides the operation's request and response. */
  readonly schemas?: Record<string, Json>
  /** The request body schema (`TestRequest`); none when omitted. */
  readonly request?: Json
  /** The response schema (`TestResponse`); `{status: ok}` when omitted. */
  readonly response?: Json
  /** Overrides and additions to the operation object. */
  readonly operation?: Record<string, Json>
}

/** A one-operation spec (`POST /api/test`, operationId `test`) around the parts a test cares about. */
const spec = (parts: SpecParts): Json => ({
  openapi: "3.1.0",
  info: { title: "Inline spec", version: "1" },
  paths: {
    "/api/test": {
      post: {
        operationId: "test",
        tags: ["tests"],
        summary: "Test",
        "x-reinfer-retry": { safe: true, conflict: false },
        ...(parts.request === undefined
          ? {}
          : {
            requestBody: {
              required: true,
              content: { "application/json": { schema: { $ref: "#/components/schemas/TestRequest" } } }
            }
          }),
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { $ref: "#/components/schemas/TestResponse" } } }
          }
        },
        ...parts.operation
      }
    }
  },
  components: {
    schemas: {
      ...(parts.request === undefined ? {} : { TestRequest: parts.request }),
      TestResponse: parts.response ?? {
        type: "object",
        required: ["status"],
        properties: { status: { type: "string", const: "ok" } }
      },
      ...parts.schemas
    }
  }
})

interface Outcome {
  readonly errors: ReadonlyArray<string>
  readonly warnings: ReadonlyArray<string>
  readonly files: ReadonlyMap<string, string>
}

const run = (parts: SpecParts): Promise<Outcome> =>
  withTempDir(async (directory) => {
    const path = join(directory, "spec.json")
    await writeFile(path, JSON.stringify(spec(parts), null, 2))
    await copyFile(join(FIXTURES, "redocly.yaml"), join(directory, "redocly.yaml"))
    try {
      const result = await generateSpec(path, { outDir: join(directory, "out"), check: true })
      // Lint warnings (such as no-unused-components) are Redocly's; these tests are about the generator's own.
      const warnings = result.warnings.filter((warning) => warning.code !== "lint-warning").map(formatWarning)
      return { errors: [], warnings, files: result.files }
    } catch (error) {
      if (!(error instanceof CodegenError)) throw error
      return { errors: error.message.split("\n"), warnings: [], files: new Map() }
    }
  })

const requestWith = (properties: Record<string, Json>): Json => ({
  type: "object",
  additionalProperties: false,
  properties
})

const REQUEST = "#/components/schemas/TestRequest"

describe("parse errors", () => {
  it("names the pointer of an unsupported keyword, never falling back to Unknown", async () => {
    const { errors } = await run({ request: requestWith({ bar: { type: "string", not: { const: "x" } } }) })
    assert.deepStrictEqual(errors, [`${REQUEST}/properties/bar: unsupported keyword "not"`])
  })

  it("reports every error at once", async () => {
    const { errors } = await run({
      request: requestWith({
        a: { type: "string", if: { const: "x" } },
        b: { type: "string", maxItems: 3 },
        c: { type: "array" }
      })
    })
    assert.deepStrictEqual(errors, [
      `${REQUEST}/properties/a: unsupported keyword "if"`,
      `${REQUEST}/properties/b/maxItems: "maxItems" does not apply to type string`,
      `${REQUEST}/properties/c: an array schema needs a single "items" schema`
    ])
  })

  it("aborts on Redocly lint errors with their messages", async () => {
    const { errors } = await run({ request: requestWith({ b: { type: "string", nullable: true } }) })
    assert.deepStrictEqual(errors, [
      `${REQUEST}/properties/b/nullable: Property \`nullable\` is not expected here. (redocly: struct)`
    ])
  })

  it("refuses a patternProperties pattern that is not a literal prefix", async () => {
    const { errors } = await run({
      request: { type: "object", additionalProperties: false, patternProperties: { "^[a-z]+:": { type: "string" } } }
    })
    assert.strictEqual(errors.length, 1)
    assert.match(errors[0]!, /^#\/components\/schemas\/TestRequest\/patternProperties\/\^\[a-z\]\+:: pattern/)
  })

  it("refuses an additionalProperties schema beside properties", async () => {
    const { errors } = await run({
      request: { type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "integer" } }
    })
    assert.deepStrictEqual(errors, [
      `${REQUEST}/additionalProperties: an additionalProperties schema beside properties or patternProperties is ` +
      "not supported (only true, false, or none)"
    ])
  })

  it("checks a discriminator against its members", async () => {
    const member = (kind: string): Json => ({
      type: "object",
      additionalProperties: false,
      required: ["kind"],
      properties: { kind: { type: "string", const: kind } }
    })
    const { errors } = await run({
      schemas: { A: member("a"), B: member("b") },
      request: {
        oneOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }],
        discriminator: {
          propertyName: "kind",
          mapping: { a: "#/components/schemas/A", c: "#/components/schemas/B" }
        }
      }
    })
    assert.deepStrictEqual(errors, [`${REQUEST}/discriminator/mapping/c: maps "c" to B, whose "kind" is "b"`])
    const withoutMapping = await run({
      schemas: { A: member("a") },
      request: { oneOf: [{ $ref: "#/components/schemas/A" }], discriminator: { propertyName: "kind" } }
    })
    assert.deepStrictEqual(withoutMapping.errors, [
      `${REQUEST}/discriminator: a discriminator needs a "mapping" from each constant to its member schema`
    ])
  })

  it("refuses allOf members that declare a property differently", async () => {
    const { errors } = await run({
      request: {
        allOf: [
          { type: "object", properties: { a: { type: "string" } } },
          { type: "object", properties: { a: { type: "integer" } } }
        ],
        additionalProperties: false
      }
    })
    assert.strictEqual(errors.length, 1)
    assert.include(errors[0]!, `${REQUEST}/allOf/1/properties/a: property "a" is declared differently`)
  })

  it("refuses binary data outside multipart bodies and whole responses", async () => {
    const { errors } = await run({
      response: {
        type: "object",
        required: ["status"],
        properties: { status: { type: "string", const: "ok" }, data: { type: "string", format: "binary" } }
      }
    })
    assert.deepStrictEqual(errors, [
      "#/components/schemas/TestResponse/properties/data: binary data is only supported as a top-level field of a " +
      "multipart/form-data body or as a whole response"
    ])
  })

  it("names an object reachable from both sides, with the way to it", async () => {
    const { errors } = await run({
      schemas: { Thing: { type: "object", properties: { a: { type: "string" } } } },
      request: requestWith({ thing: { $ref: "#/components/schemas/Thing" } }),
      response: {
        type: "object",
        required: ["status"],
        properties: { status: { type: "string", const: "ok" }, thing: { $ref: "#/components/schemas/Thing" } }
      }
    })
    assert.deepStrictEqual(errors, [
      "#/components/schemas/Thing: reachable from both a request (test (POST /api/test) → TestRequest → Thing) " +
      "and a response (test (POST /api/test) → TestResponse → Thing); split it into a request and a response schema"
    ])
  })

  it("checks the operation's conventions and extensions", async () => {
    const { errors } = await run({
      operation: {
        tags: ["a", "b"],
        "x-reinfer-retry": { safe: "yes" },
        "x-reinfer-pagination": {
          items: "comments",
          cursor: { in: "query", name: "after", response: "continuation" },
          end: "cursor-absent"
        }
      }
    })
    assert.deepStrictEqual(errors, [
      "#/paths/~1api~1test/post/tags: an operation needs exactly one tag (its resource)",
      "#/paths/~1api~1test/post/x-reinfer-pagination/cursor/name: the request has no query parameter \"after\"",
      "#/paths/~1api~1test/post/x-reinfer-pagination/cursor/response: the response has no field \"continuation\"",
      "#/paths/~1api~1test/post/x-reinfer-pagination/items: the response has no array field \"comments\"",
      "#/paths/~1api~1test/post/x-reinfer-retry: every operation needs x-reinfer-retry: " +
      "{safe: boolean, conflict: boolean}"
    ])
  })

  it("wants request bodies and JSON responses as $refs to components", async () => {
    const { errors } = await run({
      operation: {
        requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } }
      }
    })
    assert.deepStrictEqual(errors, [
      "#/paths/~1api~1test/post/requestBody/content/application~1json/schema: a request body schema must be a $ref " +
      "to a component schema"
    ])
  })
})

describe("parse warnings", () => {
  it("warns with a stable code", async () => {
    const { errors, warnings } = await run({
      schemas: { Unused: { type: "object", additionalProperties: false } },
      response: {
        type: "object",
        required: ["status"],
        properties: {
          status: { type: "string", const: "ok" },
          anything: {},
          exact: { type: "object", additionalProperties: false, properties: { a: { type: "string" } } }
        }
      },
      operation: {
        requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Unused" } } } }
      }
    })
    assert.deepStrictEqual(errors, [])
    assert.deepStrictEqual(warnings, [
      "WARNING [closed-response-object] #/components/schemas/TestResponse/properties/exact/additionalProperties: " +
      "response-side object with additionalProperties: false drops fields a newer server adds",
      "WARNING [opaque-json] #/components/schemas/TestResponse/properties/anything: empty schema without a " +
      "description becomes Schema.Json; describe what it holds",
      "WARNING [optional-request-body] #/paths/~1api~1test/post/requestBody/required: the request body is optional, " +
      "but the client always sends one; callers pass an empty value when they have nothing to send"
    ])
  })

  it("warns about a schema no operation uses", async () => {
    const { warnings } = await run({ schemas: { Lonely: { type: "string" } } })
    assert.deepStrictEqual(warnings, [
      "WARNING [unused-schema] #/components/schemas/Lonely: no operation uses it; emitted as a request-side " +
      "(strict) schema"
    ])
  })
})

describe("emitted forms", () => {
  it("keeps numeric enums open where the spec writes them open", async () => {
    const { files } = await run({
      response: {
        type: "object",
        required: ["status"],
        properties: {
          status: { type: "string", const: "ok" },
          size: { anyOf: [{ type: "integer", enum: [1, 2, 3] }, { type: "integer" }] }
        }
      }
    })
    const text = files.get("schemas/tests.ts")
    assert.include(text, "size: Schema.optionalKey(Schema.Union([Schema.Literals([1, 2, 3]), Schema.Number]))")
  })

  it("refuses a closed enum on the response side, naming its pointer", async () => {
    const { errors } = await run({
      response: {
        type: "object",
        required: ["status"],
        properties: { status: { type: "string", const: "ok" }, state: { type: "string", enum: ["a", "b"] } }
      }
    })
    assert.strictEqual(errors.length, 1)
    assert.match(errors[0]!, /^#\/components\/schemas\/TestResponse\/properties\/state: a response-side enum must be open/)
  })

  it("refuses an open enum written with oneOf, where a known value would match both members", async () => {
    const { errors } = await run({
      request: {
        type: "object",
        properties: { state: { oneOf: [{ type: "string", enum: ["a"] }, { type: "string" }] } }
      }
    })
    assert.deepStrictEqual(errors, [
      `${REQUEST}/properties/state/oneOf: an open enum is written with anyOf: with oneOf, a known value matches both ` +
      "members and is rejected"
    ])
  })

  it("refuses a default on a required property and one that does not fit the type", async () => {
    const { errors } = await run({
      response: {
        type: "object",
        required: ["status", "tags"],
        properties: {
          status: { type: "string", const: "ok" },
          tags: { type: "array", items: { type: "string" }, default: [] },
          names: { type: "array", items: { type: "string" }, default: {} }
        }
      }
    })
    assert.deepStrictEqual(errors, [
      "#/components/schemas/TestResponse/properties/names/default: default {} does not match the property's type",
      "#/components/schemas/TestResponse/properties/tags/default: a required property never takes its default; " +
      "make it optional or drop the default"
    ])
  })

  it("merges an allOf member's required list into another member's properties", async () => {
    const { errors, files } = await run({
      schemas: { Named: { type: "object", properties: { name: { type: "string" } } } },
      request: {
        allOf: [{ $ref: "#/components/schemas/Named" }, { required: ["name"] }],
        additionalProperties: false
      }
    })
    assert.deepStrictEqual(errors, [])
    assert.include(files.get("schemas/tests.ts"), "export const TestRequest = Schema.Struct({ name: Schema.String })")
  })
})
