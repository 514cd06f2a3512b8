/**
 * effect-reinfer: an Effect-native client for the Re:infer (UiPath Communications Mining) API.
 *
 * The public surface, and nothing else: the client service and its layers, the tagged errors, retry options,
 * Server-Timing parsing, and the generated schemas for users who want to validate payloads themselves.
 *
 * @since 0.1.0
 */

export {
  type CallOptions,
  type MethodArguments,
  ReinferClient,
  type ReinferClientShape,
  type RawOutput,
  type RawPayload,
  type ReinferMethods,
  type ReinferMethodsRaw,
  type ReinferMethodsWithResponse,
  type ReinferResponse
} from "./client.ts"

export { CurrentCallOptions } from "./call-options.ts"

export {
  DEFAULT_TIMEOUT,
  DEFAULT_USER_AGENT,
  MIN_TOKEN_LENGTH,
  optionsFromEnvironment,
  type ReinferOptions
} from "./config.ts"

export {
  formatMessage,
  isReinferError,
  ReinferApiError,
  ReinferConfigError,
  type ReinferCallError,
  ReinferDecodeError,
  type ReinferError,
  ReinferErrorTypeId,
  ReinferPaginationError,
  type ReinferErrorContext,
  ReinferRequestError,
  ReinferTransportError,
  ReinferUnexpectedResponse,
  type SchemaIssueSummary,
  type TransportReason,
  type UnexpectedResponseReason
} from "./errors.ts"

export {
  DEFAULT_BASE_DELAY,
  DEFAULT_MAX_DELAY,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_AFTER_CAP,
  isRetryable,
  makeSchedule,
  type RetryOptions
} from "./retry.ts"

export * as ServerTiming from "./server-timing.ts"

export type * from "../generated/client-shape.ts"
export { type OperationDefinition, type OperationId, operations } from "../generated/operations.ts"
export * as Schemas from "../generated/schemas/index.ts"
export { unknownFields } from "./unknown-fields.ts"

export * as Pagination from "./pagination.ts"

export * as StreamConsumer from "./stream-consumer.ts"
export * as BulkSync from "./bulk-sync.ts"
