/**
 * A snapshot of a caller's input, taken once, before the schemas check it: what is checked is then exactly what is
 * sent, whatever the caller's objects do.
 *
 * The schemas read a value more than once (to check it, then to encode it), and `JSON.stringify` reads it again,
 * so an input that changes between reads (a getter that answers differently the second time, a `toJSON`, a Proxy)
 * could be sent in a form nothing checked; one whose getter throws would end the call with a defect. The snapshot
 * reads every field once into plain arrays and objects, keeping the few non-JSON values a request may hold as they
 * are (`Date` for timestamps, `Blob` and `Uint8Array` for uploads), and it refuses, as data the field cannot hold,
 * anything else: functions, symbols, class instances, `Map`s, runaway nesting. Schemas then check the snapshot,
 * and the request is built from their output.
 *
 * @internal
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import { MAX_DEPTH } from "./fast-codec.ts"

/**
 * Why a field cannot be sent: where it is (`["body", "comments", 3, "id"]`) and what is wrong with it.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export interface SnapshotIssue {
  readonly path: ReadonlyArray<string | number>
  readonly issue: string
}

/**
 * Copies an input into plain data, or says which field cannot be copied.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const snapshotInput = (input: unknown): Result.Result<unknown, SnapshotIssue> => {
  const path: Array<string | number> = []
  try {
    return Result.succeed(copy(input, path))
  } catch (error) {
    if (error instanceof TooDeep) return Result.fail({ path: outermostNamed(path), issue: error.message })
    if (error instanceof Refused) return Result.fail({ path: [...path], issue: error.message })
    // A getter or a Proxy trap threw while the field was read.
    const message = error instanceof Error ? error.message : String(error)
    return Result.fail({ path: [...path], issue: `could not be read: ${message}` })
  }
}

class Refused extends Error {}
class TooDeep extends Refused {}

// A path more than a hundred levels long would drown the message: name the field the runaway nesting starts
// under instead (`body.comment_filter.trigger_exceptions`), its first named levels.
const outermostNamed = (path: ReadonlyArray<string | number>): ReadonlyArray<string | number> => {
  const named = path.slice(0, 8)
  while (named.length > 0 && typeof named[named.length - 1] === "number") named.pop()
  return named
}

const copy = (value: unknown, path: Array<string | number>): unknown => {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
      // Numbers are copied as they are: the schemas refuse NaN and Infinity, with their own message.
      return value
    case "bigint":
      throw new Refused("is a bigint; send a number or a string")
    case "symbol":
    case "function":
      throw new Refused(`is a ${typeof value}, which cannot be sent`)
  }
  if (value === null) return null
  const object = value as object
  if (object instanceof Date || object instanceof Blob || object instanceof Uint8Array) return object
  if (path.length > MAX_DEPTH) throw new TooDeep(`nests deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(object)) {
    const items: Array<unknown> = new Array(object.length)
    for (let index = 0; index < object.length; index++) {
      path.push(index)
      items[index] = copy(object[index], path)
      path.pop()
    }
    return items
  }
  const prototype = Object.getPrototypeOf(object)
  if (prototype !== Object.prototype && prototype !== null) {
    throw new Refused(`is ${describe(object)}, not plain data (an object, an array, a string, a number, …)`)
  }
  if (Object.getOwnPropertySymbols(object).length > 0) throw new Refused("has symbol keys, which cannot be sent")
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(object)) {
    path.push(key)
    fields[key] = copy((object as Record<string, unknown>)[key], path)
    path.pop()
  }
  return fields
}

const describe = (object: object): string => {
  const name = (object.constructor as { readonly name?: unknown } | undefined)?.name
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object with a prototype"
}
