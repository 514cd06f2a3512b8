/**
 * What the generator reports: warnings for lossy but allowed constructs, errors for everything it cannot handle.
 *
 * Both name the JSON pointer of the offending part of the spec. A warning prints as
 * `WARNING [code] #/pointer: message` with a code from `WarningCode`, so a build log can be searched for one kind;
 * an error prints as `#/pointer: message` and stops generation once parsing is done (all errors are listed
 * together, not just the first).
 *
 * @since 0.1.0
 */
import type { JsonPointer } from "./ir.ts"
import { compareStrings } from "./names.ts"

/**
 * Stable warning codes. Add new codes at the end; never reuse or rename one, scripts grep for them.
 *
 * - `opaque-json`: an empty schema `{}` without a description becomes `Schema.Json`; say what it holds.
 * - `unused-schema`: a component no operation reaches; emitted as request-side (strict).
 * - `closed-response-object`: a response-side object with `additionalProperties: false`; unknown fields a newer
 *   server sends are dropped instead of kept.
 * - `ignored-keyword`: a keyword the generator does not turn into a check (e.g. `contentEncoding`).
 * - `lint-warning`: a Redocly lint warning (errors abort instead).
 * - `optional-request-body`: a request body without `required: true`; the generated client always sends one.
 */
export type WarningCode =
  | "opaque-json"
  | "unused-schema"
  | "closed-response-object"
  | "ignored-keyword"
  | "lint-warning"
  | "optional-request-body"

export interface Warning {
  readonly code: WarningCode
  readonly pointer: JsonPointer
  readonly message: string
}

export interface Problem {
  readonly pointer: JsonPointer
  readonly message: string
}

export const formatWarning = (warning: Warning): string =>
  `WARNING [${warning.code}] ${warning.pointer}: ${warning.message}`

export const formatProblem = (problem: Problem): string => `${problem.pointer}: ${problem.message}`

/** Thrown at the end of a stage that found errors; its message lists every one of them. */
export class CodegenError extends Error {
  readonly problems: ReadonlyArray<Problem>
  constructor(problems: ReadonlyArray<Problem>) {
    super(problems.map(formatProblem).join("\n"))
    this.name = "CodegenError"
    this.problems = problems
  }
}

/** Collects the errors and warnings of one run, in the order found; `report` sorts them for stable output. */
export class Diagnostics {
  readonly problems: Array<Problem> = []
  readonly warnings: Array<Warning> = []

  error(pointer: JsonPointer, message: string): void {
    this.problems.push({ pointer, message })
  }

  warn(code: WarningCode, pointer: JsonPointer, message: string): void {
    this.warnings.push({ code, pointer, message })
  }

  /** Adds warnings found elsewhere (e.g. by the lint stage). */
  add(warnings: ReadonlyArray<Warning>): void {
    this.warnings.push(...warnings)
  }

  /** Throws a CodegenError listing every error so far, if there is any. */
  failIfErrors(): void {
    if (this.problems.length > 0) {
      throw new CodegenError(uniqueSorted(this.problems, formatProblem))
    }
  }

  sortedWarnings(): ReadonlyArray<Warning> {
    return uniqueSorted(this.warnings, formatWarning)
  }
}

/** Builds a JSON pointer from a base pointer and unescaped segments (`/` → `~1`, `~` → `~0`). */
export const pointerTo = (base: JsonPointer, ...segments: ReadonlyArray<string | number>): JsonPointer =>
  segments.reduce<string>(
    (pointer, segment) => `${pointer}/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`,
    base
  )

const uniqueSorted = <A>(items: ReadonlyArray<A>, key: (item: A) => string): ReadonlyArray<A> => {
  const byKey = new Map<string, A>()
  for (const item of items) byKey.set(key(item), item)
  return [...byKey.keys()].sort(compareStrings).map((k) => byKey.get(k)!)
}
