/**
 * What "our schemas and openapi-typescript agree" means, as types; type-agreement.test.ts applies it to
 * generated/, and the fixture tests to every fixture's output.
 *
 * For every component schema `Name`, with `Ours` = `typeof Name.Encoded` (what travels on the wire, which is what
 * openapi-typescript describes; the decoded type differs where a codec reads `null` as absent, an absent collection
 * as empty, or a `Date` as a timestamp) and `Theirs` = `components["schemas"]["Name"]` from openapi-types.ts:
 *
 * 1. `Theirs` is assignable to `Ours`: every value openapi-typescript describes, our schema accepts.
 * 2. `Closed<Ours>` and `Theirs` are mutually assignable: without the forward-compatible widening of the
 *    response side, our schema describes exactly the values openapi-typescript does.
 *
 * Our type is wider on purpose in two places: open enums add `string & {}` (openapi-typescript reduces
 * `"a" | string` to `string`), and an explicit `additionalProperties: true` is a `[x: string]: Json` signature;
 * `Closed` removes exactly those two, so all the rest must match in both directions (a missing enum member or a
 * field required on one side only is an error). Open response objects keep unknown fields at run time only, so
 * their types already list the declared fields alone, as openapi-typescript's do.
 *
 * Both sides are compared after three normalisations that only undo differences of notation:
 * - arrays: openapi-typescript writes mutable `T[]`, Effect `ReadonlyArray<T>` (`Theirs` is made readonly);
 * - opaque JSON: openapi-typescript writes `unknown` for `{}`, we write `Schema.Json` (the body is JSON, so the
 *   two describe the same values);
 * - `patternProperties`: openapi-typescript merges them into one `[key: string]: A | B` signature, we keep one
 *   template-literal signature per pattern (`[x: \`string:${string}\`]: A`); ours are merged the same way.
 *
 * Where this is not practical, and so not checked:
 * - a numeric enum on the response side is `Union([Literals([1, 2]), Number])`, whose type TypeScript reduces to
 *   `number`; `Closed` cannot get the literals back (the fixtures have none; the Re:infer spec has none);
 * - an allOf member that requires a property another member declares: openapi-typescript keeps it optional,
 *   we (like JSON Schema) make it required.
 *
 * The same file also states that client-shape.ts describes exactly the operation table (`input` = path + query
 * parameters + `body`, `output` = response type). `AgreementChecks` lists every check as a function type;
 * assigning `same` (the identity) to each compiles only when the check holds, and a failure names the component
 * or operation and the property where the two sides differ.
 *
 * @since 0.1.0
 */
import type { Schema } from "effect"

/** Exact type equality (not just mutual assignability), for telling `string & {}` from `string`. */
type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2) ? true : false

/** A key of an index signature written as a template literal (`string:${string}`), not a property name. */
type IsPatternKey<K> = string extends K ? false
  : number extends K ? false
  : {} extends Record<K & string, 1> ? true
  : false

/** openapi-typescript's type with readonly arrays and `unknown` read as JSON. */
export type NormalizeTheirs<T> = unknown extends T ? Schema.Json
  : T extends string | number | boolean | null ? T
  : T extends Blob ? T
  : T extends ReadonlyArray<infer U> ? ReadonlyArray<NormalizeTheirs<U>>
  : T extends object ? { readonly [K in keyof T]: NormalizeTheirs<T[K]> }
  : T

/** Our type with its template-literal index signatures merged into one `[x: string]` signature. */
export type Loosen<T> = T extends string | number | boolean | null ? T
  : T extends Blob ? T
  : T extends ReadonlyArray<infer U> ? ReadonlyArray<Loosen<U>>
  : T extends object ? LoosenObject<T>
  : T

/** Only the template-literal index signatures of `T`. */
type PatternPart<T> = { [K in keyof T as IsPatternKey<K> extends true ? K : never]: T[K] }

type PatternValues<T> = PatternPart<T>[keyof PatternPart<T>]

type LoosenObject<T> = [PatternValues<T>] extends [never] ? { readonly [K in keyof T]: Loosen<T[K]> }
  : & { readonly [K in keyof T as IsPatternKey<K> extends true ? never : K]: Loosen<T[K]> }
    & { readonly [x: string]: Loosen<PatternValues<T>> | Loosen<StringIndexValue<T>> }

type StringIndexValue<T> = string extends keyof T ? T[string] : never

/** The `[x: string]: Json` index signature of an open object (not a map's `[x: string]: number`, say). */
type IsOpenRest<T, K extends keyof T> = string extends K ? Equals<T[K], Schema.Json>
  : number extends K ? Equals<T[K], Schema.Json>
  : false

/**
 * Our type as openapi-typescript writes the same spec: an open enum (`"a" | "b" | (string & {})`) is `string`
 * there, since TypeScript reduces `"a" | string`, and an explicit `additionalProperties: true` has no signature.
 */
export type Closed<T> = T extends string ? (Equals<T, string & {}> extends true ? string : T)
  : T extends number | boolean | null | Blob ? T
  : T extends ReadonlyArray<infer U> ? ReadonlyArray<Closed<U>>
  : T extends object ? { readonly [K in keyof T as IsOpenRest<T, K> extends true ? never : K]: Closed<T[K]> }
  : T

