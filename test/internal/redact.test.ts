/**
 * Tests of redaction: tokens removed from free text in every form they may take, and URLs printed without user
 * info, fragments or secret-looking query values.
 */
import { assert, describe, it } from "@effect/vitest"
import { Redacted, Result } from "effect"
import * as fc from "fast-check"
import { isSecretName, REDACTED_TEXT, redactBuiltUrl, redactText, redactUrl } from "../../src/internal/redact.ts"
import { compileUrl } from "../../src/internal/url.ts"

const TOKEN = "tok_9f8e7d6c5b4a+/="

describe("Redact", () => {
  describe("redactText", () => {
    it("replaces every occurrence of a plain or Redacted secret", () => {
      const text = `token ${TOKEN} was rejected; ${TOKEN} again`
      for (const secret of [TOKEN, Redacted.make(TOKEN)]) {
        const redacted = redactText(text, [secret])
        assert.strictEqual(redacted, `token ${REDACTED_TEXT} was rejected; ${REDACTED_TEXT} again`)
      }
    })

    it("also replaces the percent-encoded form, as a URL would carry it", () => {
      const redacted = redactText(`GET /x?t=${encodeURIComponent(TOKEN)}`, [TOKEN])
      assert.notInclude(redacted, encodeURIComponent(TOKEN))
      assert.include(redacted, REDACTED_TEXT)
    })

    it("replaces any Bearer credential, even one it was not told about", () => {
      assert.strictEqual(redactText("Authorization: Bearer abc.def-ghi_jkl~1+/="), `Authorization: Bearer ${REDACTED_TEXT}`)
      assert.strictEqual(redactText("header bearer   xyz"), `header bearer   ${REDACTED_TEXT}`)
    })

    it("removes a longer secret whole when it contains a shorter one", () => {
      assert.strictEqual(redactText("abcdef", ["abc", "abcdef"]), REDACTED_TEXT)
    })

    it("ignores empty secrets and leaves other text alone", () => {
      assert.strictEqual(redactText("nothing secret here", ["", Redacted.make("")]), "nothing secret here")
    })
  })

  describe("redactUrl", () => {
    it("drops user name, password and fragment", () => {
      assert.strictEqual(redactUrl("https://alice:hunter2@acme.reinfer.io/api/v1/x#frag"), "https://acme.reinfer.io/api/v1/x")
    })

    it("redacts secret-looking query values and keeps the others", () => {
      assert.strictEqual(
        redactUrl(
          new URL("https://acme.reinfer.io/api?id=a&id=b&limit=10&token=t1&api_key=k&X-Amz-Signature=s&sig=x&apiKey=y&after=c")
        ),
        "https://acme.reinfer.io/api?id=a&id=b&limit=10&token=REDACTED&api_key=REDACTED&X-Amz-Signature=REDACTED&sig=REDACTED&apiKey=REDACTED&after=c"
      )
    })

    it("redacts any query value or path holding a given secret", () => {
      const redacted = redactUrl(`https://acme.reinfer.io/t/${encodeURIComponent(TOKEN)}?q=${encodeURIComponent(TOKEN)}&flag`, [TOKEN])
      assert.notInclude(redacted, encodeURIComponent(TOKEN))
      assert.notInclude(redacted, TOKEN)
      assert.include(redacted, "q=REDACTED&flag")
    })

    it("keeps the port and the scheme", () => {
      assert.strictEqual(redactUrl("http://127.0.0.1:8080/a?b=1"), "http://127.0.0.1:8080/a?b=1")
    })

    it("falls back to text redaction for something that is not a URL, still dropping user info", () => {
      assert.strictEqual(redactUrl("not a url //bob:pw@host", ["pw"]), "not a url //host")
      assert.strictEqual(redactUrl(`/api/v1/x?t=${TOKEN}`, [TOKEN]), `/api/v1/x?t=${REDACTED_TEXT}`)
    })
  })

  describe("isSecretName", () => {
    it("recognises credential-carrying names", () => {
      for (
        const name of [
          "token",
          "access_token",
          "X-Api-Key",
          "apiKey",
          "api-key",
          "client_secret",
          "password",
          "passwd",
          "sig",
          "X-Amz-Signature",
          "authorization",
          "auth",
          "credentials",
          "session",
          "sessionId"
        ]
      ) assert.isTrue(isSecretName(name), name)
    })

    it("leaves Re:infer's ordinary parameters alone", () => {
      for (const name of ["id", "uid", "after", "limit", "force", "no_charge", "include_markup", "from_timestamp"]) {
        assert.isFalse(isSecretName(name), name)
      }
    })
  })

  describe("redactBuiltUrl", () => {
    it("prints every URL the client builds exactly as redactUrl does, parsing only those that may hold a secret", () => {
      const build = compileUrl(new URL("https://cloud.uipath.com/acme/prod/reinfer_"), "/api/v1/sources/{project}")
      const piece = fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), fc.constant(TOKEN), fc.constant("tok'en"))
      const value = fc.tuple(piece, piece).map(([before, after]) => `${before}x${after}`)
      fc.assert(
        fc.property(
          value,
          fc.dictionary(fc.constantFrom("after", "limit", "access_token", "id"), value),
          fc.constantFrom<ReadonlyArray<string | Redacted.Redacted<string>>>([TOKEN], [Redacted.make(TOKEN)], ["tok'en"], [""]),
          (project, query, [secret]) => {
            const href = build({ project }, query)
            if (Result.isFailure(href)) return
            const secretQueryName = Object.keys(query).some(isSecretName)
            assert.strictEqual(redactBuiltUrl(href.success, secret!, secretQueryName), redactUrl(href.success, [secret!]))
          }
        ),
        { numRuns: 1000 }
      )
    })
  })
})
