/**
 * Responses as the real API sends them, and requests as the official client sends them.
 *
 * The payloads in test/fixtures/rust-client are written from the Rust client's types (its README says which type
 * allows what). Each must decode through the client as it would in production (the compiled decoder first, the
 * schema when that cannot vouch), with `null` in optional fields read as absent, collections the server left out
 * read as empty, and unknown enum values and union members kept with all their data. A generic JSON Schema
 * validator given the spec itself (ajv, draft 2020-12) must agree that they are valid. Request timestamps are
 * checked and sent in one canonical form, by the client and by the sandbox alike.
 */
import { assert, describe, it } from "@effect/vitest"
import { Ajv2020 } from "ajv-json-schema/dist/2020.js"
import { Effect, Exit, Schema } from "effect"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import YAML from "yaml"
import { operations } from "../generated/operations.ts"
import * as Schemas from "../generated/schemas/index.ts"
import { BulkSync, ReinferClient, unknownFields } from "../src/index.ts"
import * as Sandbox from "../src/sandbox/index.ts"
import * as TestClient from "./support/client.ts"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const fixture = (file: string): unknown =>
  JSON.parse(fs.readFileSync(`${ROOT}test/fixtures/rust-client/${file}`, "utf8"))

/** A client whose transport answers every request with `body`, and records what was sent. */
const answering = (body: unknown) => TestClient.scripted([TestClient.json(200, body)])

