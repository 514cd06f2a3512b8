/**
 * A function of an object computed once per object: for what is costly to build and fixed for a schema or an
 * operation (a compiled decoder, an input shape), kept only as long as its key lives.
 *
 * @internal
 * @since 0.1.0
 */

/**
 * `make`, remembered per key.
 *
 * @internal
 * @since 0.1.0
 * @category constructors
 */
export const weakMemo = <K extends object, V extends {}>(make: (key: K) => V): (key: K) => V => {
  const made = new WeakMap<K, V>()
  return (key) => {
    let value = made.get(key)
    if (value === undefined) {
      value = make(key)
      made.set(key, value)
    }
    return value
  }
}
