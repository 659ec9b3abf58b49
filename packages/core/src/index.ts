export type {
  AppendEntry,
  BrokerBackend,
  BrokerStore,
  BrokerStoreOptions,
  BrokerStoreStats,
  DeadLetterRecord,
  Delivery,
  SubscriptionQueue,
} from "./broker-backend.js";
export type { CloudEvent, EventEnvelope } from "./cloud-event.js";
export {
  ATTRIBUTE_NAME,
  createCloudEvent,
  DEFAULT_BROKER_TTL,
  FILTER_ATTRIBUTE_NAME,
  REQUIRED_ATTRIBUTES,
  SPEC_VERSIONS,
  TTL_EXTENSION,
  withAttributes,
} from "./cloud-event.js";
export { formatIsoDuration, parseIsoDuration } from "./duration.js";
export type { SluiceErrorOptions } from "./errors.js";
export { CoreErrors, isSluiceError, SluiceError } from "./errors.js";
export { Fifo } from "./fifo.js";
export type { LogFields, Logger, LoggerOptions, LogLevel } from "./logger.js";
export { createLogger, isLogLevel, silentLogger } from "./logger.js";
export type {
  BackoffPolicy,
  BrokerResource,
  DeliveryPolicy,
  Destination,
  FilterSpec,
  ResourceKey,
  SourceLocation,
  SourceResource,
  TriggerResource,
} from "./resources.js";
export { DEFAULT_BROKER_DELIVERY, DEFAULT_DELIVERY_FIELDS, resourceId } from "./resources.js";
export { SecretValue } from "./secret.js";
export type {
  HttpHandler,
  HttpRequest,
  HttpResponse,
  HttpRouteOptions,
  HttpRouter,
  Source,
  SourceContext,
  SourcePlugin,
  ValidationContext,
} from "./source.js";
export type { AbortSignalLike } from "./stop-signal.js";
export { StopSignal } from "./stop-signal.js";
export type { Steps } from "./time-slice.js";
export { DEFAULT_SLICE_MS, runSliced, runToEnd, timeSlice } from "./time-slice.js";