describe("responses as the real API sends them", () => {
  it.effect("a source with nulls, an unknown kind and language, and no sensitive properties", () => {
    const { layer } = answering(fixture("get-source.response.json"))
    return Effect.gen(function*() {
      const client = yield* ReinferClient
      const { source } = yield* client.getSource({ project: "acme", source: "emails" })
      assert.strictEqual(source._kind, "ixp_runtime_v2")
      assert.strictEqual(source.language, "fr")
      assert.deepStrictEqual(source.sensitive_properties, [], "absent reads as empty")
      assert.isFalse("bucket_id" in source, "null reads as absent")
      assert.isFalse("email_transform_tag" in source)
      assert.strictEqual(source.updated_at, "2024-05-01T09:00:00", "a naive response timestamp decodes unchanged")
    }).pipe(Effect.provide(layer))
  })

  it.effect("a dataset without the collections the documentation leaves out, of an unknown model kind", () => {
    const { layer } = answering(fixture("get-dataset.response.json"))
    return Effect.gen(function*() {
      const client = yield* ReinferClient
      const { dataset } = yield* client.getDataset({ project: "acme", dataset: "support" })
      assert.deepStrictEqual(dataset.entity_defs, [])
      assert.deepStrictEqual(dataset.label_defs, [])
      assert.deepStrictEqual(dataset.general_fields, [])
      assert.deepStrictEqual(dataset.label_groups, [{ name: "default", label_defs: [] }])
      assert.strictEqual(dataset.model_family, "transformer-xlm-2")
      assert.deepStrictEqual(dataset._dataset_flags, ["gpt4", "long_context"])
      // An unknown union member is recognisable, and nothing it carried is lost.
      assert.deepStrictEqual<unknown>(dataset._model_config, { kind: "agentic_ixp", max_steps: 12 })
      assert.isTrue(Schema.is(Schemas.ModelConfigOther)(dataset._model_config))
      assert.isFalse(Schema.is(Schemas.ModelConfigGptIxp)(dataset._model_config))
    }).pipe(Effect.provide(layer))
  })

  it.effect("a bucket count, an integration access and permissions of kinds the spec does not know", () =>
    Effect.gen(function*() {
      const statistics = yield* ReinferClient.pipe(
        Effect.flatMap((client) => client.getBucketStatistics({ project: "acme", bucket: "inbox" })),
        Effect.provide(answering(fixture("get-bucket-statistics.response.json")).layer)
      )
      assert.deepStrictEqual<unknown>(statistics.statistics.count, { kind: "estimate", value: 4100, confidence: 0.9 })
      const { integration } = yield* ReinferClient.pipe(
        Effect.flatMap((client) => client.getIntegration({ project: "acme", integration: "exchange" })),
        Effect.provide(answering(fixture("get-integration.response.json")).layer)
      )
      assert.deepStrictEqual<unknown>(integration.configuration.connection?.access, {
        kind: "service_principal",
        object_id: "11111111-2222-3333-4444-555555555555"
      })
      assert.isFalse("disabled_reason" in integration)
      assert.deepStrictEqual(Object.keys(integration.configuration.mailboxes[0]!).sort(), [
        "bucket_specification",
        "email",
        "enabled"
      ])
      const { user } = yield* ReinferClient.pipe(
        Effect.flatMap((client) => client.getCurrentUser()),
        Effect.provide(answering(fixture("get-current-user.response.json")).layer)
      )
      assert.deepStrictEqual(user.global_permissions, ["tenant-admin", "tenant-billing-read"])
      assert.deepStrictEqual(user.organisation_permissions["acme"], ["voc", "sources-read", "models-train"])
    }))

  it.effect("annotated comments with nulls everywhere the Rust client allows them", () => {
    const { layer } = answering(fixture("query-dataset.response.json"))
    return Effect.gen(function*() {
      const client = yield* ReinferClient
      const page = yield* client.queryDataset({
        project: "acme",
        dataset: "support",
        body: { filter: {}, order: { kind: "recent" } }
      })
      const [result] = page.results
      assert.deepStrictEqual(result, {
        comment: {
          id: "0123456789abcdef",
          uid: "18ba5ce699f8da1f.0123456789abcdef",
          timestamp: "2024-05-01T09:00:00Z",
          created_at: "2024-05-01T09:00:05Z",
          messages: [{ body: { text: "Where is my refund?" }, from: "alice@example.com" }],
          user_properties: {},
          attachments: []
        },
        labelling: [{
          group: "default",
          assigned: [],
          dismissed: [],
          predicted: [{ name: ["Refund"], probability: 0.93 }]
        }],
        moon_forms: [{ group: "default", assigned: [], dismissed: [] }]
      })
    }).pipe(Effect.provide(layer))
  })

  it("agrees with a generic JSON Schema validator given the spec: every fixture is valid against it", () => {
    const spec = YAML.parse(fs.readFileSync(`${ROOT}openapi/reinfer.yaml`, "utf8")) as Record<string, unknown>
    // OpenAPI's own keywords (discriminator, example, x-…) are not JSON Schema's: strict mode would refuse them.
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    ajv.addSchema(spec, "spec")
    const valid = (component: string, value: unknown) => {
      const validate = ajv.getSchema(`spec#/components/schemas/${component}`)!
      return validate(value) ? "valid" : JSON.stringify(validate.errors)
    }
    assert.strictEqual(valid("GetSourceResponse", fixture("get-source.response.json")), "valid")
    assert.strictEqual(valid("GetDatasetResponse", fixture("get-dataset.response.json")), "valid")
    assert.strictEqual(valid("GetBucketStatisticsResponse", fixture("get-bucket-statistics.response.json")), "valid")
    assert.strictEqual(valid("QueryDatasetResponse", fixture("query-dataset.response.json")), "valid")
    assert.strictEqual(valid("GetIntegrationResponse", fixture("get-integration.response.json")), "valid")
    assert.strictEqual(valid("GetCurrentUserResponse", fixture("get-current-user.response.json")), "valid")
    assert.strictEqual(valid("GetDatasetStatisticsRequest", fixture("get-dataset-statistics.request.json")), "valid")
    assert.strictEqual(valid("UpdateDatasetRequest", fixture("update-dataset.request.json")), "valid")
    // The validator is not simply accepting everything: a closed request enum still refuses an unknown value,
    // and a known kind with a wrong shape is not taken for an unknown one.
    assert.notStrictEqual(valid("NewBucket", { bucket_type: "letters" }), "valid")
    assert.notStrictEqual(valid("BucketCount", { kind: "exact" }), "valid")
  })

  it("accepts the requests the Rust client sends", () => {
    for (const [operationId, file] of [
      ["getDatasetStatistics", "get-dataset-statistics.request.json"],
      ["updateDataset", "update-dataset.request.json"]
    ] as const) {
      const schema = operations[operationId].requestBody as Schema.Codec<unknown, unknown>
      const result = Schema.encodeUnknownExit(schema)(fixture(file), { onExcessProperty: "error" })
      assert.isTrue(Exit.isSuccess(result), `${operationId}: ${String(result)}`)
    }
  })
})

describe("the escape hatch and unknown fields", () => {
  it.effect("raw returns the payload undecoded when the schema refuses it, with the same call machinery", () => {
    const payload = { status: "ok" as const, dataset: { id: 42, name: "support" } }
    const { layer } = answering(payload)
    return Effect.gen(function*() {
      const client = yield* ReinferClient
      const decoded = yield* Effect.flip(client.getDataset({ project: "acme", dataset: "support" }))
      assert.strictEqual(decoded._tag, "ReinferDecodeError")
      const raw = yield* client.raw.getDataset({ project: "acme", dataset: "support" })
      assert.deepStrictEqual(raw.data, payload)
      assert.strictEqual(raw.status, 200)
      // The input is still checked before anything is sent.
      const invalid = yield* Effect.flip(client.raw.getDataset({ project: "acme", dataset: "" }))
      assert.strictEqual(invalid._tag, "ReinferRequestError")
    }).pipe(Effect.provide(layer))
  })

  it.effect("unknownFields reads what the spec does not declare, and only that", () => {
    const { layer } = answering(fixture("get-dataset.response.json"))
    return Effect.gen(function*() {
      const client = yield* ReinferClient
      const { dataset } = yield* client.getDataset({ project: "acme", dataset: "support" })
      assert.deepStrictEqual(unknownFields(Schemas.Dataset, dataset), {})
      assert.deepStrictEqual(unknownFields(Schemas.ModelConfigOther, dataset._model_config as never), { max_steps: 12 })
    }).pipe(Effect.provide(layer))
  })
})