type EncodedOf<S> = S extends { readonly Encoded: infer E } ? E : never

/** A component without a generated schema shows up under this name in the compiler's message. */
interface MissingSchema<Name> {
  readonly "no generated schema for": Name
}

/** Check 1's target and check 2's source side: our types by component name (`Encoded`, merged patterns). */
export type Ours<Schemas, Components> = {
  readonly [Name in keyof Components]: Name extends keyof Schemas ? Loosen<EncodedOf<Schemas[Name]>>
    : MissingSchema<Name>
}

/** Our types without the forward-compatible widening, by component name. */
export type ClosedOurs<Schemas, Components> = {
  readonly [Name in keyof Components]: Name extends keyof Schemas ? Loosen<Closed<EncodedOf<Schemas[Name]>>>
    : MissingSchema<Name>
}

/** openapi-typescript's types, normalised, by component name. */
export type Theirs<Components> = {
  readonly [Name in keyof Components]: Loosen<NormalizeTheirs<Components[Name]>>
}

// ---------------------------------------------------------------------------------------------------------------
// The client shape against the operation table
// ---------------------------------------------------------------------------------------------------------------

type Fields<S> = S extends { readonly Type: infer T } ? T : {}

/**
 * What client-shape.ts's `input` must be, computed from the operation table: path and query parameters as flat
 * fields, plus `body` when there is a request body.
 */
export type InputsFromTable<Operations> = {
  readonly [Id in keyof Operations]: Operations[Id] extends {
    readonly pathParameters: infer Path
    readonly queryParameters: infer Query
    readonly requestBody: infer Body
  } ? Simplify<Fields<Path> & Fields<Query> & ([Body] extends [undefined] ? {} : { readonly body: Fields<Body> })>
    : never
}

/** What client-shape.ts's `output` must be: the response's type, `Uint8Array` for binary, `void` for none. */
export type OutputsFromTable<Operations> = {
  readonly [Id in keyof Operations]: Operations[Id] extends {
    readonly response: infer Response
    readonly responseContentTypes: infer ContentTypes
  } ? [Response] extends [undefined]
      ? "application/octet-stream" extends ContentTypes[keyof ContentTypes] ? Uint8Array : void
    : Fields<Response>
    : never
}

type Simplify<T> = { readonly [K in keyof T]: T[K] } & {}

/** `{ [id]: OperationTypes[id]["input"] }`, to compare with InputsFromTable. */
export type ShapeInputs<Shape> = {
  readonly [Id in keyof Shape]: Shape[Id] extends { readonly input: infer Input } ? Simplify<Input> : never
}
export type ShapeOutputs<Shape> = {
  readonly [Id in keyof Shape]: Shape[Id] extends { readonly output: infer Output } ? Output : never
}

/** Every agreement check between a generated directory's schemas, openapi-types, operation table and shape. */
export interface AgreementChecks<Schemas, Components, Operations, Shape> {
  readonly everyComponentHasASchema: (name: keyof Components) => keyof Schemas
  readonly everySchemaIsAComponent: (name: keyof Schemas) => keyof Components
  /** 1. Every value openapi-typescript describes, our schemas accept. */
  readonly theirsFitOurs: (theirs: Theirs<Components>) => Ours<Schemas, Components>
  /** 2. Without the response side's forward-compatible widening, ours and theirs describe the same values. */
  readonly closedOursFitTheirs: (ours: ClosedOurs<Schemas, Components>) => Theirs<Components>
  readonly theirsFitClosedOurs: (theirs: Theirs<Components>) => ClosedOurs<Schemas, Components>
  /** client-shape.ts describes exactly the operation table. */
  readonly everyOperationHasAShape: (id: keyof Operations) => keyof Shape
  readonly everyShapeIsAnOperation: (id: keyof Shape) => keyof Operations
  readonly shapeInputsFitTable: (inputs: ShapeInputs<Shape>) => InputsFromTable<Operations>
  readonly tableInputsFitShape: (inputs: InputsFromTable<Operations>) => ShapeInputs<Shape>
  readonly shapeOutputsFitTable: (outputs: ShapeOutputs<Shape>) => OutputsFromTable<Operations>
  readonly tableOutputsFitShape: (outputs: OutputsFromTable<Operations>) => ShapeOutputs<Shape>
}

/** The identity: assigned to a check's function type, it compiles only if the parameter fits the result. */
export const same = <A>(value: A): A => value

/** Every check, each implemented by `same`; annotate it with `AgreementChecks<…>` to run them all. */
export const allChecks = {
  everyComponentHasASchema: same,
  everySchemaIsAComponent: same,
  theirsFitOurs: same,
  closedOursFitTheirs: same,
  theirsFitClosedOurs: same,
  everyOperationHasAShape: same,
  everyShapeIsAnOperation: same,
  shapeInputsFitTable: same,
  tableInputsFitShape: same,
  shapeOutputsFitTable: same,
  tableOutputsFitShape: same
} as const
