/**
 * generated/ agrees with itself and with openapi-typescript.
 *
 * The compile-time half is the point: `npm test` runs tsc over this file, and the exports below compile only
 * when every check of ./type-agreement.ts holds (that file says exactly what "agree" means). When one does not,
 * the compiler names the component (or operation) and the property where the two readings of the spec differ.
 * The runtime half checks what types cannot: that every export is a schema and that the table refers to them.
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import type { OperationTypes } from "../../generated/client-shape.ts"
import type { components } from "../../generated/openapi-types.ts"
import { operations } from "../../generated/operations.ts"
import * as Schemas from "../../generated/schemas/index.ts"
import { type AgreementChecks, same } from "./type-agreement.ts"

// Each line compiles only when its check holds (see ./type-agreement.ts); one line per check, so a failure in one
// does not hide the others.
type Checks = AgreementChecks<typeof Schemas, components["schemas"], typeof operations, OperationTypes>
export const everyComponentHasASchema: Checks["everyComponentHasASchema"] = same
export const everySchemaIsAComponent: Checks["everySchemaIsAComponent"] = same
export const theirsFitOurs: Checks["theirsFitOurs"] = same
export const closedOursFitTheirs: Checks["closedOursFitTheirs"] = same
export const theirsFitClosedOurs: Checks["theirsFitClosedOurs"] = same
export const everyOperationHasAShape: Checks["everyOperationHasAShape"] = same
export const everyShapeIsAnOperation: Checks["everyShapeIsAnOperation"] = same
export const shapeInputsFitTable: Checks["shapeInputsFitTable"] = same
export const tableInputsFitShape: Checks["tableInputsFitShape"] = same
export const shapeOutputsFitTable: Checks["shapeOutputsFitTable"] = same
export const tableOutputsFitShape: Checks["tableOutputsFitShape"] = same

describe("generated code", () => {
  it("exports a schema under every name", () => {
    const names = Object.keys(Schemas)
    assert.isAbove(names.length, 0)
    for (const name of names) {
      assert.isTrue(Schema.isSchema((Schemas as Record<string, unknown>)[name]), `${name} is not a schema`)
    }
  })

  it("refers to exported schemas from the operation table", () => {
    const exported = new Set(Object.values(Schemas))
    for (const [id, operation] of Object.entries(operations)) {
      assert.strictEqual(operation.operationId, id)
      if (operation.requestBody !== undefined) assert.isTrue(exported.has(operation.requestBody), id)
      if (operation.response !== undefined) assert.isTrue(exported.has(operation.response), id)
    }
  })
})
