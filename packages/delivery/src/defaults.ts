/**
 * Every default of the package, in one place (as undici's retry handler keeps its own). The
 * delivery policy itself (retry, backoff, timeout, retryAfterMax) comes resolved from the
 * manifests; these are the dispatcher's own knobs.
 */
export const DELIVERY_DEFAULTS = Object.freeze({
  userAgent: "sluice-delivery",
  /** Largest reply body read from a 200; a larger one fails the attempt (REPLY_TOO_LARGE). */
  maxReplyBytes: 4 * 1024 * 1024,
  /**
   * Unneeded response bodies (2xx without reply, the rest of a failed answer after the bytes kept
   * for `knativeerrordata`) are drained so the connection is reused; beyond this many bytes the
   * connection is closed instead.
   */
  maxDrainBytes: 128 * 1024,
  /** Idle keep-alive connections are closed after this long (undici's default). */
  keepAliveTimeoutMs: 4_000,
  /** Connections per origin: unbounded, the runtime bounds in-flight deliveries per trigger and overall. */
  connectionsPerOrigin: null as number | null,
  /** Cached parsed URLs and their pools; the cache is cleared when it grows past this. */
  maxCachedTargets: 4_096,
});

/** Knative `KnativeErrorDataExtensionMaxLength`: knativeerrordata is at most 1024 base64 characters. */
export const ERROR_DATA_MAX_BASE64 = 1024;

/** Node timers cannot wait longer than 2^31-1 ms; longer waits are capped there. */
export const MAX_WAIT_MS = 2 ** 31 - 1;
