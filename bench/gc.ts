/**
 * A full garbage collection on demand, so one benchmark task does not pay for the garbage the previous one left.
 *
 * `--expose-gc` cannot be passed through `tsx` portably, so the flag is set at run time and the `gc` function
 * taken from a fresh context, which is the documented way to reach it after start-up.
 *
 * @since 0.1.0
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

/**
 * Runs a full, synchronous garbage collection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const collectGarbage = (): void => gc()
