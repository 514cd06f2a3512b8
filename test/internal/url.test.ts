/**
 * Tests of buildUrl: the base path prefix is kept, each parameter is exactly one encoded segment, hostile names
 * cannot change the route, and query parameters follow Re:infer's conventions (repeated keys).
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import {
  buildUrl,
  buildUrlUnsafe,
  compileUrl,
  InvalidUrlParameter,
  type PathParameterValue,
  type QueryParameterValue,
  templateParameters
} from "../../src/internal/url.ts"

const built = (
  base: string,
  template: string,
  path: Record<string, PathParameterValue | undefined> = {},
  query: Record<string, QueryParameterValue> = {}
): string => buildUrlUnsafe(new URL(base), template, path, query).href

const failure = (
  template: string,
  path: Record<string, PathParameterValue | undefined>,
  query: Record<string, QueryParameterValue> = {}
): InvalidUrlParameter => {
  const result = buildUrl(new URL("https://acme.reinfer.io"), template, path, query)
  if (Result.isSuccess(result)) return assert.fail(`expected a failure, got ${result.success.href}`)
  return result.failure
}

describe("Url", () => {
  describe("base path prefix", () => {
    it("keeps a UiPath prefix, with or without a trailing slash", () => {
      for (const base of ["https://cloud.uipath.com/acme/prod/reinfer_", "https://cloud.uipath.com/acme/prod/reinfer_/"]) {
        assert.strictEqual(
          built(base, "/api/v1/sources/{project}/{source}", { project: "sales", source: "emails" }),
          "https://cloud.uipath.com/acme/prod/reinfer_/api/v1/sources/sales/emails"
        )
      }
    })

    it("joins onto a bare host, with or without a slash", () => {
      for (const base of ["https://acme.reinfer.io", "https://acme.reinfer.io/"]) {
        assert.strictEqual(built(base, "/auth/user"), "https://acme.reinfer.io/auth/user")
      }
    })

    it("keeps the port and drops user info, query and fragment of the base", () => {
      assert.strictEqual(
        built("http://user:secret@127.0.0.1:8080/prefix/?token=x#frag", "/api/v1/datasets"),
        "http://127.0.0.1:8080/prefix/api/v1/datasets"
      )
    })

    it("accepts a template without a leading slash", () => {
      assert.strictEqual(built("https://acme.reinfer.io/p", "api/v1/users"), "https://acme.reinfer.io/p/api/v1/users")
    })

    it("keeps a template's trailing slash", () => {
      assert.strictEqual(
        built("https://acme.reinfer.io", "/api/_private/buckets/id:{bucketId}/keyed-sync-states/", { bucketId: "abc" }),
        "https://acme.reinfer.io/api/_private/buckets/id:abc/keyed-sync-states/"
      )
    })
  })

  describe("path parameters", () => {
    it("fills placeholders inside a segment, such as id:{sourceId}", () => {
      assert.strictEqual(
        built("https://acme.reinfer.io", "/api/v1/sources/id:{sourceId}", { sourceId: "18ba5ce699f8da1f" }),
        "https://acme.reinfer.io/api/v1/sources/id:18ba5ce699f8da1f"
      )
    })

    it("writes numbers and booleans with String", () => {
      assert.strictEqual(
        built("https://acme.reinfer.io", "/a/{index}/{flag}", { index: 0, flag: true }),
        "https://acme.reinfer.io/a/0/true"
      )
    })

    it("encodes each parameter as one whole segment, whatever it holds", () => {
      const hostile = [
        "q3/emails",
        "../../auth/user",
        "a/../b",
        "x?admin=true",
        "x#fragment",
        "100%",
        "%2e%2e",
        "%2F",
        "with space",
        "tab\tand\nnewline",
        "ünïcødé/名前",
        "emoji 😀",
        "...",
        ".hidden",
        "a;b=c",
        "back\\slash",
        "id:123"
      ]
      for (const value of hostile) {
        const url = buildUrlUnsafe(new URL("https://cloud.uipath.com/acme/prod/reinfer_/"), "/api/v1/sources/{project}/{source}/sync", {
          project: value,
          source: "s"
        })
        const segments = url.pathname.split("/")
        assert.strictEqual(segments.length, 10, value)
        assert.deepStrictEqual(segments.slice(0, 7), ["", "acme", "prod", "reinfer_", "api", "v1", "sources"], value)
        assert.strictEqual(decodeURIComponent(segments[7]!), value)
        assert.deepStrictEqual(segments.slice(8), ["s", "sync"], value)
        assert.strictEqual(url.search, "", value)
        assert.strictEqual(url.hash, "", value)
        // A second parse (what fetch does) must not change the route either.
        assert.strictEqual(new URL(url.href).pathname, url.pathname, value)
      }
    })

    it("percent-encodes / ? # % and spaces", () => {
      assert.strictEqual(
        built("https://acme.reinfer.io", "/api/v1/datasets/{project}/{dataset}", { project: "a/b?c#d", dataset: "50% off" }),
        "https://acme.reinfer.io/api/v1/datasets/a%2Fb%3Fc%23d/50%25%20off"
      )
    })

    it("refuses . and .., which URL parsers would remove or collapse even when encoded", () => {
      for (const value of [".", ".."]) {
        const error = failure("/api/v1/datasets/{project}/{dataset}", { project: "acme", dataset: value })
        assert.instanceOf(error, InvalidUrlParameter)
        assert.strictEqual(error.field, "dataset")
        assert.strictEqual(error.issue, `must not be "${value}"`)
      }
      // Why encoding is no way out: the WHATWG parser collapses %2E%2E like "..".
      assert.strictEqual(new URL("https://h/api/v1/datasets/acme/%2E%2E/x").pathname, "/api/v1/datasets/x")
    })

    it("refuses an empty parameter, which would remove a segment and change the route", () => {
      const error = failure("/api/v1/sources/{project}", { project: "" })
      assert.strictEqual(error.field, "project")
      assert.strictEqual(error.issue, "must not be empty")
    })

    it("refuses a missing parameter, naming it", () => {
      const error = failure("/api/v1/sources/{project}/{source}", { project: "acme" })
      assert.strictEqual(error.field, "source")
      assert.strictEqual(error.issue, "is missing")
      assert.strictEqual(error.message, "source: is missing")
    })

    it("refuses non-finite numbers and text that is not valid Unicode", () => {
      assert.strictEqual(failure("/a/{index}", { index: Number.NaN }).field, "index")
      assert.strictEqual(failure("/a/{name}", { name: "\uD800" }).issue, "is not valid Unicode text")
    })

    it("ignores parameters the template does not mention", () => {
      assert.strictEqual(built("https://acme.reinfer.io", "/api/v1/users", { project: "unused" }), "https://acme.reinfer.io/api/v1/users")
    })

    it("throws the InvalidUrlParameter from buildUrlUnsafe", () => {
      assert.throws(() => buildUrlUnsafe(new URL("https://acme.reinfer.io"), "/a/{b}", { b: ".." }), /must not be/)
    })
  })

  describe("query parameters", () => {
    it("writes arrays as repeated keys, in order", () => {
      assert.strictEqual(
        built("https://acme.reinfer.io", "/api/v1/sources/{project}/{source}/comments", { project: "p", source: "s" }, {
          id: ["a", "b", "c"]
        }),
        "https://acme.reinfer.io/api/v1/sources/p/s/comments?id=a&id=b&id=c"
      )
    })

    it("leaves out undefined and null values and empty arrays", () => {
      assert.strictEqual(
        built("https://acme.reinfer.io", "/x", {}, { after: undefined, limit: 10, before: null, id: [] }),
        "https://acme.reinfer.io/x?limit=10"
      )
      assert.strictEqual(built("https://acme.reinfer.io", "/x", {}, { after: undefined }), "https://acme.reinfer.io/x")
    })

    it("writes booleans, numbers and bigints with String", () => {
      assert.strictEqual(
        built("https://acme.reinfer.io", "/x", {}, { force: true, no_charge: false, limit: 64, big: 10n }),
        "https://acme.reinfer.io/x?force=true&no_charge=false&limit=64&big=10"
      )
    })

    it("percent-encodes keys and values so they cannot add parameters", () => {
      const url = buildUrlUnsafe(new URL("https://acme.reinfer.io"), "/x", {}, {
        after: "a&limit=1#x",
        "odd key": "1 + 1 = 2"
      })
      assert.strictEqual(url.search, "?after=a%26limit%3D1%23x&odd%20key=1%20%2B%201%20%3D%202")
      assert.deepStrictEqual([...url.searchParams.entries()], [["after", "a&limit=1#x"], ["odd key", "1 + 1 = 2"]])
    })
  })

  it("lists a template's placeholders", () => {
    assert.deepStrictEqual(templateParameters("/api/v1/sources/id:{sourceId}/comments/{commentId}"), ["sourceId", "commentId"])
    assert.deepStrictEqual(templateParameters("/auth/user"), [])
  })

  it("compiles a route into a string that is exactly the URL a parser prints (what is sent is what errors show)", () => {
    const text = fc.string({ unit: "binary", minLength: 1, maxLength: 12 }).filter((value) => value !== "." && value !== "..")
    fc.assert(
      fc.property(
        fc.constantFrom("https://acme.reinfer.io", "https://cloud.uipath.com/acme/prod/reinfer_/", "http://127.0.0.1:8080/x"),
        text,
        fc.dictionary(fc.string({ unit: "binary", minLength: 1, maxLength: 6 }), fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 3 }))),
        (base, project, query) => {
          const href = compileUrl(new URL(base), "/api/v1/sources/{project}/id:{source}")({ project, source: "s" }, query)
          if (Result.isFailure(href)) return // a lone surrogate: refused the same way by buildUrl
          assert.strictEqual(new URL(href.success).href, href.success)
          assert.strictEqual(buildUrlUnsafe(new URL(base), "/api/v1/sources/{project}/id:{source}", { project, source: "s" }, query).href, href.success)
        }
      ),
      { numRuns: 500 }
    )
  })
})
