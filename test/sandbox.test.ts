import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schema } from "effect"
import { HttpBody, HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll } from "vitest"
import { operations, type OperationId } from "../generated/operations.ts"
import { ErrorResponse } from "../generated/schemas/index.ts"
import { makeFaultController } from "../src/sandbox/faults.ts"
import { makeRequestHandler } from "../src/sandbox/handler.ts"
import * as Sandbox from "../src/sandbox/index.ts"

const TOKEN = "test-token"

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: unknown
}

/** Every response the HTTP tests saw, to check the headers every response must carry. */
const seen: Array<{ readonly label: string; readonly headers: Headers }> = []

const request = async (
  baseUrl: string,
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly token?: string | null; readonly rawBody?: string } = {}
): Promise<Answer> => {
  const headers: Record<string, string> = {}
  if (options.token !== null) headers["authorization"] = `Bearer ${options.token ?? TOKEN}`
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  if (body !== undefined) headers["content-type"] = "application/json"
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  const text = await response.text()
  let json: unknown = undefined
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  seen.push({ label: `${method} ${path} -> ${response.status}`, headers: response.headers })
  return { status: response.status, headers: response.headers, text, json }
}

/** Decodes a success body with the operation's generated response schema (fails the test if it does not fit). */
const decodeOk = <Id extends OperationId>(operationId: Id, answer: Answer): Record<string, any> => {
  assert.strictEqual(answer.status, 200, `${operationId}: ${answer.text}`)
  const schema = operations[operationId].response as unknown as Schema.Codec<unknown, unknown>
  return Schema.decodeUnknownSync(schema)(answer.json) as Record<string, any>
}

/** Decodes an error body with the spec's ErrorResponse and returns its message. */
const errorMessage = (answer: Answer, status: number): string => {
  assert.strictEqual(answer.status, status, answer.text)
  const decoded = Schema.decodeUnknownSync(ErrorResponse)(answer.json)
  assert.strictEqual(decoded.status, "error")
  return decoded.message ?? ""
}

const comment = (id: string, timestamp: string, text: string) => ({
  id,
  timestamp,
  messages: [{ body: { text }, subject: { text: "Question" }, from: "alice@company.com", to: ["support@acme.com"] }],
  user_properties: { "string:Country": id === "c3" ? "de" : "uk" }
})

