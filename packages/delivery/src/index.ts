export { DELIVERY_DEFAULTS } from "./defaults.js";
export type { DelayHandle, DelayQueueOptions } from "./delay-queue.js";
export { DelayQueue } from "./delay-queue.js";
export { createDispatcher } from "./dispatcher.js";
export type { FailureFacts } from "./error-extensions.js";
export { deadLetterEvent, ERROR_DATA_MAX_BYTES, errorData } from "./error-extensions.js";
export type { DeliveryErrorCode } from "./errors.js";
export { DeliveryErrors } from "./errors.js";
export type { RetryHint } from "./retry-policy.js";
export {
  backoffDelay,
  isRetryableStatus,
  isSuccessStatus,
  parseRetryAfter,
  retryWait,
} from "./retry-policy.js";
export type {
  AttemptEnd,
  AttemptInfo,
  AttemptPacer,
  DeliveryRequest,
  DeliveryResult,
  Dispatcher,
  DispatcherOptions,
} from "./types.js";