describe("request timestamps", () => {
  const comment = (timestamp: unknown) => ({ id: "1", timestamp, messages: [{ body: { text: "Hi" } }] })

  it.effect("a Date or any ISO 8601 form is sent as RFC 3339 in UTC; garbage fails before anything is sent", () => {
    const { layer, sent } = answering({ status: "ok", new: 1, updated: 0, unchanged: 0 })
    return Effect.gen(function*() {
      const client = yield* ReinferClient
      const sync = (timestamp: unknown) =>
        client.syncComments({ project: "acme", source: "emails", body: { comments: [comment(timestamp) as never] } })
      yield* sync(new Date(Date.UTC(2024, 4, 1, 9, 0, 0, 250)))
      yield* sync("2024-05-01T11:00:00+02:00")
      yield* sync("2024-05-01T09:00:00.123456")
      const timestamps = sent.map((request) => JSON.parse(request.body).comments[0].timestamp)
      assert.deepStrictEqual(timestamps, ["2024-05-01T09:00:00.250Z", "2024-05-01T09:00:00Z", "2024-05-01T09:00:00.123456Z"])
      for (const garbage of ["yesterday", "May 1, 2024", "2024-02-30T09:00:00Z", new Date(Number.NaN), 1714554000]) {
        const error = yield* Effect.flip(sync(garbage))
        assert.strictEqual(error._tag, "ReinferRequestError")
        if (error._tag === "ReinferRequestError") {
          assert.strictEqual(error.field, "body.comments[0].timestamp")
          assert.include(error.issue, "2024-05-01T09:00:00Z", "the message shows a valid form")
        }
      }
      assert.strictEqual(sent.length, 3, "nothing was sent for the bad timestamps")
    }).pipe(Effect.provide(layer))
  })

  it.effect("bulk sync reports a bad timestamp without a request and sends the rest", () => {
    const { layer, sent } = answering({ status: "ok", new: 2, updated: 0, unchanged: 0 })
    return Effect.gen(function*() {
      const result = yield* BulkSync.syncCommentsBulk({
        project: "acme",
        source: "emails",
        comments: [comment("2024-05-01T09:00:00Z"), { ...comment("yesterday"), id: "2" }, { ...comment("2024-05-01T09:00:00"), id: "3" }] as never
      })
      assert.deepStrictEqual(result.failed.map((failure) => [failure.id, failure.index]), [["2", 1]])
      const failure = result.failed[0]?.error
      assert.strictEqual(failure?._tag === "ReinferRequestError" ? failure.field : undefined, "comments[1].timestamp")
      assert.strictEqual(sent.length, 1)
      assert.deepStrictEqual(JSON.parse(sent[0]!.body).comments.map((sentComment: { timestamp: string }) => sentComment.timestamp), [
        "2024-05-01T09:00:00Z",
        "2024-05-01T09:00:00Z"
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the sandbox holds requests to the same rule, so it is never more lenient than Re:infer", () =>
    Effect.gen(function*() {
      const sandbox = yield* Effect.acquireRelease(
        Effect.promise(() => Sandbox.startSandbox({ host: "127.0.0.1", port: 0, projects: ["acme"] })),
        (running) => Effect.promise(() => running.stop())
      )
      const call = (path: string, method: string, body: unknown) =>
        Effect.promise(() =>
          fetch(`${sandbox.url}${path}`, {
            method,
            headers: { authorization: `Bearer ${Sandbox.DEFAULT_TOKEN}`, "content-type": "application/json" },
            body: JSON.stringify(body)
          }).then(async (response) => ({ status: response.status, body: await response.json() as { message?: string } }))
        )
      yield* call("/api/v1/sources/acme/emails", "PUT", { source: {} })
      const sync = (timestamp: string) => call("/api/v1/sources/acme/emails/sync", "POST", { comments: [comment(timestamp)] })
      for (const accepted of ["2024-05-01T09:00:00Z", "2024-05-01T11:00:00+02:00", "2024-05-01T09:00:00"]) {
        assert.strictEqual((yield* sync(accepted)).status, 200, accepted)
      }
      for (const refused of ["May 1, 2024", "2024-05-01", "yesterday", "2024-13-01T00:00:00Z"]) {
        const answer = yield* sync(refused)
        assert.strictEqual(answer.status, 400, refused)
        assert.include(answer.body.message ?? "", "timestamp")
      }
    }).pipe(Effect.scoped))
})
