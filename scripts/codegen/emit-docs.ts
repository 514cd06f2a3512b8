/**
 * IR → generated/operations.md: a readable index of every operation, grouped by resource, with its route, its
 * input and output types (linked to the files that define them), permissions, retry safety and pagination.
 *
 * @since 0.1.0
 */
import { outputTypeName } from "./emit-client-shape.ts"
import type { Operation, Spec } from "./ir.ts"
import { compareStrings, inputTypeName } from "./names.ts"

/** The body of generated/operations.md (without the header line). */
export const emitOperationsIndex = (spec: Spec): string => {
  const tags = [...new Set(spec.operations.map((operation) => operation.tag))].sort(compareStrings)
  const moduleOf = new Map(spec.schemas.map((schema) => [schema.name, schema.module] as const))
  const lines = [
    `# ${spec.title === "" ? "Operations" : `${spec.title}: operations`}`,
    "",
    `${spec.operations.length} operations from \`${spec.source}\`` +
      `${spec.version === "" ? "" : ` (version ${spec.version})`}. ` +
      "Input and output name the types of the client's method (`client.<operation>(input)` returns the output). " +
      "Retry: **safe** operations are retried automatically on transient failures; **409** means they are also " +
      "retried on conflicts. Pagination names the items field, the cursor (request → response) and how the last " +
      "page is recognised.",
    ""
  ]
  for (const tag of tags) {
    lines.push(
      `## ${tag}`,
      "",
      "| Operation | Method | Route | Input → output | Permissions | Retry | Pagination |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...spec.operations.filter((operation) => operation.tag === tag).map((operation) => row(operation, moduleOf)),
      ""
    )
  }
  return lines.join("\n")
}

const row = (operation: Operation, moduleOf: ReadonlyMap<string, string>): string =>
  "| " +
  [
    `\`${operation.operationId}\`<br>${cell(operation.summary)}`,
    operation.method,
    `\`${cell(operation.path)}\``,
    `${typeLink(inputTypeName(operation.operationId), "client-shape.ts")} → ${outputLink(operation, moduleOf)}`,
    operation.permissions.length === 0 ? "–" : operation.permissions.map(cell).join(", "),
    operation.retry.safe ? (operation.retry.conflict ? "safe, 409" : "safe") : "no",
    pagination(operation)
  ].join(" | ") +
  " |"

const pagination = (operation: Operation): string => {
  const pagination = operation.pagination
  if (pagination === undefined) return "–"
  const { cursor, pageSize } = pagination
  const parts = [
    `\`${pagination.items}\``,
    `cursor \`${cursor.name}\` (${cursor.in}) ← \`${cursor.response}\``,
    ...(cursor.replaces === undefined ? [] : [`first page: \`${cursor.replaces}\``]),
    ...(pageSize === undefined
      ? []
      : [
        `size \`${pageSize.name}\` (${pageSize.in}` +
        `${pageSize.default === undefined ? "" : `, default ${pageSize.default}`}` +
        `${pageSize.maximum === undefined ? "" : `, max ${pageSize.maximum}`})`
      ]),
    pagination.end === "cursor-absent" ? "ends without cursor" : "ends on an empty page"
  ]
  return parts.join("; ")
}

/** A type name linked to the generated file that defines it (links are relative to generated/). */
const typeLink = (name: string, file: string): string => `[\`${name}\`](${file})`

const outputLink = (operation: Operation, moduleOf: ReadonlyMap<string, string>): string => {
  const name = outputTypeName(operation)
  const module = moduleOf.get(name)
  return module === undefined ? `\`${name}\`` : typeLink(name, `schemas/${module}.ts`)
}

/** Text safe inside a Markdown table cell. */
const cell = (value: string): string => value.replaceAll("|", "\\|").replaceAll("\n", " ")
