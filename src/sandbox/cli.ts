/**
 * `npm run sandbox`: starts the Re:infer sandbox on a loopback port and prints its URL.
 *
 * Usage: `npx tsx src/sandbox/cli.ts [--port 4010] [--token sandbox-token] [--host 127.0.0.1]
 * [--base-path /org/tenant/reinfer_] [--project acme]... [--latency-ms 0] [--seed 1]`. Stops cleanly on
 * SIGINT / SIGTERM.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { DEFAULT_TOKEN, startSandbox } from "./index.ts"

/** The port `npm run sandbox` listens on unless told otherwise (Prism's default mock port, so docs read alike). */
const DEFAULT_PORT = 4010

const { values } = parseArgs({
  options: {
    port: { type: "string", default: String(DEFAULT_PORT) },
    host: { type: "string", default: "127.0.0.1" },
    token: { type: "string", default: DEFAULT_TOKEN },
    "base-path": { type: "string", default: "" },
    project: { type: "string", multiple: true, default: [] },
    "latency-ms": { type: "string", default: "0" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean", short: "h", default: false }
  }
})

if (values.help) {
  process.stdout.write(
    "Usage: sandbox [--port 4010] [--token sandbox-token] [--host 127.0.0.1] [--base-path /org/tenant/reinfer_]\n" +
      "               [--project NAME]... [--latency-ms 0] [--seed 1]\n"
  )
  process.exit(0)
}

const latency = Number(values["latency-ms"])
const running = await startSandbox({
  port: Number(values.port),
  host: values.host,
  token: values.token,
  basePath: values["base-path"],
  projects: values.project,
  seed: Number(values.seed),
  ...(latency > 0 ? { faults: { latency: `${latency} millis` } } : {})
})

process.stdout.write(`Re:infer sandbox listening on ${running.url}\n`)
process.stdout.write(`Token: ${values.token === DEFAULT_TOKEN ? DEFAULT_TOKEN : "(as given with --token)"}\n`)

const shutdown = (signal: string) => {
  process.stdout.write(`\n${signal}: stopping the sandbox\n`)
  running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`Could not stop cleanly: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
process.once("SIGINT", () => shutdown("SIGINT"))
process.once("SIGTERM", () => shutdown("SIGTERM"))
