/**
 * Tests of decodeEnvelope and bodyExcerpt: Re:infer ok and error envelopes, and every kind of response that is
 * not one (proxy HTML, plain text, empty body, JSON without status, contradicting status), never mistaken for
 * a Re:infer error.
 */
import { assert, describe, it } from "@effect/vitest"
import { Redacted, Result } from "effect"
import { bodyExcerpt, decodeEnvelope, EXCERPT_LENGTH, type ReceivedResponse } from "../src/envelope.ts"
import type { UnexpectedResponseReason } from "../src/errors.ts"

const TOKEN = "s3cr3t-token-0123456789abcdef"

const NGINX_502 = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>`

const json = (status: number, body: unknown, contentType = "application/json"): ReceivedResponse => ({
  status,
  contentType,
  body: typeof body === "string" ? body : JSON.stringify(body)
})

const notAnEnvelope = (response: ReceivedResponse): { readonly reason: UnexpectedResponseReason; readonly excerpt: string } => {
  const result = decodeEnvelope(response, [TOKEN])
  if (Result.isSuccess(result)) return assert.fail("expected a failure")
  if (result.failure._tag !== "NotAnEnvelope") return assert.fail(`expected NotAnEnvelope, got ${result.failure._tag}`)
  return result.failure
}

const errorMessage = (response: ReceivedResponse): string | undefined => {
  const result = decodeEnvelope(response, [TOKEN])
  if (Result.isSuccess(result)) return assert.fail("expected a failure")
  if (result.failure._tag !== "ErrorEnvelope") return assert.fail(`expected ErrorEnvelope, got ${result.failure._tag}`)
  return result.failure.message
}

describe("Envelope", () => {
  describe("decodeEnvelope", () => {
    it("succeeds with the whole object of a 2xx ok envelope", () => {
      const body = { status: "ok" as const, sources: [{ id: "18ba5ce699f8da1f" }] }
      const result = decodeEnvelope(json(200, body))
      assert.isTrue(Result.isSuccess(result))
      if (Result.isSuccess(result)) assert.deepStrictEqual(result.success.payload, body)
    })

    it("reads a 204 with no body as a bare ok envelope", () => {
      const result = decodeEnvelope({ status: 204, contentType: undefined, body: "" })
      assert.isTrue(Result.isSuccess(result))
      if (Result.isSuccess(result)) assert.deepStrictEqual(result.success.payload, { status: "ok" })
    })

    it("reads a Re:infer error envelope and its message", () => {
      assert.strictEqual(errorMessage(json(404, { status: "error", message: "404 Not Found" })), "404 Not Found")
      assert.strictEqual(errorMessage(json(503, { status: "error", message: "Try later" }, "text/plain")), "Try later")
    })

    it("tolerates an error envelope without a usable message", () => {
      assert.isUndefined(errorMessage(json(500, { status: "error" })))
      assert.isUndefined(errorMessage(json(500, { status: "error", message: 42 })))
      assert.isUndefined(errorMessage(json(500, { status: "error", message: "  " })))
    })

    it("redacts the token from the server's message", () => {
      const message = errorMessage(json(401, { status: "error", message: `Invalid token ${TOKEN}` }))
      assert.strictEqual(message, "Invalid token <redacted>")
    })

    it("accepts a byte-order mark before the JSON", () => {
      assert.strictEqual(errorMessage(json(400, `\uFEFF{"status":"error","message":"bad"}`)), "bad")
    })

    it("calls a proxy's HTML error page an HTML page, never a Re:infer error", () => {
      const failure = notAnEnvelope({ status: 502, contentType: "text/html", body: NGINX_502 })
      assert.strictEqual(failure.reason, "HtmlPage")
      assert.strictEqual(
        failure.excerpt,
        "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html>"
      )
      // Recognised by its first character even without a content type.
      assert.strictEqual(notAnEnvelope({ status: 504, contentType: undefined, body: "  <!DOCTYPE html><p>x" }).reason, "HtmlPage")
    })

    it("calls plain text and truncated JSON not JSON", () => {
      assert.strictEqual(notAnEnvelope(json(503, "upstream connect error", "text/plain")).reason, "NotJson")
      assert.strictEqual(notAnEnvelope(json(200, `{"status":"ok","sources":[{"id":`)).reason, "NotJson")
    })

    it("calls an empty body an empty body, except for 204", () => {
      assert.strictEqual(notAnEnvelope({ status: 502, contentType: undefined, body: "" }).reason, "EmptyBody")
      assert.strictEqual(notAnEnvelope({ status: 200, contentType: "application/json", body: " \n" }).reason, "EmptyBody")
    })

    it("calls JSON that is not an object, or has no status, what it is", () => {
      assert.strictEqual(notAnEnvelope(json(200, [1, 2])).reason, "NotAnObject")
      assert.strictEqual(notAnEnvelope(json(500, "null")).reason, "NotAnObject")
      assert.strictEqual(notAnEnvelope(json(500, `"oops"`)).reason, "NotAnObject")
      assert.strictEqual(notAnEnvelope(json(502, { error: "Bad Gateway" })).reason, "NoStatusField")
      assert.strictEqual(notAnEnvelope(json(200, { sources: [] })).reason, "NoStatusField")
    })

    it("calls a status other than ok or error unknown", () => {
      assert.strictEqual(notAnEnvelope(json(500, { status: 500, message: "x" })).reason, "UnknownStatus")
      assert.strictEqual(notAnEnvelope(json(200, { status: "OK" })).reason, "UnknownStatus")
    })

    it("refuses a status that contradicts the HTTP code, both ways", () => {
      assert.strictEqual(notAnEnvelope(json(500, { status: "ok" })).reason, "StatusContradictsHttpCode")
      assert.strictEqual(notAnEnvelope(json(302, { status: "ok" })).reason, "StatusContradictsHttpCode")
      assert.strictEqual(notAnEnvelope(json(200, { status: "error", message: "x" })).reason, "StatusContradictsHttpCode")
    })

    it("lets a JSON envelope win over a misleading content type", () => {
      assert.strictEqual(errorMessage(json(404, { status: "error", message: "gone" }, "text/html")), "gone")
    })

    it("redacts the token from the excerpt of a response that is not an envelope", () => {
      const failure = notAnEnvelope(json(502, `proxy refused Authorization: Bearer ${TOKEN}`, "text/plain"))
      assert.notInclude(failure.excerpt, TOKEN)
      assert.include(failure.excerpt, "<redacted>")
    })
  })

  describe("bodyExcerpt", () => {
    it("collapses whitespace and trims", () => {
      assert.strictEqual(bodyExcerpt("  a \n\n\t b  "), "a b")
    })

    it("cuts long bodies to 200 characters, ending with an ellipsis", () => {
      const excerpt = bodyExcerpt("x".repeat(1000))
      assert.strictEqual(excerpt.length, EXCERPT_LENGTH)
      assert.isTrue(excerpt.endsWith("…"))
      assert.strictEqual(bodyExcerpt("y".repeat(200)), "y".repeat(200))
    })

    it("redacts a token that straddles the cut, leaving no part of it", () => {
      for (let start = 170; start < 205; start++) {
        const excerpt = bodyExcerpt(`${"a".repeat(start)}${TOKEN}${"b".repeat(100)}`, [Redacted.make(TOKEN)])
        assert.isAtMost(excerpt.length, EXCERPT_LENGTH)
        // No 8-character piece of the token survives.
        for (let offset = 0; offset + 8 <= TOKEN.length; offset++) {
          assert.notInclude(excerpt, TOKEN.slice(offset, offset + 8), `start ${start}`)
        }
      }
    })

    it("never cuts a surrogate pair in half", () => {
      const excerpt = bodyExcerpt(`${"a".repeat(198)}😀😀😀`)
      assert.isAtMost(excerpt.length, EXCERPT_LENGTH)
      assert.isFalse(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(excerpt))
    })
  })
})
