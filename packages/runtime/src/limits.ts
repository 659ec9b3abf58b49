/** Bounds of the data plane, in one place. Every value can be set from the CLI. */
export interface RuntimeLimits {
  /** Largest accepted request body (bytes); larger requests get 413. */
  readonly bodyLimit: number;
  /** Per broker: events stored but not yet finished by every matched trigger; beyond it ingress answers 429. */
  readonly maxPendingEvents: number;
  /** Per broker: bytes of those events. */
  readonly maxPendingBytes: number;
  /**
   * Per trigger: deliveries waiting for it; beyond it, events that would be routed to it are
   * refused with 429 while events for other triggers are still accepted, so one subscriber that is
   * down cannot fill the broker's whole backlog. A soft bound: requests in progress may pass it by
   * a few events.
   */
  readonly maxPendingPerTrigger: number;
  /** Deliveries in flight per trigger (including ordered ones waiting for their key). */
  readonly inFlightPerTrigger: number;
  /**
   * Where each trigger's window of deliveries in flight starts, and where it falls back to while
   * its subscriber is failing (its last FAILING_AFTER deliveries failed every attempt, the last one
   * unreachable, timed out or with a retryable status). It grows by one per answered delivery up
   * to inFlightPerTrigger, so a subscriber that hangs or is down gets a trickle of attempts, never
   * the full window.
   */
  readonly inFlightPerFailingTrigger: number;
  /** Deliveries in flight over all triggers. */
  readonly inFlightTotal: number;
  /** On shutdown or trigger removal, how long in-flight deliveries may finish before being abandoned (they stay stored and are redelivered after a restart). */
  readonly shutdownGraceMs: number;
  /** Retry-After (seconds) answered with 429. */
  readonly retryAfterFullSeconds: number;
  /** Retry-After (seconds) answered with 503. */
  readonly retryAfterUnavailableSeconds: number;
}

export const DEFAULT_LIMITS: RuntimeLimits = Object.freeze({
  bodyLimit: 1024 * 1024,
  maxPendingEvents: 200_000,
  maxPendingBytes: 512 * 1024 * 1024,
  maxPendingPerTrigger: 100_000,
  inFlightPerTrigger: 64,
  inFlightPerFailingTrigger: 4,
  inFlightTotal: 1024,
  shutdownGraceMs: 10_000,
  retryAfterFullSeconds: 1,
  retryAfterUnavailableSeconds: 5,
});
