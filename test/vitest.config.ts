import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  // `import … from "effect-reinfer"` in examples and README code resolves to the sources, through tsconfig.json
  // "paths", as tsc and tsx resolve it.
  resolve: { tsconfigPaths: true },
  test: {
    // This file lives in test/ to keep the repository's top level to the pipeline's own folders.
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    // A worker keeps its modules between test files: effect, the generated schemas and their compiled codecs are
    // loaded once per worker, not once per file (a fifth of the run's time when isolated). Tests therefore leave
    // no global state behind: no mocks, no patched globals, no environment changes.
    isolate: false,
    // Loopback servers and codegen runs share two cores on CI; a generous limit avoids flaky timeouts
    // without hiding real hangs (every delay inside tests runs on the TestClock).
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
