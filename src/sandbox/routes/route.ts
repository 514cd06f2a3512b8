/**
 * How `routes/<resource>.ts` files declare route implementations, typed by the generated operation table.
 *
 * A resource file writes `{ getSource: (parameters, body, store) => ... } satisfies RouteDefinitions`; the
 * parameters and body then carry the types of the operation's generated schemas (the handler has already
 * decoded them with those schemas), so a spec change that breaks a route is a compile error, not a 500.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type { OperationId, operations } from "../../../generated/operations.ts"
import type { SandboxFailure } from "../failure.ts"
import type { BinaryPayload, RouteImplementation, RouteTable } from "../handler.ts"
import type { SandboxStore } from "../store.ts"

type Operations = typeof operations

// A server reads requests as they came over the wire: the schemas' encoded side. The handler has decoded them
// already, which on the request side changes nothing but timestamps, and those into the canonical string.
type WireOf<S> = S extends Schema.Top ? S["Encoded"] : {}

/**
 * The decoded path and query parameters of an operation, flat, under their wire names.
 *
 * @category models
 * @since 0.1.0
 */
export type ParametersOf<Id extends OperationId> =
  & WireOf<Operations[Id]["pathParameters"]>
  & WireOf<Operations[Id]["queryParameters"]>

/**
 * The decoded request body of an operation (`undefined` when it takes none).
 *
 * @category models
 * @since 0.1.0
 */
export type BodyOf<Id extends OperationId> = Operations[Id]["requestBody"] extends Schema.Top
  ? Operations[Id]["requestBody"]["Encoded"]
  : undefined

/**
 * The implementation of one operation: the success payload without `status`, or a binary body.
 *
 * @category models
 * @since 0.1.0
 */
export type RouteDefinition<Id extends OperationId> = (
  parameters: ParametersOf<Id>,
  body: BodyOf<Id>,
  store: SandboxStore
) => Effect.Effect<object | BinaryPayload, SandboxFailure>

/**
 * Implementations of some operations, by operation id.
 *
 * @category models
 * @since 0.1.0
 */
export type RouteDefinitions = { readonly [Id in OperationId]?: RouteDefinition<Id> }

/**
 * Turns typed definitions into the handler's route table.
 *
 * @category constructors
 * @since 0.1.0
 */
export const toRouteTable = (definitions: RouteDefinitions): RouteTable => {
  const table: Record<string, RouteImplementation> = {}
  for (const [operationId, definition] of Object.entries(definitions)) {
    const untyped = definition as (parameters: unknown, body: unknown, store: SandboxStore) => ReturnType<RouteImplementation>
    table[operationId] = (context) => untyped(context.parameters, context.body, context.store)
  }
  return table
}
