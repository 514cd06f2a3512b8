/**
 * IR → generated/client-shape.ts: the input and output type of every operation, for the client's methods.
 *
 * Each operation's input is a named interface (`GetDatasetInput`): the path and query parameters as flat fields
 * (query parameters under their wire names, e.g. `from_timestamp`) and `body` when the operation has a request
 * body. `OperationTypes` maps every operationId to that input and to its output: the success body's type (a named
 * response schema), `Uint8Array` for binary responses, `void` when there is no body.
 *
 * @since 0.1.0
 */
import { importStatement, jsDoc, printTypeAfter, type TypeMember, typeObject, typeText } from "./code.ts"
import { routeDoc } from "./emit-operations.ts"
import { schemaType } from "./emit-schemas.ts"
import type { Operation, Spec } from "./ir.ts"
import { compareStrings, inputTypeName } from "./names.ts"

/** The body of generated/client-shape.ts (without the header line). */
export const emitClientShape = (spec: Spec): string => {
  const used = new Set<string>()
  const inputs = spec.operations.map((operation) => inputDeclaration(operation, used))
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
    inputs.join("\n\n"),
    "",
    jsDoc(
      "Per operation: `input` (path and query parameters as flat fields, plus `body`) and `output` (the success\n" +
        "body).\n\n@category models\n@since 0.1.0"
    ),
    printTypeAfter(head, typeObject(members)),
    ""
  ].join("\n")
}

/** `export interface GetDatasetInput { … }`, documented with the operation's summary and route. */
const inputDeclaration = (operation: Operation, used: Set<string>): string => {
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
  const doc = jsDoc(`The input of \`${operation.operationId}\`: ${routeDoc(operation)}\n\n@category models\n@since 0.1.0`)
  return `${doc}\n${printTypeAfter(`export interface ${inputTypeName(operation.operationId)} `, typeObject(input))}`
}

const operationMember = (operation: Operation, used: Set<string>): TypeMember => {
  const response = operation.response
  if (response.schema !== undefined) used.add(response.schema)
  return {
    key: operation.operationId,
    doc: routeDoc(operation),
    value: typeObject([
      { key: "input", value: typeText(inputTypeName(operation.operationId)) },
      { key: "output", value: typeText(outputTypeName(operation)) }
    ])
  }
}

/** The output type of an operation: its response schema's name, `Uint8Array` for binary, `void` for none. */
export const outputTypeName = (operation: Operation): string =>
  operation.response.schema ?? (operation.response.binary ? "Uint8Array" : "void")
