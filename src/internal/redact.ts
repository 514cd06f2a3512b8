/**
 * Redaction of tokens and URLs before they reach an error, a log line or a span.
 *
 * The token is `Redacted` from the moment it is read, but text that came back from the wire (a server message,
 * a proxy's HTML page, a URL someone configured) may still hold it. Everything that turns such text into a
 * message goes through `redactText` or `redactUrl` first.
 *
 * @internal
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"
import { weakMemo } from "./weak-memo.ts"

/**
 * What a redacted secret is replaced with in free text, the same word `Redacted` prints.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const REDACTED_TEXT = "<redacted>"

/**
 * What a redacted query value is replaced with inside a URL. Angle brackets would be percent-encoded there, so a
 * URL gets the bare word, as Effect's own `UrlParams` redaction does.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const REDACTED_URL_VALUE = "REDACTED"

/**
 * A secret to remove from text: a plain string or a `Redacted` string.
 *
 * @internal
 * @since 0.1.0
 * @category models
 */
export type Secret = string | Redacted.Redacted<string>

/**
 * Replaces every occurrence of each secret in `text` (also in its percent-encoded form), and any
 * `Bearer <credential>`, with `<redacted>`.
 *
 * **Gotchas**
 *
 * Redact before truncating: a token cut in half by an excerpt would no longer match.
 *
 * @internal
 * @since 0.1.0
 * @category combinators
 */
export const redactText = (text: string, secrets: ReadonlyArray<Secret> = []): string => {
  let result = text
  for (const secret of secretValues(secrets)) {
    result = result.split(secret).join(REDACTED_TEXT)
  }
  // A credential we were not told about still must not leak: an echoed Authorization header is the usual way.
  return result.replace(BEARER_CREDENTIAL, `$1${REDACTED_TEXT}`)
}

/**
 * Response headers with every secret removed from their values: the one place every header-derived value of an
 * answer (its Server-Timing, content type, Retry-After, the headers a caller reads) passes through, so that a server
 * or proxy that echoes the token in a header cannot put it into an error, a log line or a span. Headers holding no
 * secret are returned as they are.
 *
 * @internal
 * @since 0.1.0
 * @category combinators
 */
export const redactHeaders = <H extends Readonly<Record<string, string>>>(
  headers: H,
  secrets: ReadonlyArray<Secret>
): H => {
  let redacted: Record<string, string> | undefined
  for (const name in headers) {
    const value = headers[name]!
    if (!mayHoldSecret(value, secrets)) continue
    redacted ??= { ...headers }
    redacted[name] = redactText(value, secrets)
  }
  return (redacted ?? headers) as H
}

/**
 * Prints a URL without secrets: no user name or password, no fragment, and the values of secret-looking query
 * parameters (`token`, `api_key`, `signature`, `password`, …) and of any given secret replaced by `REDACTED`.
 * Text that does not parse as a URL is returned through `redactText`.
 *
 * @internal
 * @since 0.1.0
 * @category combinators
 */
export const redactUrl = (url: string | URL, secrets: ReadonlyArray<Secret> = []): string => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return redactText(String(url).replace(USERINFO, "//"), secrets)
  }
  const values = secretValues(secrets)
  const query = parsed.search.slice(1).split("&").filter((pair) => pair !== "").map((pair) => {
    const separator = pair.indexOf("=")
    if (separator === -1) {
      return isSecretValue(decodeQueryComponent(pair), values) ? REDACTED_URL_VALUE : pair
    }
    const name = pair.slice(0, separator)
    const value = decodeQueryComponent(pair.slice(separator + 1))
    return isSecretName(decodeQueryComponent(name)) || isSecretValue(value, values)
      ? `${name}=${REDACTED_URL_VALUE}`
      : pair
  }).join("&")
  const path = redactText(parsed.pathname, secrets)
  return `${parsed.protocol}//${parsed.host}${path}${query === "" ? "" : `?${query}`}`
}

/**
 * `redactUrl` for a URL the client built itself (url.ts: no user info, no fragment, every parameter
 * percent-encoded the one way `encodeURIComponent` does): such a URL can only hold a secret as one of the forms
 * searched for here, so one that holds none of them is returned as it is, without being parsed. `secretQueryName`
 * says whether one of the operation's query parameter names looks like a credential (`isSecretName`).
 *
 * @internal
 * @since 0.1.0
 * @category combinators
 */
export const redactBuiltUrl = (href: string, secret: Secret, secretQueryName: boolean): string => {
  if (!secretQueryName && !searchFormsOf(secret).some((form) => href.includes(form))) return href
  return redactUrl(href, [secret])
}

// The secret as it can appear in a URL: as is (a character encodeURIComponent leaves alone), in a path segment,
// and in a query, where `'` is encoded too. Worked out once per token.
const searchFormsOf = (secret: Secret): ReadonlyArray<string> => {
  if (typeof secret === "string") return searchForms(secret)
  return formsByToken(secret)
}

const searchForms = (value: string): ReadonlyArray<string> => {
  if (value.length === 0) return []
  const inPath = safeEncode(value) ?? value
  return [...new Set([value, inPath, inPath.replace(/'/g, "%27")])]
}

const formsByToken = weakMemo((token: Redacted.Redacted<string>) => searchForms(Redacted.value(token)))

/**
 * Whether a query parameter or header name looks like it carries a credential.
 *
 * @internal
 * @since 0.1.0
 * @category guards
 */
export const isSecretName = (name: string): boolean => {
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, "")
  return SECRET_NAME_PARTS.some((part) => normalised.includes(part)) || SECRET_NAMES.has(normalised) ||
    normalised.endsWith("key")
}

// Over-redacting a harmless parameter costs a little readability; missing a credential costs the credential.
// Compared after lower-casing and dropping `_`, `-` and `.`: `access_token`, `X-Api-Key`, `client_secret`,
// `X-Amz-Signature` and `apiKey` all match; Re:infer's own `id`, `uid`, `after` and `limit` do not.
const SECRET_NAME_PARTS = ["token", "secret", "passw", "signature", "credential", "authorization", "sessionid"]
const SECRET_NAMES = new Set(["sig", "pwd", "auth", "session", "code", "jwt"])

// `scheme://user:password@host`: used only when the text is not a URL we can take apart.
const USERINFO = /\/\/[^/?#@\s]*@/g

const BEARER_CREDENTIAL = /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi

const secretValues = (secrets: ReadonlyArray<Secret>): ReadonlyArray<string> => {
  const values = new Set<string>()
  for (const secret of secrets) {
    const value = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
    // An empty secret would match between every character.
    if (value.length === 0) continue
    values.add(value)
    const encoded = safeEncode(value)
    if (encoded !== undefined && encoded !== value) values.add(encoded)
  }
  // Longest first, so a secret that contains another is removed whole.
  return [...values].sort((left, right) => right.length - left.length)
}

// A cheap test before the full redaction: most header values hold no secret and no credential.
const mayHoldSecret = (value: string, secrets: ReadonlyArray<Secret>): boolean => {
  if (/bearer/i.test(value)) return true
  for (const secret of secrets) {
    const text = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
    if (text.length > 0 && value.includes(text)) return true
  }
  // A percent-encoded secret only ever appears with a `%`.
  return value.includes("%") && secrets.length > 0
}

const isSecretValue = (value: string, secrets: ReadonlyArray<string>): boolean =>
  secrets.some((secret) => value.includes(secret))

const decodeQueryComponent = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "))
  } catch {
    return text
  }
}

const safeEncode = (text: string): string | undefined => {
  try {
    return encodeURIComponent(text)
  } catch {
    return undefined
  }
}
