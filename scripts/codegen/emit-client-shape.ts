/**
 * IR → generated/client-shape.ts: the input and output type of every operation, for the client's methods.
 *
 * `input` holds the path and query parameters as flat fields (query parameters under their wire names, e.g.
 * `from_timestamp`) and `body` when the operation has a request body; `output` is the success body's type,
 * `Uint8Array` for binary responses, `void` when there is no body.
 *
 * @since 0.1.0
 */
import { importStatement, jsDoc, printTypeAfter, type TypeMember, typeObject, typeText } from "./code.ts"
import { routeDoc } from "./emit-operations.ts"
import { schemaType } from "./emit-schemas.ts"
import type { Operation, Spec } from "./ir.ts"
import { compareStrings } from "./names.ts"

/** The body of generated/client-shape.ts (without the header line). */
export const emitClientShape = (spec: Spec): string => {
  const used = new Set<string>()
  const members = spec.operations.map((operation) => operationMember(operation, used))
  const names = [...used].sort(compareStrings)
  const head = "export interface OperationTypes "
  return [
    jsDoc(
      "The input and output type of every Re:infer operation, by operationId: the signatures of the client's\n" +
        "methods.\n\n@since 0.1.0"
    ),
    ...(names.length === 0 ? [] : [importStatement(names, "./schemas/index.ts", true)]),
    "",
    jsDoc(
      "Per operation: `input` (path and query parameters as flat fields, plus `body`) and `output` (the success\n" +
        "body).\n\n@category models\n@since 0.1.0"
    ),
    printTypeAfter(head, typeObject(members)),
    ""
  ].join("\n")
}

const operationMember = (operation: Operation, used: Set<string>): TypeMember => {
  const input: Array<TypeMember> = [
    ...operation.pathParameters.map((parameter) => ({
      key: parameter.name,
      value: schemaType(parameter.node, "request", used),
      doc: parameter.description
    })),
    ...operation.queryParameters.map((parameter) => ({
      key: parameter.name,
      optional: !parameter.required,
      value: schemaType(parameter.node, "request", used),
      doc: parameter.description
    }))
  ]
  if (operation.requestBody !== undefined) {
    used.add(operation.requestBody.schema)
    input.push({ key: "body", value: typeText(operation.requestBody.schema) })
  }
  const response = operation.response
  if (response.schema !== undefined) used.add(response.schema)
  const output = response.schema ?? (response.binary ? "Uint8Array" : "void")
  return {
    key: operation.operationId,
    doc: routeDoc(operation),
    value: typeObject([
      { key: "input", value: typeObject(input) },
      { key: "output", value: typeText(output) }
    ])
  }
}
