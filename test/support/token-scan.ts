/**
 * Every way an error reaches a person or a log pipeline, as text, and a scan of such texts for a secret.
 *
 * A token can leak through any rendering of an error: its `message`, `String(error)`, `JSON.stringify(error)`, its
 * `stack`, `util.inspect` (what `console.log` and Node's uncaught-error report print, causes included) and
 * `Cause.pretty` (what Effect's loggers and `runMain` print). `renderings` gives all six; `occurrences` counts a
 * token in any texts, in its plain and percent-encoded forms.
 *
 * **Example**
 *
 * ```ts
 * const texts = [...TokenScan.renderings(error).map((rendering) => rendering.text), ...logs.lines]
 * assert.deepStrictEqual(TokenScan.occurrences(texts, TOKEN), [])
 * ```
 *
 * @since 0.1.0
 */
import { Cause } from "effect"
import * as util from "node:util"

/**
 * One rendering of an error: how it was made and the text.
 *
 * @category models
 * @since 0.1.0
 */
export interface Rendering {
  readonly how: "message" | "String" | "JSON.stringify" | "stack" | "util.inspect" | "Cause.pretty"
  readonly text: string
}

/**
 * The six renderings of an error.
 *
 * @category constructors
 * @since 0.1.0
 */
export const renderings = (error: unknown): ReadonlyArray<Rendering> => {
  const fields = typeof error === "object" && error !== null
    ? error as { readonly message?: unknown; readonly stack?: unknown }
    : {}
  return [
    { how: "message", text: String(fields.message) },
    { how: "String", text: String(error) },
    { how: "JSON.stringify", text: JSON.stringify(error) ?? "" },
    { how: "stack", text: String(fields.stack) },
    { how: "util.inspect", text: util.inspect(error, { depth: Infinity, showHidden: true }) },
    { how: "Cause.pretty", text: Cause.pretty(Cause.fail(error)) }
  ]
}

/**
 * Where `token` occurs in `texts`, plainly or percent-encoded: one excerpt per occurrence, the token itself
 * replaced by `<TOKEN>` so that a failing assertion does not print it either.
 *
 * @category utils
 * @since 0.1.0
 */
export const occurrences = (texts: Iterable<string>, token: string): ReadonlyArray<string> => {
  const forms = [...new Set([token, encodeURIComponent(token)])]
  const found: Array<string> = []
  for (const text of texts) {
    for (const form of forms) {
      let at = text.indexOf(form)
      while (at !== -1) {
        found.push(text.slice(Math.max(0, at - 60), at + form.length + 20).split(form).join("<TOKEN>"))
        at = text.indexOf(form, at + form.length)
      }
    }
  }
  return found
}
