/**
 * Runs one exported function of a codegen module in a worker thread, so the slow stages overlap.
 *
 * Loading Redocly and the TypeScript compiler (for openapi-typescript) is most of the generator's run time, and
 * each happens once per run. A worker starts at once, imports its module (and calls its `preload` export, if
 * any, to start loading dependencies), and runs the function when the argument arrives. Workers run with Node's
 * own type stripping rather than tsx's hooks, which load packages noticeably faster; that is why the modules they
 * run use only erasable TypeScript. When a worker cannot start or dies, the function runs in the calling thread.
 *
 * @since 0.1.0
 */
import module from "node:module"
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads"
import { CodegenError, type Problem } from "./warnings.ts"

const ROLE = "effect-reinfer/codegen-worker"

export interface WorkerTask<A, R> {
  /** Runs the function on `argument` (once) and resolves with its result or rejects with its error. */
  readonly run: (argument: A) => Promise<R>
  /** Stops the worker if `run` was never called. */
  readonly close: () => void
}

interface Job {
  readonly role: typeof ROLE
  readonly module: string
  readonly export: string
}

type Reply = { readonly result: unknown } | { readonly problems: ReadonlyArray<Problem> } | { readonly message: string }

/** Starts a worker for `module`'s `exportName` now; `inProcess` runs it in the calling thread instead. */
export const startTask = <A, R>(moduleUrl: URL, exportName: string, inProcess = false): WorkerTask<A, R> => {
  const local = async (argument: A): Promise<R> => {
    const loaded = (await import(moduleUrl.href)) as Record<string, (argument: A) => Promise<R>>
    return loaded[exportName]!(argument)
  }
  if (inProcess) return { run: local, close: () => {} }
  let worker: Worker | undefined
  let failed = false
  try {
    const job: Job = { role: ROLE, module: moduleUrl.href, export: exportName }
    worker = new Worker(new URL(import.meta.url), { execArgv: [], workerData: job })
    worker.on("error", () => {
      failed = true
    })
    // Until `run` is called, the worker must not keep the process alive (e.g. after an error in another stage).
    worker.unref()
  } catch {
    failed = true
  }
  return {
    run: (argument) => {
      if (worker === undefined || failed) return local(argument)
      const running = worker
      running.ref()
      return new Promise<R>((resolve, reject) => {
        let settled = false
        const settle = (outcome: () => void) => {
          if (settled) return
          settled = true
          void running.terminate()
          outcome()
        }
        running.once("message", (reply: Reply) =>
          settle(() => {
            if ("result" in reply) resolve(reply.result as R)
            else if ("problems" in reply) reject(new CodegenError(reply.problems))
            else reject(new Error(reply.message))
          })
        )
        const fallBack = () => settle(() => void local(argument).then(resolve, reject))
        running.once("error", fallBack)
        running.once("exit", fallBack)
        running.postMessage(argument)
      })
    },
    close: () => {
      void worker?.terminate()
    }
  }
}

if (!isMainThread && parentPort !== null && (workerData as Partial<Job> | null)?.role === ROLE) {
  const port = parentPort
  const job = workerData as Job
  // Node's compile cache (in the OS temp directory) makes loading the TypeScript compiler faster from the second run.
  module.enableCompileCache?.()
  const loading = import(job.module).then(async (loaded: Record<string, unknown>) => {
    if (typeof loaded["preload"] === "function") await (loaded["preload"] as () => Promise<unknown>)()
    return loaded
  })
  port.once("message", (argument: unknown) => {
    loading
      .then((loaded) => (loaded[job.export] as (argument: unknown) => Promise<unknown>)(argument))
      .then(
        (result) => port.postMessage({ result }),
        (error: unknown) =>
          port.postMessage(
            error instanceof CodegenError ? { problems: error.problems } : { message: String(error) }
          )
      )
  })
}
