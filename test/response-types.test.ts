/**
 * Response types list their declared fields only, so a typo on a response field does not compile; the values
 * still carry every field the server sent. `npm test` type-checks this file: each `@ts-expect-error` below must
 * meet an error, or the compiler fails the suite.
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import type { GetDatasetInput, OperationTypes } from "../generated/client-shape.ts"
import * as Schemas from "../generated/schemas/index.ts"
import { unknownFields } from "../src/index.ts"

/** Exact type equality. */
type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2) ? true : false
const holds = <T extends true>(): T => true as T

const batch = Schema.decodeUnknownSync(Schemas.FetchStreamResponse)({
  status: "ok",
  results: [],
  filtered: 0,
  sequence_id: "abc",
  is_end_sequence: true,
  added_later: 1
})

describe("response types", () => {
  it("make an undeclared field a compile error, while decoding keeps it", () => {
    assert.strictEqual(batch.is_end_sequence, true)
    // @ts-expect-error a typo of is_end_sequence
    assert.isUndefined(batch.is_end_sequnce)
    // @ts-expect-error the Rust name, not the wire name
    assert.isUndefined(batch.sequenceId)
    // @ts-expect-error a field the spec does not declare is not part of the type...
    assert.strictEqual(batch.added_later, 1)
    // ...and unknownFields is the way to read it.
    assert.deepStrictEqual(unknownFields(Schemas.FetchStreamResponse, batch), { added_later: 1 })
  })

  it("are named, so editors and errors show the name rather than an expansion", () => {
    holds<Equals<OperationTypes["getDataset"]["output"], Schemas.GetDatasetResponse>>()
    holds<Equals<OperationTypes["getDataset"]["input"], GetDatasetInput>>()
    holds<Equals<Schemas.GetDatasetResponse["dataset"], Schemas.Dataset>>()
    // A collection the server may leave out is always there once decoded; `null` in an optional field is absent.
    holds<Equals<Schemas.Dataset["label_defs"], ReadonlyArray<Schemas.LabelDef>>>()
    holds<Equals<Schemas.Comment["thread_id"], string | undefined>>()
    // What travels on the wire may leave both out, or send null.
    holds<Equals<(typeof Schemas.Comment.Encoded)["thread_id"], string | null | undefined>>()
  })
})
