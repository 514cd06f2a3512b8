/**
 * Opaque cursors the sandbox hands out: comment-iteration continuations, stream sequence ids and page
 * continuations.
 *
 * Real Re:infer cursors are opaque strings, so clients must not parse them. The sandbox encodes a small JSON
 * value as base64url, which keeps them opaque to callers while letting the store decode them back and reject
 * anything it did not issue with a 400.
 *
 * @since 0.1.0
 */

/**
 * Encodes a JSON-serialisable position as an opaque base64url string, tagged with its kind so a cursor of one
 * kind is never accepted as another.
 *
 * @category constructors
 * @since 0.1.0
 */
export const encodeCursor = (kind: string, position: unknown): string =>
  toBase64Url(JSON.stringify([kind, position]))

/**
 * Decodes a cursor made by {@link encodeCursor}; `undefined` when it is not one of this kind.
 *
 * @category parsing
 * @since 0.1.0
 */
export const decodeCursor = (kind: string, cursor: string): unknown => {
  try {
    const parsed: unknown = JSON.parse(fromBase64Url(cursor))
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === kind) {
      return parsed[1]
    }
    return undefined
  } catch {
    return undefined
  }
}

const toBase64Url = (text: string): string => {
  const bytes = new TextEncoder().encode(text)
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

const fromBase64Url = (text: string): string => {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url")
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"))
  const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0))
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
}
