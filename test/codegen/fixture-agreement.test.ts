/**
 * Every fixture's golden output agrees with openapi-typescript and with itself, as ./type-agreement.ts defines it.
 *
 * The `…Agrees` exports compile only when all checks hold for that fixture; tsc.test.ts (and `npm test`) compile
 * them. At run time the modules load, which proves the emitted code evaluates (declaration order, suspended
 * cycles).
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import type * as AdditionalPropertiesShape from "./fixtures/additional-properties.expected/client-shape.ts"
import type * as AdditionalPropertiesTypes from "./fixtures/additional-properties.expected/openapi-types.ts"
import * as AdditionalPropertiesTable from "./fixtures/additional-properties.expected/operations.ts"
import * as AdditionalProperties from "./fixtures/additional-properties.expected/schemas/index.ts"
import type * as AllOfShape from "./fixtures/all-of.expected/client-shape.ts"
import type * as AllOfTypes from "./fixtures/all-of.expected/openapi-types.ts"
import * as AllOfTable from "./fixtures/all-of.expected/operations.ts"
import * as AllOf from "./fixtures/all-of.expected/schemas/index.ts"
import type * as BinaryShape from "./fixtures/binary.expected/client-shape.ts"
import type * as BinaryTypes from "./fixtures/binary.expected/openapi-types.ts"
import * as BinaryTable from "./fixtures/binary.expected/operations.ts"
import * as Binary from "./fixtures/binary.expected/schemas/index.ts"
import type * as EnumsShape from "./fixtures/enums.expected/client-shape.ts"
import type * as EnumsTypes from "./fixtures/enums.expected/openapi-types.ts"
import * as EnumsTable from "./fixtures/enums.expected/operations.ts"
import * as Enums from "./fixtures/enums.expected/schemas/index.ts"
import type * as LimitsShape from "./fixtures/limits.expected/client-shape.ts"
import type * as LimitsTypes from "./fixtures/limits.expected/openapi-types.ts"
import * as LimitsTable from "./fixtures/limits.expected/operations.ts"
import * as Limits from "./fixtures/limits.expected/schemas/index.ts"
import type * as NullableShape from "./fixtures/nullable.expected/client-shape.ts"
import type * as NullableTypes from "./fixtures/nullable.expected/openapi-types.ts"
import * as NullableTable from "./fixtures/nullable.expected/operations.ts"
import * as Nullable from "./fixtures/nullable.expected/schemas/index.ts"
import type * as OneOfShape from "./fixtures/one-of.expected/client-shape.ts"
import type * as OneOfTypes from "./fixtures/one-of.expected/openapi-types.ts"
import * as OneOfTable from "./fixtures/one-of.expected/operations.ts"
import * as OneOf from "./fixtures/one-of.expected/schemas/index.ts"
import type * as OperationsShape from "./fixtures/operations.expected/client-shape.ts"
import type * as OperationsTypes from "./fixtures/operations.expected/openapi-types.ts"
import * as OperationsTable from "./fixtures/operations.expected/operations.ts"
import * as Operations from "./fixtures/operations.expected/schemas/index.ts"
import type * as PatternPropertiesShape from "./fixtures/pattern-properties.expected/client-shape.ts"
import type * as PatternPropertiesTypes from "./fixtures/pattern-properties.expected/openapi-types.ts"
import * as PatternPropertiesTable from "./fixtures/pattern-properties.expected/operations.ts"
import * as PatternProperties from "./fixtures/pattern-properties.expected/schemas/index.ts"
import type * as RecursionShape from "./fixtures/recursion.expected/client-shape.ts"
import type * as RecursionTypes from "./fixtures/recursion.expected/openapi-types.ts"
import * as RecursionTable from "./fixtures/recursion.expected/operations.ts"
import * as Recursion from "./fixtures/recursion.expected/schemas/index.ts"
import type * as RefsShape from "./fixtures/refs.expected/client-shape.ts"
import type * as RefsTypes from "./fixtures/refs.expected/openapi-types.ts"
import * as RefsTable from "./fixtures/refs.expected/operations.ts"
import * as Refs from "./fixtures/refs.expected/schemas/index.ts"
import { type AgreementChecks, allChecks } from "./type-agreement.ts"

export const additionalPropertiesAgrees: AgreementChecks<
  typeof AdditionalProperties,
  AdditionalPropertiesTypes.components["schemas"],
  typeof AdditionalPropertiesTable.operations,
  AdditionalPropertiesShape.OperationTypes
> = allChecks

export const allOfAgrees: AgreementChecks<
  typeof AllOf,
  AllOfTypes.components["schemas"],
  typeof AllOfTable.operations,
  AllOfShape.OperationTypes
> = allChecks

export const binaryAgrees: AgreementChecks<
  typeof Binary,
  BinaryTypes.components["schemas"],
  typeof BinaryTable.operations,
  BinaryShape.OperationTypes
> = allChecks

export const enumsAgrees: AgreementChecks<
  typeof Enums,
  EnumsTypes.components["schemas"],
  typeof EnumsTable.operations,
  EnumsShape.OperationTypes
> = allChecks

export const limitsAgrees: AgreementChecks<
  typeof Limits,
  LimitsTypes.components["schemas"],
  typeof LimitsTable.operations,
  LimitsShape.OperationTypes
> = allChecks

export const nullableAgrees: AgreementChecks<
  typeof Nullable,
  NullableTypes.components["schemas"],
  typeof NullableTable.operations,
  NullableShape.OperationTypes
> = allChecks

export const oneOfAgrees: AgreementChecks<
  typeof OneOf,
  OneOfTypes.components["schemas"],
  typeof OneOfTable.operations,
  OneOfShape.OperationTypes
> = allChecks

export const operationsAgrees: AgreementChecks<
  typeof Operations,
  OperationsTypes.components["schemas"],
  typeof OperationsTable.operations,
  OperationsShape.OperationTypes
> = allChecks

export const patternPropertiesAgrees: AgreementChecks<
  typeof PatternProperties,
  PatternPropertiesTypes.components["schemas"],
  typeof PatternPropertiesTable.operations,
  PatternPropertiesShape.OperationTypes
> = allChecks

export const recursionAgrees: AgreementChecks<
  typeof Recursion,
  RecursionTypes.components["schemas"],
  typeof RecursionTable.operations,
  RecursionShape.OperationTypes
> = allChecks

export const refsAgrees: AgreementChecks<
  typeof Refs,
  RefsTypes.components["schemas"],
  typeof RefsTable.operations,
  RefsShape.OperationTypes
> = allChecks

const fixtures = {
  "additional-properties": { schemas: AdditionalProperties, operations: AdditionalPropertiesTable.operations },
  "all-of": { schemas: AllOf, operations: AllOfTable.operations },
  "binary": { schemas: Binary, operations: BinaryTable.operations },
  "enums": { schemas: Enums, operations: EnumsTable.operations },
  "limits": { schemas: Limits, operations: LimitsTable.operations },
  "nullable": { schemas: Nullable, operations: NullableTable.operations },
  "one-of": { schemas: OneOf, operations: OneOfTable.operations },
  "operations": { schemas: Operations, operations: OperationsTable.operations },
  "pattern-properties": { schemas: PatternProperties, operations: PatternPropertiesTable.operations },
  "recursion": { schemas: Recursion, operations: RecursionTable.operations },
  "refs": { schemas: Refs, operations: RefsTable.operations }
}

describe("fixture output", () => {
  for (const [name, { operations, schemas }] of Object.entries(fixtures)) {
    it(`${name}: every export is a schema and the table refers to them`, () => {
      const exported = new Set<unknown>(Object.values(schemas))
      for (const value of exported) assert.isTrue(Schema.isSchema(value))
      for (const [id, operation] of Object.entries(operations)) {
        assert.strictEqual(operation.operationId, id)
        if (operation.requestBody !== undefined) assert.isTrue(exported.has(operation.requestBody), id)
        if (operation.response !== undefined) assert.isTrue(exported.has(operation.response), id)
      }
    })
  }
})