describe("Sandbox over HTTP", () => {
  let running: Sandbox.RunningSandbox
  const call = (method: string, path: string, options?: Parameters<typeof request>[3]) =>
    request(running.url, method, path, options)

  beforeAll(async () => {
    running = await Sandbox.startSandbox({ token: TOKEN })
  })
  afterAll(async () => {
    await running.stop()
  })

  it("listens on loopback", () => {
    assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it("answers 401 without a token or with a wrong one", async () => {
    assert.include(errorMessage(await call("GET", "/auth/user", { token: null }), 401), "401")
    const wrong = await call("GET", "/auth/user", { token: "nope" })
    errorMessage(wrong, 401)
    assert.strictEqual(wrong.headers.get("www-authenticate"), "Bearer")
  })

  it("answers the platform's 404 envelope for an unknown route", async () => {
    const answer = await call("GET", "/api/v1/nonexistent_page")
    assert.strictEqual(answer.status, 404)
    assert.deepStrictEqual(answer.json, { status: "error", message: "404 Not Found" })
  })

  it("answers 501 with a reason for a known operation it does not implement", async () => {
    const message = errorMessage(await call("GET", "/api/v1/datasets/acme/support/model-tags"), 501)
    assert.include(message, "getModelTags")
    assert.include(message, "not implemented")
  })

  it("answers 405 for a known path with another method", async () => {
    const answer = await call("PATCH", "/auth/user")
    errorMessage(answer, 405)
    assert.strictEqual(answer.headers.get("allow"), "GET")
  })

  it("answers 400 naming the field for a body that does not match the spec", async () => {
    await call("PUT", "/api/_private/projects/validation", { body: { project: {}, user_ids: [] } })
    await call("PUT", "/api/v1/sources/validation/inbox", { body: { source: {} } })
    const wrongType = await call("POST", "/api/v1/sources/validation/inbox/sync", {
      body: { comments: [{ id: 7, timestamp: "2024-01-01T00:00:00Z", messages: [] }] }
    })
    assert.include(errorMessage(wrongType, 400), `["comments"][0]["id"]`)
    const excess = await call("POST", "/api/v1/sources/validation/inbox/sync", {
      body: { comments: [{ id: "a", timestamp: "2024-01-01T00:00:00Z", messages: [], colour: "red" }] }
    })
    assert.include(errorMessage(excess, 400), `["comments"][0]["colour"]`)
    const notJson = await call("POST", "/api/v1/sources/validation/inbox/sync", { rawBody: "{" })
    assert.include(errorMessage(notJson, 400), "JSON")
  })

  it("answers 400 naming the query parameter", async () => {
    const badLimit = await call("GET", "/api/_private/sources/validation/inbox/comments?limit=abc")
    assert.include(errorMessage(badLimit, 400), `["limit"]`)
    const unknown = await call("GET", "/api/_private/sources/validation/inbox/comments?colour=red")
    assert.include(errorMessage(unknown, 400), `["colour"]`)
  })

  it("runs the core workflow, every response valid against the spec", async () => {
    // Project, source, dataset.
    decodeOk("createProject", await call("PUT", "/api/_private/projects/acme", { body: { project: { title: "ACME" }, user_ids: [] } }))
    const project = decodeOk("getProject", await call("GET", "/api/_private/projects/acme"))
    assert.strictEqual(project.project.title, "ACME")
    const source = decodeOk("createSource", await call("PUT", "/api/v1/sources/acme/inbox", { body: { source: { title: "Inbox" } } }))
    const sourceId: string = source.source.id
    assert.match(sourceId, /^[0-9a-f]{16}$/)
    decodeOk("getSourceById", await call("GET", `/api/v1/sources/id:${sourceId}`))
    decodeOk("getSource", await call("GET", "/api/v1/sources/acme%2Finbox"))
    assert.lengthOf(decodeOk("listProjectSources", await call("GET", "/api/v1/sources/acme")).sources, 1)
    decodeOk("listSources", await call("GET", "/api/v1/sources"))
    assert.strictEqual(
      errorMessage(await call("PUT", "/api/v1/sources/acme/inbox", { body: { source: {} } }), 409),
      "Source 'acme/inbox' already exists"
    )
    const dataset = decodeOk("createDataset", await call("PUT", "/api/v1/datasets/acme/support", {
      body: { dataset: { source_ids: [sourceId], title: "Support", label_defs: [{ name: "Order > Refund" }, { name: "Delivery" }] } }
    }))
    assert.deepStrictEqual(dataset.dataset.source_ids, [sourceId])
    decodeOk("updateLabelDefs", await call("PUT", "/api/_private/datasets/acme/support/labels/default", {
      body: { label_defs: [{ name: "Complaint", title: "Unhappy customer" }] }
    }))
    const withLabels = decodeOk("getDataset", await call("GET", "/api/v1/datasets/acme/support"))
    assert.deepStrictEqual(withLabels.dataset.label_defs.map((labelDef: { name: string }) => labelDef.name), [
      "Order > Refund",
      "Delivery",
      "Complaint"
    ])

    // Sync twice: the second time with one change and one new comment.
    const batch = [
      comment("c1", "2024-01-01T09:00:00Z", "Please refund my order"),
      comment("c2", "2024-01-02T09:00:00Z", "Where is my delivery?"),
      comment("c3", "2024-01-03T09:00:00Z", "Thanks, all good")
    ]
    const first = decodeOk("syncComments", await call("POST", "/api/v1/sources/acme/inbox/sync", { body: { comments: batch } }))
    assert.deepStrictEqual([first.new, first.updated, first.unchanged], [3, 0, 0])
    const second = decodeOk("syncComments", await call("POST", "/api/v1/sources/acme/inbox/sync?no_charge=true", {
      body: { comments: [batch[0], comment("c2", "2024-01-02T09:00:00Z", "Where is my parcel?"), batch[2], comment("c4", "2024-01-04T09:00:00Z", "Refund?")] }
    }))
    assert.deepStrictEqual([second.new, second.updated, second.unchanged], [1, 1, 2])

    // Iterate with continuation.
    const ids: Array<string> = []
    let after: string | undefined
    let pages = 0
    do {
      const query = `limit=3${after === undefined ? "&from_timestamp=2024-01-01T00:00:00Z" : `&after=${encodeURIComponent(after)}`}`
      const page = decodeOk("listComments", await call("GET", `/api/_private/sources/acme/inbox/comments?${query}`))
      ids.push(...page.comments.map((item: { id: string }) => item.id))
      after = page.continuation ?? undefined
      pages++
    } while (after !== undefined)
    assert.deepStrictEqual(ids, ["c1", "c2", "c3", "c4"])
    assert.strictEqual(pages, 2)
    const single = decodeOk("getComment", await call("GET", "/api/v1/sources/acme/inbox/comments/c2"))
    assert.strictEqual(single.comment.uid, `${sourceId}.c2`)
    assert.strictEqual(single.comment.messages[0].body.text, "Where is my parcel?")

    // Streams: create, list, fetch (same batch until advanced), advance, reset, results, exceptions.
    decodeOk("createStream", await call("PUT", "/api/v1/datasets/acme/support/streams", {
      body: { stream: { name: "orders", title: "Orders", model: { version: 1, label_thresholds: [{ name: ["Order", "Refund"], threshold: 0.5 }] } } }
    }))
    assert.lengthOf(decodeOk("listStreams", await call("GET", "/api/v1/datasets/acme/support/streams")).streams, 1)
    decodeOk("getStream", await call("GET", "/api/v1/datasets/acme/support/streams/orders"))
    const fetchBody = { body: { size: 2 } }
    const batchOne = decodeOk("fetchStream", await call("POST", "/api/v1/datasets/acme/support/streams/orders/fetch", fetchBody))
    const batchAgain = decodeOk("fetchStream", await call("POST", "/api/v1/datasets/acme/support/streams/orders/fetch", fetchBody))
    assert.deepStrictEqual(batchAgain, batchOne)
    assert.deepStrictEqual(batchOne.results.map((result: { comment: { id: string } }) => result.comment.id), ["c1", "c2"])
    assert.deepStrictEqual(batchOne.results[0].labels.map((label: { name: Array<string> }) => label.name), [["Order", "Refund"]])
    assert.deepStrictEqual(batchOne.results[1].labels, [])
    decodeOk("advanceStream", await call("POST", "/api/v1/datasets/acme/support/streams/orders/advance", {
      body: { sequence_id: batchOne.sequence_id }
    }))
    const batchTwo = decodeOk("fetchStream", await call("POST", "/api/v1/datasets/acme/support/streams/orders/fetch", fetchBody))
    assert.deepStrictEqual(batchTwo.results.map((result: { comment: { id: string } }) => result.comment.id), ["c3", "c4"])
    assert.isTrue(batchTwo.is_end_sequence)
    const reset = decodeOk("resetStream", await call("POST", "/api/v1/datasets/acme/support/streams/orders/reset", {
      body: { to_comment_created_at: "2000-01-01T00:00:00Z" }
    }))
    assert.isString(reset.sequence_id)
    const results = decodeOk("getStreamResults", await call("GET", "/api/v1/datasets/acme/support/streams/orders/results?max_results=1"))
    assert.strictEqual(results.results[0].comment.id, "c1")
    decodeOk("advanceStream", await call("POST", "/api/v1/datasets/acme/support/streams/orders/advance", {
      body: { sequence_id: results.results[0].continuation }
    }))
    const afterResult = decodeOk("getStreamResults", await call("GET", "/api/v1/datasets/acme/support/streams/orders/results"))
    assert.strictEqual(afterResult.results[0].comment.id, "c2")
    const badAdvance = await call("POST", "/api/v1/datasets/acme/support/streams/orders/advance", { body: { sequence_id: "nope" } })
    assert.include(errorMessage(badAdvance, 400), "sequence")
    decodeOk("tagStreamExceptions", await call("PUT", "/api/v1/datasets/acme/support/streams/orders/exceptions", {
      body: { exceptions: [{ uid: `${sourceId}.c2`, metadata: { type: "Wrong Prediction" } }] }
    }))
    decodeOk("untagStreamExceptions", await call(
      "DELETE",
      `/api/v1/datasets/acme/support/streams/orders/exceptions?uid=${sourceId}.c2&uid=${sourceId}.c3`
    ))

    // Predictions for stored comments.
    const predictions = decodeOk("predictComments", await call("POST", "/api/v1/datasets/acme/support/labellers/1/predict-comments", {
      body: { uids: [`${sourceId}.c1`], threshold: "auto" }
    }))
    assert.deepStrictEqual(predictions.predictions[0].labels[0].name, ["Order", "Refund"])

    // Buckets, e-mails and raw-email sync.
    const bucket = decodeOk("createBucket", await call("PUT", "/api/_private/buckets/acme/mail", {
      body: { bucket: { bucket_type: "emails", title: "Mail" } }
    }))
    decodeOk("getBucketById", await call("GET", `/api/_private/buckets/id:${bucket.bucket.id}`))
    decodeOk("addEmails", await call("PUT", "/api/_private/buckets/acme/mail/emails", {
      body: {
        emails: [
          { id: "m1", mailbox: "support@acme.com", timestamp: "2024-01-01T00:00:00Z", mime_content: "Subject: hi\n\nhello" },
          { id: "m2", mailbox: "support@acme.com", timestamp: "2024-01-02T00:00:00Z", mime_content: "Subject: again\n\nhello" }
        ]
      }
    }))
    const statistics = decodeOk("getBucketStatistics", await call("GET", "/api/_private/buckets/acme/mail/statistics"))
    assert.deepStrictEqual(statistics.statistics.count, { kind: "exact", value: 2 })
    const emails = decodeOk("listEmails", await call("POST", "/api/_private/buckets/acme/mail/emails", { body: { limit: 1 } }))
    assert.strictEqual(emails.emails[0].id, "m1")
    const moreEmails = decodeOk("listEmails", await call("POST", "/api/_private/buckets/acme/mail/emails", {
      body: { limit: 1, continuation: emails.continuation }
    }))
    assert.strictEqual(moreEmails.emails[0].id, "m2")
    decodeOk("getEmails", await call("GET", "/api/_private/buckets/acme/mail/emails?id=m2"))
    decodeOk("updateSource", await call("POST", "/api/v1/sources/acme/inbox", { body: { source: { bucket_id: bucket.bucket.id } } }))
    const rawEmail = {
      raw_email: {
        headers: { raw: "Subject: Refund\nFrom: carol@client.com\nTo: support@acme.com\nMessage-ID: <r1@client.com>" },
        body: { plain: "I would like a refund for order 12345" },
        attachments: []
      },
      user_properties: {}
    }
    const rawSync = decodeOk("syncRawEmails", await call("POST", "/api/v1/sources/acme/inbox/sync-raw-emails", {
      body: { documents: [rawEmail], transform_tag: "generic.0.CONVKER5", include_comments: true }
    }))
    assert.deepStrictEqual([rawSync.new, rawSync.updated, rawSync.unchanged], [1, 0, 0])
    assert.strictEqual(rawSync.comments[0].id, "r1@client.com")
    const rawAgain = decodeOk("syncRawEmails", await call("POST", "/api/v1/sources/acme/inbox/sync-raw-emails", {
      body: { documents: [rawEmail], transform_tag: "generic.0.CONVKER5", include_comments: false }
    }))
    assert.deepStrictEqual([rawAgain.new, rawAgain.updated, rawAgain.unchanged], [0, 0, 1])

    // Deletion, audit events, current user.
    decodeOk("deleteComments", await call("DELETE", "/api/v1/sources/acme/inbox/comments?id=c4"))
    errorMessage(await call("GET", "/api/v1/sources/acme/inbox/comments/c4"), 404)
    const audit = decodeOk("queryAuditEvents", await call("POST", "/api/v1/audit_events/query", {
      body: { filter: { timestamp: { minimum: "2000-01-01T00:00:00Z" } } }
    }))
    const eventTypes: Array<string> = audit.audit_events.map((event: { event_type: string }) => event.event_type)
    assert.includeMembers(eventTypes, ["project_created", "source_created", "dataset_created", "comments_synced", "stream_advanced"])
    assert.isTrue(audit.projects.some((entry: { name: string }) => entry.name === "acme"))
    const user = decodeOk("getCurrentUser", await call("GET", "/auth/user"))
    assert.includeMembers(user.user.organisation_permissions.acme, ["sources-add-comments", "streams-consume"])
  })

  it("sends Server-Timing on every response", () => {
    assert.isAbove(seen.length, 40)
    for (const { headers, label } of seen) {
      assert.match(headers.get("server-timing") ?? "", /^total;dur=\d+(\.\d+)?$/, label)
    }
  })
})

describe("Sandbox beyond the core workflow", () => {
  let running: Sandbox.RunningSandbox
  const call = (method: string, path: string, options?: Parameters<typeof request>[3]) =>
    request(running.url, method, path, options)

  beforeAll(async () => {
    running = await Sandbox.startSandbox({ token: TOKEN, projects: ["acme"] })
  })
  afterAll(async () => {
    await running.stop()
  })

  it("uploads and downloads attachment content and documents (multipart in, binary out)", async () => {
    const source = decodeOk("createSource", await call("PUT", "/api/v1/sources/acme/files", { body: { source: {} } }))
    const sourceId: string = source.source.id
    decodeOk("syncComments", await call("POST", "/api/v1/sources/acme/files/sync", {
      body: {
        comments: [{
          id: "with-file",
          timestamp: "2024-01-01T00:00:00Z",
          messages: [{ body: { text: "see attached" } }],
          attachments: [{ name: "invoice.pdf", size: 5, content_type: "application/pdf" }]
        }]
      }
    }))
    const form = new FormData()
    form.append("file", new Blob([new Uint8Array([1, 2, 3, 4, 5])], { type: "application/pdf" }), "invoice.pdf")
    const uploaded = await fetch(`${running.url}/api/_private/sources/id:${sourceId}/comments/with-file/attachments/0`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: form
    })
    const hash = decodeOk("uploadCommentAttachment", {
      status: uploaded.status,
      headers: uploaded.headers,
      text: "",
      json: await uploaded.json()
    })
    assert.strictEqual(hash.content_hash, "74f81fe167d99b4cb41d6d0ccda82278caee9f3e2f25d5e5a3936ff3dcec60d0")
    const stored = decodeOk("getComment", await call("GET", "/api/v1/sources/acme/files/comments/with-file"))
    const reference: string = stored.comment.attachments[0].attachment_reference
    const download = await fetch(`${running.url}/api/v1/attachments/${reference}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    assert.strictEqual(download.status, 200)
    assert.strictEqual(download.headers.get("content-type"), "application/pdf")
    assert.match(download.headers.get("server-timing") ?? "", /^total;dur=/)
    assert.deepStrictEqual([...new Uint8Array(await download.arrayBuffer())], [1, 2, 3, 4, 5])
    errorMessage(await call("GET", "/api/v1/attachments/unknown"), 404)

    const missingFile = await fetch(`${running.url}/api/_private/sources/id:${sourceId}/documents`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: new FormData()
    })
    assert.strictEqual(missingFile.status, 400)
    assert.include(((await missingFile.json()) as { message: string }).message, `["file"]`)

    const documentForm = new FormData()
    documentForm.append("file", new Blob(["Dear team, please refund"], { type: "text/plain" }), "letter.txt")
    const documentResponse = await fetch(`${running.url}/api/_private/sources/id:${sourceId}/documents`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: documentForm
    })
    const created = decodeOk("uploadDocument", { status: documentResponse.status, headers: documentResponse.headers, text: "", json: await documentResponse.json() })
    const documentComment = decodeOk("getComment", await call("GET", `/api/v1/sources/acme/files/comments/${created.comment_id}`))
    assert.strictEqual(documentComment.comment.messages[0].body.text, "Dear team, please refund")
    const original = await fetch(`${running.url}/api/_private/sources/id:${sourceId}/documents/${created.comment_id}`, {
      headers: { authorization: `Bearer ${TOKEN}` }
    })
    assert.strictEqual(await original.text(), "Dear team, please refund")
  })

  it("annotates comments and reads them back through labellings, query, summary and statistics", async () => {
    const source = decodeOk("createSource", await call("PUT", "/api/v1/sources/acme/mail", { body: { source: {} } }))
    const sourceId: string = source.source.id
    decodeOk("createDataset", await call("PUT", "/api/v1/datasets/acme/triage", {
      body: { dataset: { source_ids: [sourceId], label_defs: [{ name: "Refund" }, { name: "Delivery" }] } }
    }))
    decodeOk("syncComments", await call("POST", "/api/v1/sources/acme/mail/sync", {
      body: {
        comments: [
          comment("c1", "2024-01-01T09:00:00Z", "refund me"),
          comment("c2", "2024-01-02T09:00:00Z", "delivery late"),
          comment("c3", "2024-01-03T09:00:00Z", "hello")
        ]
      }
    }))
    const labelled = decodeOk("updateLabelling", await call("POST", `/api/_private/datasets/acme/triage/labellings/${sourceId}.c1`, {
      body: { labelling: [{ group: "default", assigned: [{ name: "Refund", sentiment: "negative" }] }] }
    }))
    assert.isTrue(labelled.comment.has_annotations)
    const byUid = decodeOk("getLabellings", await call("GET", `/api/_private/datasets/acme/triage/labellings?id=${sourceId}.c1`))
    assert.strictEqual(byUid.results[0].labelling[0].assigned[0].name, "Refund")
    const iterated = decodeOk("getLabellings", await call(
      "GET",
      `/api/_private/datasets/acme/triage/labellings?source_id=${sourceId}&return_predictions=true&limit=10`
    ))
    assert.lengthOf(iterated.results, 1)
    const end = decodeOk("getLabellings", await call(
      "GET",
      `/api/_private/datasets/acme/triage/labellings?source_id=${sourceId}&after=${encodeURIComponent(iterated.after)}`
    ))
    assert.lengthOf(end.results, 0)
    const query = decodeOk("queryDataset", await call("POST", "/api/_private/datasets/acme/triage/query", {
      body: { filter: { reviewed: "only_unreviewed" }, order: { kind: "by_label", label: "Delivery" }, limit: 1 }
    }))
    assert.strictEqual(query.results[0].comment.id, "c2")
    assert.isString(query.continuation)
    decodeOk("queryRecentComments", await call("POST", "/api/_private/datasets/acme/triage/recent", { body: { limit: 2, filter: {} } }))
    const summary = decodeOk("getDatasetSummary", await call("POST", "/api/_private/datasets/acme/triage/summary", { body: { filter: {} } }))
    assert.deepStrictEqual(summary.summary.user_properties.string, [{ full_name: "string:Country", values: [{ value: "de" }, { value: "uk" }] }])
    const statistics = decodeOk("getDatasetStatistics", await call("POST", "/api/_private/datasets/acme/triage/statistics", {
      body: { comment_filter: {}, label_property_timeseries: false, label_timeseries: false }
    }))
    assert.deepStrictEqual(statistics.statistics, {
      num_comments: 3,
      label_counts: { Refund: { positive: 0, negative: 1 } },
      label_timeseries: []
    })
    decodeOk("listLabellers", await call("POST", "/api/_private/datasets/acme/triage/labellers", { body: {} }))
    const validation = decodeOk("getLatestValidation", await call("GET", "/api/_private/datasets/acme/triage/labellers/latest/validation"))
    assert.strictEqual(validation.validation.reviewed_size, 1)
    decodeOk("getLabelValidation", await call("POST", "/api/_private/datasets/acme/triage/labellers/1/label-validation", {
      body: { label: "Refund" }
    }))
    const predicted = decodeOk("predict", await call("POST", "/api/v1/datasets/acme/triage/labellers/1/predict", {
      body: { documents: [{ messages: [{ body: { text: "my delivery never came" } }] }], threshold: 0.5 }
    }))
    assert.deepStrictEqual(predicted.predictions[0].labels.map((label: { name: Array<string> }) => label.name), [["Delivery"]])
  })

  it("manages users, quotas, integrations and IXP datasets", async () => {
    const user = decodeOk("createUser", await call("PUT", "/api/_private/users", {
      body: { user: { username: "bob", email: "bob@acme.com", global_permissions: [], organisation_permissions: {} } }
    }))
    decodeOk("updateUser", await call("POST", `/api/_private/users/${user.user.id}`, {
      body: { user: { organisation_permissions: { acme: ["sources-read"] } } }
    }))
    assert.lengthOf(decodeOk("listUsersPrivate", await call("GET", "/api/_private/users")).users, 2)
    decodeOk("sendWelcomeEmail", await call("POST", `/api/_private/users/${user.user.id}/welcome-email`, { body: {} }))
    decodeOk("deleteUser", await call("DELETE", `/api/_private/users/${user.user.id}`))
    decodeOk("refreshUserPermissions", await call("POST", "/auth/refresh-user-permissions", { body: {} }))
    decodeOk("setQuota", await call("POST", "/api/_private/quotas/sandbox-tenant/sources", { body: { hard_limit: 5 } }))
    const quotas = decodeOk("listQuotas", await call("GET", "/api/_private/quotas"))
    assert.strictEqual(quotas.quotas.find((quota: { quota_kind: string }) => quota.quota_kind === "sources").hard_limit, 5)
    decodeOk("createIntegration", await call("PUT", "/api/_private/integrations/acme/exchange", {
      body: { integration: { title: "Exchange", configuration: { mailboxes: [] } } }
    }))
    assert.lengthOf(decodeOk("listIntegrations", await call("GET", "/api/_private/integrations")).integrations, 1)
    const ixp = decodeOk("createIxpDataset", await call("PUT", "/api/_private/ixp/datasets", { body: { dataset: { name: "invoices" } } }))
    assert.deepStrictEqual(ixp.dataset._dataset_flags, ["ixp"])
    assert.include(errorMessage(await call("POST", "/api/v1/datasets/acme/triage/export", { body: {} }), 501), "exportDataset")
  })
})

describe("Sandbox routing", () => {
  it.effect("prefers literal and id: segments, and reads %2F as a separator", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ projects: ["acme"] })
      const source = yield* sandbox.store.createSource("acme", "inbox", {})
      const get = (path: string) =>
        Effect.flatMap(
          sandbox.handle({ method: "GET", url: path, headers: { authorization: `Bearer ${sandbox.token}` }, body: "" }),
          (response) => Effect.succeed(response._tag === "Response" ? { status: response.status, body: JSON.parse(String(response.body)) } : undefined)
        )
      assert.strictEqual((yield* get(`/api/v1/sources/id:${source.id}`))?.body.source.name, "inbox")
      assert.lengthOf((yield* get("/api/v1/sources/acme"))?.body.sources, 1)
      assert.strictEqual((yield* get("/api/v1/sources/acme%2Finbox"))?.body.source.id, source.id)
      assert.strictEqual((yield* get("/api/v1/sources/acme/in%62ox"))?.body.source.id, source.id)
      assert.strictEqual((yield* get("/api/_private/datasets/acme/none/labellers/latest/validation"))?.body.message, "Dataset 'acme/none' does not exist")
      assert.include((yield* get("/api/_private/datasets/acme/none/labellers/x/validation"))?.body.message, `["version"]`)
    }))
})

describe("Sandbox layers", () => {
  it.effect("Sandbox.layer serves a fresh sandbox in process", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`${Sandbox.IN_PROCESS_URL}/org/t/reinfer_/auth/user`, {
        headers: { authorization: "Bearer secret" }
      })
      assert.strictEqual(response.status, 200)
      const body = Schema.decodeUnknownSync(operations.getCurrentUser.response)(yield* Effect.orDie(response.json))
      assert.strictEqual(body.user.username, "sandbox-user")
    }).pipe(Effect.provide(Sandbox.layer({ token: "secret", basePath: "/org/t/reinfer_" }))))

  it.live("Sandbox.serve listens until its scope closes", () =>
    Effect.gen(function*() {
      const url = yield* Effect.scoped(
        Effect.gen(function*() {
          const running = yield* Sandbox.serve({ token: TOKEN })
          const answer = yield* Effect.promise(() => request(running.url, "GET", "/auth/user"))
          assert.strictEqual(answer.status, 200)
          return running.url
        })
      )
      const refused = yield* Effect.promise(() => fetch(`${url}/auth/user`).then(() => false, () => true))
      assert.isTrue(refused)
    }))
})

describe("Sandbox handler", () => {
  const user = { method: "GET", url: "/auth/user", headers: { authorization: "Bearer t" }, body: "" }

  it.effect("turns a defect in a route into a 500 envelope instead of crashing", () =>
    Effect.gen(function*() {
      const store = yield* Sandbox.makeStore()
      const handle = makeRequestHandler({
        operations: Sandbox.sandboxOperations,
        routes: { getCurrentUser: () => Effect.die(new Error("boom")) },
        store,
        faults: makeFaultController(),
        token: "t",
        basePath: ""
      })
      const response = yield* handle(user)
      assert.strictEqual(response._tag === "Response" ? response.status : 0, 500)
      assert.include(response._tag === "Response" ? String(response.body) : "", "boom")
    }))

  it.effect("refuses to send a response that does not match the spec", () =>
    Effect.gen(function*() {
      const store = yield* Sandbox.makeStore()
      const handle = makeRequestHandler({
        operations: Sandbox.sandboxOperations,
        routes: { getCurrentUser: () => Effect.succeed({ user: { id: 1 } }) },
        store,
        faults: makeFaultController(),
        token: "t",
        basePath: ""
      })
      const response = yield* handle(user)
      assert.strictEqual(response._tag === "Response" ? response.status : 0, 500)
      assert.include(response._tag === "Response" ? String(response.body) : "", "does not match the spec")
    }))

  it.effect("serves multipart bodies built by an HttpClient in process", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ projects: ["acme"] })
      const source = yield* sandbox.store.createSource("acme", "docs", {})
      const form = new FormData()
      form.append("file", new Blob(["hello"], { type: "text/plain" }), "hello.txt")
      const response = yield* Effect.gen(function*() {
        const client = yield* HttpClient.HttpClient
        return yield* client.put(`${Sandbox.IN_PROCESS_URL}/api/_private/sources/id:${source.id}/documents`, {
          headers: { authorization: `Bearer ${sandbox.token}` },
          body: HttpBody.formData(form)
        })
      }).pipe(Effect.provide(Sandbox.layerFrom(sandbox)))
      assert.strictEqual(response.status, 200)
      const body = (yield* Effect.orDie(response.json)) as { comment_id: string }
      assert.strictEqual((yield* sandbox.store.getComment("acme", "docs", body.comment_id)).messages[0]?.body.text, "hello")
    }))
})

describe("Sandbox base path", () => {
  it("serves the API under a prefix, and 404s outside it", async () => {
    const running = await Sandbox.startSandbox({ token: TOKEN, basePath: "/org/tenant/reinfer_/" })
    try {
      assert.match(running.url, /\/org\/tenant\/reinfer_$/)
      decodeOk("getCurrentUser", await request(running.url, "GET", "/auth/user"))
      const outside = await request(running.url.replace("/org/tenant/reinfer_", ""), "GET", "/auth/user")
      assert.deepStrictEqual(outside.json, { status: "error", message: "404 Not Found" })
    } finally {
      await running.stop()
    }
  })
})

describe("Sandbox faults", () => {
  const inProcess = (sandbox: Sandbox.Sandbox, path: string) =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      return yield* client.get(`${Sandbox.IN_PROCESS_URL}${path}`, { headers: { authorization: `Bearer ${sandbox.token}` } })
    }).pipe(Effect.provide(Sandbox.layerFrom(sandbox)))

  const bodyOf = (response: HttpClientResponse.HttpClientResponse) => Effect.orDie(response.json)

  it.effect("adds latency through Effect.sleep (TestClock) and reports it in Server-Timing", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ faults: { latency: "500 millis" } })
      const fiber = yield* Effect.forkChild(inProcess(sandbox, "/auth/user"))
      yield* TestClock.adjust("499 millis")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      const response = yield* Fiber.join(fiber)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers["server-timing"], "total;dur=500")
    }))

  it.effect("answers 429 with Retry-After for the configured number of requests", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ faults: { rateLimit: { times: 2, retryAfterSeconds: 7 } } })
      const first = yield* inProcess(sandbox, "/auth/user")
      assert.strictEqual(first.status, 429)
      assert.strictEqual(first.headers["retry-after"], "7")
      assert.match(first.headers["server-timing"] ?? "", /^total;dur=/)
      assert.strictEqual(Schema.decodeUnknownSync(ErrorResponse)(yield* bodyOf(first)).status, "error")
      assert.strictEqual((yield* inProcess(sandbox, "/auth/user")).status, 429)
      assert.strictEqual((yield* inProcess(sandbox, "/auth/user")).status, 200)
    }))

  it.effect("answers a 5xx envelope", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ faults: { serverError: { status: 503 } } })
      const response = yield* inProcess(sandbox, "/auth/user")
      assert.strictEqual(response.status, 503)
      assert.strictEqual(Schema.decodeUnknownSync(ErrorResponse)(yield* bodyOf(response)).status, "error")
      sandbox.faults.clear()
      assert.strictEqual((yield* inProcess(sandbox, "/auth/user")).status, 200)
    }))

  it.effect("answers an HTML proxy page that is not a Re:infer envelope", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ faults: { proxyError: { status: 504 } } })
      const response = yield* inProcess(sandbox, "/auth/user")
      assert.strictEqual(response.status, 504)
      assert.match(response.headers["content-type"] ?? "", /^text\/html/)
      assert.include(yield* Effect.orDie(response.text), "<h1>504 Gateway Time-out</h1>")
    }))

  it.effect("drops the connection: a transport error in process", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ faults: { dropConnection: { times: 1 } } })
      const error = yield* Effect.flip(inProcess(sandbox, "/auth/user"))
      assert.strictEqual(error.reason._tag, "TransportError")
      assert.strictEqual((yield* inProcess(sandbox, "/auth/user")).status, 200)
    }))

  it("drops the connection over HTTP", async () => {
    const running = await Sandbox.startSandbox({ token: TOKEN, faults: { dropConnection: { times: 1 } } })
    try {
      let failed = false
      await request(running.url, "GET", "/auth/user").catch(() => {
        failed = true
      })
      assert.isTrue(failed)
      assert.strictEqual((await request(running.url, "GET", "/auth/user")).status, 200)
    } finally {
      await running.stop()
    }
  })

  it.effect("applies a write, then drops the connection: the call took effect, its answer is lost", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ projects: ["acme"], faults: { applyThenDrop: { times: 1 } } })
      const created = yield* Effect.flip(
        Effect.flatMap(HttpClient.HttpClient, (client) =>
          client.execute(
            HttpClientRequest.put(`${Sandbox.IN_PROCESS_URL}/api/v1/sources/acme/inbox`).pipe(
              HttpClientRequest.bearerToken(sandbox.token),
              HttpClientRequest.bodyJsonUnsafe({ source: { title: "Inbox" } })
            )
          )).pipe(Effect.provide(Sandbox.layerFrom(sandbox)))
      )
      assert.strictEqual(created.reason._tag, "TransportError")
      // The source exists although its creator never heard back.
      assert.strictEqual((yield* sandbox.store.getSource("acme", "inbox")).title, "Inbox")
      assert.deepStrictEqual(sandbox.faults.hits(), {
        dropConnection: 0,
        applyThenDrop: 1,
        proxyError: 0,
        rateLimit: 0,
        serverError: 0
      })
      assert.strictEqual((yield* inProcess(sandbox, "/api/v1/sources/acme/inbox")).status, 200)
    }))

  it.effect("limits faults to the listed operations", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ faults: { serverError: {}, operations: ["listSources"] } })
      assert.strictEqual((yield* inProcess(sandbox, "/auth/user")).status, 200)
      assert.strictEqual((yield* inProcess(sandbox, "/api/v1/sources")).status, 500)
    }))

  it.effect("decides fractional rates reproducibly from the seed", () =>
    Effect.gen(function*() {
      const statuses = (seed: number) =>
        Effect.gen(function*() {
          const sandbox = yield* Sandbox.make({ faults: { serverError: { rate: 0.5 }, seed } })
          const result: Array<number> = []
          for (let index = 0; index < 20; index++) result.push((yield* inProcess(sandbox, "/auth/user")).status)
          return result
        })
      const first = yield* statuses(7)
      assert.deepStrictEqual(yield* statuses(7), first)
      assert.include(first, 500)
      assert.include(first, 200)
    }))
})
