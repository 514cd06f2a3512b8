/**
 * The in-memory tracing the tests read spans from; it lives beside the quickstart, which prints the same tree.
 *
 * @since 0.1.0
 */
export * from "../../examples/support/in-memory-tracing.ts"
