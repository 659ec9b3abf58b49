import type { AbortSignalLike, CloudEvent, DeliveryPolicy, EventEnvelope, Logger } from "@sluice/core";

/** One event owed to one subscriber. */
export interface DeliveryRequest {
  /** The stored event; `traceparent`/`tracestate` are passed on, `ttl` never leaves the broker. */
  readonly envelope: EventEnvelope;
  /** The subscriber URL (absolute http or https). */
  readonly url: string;
  /** retry, backoff, timeout, retryAfterMax and the dead-letter sink. */
  readonly policy: DeliveryPolicy;
  /** Sent as `Kn-Namespace` (the trigger's namespace). */
  readonly namespace: string;
  /**
   * Stores a reply (a 200 carrying a valid CloudEvent) into the broker. The delivery counts as
   * done only once it resolves; a rejection fails the attempt, which is retried per policy.
   * Without it, a valid reply is accepted and dropped.
   */
  readonly onReply?: (reply: CloudEvent) => Promise<void>;
  /**
   * Shutdown: stop waiting and attempting; the delivery resolves "aborted". An AbortSignal, or a
   * caller's StopSignal shared by all its deliveries (the dispatcher listens once per signal).
   */
  readonly signal?: AbortSignalLike;
  /** Paces the attempts to the subscriber (never to the dead-letter sink); see AttemptPacer. */
  readonly pacer?: AttemptPacer;
}

/** How an attempt the pacer let go ended. */
export type AttemptEnd =
  /** The subscriber answered, with any HTTP status. */
  | "answered"
  /** No answer: timed out, connection refused or reset. */
  | "unanswered"
  /** Aborted (shutdown), or not made after all. */
  | "aborted";

/**
 * Paces one subscriber's attempts, first tries and retries alike: the runtime uses it to keep a
 * trigger's attempts in progress within its delivery window, so retries of a subscriber that stopped
 * answering wait for a slot instead of all going out together.
 */
export interface AttemptPacer {
  /**
   * Before each attempt to the subscriber (after any backoff). Undefined: go now. A promise: go when
   * it resolves true; false gives the delivery up ("aborted"). Every attempt let go is followed by
   * exactly one attemptEnded().
   */
  attemptStarting(): Promise<boolean> | undefined;
  attemptEnded(end: AttemptEnd): void;
}

export type DeliveryResult =
  | {
      readonly outcome: "delivered";
      /** Attempts made to the subscriber (1 = first try). */
      readonly attempts: number;
      readonly status: number;
      /** True when the subscriber replied with an event and onReply stored it. */
      readonly replied: boolean;
    }
  | {
      readonly outcome: "dead-lettered";
      readonly attempts: number;
      /** The subscriber's status on its last attempt; undefined when unreachable or timed out. */
      readonly status: number | undefined;
      /** The event the dead-letter sink accepted (original + knativeerror* extensions). */
      readonly deadLetterEvent: CloudEvent;
      /** Attempts made to the dead-letter sink. */
      readonly deadLetterAttempts: number;
    }
  | {
      readonly outcome: "failed";
      readonly attempts: number;
      /** The subscriber's status on its last attempt; undefined when unreachable or timed out. */
      readonly status: number | undefined;
      /** Keep this in the broker's durable dead-letter store; never drop it. */
      readonly deadLetterEvent: CloudEvent;
      readonly deadLetterAttempts: number;
      /** For people: "no dead-letter sink (...)" or "dead-letter sink failed: ...". */
      readonly reason: string;
    }
  | { readonly outcome: "aborted"; readonly attempts: number };

/** Reported after every attempt, to the subscriber or to the dead-letter sink. */
export interface AttemptInfo {
  /** The URL as given (it may hold secrets in its query: do not log it verbatim). */
  readonly url: string;
  /** HTTP status, undefined after a network error or a timeout. */
  readonly status: number | undefined;
  /** `CODE: message` when the attempt failed, undefined on success. */
  readonly error: string | undefined;
  /** The DeliveryErrors code when the attempt failed. */
  readonly code: string | undefined;
  readonly durationMs: number;
  /** 1-based attempt number, counted separately for the subscriber and the dead-letter sink. */
  readonly attempt: number;
  /** True for attempts to the dead-letter sink. */
  readonly deadLetter: boolean;
  /** The wait before the next attempt (backoff or Retry-After), undefined when none follows. */
  readonly retryInMs: number | undefined;
}

export interface DispatcherOptions {
  readonly logger?: Logger;
  readonly onAttempt?: (attempt: AttemptInfo) => void;
  /** `User-Agent` header; default "sluice-delivery". */
  readonly userAgent?: string;
  /** Largest reply body accepted from a 200; default 4 MiB. */
  readonly maxReplyBytes?: number;
  /** Connections per origin; default unbounded (the runtime bounds in-flight deliveries). */
  readonly connectionsPerOrigin?: number;
  /** Idle keep-alive connections close after this long; default 4000 ms. */
  readonly keepAliveTimeoutMs?: number;
  /** Wall clock (ms since the epoch) for Retry-After HTTP dates; default Date.now. */
  readonly now?: () => number;
}

export interface Dispatcher {
  /** Delivers one event: attempts, retries, dead letter. Never rejects for delivery failures. */
  deliver(request: DeliveryRequest): Promise<DeliveryResult>;
  /** Aborts deliveries in progress (they resolve "aborted") and closes every connection. Idempotent. */
  close(): Promise<void>;
}
