/**
 * Names in generated code: export names of component schemas, module names of tags, property keys, and the
 * one sort order every emitter uses.
 *
 * Component schemas keep their spec names (`Dataset` stays `Dataset`), so a name that is not a usable
 * TypeScript identifier is an error in the spec rather than something to rename silently.
 *
 * @since 0.1.0
 */

/** Code-unit order, independent of the machine's locale, so output is byte-identical everywhere. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export const sortedBy = <A>(items: Iterable<A>, key: (item: A) => string): Array<A> =>
  [...items].sort((a, b) => compareStrings(key(a), key(b)))

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** Words that cannot name a `const` (ECMAScript reserved words plus strict-mode and TypeScript type names). */
const RESERVED = new Set([
  "any",
  "arguments",
  "await",
  "bigint",
  "boolean",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "eval",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "implements",
  "import",
  "in",
  "instanceof",
  "interface",
  "let",
  "never",
  "new",
  "null",
  "number",
  "object",
  "package",
  "private",
  "protected",
  "public",
  "return",
  "static",
  "string",
  "super",
  "switch",
  "symbol",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "undefined",
  "unknown",
  "var",
  "void",
  "while",
  "with",
  "yield"
])

/**
 * Names a generated module already uses for something else. A component with one of these names would shadow
 * an import (`Schema`), a global the schemas use (`Blob`), or an export of the operation table.
 */
const TAKEN = new Set([
  "Blob",
  "Schema",
  "OperationDefinition",
  "OperationId",
  "OperationTypes",
  "PaginationDefinition",
  "RetryDefinition",
  "operations"
])

/** Why `name` cannot be the export name of a component schema, or undefined when it can. */
export const invalidSchemaName = (name: string): string | undefined => {
  if (!IDENTIFIER.test(name)) return `schema name "${name}" is not a TypeScript identifier`
  if (RESERVED.has(name)) return `schema name "${name}" is a reserved word`
  if (TAKEN.has(name)) return `schema name "${name}" collides with a name the generated code uses`
  if (!/^[A-Z]/.test(name)) return `schema name "${name}" must start with an upper-case letter`
  return undefined
}

/** `getDataset` → `GetDataset`: the prefix of the operation's `…Request` / `…Response` component names. */
export const pascalCase = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1)

/** `getDataset` → `GetDatasetInput`: the name of an operation's input type in client-shape.ts. */
export const inputTypeName = (operationId: string): string => `${pascalCase(operationId)}Input`

/** A tag (`Datasets`, `audit events`) → the kebab-case file name of its module (`datasets`, `audit-events`). */
export const moduleName = (tag: string): string =>
  tag
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")

/** The module of schemas several tags use. */
export const SHARED_MODULE = "shared"

/** Module names that would collide with shared.ts or index.ts. */
export const RESERVED_MODULES: ReadonlySet<string> = new Set([SHARED_MODULE, "index"])

export const isIdentifier = (name: string): boolean => IDENTIFIER.test(name)

/** An object or interface key, quoted only when it must be. */
export const propertyKey = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name))

/** camelCase operationId, e.g. `getDataset`. */
export const isOperationId = (name: string): boolean => /^[a-z][A-Za-z0-9]*$/.test(name)
