/**
 * Tests of ServerTiming.parse and the metric → span-attribute mapping: well-formed headers, odd spacing,
 * quoting, and malformed input that must be skipped without failing.
 */
import { assert, describe, it } from "@effect/vitest"
import * as ServerTiming from "../src/server-timing.ts"

const metric = (name: string, duration?: number, description?: string): ServerTiming.Metric => ({
  name,
  duration,
  description
})

describe("ServerTiming", () => {
  describe("parse", () => {
    it("reads Re:infer's single total metric", () => {
      assert.deepStrictEqual(ServerTiming.parse("total;dur=37.7"), [metric("total", 37.7)])
    })

    it("reads several metrics with dur and desc, in order", () => {
      assert.deepStrictEqual(
        ServerTiming.parse(`db;dur=53, app;dur=47.2;desc="Application", cache;desc=hit, missedCache`),
        [metric("db", 53), metric("app", 47.2, "Application"), metric("cache", undefined, "hit"), metric("missedCache")]
      )
    })

    it("keeps commas, semicolons and escaped quotes inside quoted strings", () => {
      assert.deepStrictEqual(
        ServerTiming.parse(`db;desc="Query, cached; \\"warm\\"";dur=12, total;dur=20`),
        [metric("db", 12, `Query, cached; "warm"`), metric("total", 20)]
      )
    })

    it("tolerates odd spacing around names, separators and equals signs", () => {
      assert.deepStrictEqual(
        ServerTiming.parse("  total ;  dur = 12.5 ,db;dur=3  ,\t edge\t;\tdesc\t=\tx"),
        [metric("total", 12.5), metric("db", 3), metric("edge", undefined, "x")]
      )
    })

    it("reads parameter names case-insensitively and keeps the first valid dur and desc", () => {
      assert.deepStrictEqual(ServerTiming.parse("total;DUR=5;dur=9;Desc=a;desc=b"), [metric("total", 5, "a")])
    })

    it("reads integer, fractional, leading-dot and zero durations", () => {
      assert.deepStrictEqual(
        ServerTiming.parse("a;dur=0, b;dur=7, c;dur=.5, d;dur=12., e;dur=0.001"),
        [metric("a", 0), metric("b", 7), metric("c", 0.5), metric("d", 12), metric("e", 0.001)]
      )
    })

    it("skips metrics without a valid name and ignores malformed parameters", () => {
      assert.deepStrictEqual(
        ServerTiming.parse(
          `, ,;dur=5, =x, bad name;dur=1, "quoted";dur=2, ok;dur=abc, hex;dur=0x1f, exp;dur=1e3, bare;dur, empty;dur=, inf;dur=Infinity, good;dur=4`
        ),
        [
          metric("ok"),
          metric("hex"),
          metric("exp"),
          metric("bare"),
          metric("empty"),
          metric("inf"),
          metric("good", 4)
        ]
      )
    })

    it("does not let an unterminated quote swallow the metrics after it", () => {
      assert.deepStrictEqual(ServerTiming.parse(`a;desc="oops, total;dur=5`), [metric("a"), metric("total", 5)])
    })

    it("skips a desc whose quotes are malformed but keeps the metric's duration", () => {
      assert.deepStrictEqual(ServerTiming.parse(`a;desc="x"y";dur=3`), [metric("a", 3)])
    })

    it("returns no metrics for an absent or empty header", () => {
      assert.deepStrictEqual(ServerTiming.parse(undefined), [])
      assert.deepStrictEqual(ServerTiming.parse(""), [])
      assert.deepStrictEqual(ServerTiming.parse("   ,  , "), [])
    })

    it("reads several header lines given as an array", () => {
      assert.deepStrictEqual(ServerTiming.parse(["total;dur=1", "db;dur=2"]), [metric("total", 1), metric("db", 2)])
    })

    it("never throws and only yields valid metrics, whatever the input", () => {
      // A seeded generator over the characters that matter to the grammar: deterministic, no flakiness.
      let seed = 42
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648
        return seed / 2147483648
      }
      const alphabet = `ab0.9;,="\\ \t-dur=desc=`
      for (let run = 0; run < 2000; run++) {
        const length = Math.floor(next() * 40)
        let header = ""
        for (let index = 0; index < length; index++) header += alphabet[Math.floor(next() * alphabet.length)]
        const metrics = ServerTiming.parse(header)
        for (const parsed of metrics) {
          assert.match(parsed.name, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, header)
          if (parsed.duration !== undefined) assert.isTrue(Number.isFinite(parsed.duration), header)
        }
      }
    })
  })

  describe("toSpanAttributes", () => {
    it("maps every timed metric to reinfer.server_timing.<name> in milliseconds", () => {
      assert.deepStrictEqual(
        ServerTiming.toSpanAttributes(ServerTiming.parse(`total;dur=37.7, db;dur=12;desc="x", cache;desc=hit`)),
        { "reinfer.server_timing.total": 37.7, "reinfer.server_timing.db": 12 }
      )
    })

    it("keeps the first of repeated metric names", () => {
      assert.deepStrictEqual(ServerTiming.toSpanAttributes(ServerTiming.parse("total;dur=1, total;dur=2")), {
        "reinfer.server_timing.total": 1
      })
    })

    it("gives no attributes when no metric has a duration", () => {
      assert.deepStrictEqual(ServerTiming.toSpanAttributes(ServerTiming.parse("cache;desc=hit")), {})
      assert.deepStrictEqual(ServerTiming.toSpanAttributes([]), {})
    })
  })
})
