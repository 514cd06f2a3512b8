/**
 * Call options: one shape, one precedence (spec, layer, `withCallOptions`, the call), and the headers a caller may
 * and may not set. Over an in-memory transport: the wire is not the point here.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { CurrentCallOptions, mergeCallOptions, withCallOptions } from "../src/call-options.ts"
import { type CallOptions, ReinferClient } from "../src/client.ts"
import { SOURCE } from "./support/payloads.ts"
import * as TestClient from "./support/client.ts"
import { drive, failureOf } from "./support/test-clock.ts"

const ok = TestClient.json(200, { status: "ok", source: SOURCE })
const busy = TestClient.json(503, { status: "error", message: "busy" })

const getSource = (options?: CallOptions) =>
  Effect.flatMap(ReinferClient, (client) => client.getSource({ project: "acme", source: "emails" }, options))

describe("CallOptions", () => {
  it.effect("withCallOptions sets headers for every call inside; a call's own headers are laid over them", () =>
    Effect.gen(function*() {
      const { layer, sent } = TestClient.scripted([ok])
      yield* Effect.gen(function*() {
        yield* getSource()
        yield* getSource({ headers: { "x-job": "override", "x-extra": "1" } })
      }).pipe(
        ReinferClient.withCallOptions({ headers: { "x-job": "nightly", "x-team": "support" } }),
        Effect.provide(layer)
      )
      assert.deepStrictEqual(sent.map((request) => [request.headers["x-job"], request.headers["x-team"]]), [
        ["nightly", "support"],
        ["override", "support"]
      ])
      assert.strictEqual(sent[1]?.headers["x-extra"], "1")
    }))

  it.effect("precedence: the layer, then withCallOptions, then the call", () =>
    Effect.gen(function*() {
      const retried = (options: CallOptions | undefined, scoped: CallOptions | undefined) => {
        const { layer, sent } = TestClient.scripted([busy, busy, busy, ok], { retry: { maxRetries: 1, baseDelay: "1 millis" } })
        const call = scoped === undefined ? getSource(options) : withCallOptions(getSource(options), scoped)
        return drive(call.pipe(Effect.provide(layer))).pipe(Effect.map((exit) => [Exit.isSuccess(exit), sent.length]))
      }
      assert.deepStrictEqual(yield* retried(undefined, undefined), [false, 2], "the layer's one retry")
      assert.deepStrictEqual(yield* retried(undefined, { retry: { maxRetries: 3 } }), [true, 4], "scoped wins")
      assert.deepStrictEqual(yield* retried({ retry: false }, { retry: { maxRetries: 3 } }), [false, 1], "the call wins")
      // The spec wins over all three: refreshUserPermissions is not retry-safe.
      const { layer, sent } = TestClient.scripted([busy, ok])
      yield* drive(
        Effect.flatMap(ReinferClient, (client) => client.refreshUserPermissions({ body: {} }, { retry: { maxRetries: 5 } }))
          .pipe(withCallOptions({ retry: { maxRetries: 5 } }), Effect.provide(layer))
      )
      assert.strictEqual(sent.length, 1)
    }))

  it.effect("a scoped timeout applies to the calls inside, and is checked like a call's", () =>
    Effect.gen(function*() {
      const { layer } = TestClient.scripted([ok])
      const error = failureOf(
        yield* Effect.exit(getSource().pipe(withCallOptions({ timeout: "soon" as never }), Effect.provide(layer)))
      )
      assert.strictEqual(error._tag, "ReinferRequestError")
      assert.strictEqual(error._tag === "ReinferRequestError" && error.field, "options.timeout")
      assert.strictEqual(error.message.includes("is not a duration: soon"), true)
    }))

  it.effect("a call may set user-agent but not the headers the client owns", () =>
    Effect.gen(function*() {
      const { layer, sent } = TestClient.scripted([ok])
      yield* getSource({ headers: { "user-agent": "acme-bot/2" } }).pipe(Effect.provide(layer))
      assert.strictEqual(sent[0]?.headers["user-agent"], "acme-bot/2")
      for (const name of ["Authorization", "accept", "content-type", "traceparent"]) {
        const exit = yield* Effect.exit(getSource({ headers: { [name]: "x" } }).pipe(Effect.provide(layer)))
        const error = failureOf(exit)
        assert.strictEqual(error._tag === "ReinferRequestError" && error.field, `options.headers[${JSON.stringify(name)}]`)
        assert.include(error.message, "cannot be set per call")
      }
      assert.strictEqual(sent.length, 1, "nothing more was sent")
    }))

  it.effect("withCallOptions is dual, and nesting merges", () =>
    Effect.gen(function*() {
      const read = Effect.service(CurrentCallOptions)
      const inner = yield* read.pipe(
        withCallOptions({ timeout: "1 minute", headers: { b: "2" } }),
        (effect) => withCallOptions(effect, { headers: { a: "1" }, retry: { maxRetries: 1 } })
      )
      assert.deepStrictEqual(inner, { retry: { maxRetries: 1 }, timeout: "1 minute", headers: { a: "1", b: "2" } })
      assert.deepStrictEqual(yield* read, {})
      assert.deepStrictEqual(mergeCallOptions({ retry: { maxRetries: 2, baseDelay: "1 second" } }, { retry: { maxRetries: 5 } }), {
        retry: { maxRetries: 5, baseDelay: "1 second" },
        timeout: undefined,
        headers: undefined
      })
    }))
})
