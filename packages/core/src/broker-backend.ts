import type { EventEnvelope } from "./cloud-event.js";
import type { Logger } from "./logger.js";
import type { ResourceKey } from "./resources.js";
import type { AbortSignalLike } from "./stop-signal.js";

/**
 * A broker backend stores the events of brokers and the deliveries still owed to their
 * subscriptions (triggers). The runtime evaluates every trigger once per event, at acceptance,
 * and appends the event with the ids of the triggers it matched (its routes); the backend keeps
 * the event until every route is done with it. This keeps per-event matching cost independent
 * of the number of triggers (Knative eventing#2288) and makes "delivered to every trigger that
 * matched when it was accepted" hold across restarts.
 *
 * Every backend passes the shared contract suite in `@sluice/testing` (`runBrokerContract`).
 * Errors: reject with SluiceError `SLUICE_ERR_BACKEND_UNAVAILABLE` (ingress answers 503) or
 * `SLUICE_ERR_BACKEND_FULL` (ingress answers 429).
 */
export interface BrokerBackend {
  /** Short name: "memory", "embedded", ... */
  readonly kind: string;
  /** True when append() resolves only after the event survives a crash (kill -9) of this process. */
  readonly durable: boolean;
  /**
   * Opens (creating if needed) the store of one broker. Opening a durable store recovers what it
   * held before: events with deliveries still pending are handed out again.
   */
  open(key: ResourceKey, options?: BrokerStoreOptions): Promise<BrokerStore>;
  /** Closes every store opened through this backend. Idempotent. */
  close(): Promise<void>;
}

export interface BrokerStoreOptions {
  /** Bound on events stored but not yet finished by all their routes; append beyond it fails with BACKEND_FULL. */
  readonly maxPendingEvents?: number;
  /** Bound on the bytes of those events (data plus attributes). */
  readonly maxPendingBytes?: number;
  readonly logger?: Logger;
  /**
   * Durable stores call this after each group commit (the write and sync that make a batch of
   * appends durable), whether it succeeded or not, with how long it took in seconds and, when the
   * commit got as far as finishing its sync (fdatasync), how long the sync alone took: the runtime
   * exposes them as `sluice_broker_commit_seconds` and `sluice_broker_sync_seconds`, so a stalling
   * disk shows as itself rather than as slow deliveries. Non-durable stores never call it.
   */
  readonly onCommit?: (seconds: number, syncSeconds?: number) => void;
}

export interface AppendEntry {
  readonly envelope: EventEnvelope;
  /** Ids of the subscriptions (trigger ids) owed one delivery each. Empty: nothing to store. */
  readonly routes: readonly string[];
}

export interface BrokerStoreStats {
  /** Events stored with at least one delivery not finished. */
  readonly pendingEvents: number;
  readonly pendingBytes: number;
  /** Deliveries not finished, over all subscriptions. */
  readonly pendingDeliveries: number;
  /** Records in the dead-letter store. */
  readonly deadLetters: number;
}

export interface BrokerStore {
  readonly key: ResourceKey;
  /**
   * Stores the entries and queues one delivery per route. All or nothing: resolves once every
   * entry is stored (for a durable backend, on disk and fsynced; concurrent calls may share one
   * fsync), rejects if none is. Entries appended by one call are handed out in the order given.
   */
  append(entries: readonly AppendEntry[]): Promise<void>;
  /** The delivery queue of one subscription; the same object for the same id while the store is open. */
  subscription(id: string): SubscriptionQueue;
  /** Ids of every subscription with deliveries pending, including those recovered after a restart. */
  subscriptionIds(): readonly string[];
  /** Forgets a subscription (a removed trigger): its pending deliveries are discarded. */
  dropSubscription(id: string): Promise<void>;
  /**
   * Keeps an event that could not be delivered nor dead-lettered to a sink. Durable like append:
   * resolves once stored. The record's envelope holds the original event plus the
   * `knativeerror*` extensions.
   */
  deadLetter(record: DeadLetterRecord): Promise<void>;
  /** Every record of the dead-letter store, oldest first. */
  readDeadLetters(): AsyncIterable<DeadLetterRecord>;
  stats(): BrokerStoreStats;
  /** `undefined` while healthy; otherwise a short reason (shown by /readyz). */
  health(): string | undefined;
  /** Stops handing out deliveries (pending take() calls resolve with []) and releases resources. Idempotent. */
  close(): Promise<void>;
}

/** One event owed to one subscription. */
export interface Delivery {
  /** Position of the event in its broker's log: increasing in append order, unique per store. */
  readonly seq: number;
  readonly envelope: EventEnvelope;
}

export interface SubscriptionQueue {
  readonly id: string;
  /** Deliveries queued and not yet taken. */
  readonly waiting: number;
  /**
   * Takes up to `max` deliveries in log order (released ones first), waiting until at least one
   * is available. Resolves with [] once the store is closed, the subscription dropped, or
   * `signal` aborted (an AbortSignal or a StopSignal). At most one take() may be pending per queue.
   */
  take(max: number, signal?: AbortSignalLike): Promise<readonly Delivery[]>;
  /** The delivery is finished (delivered, dead-lettered or dropped): never handed out again. */
  ack(delivery: Delivery): void;
  /** Gives a taken delivery back unfinished; it is handed out again before newer ones. */
  release(delivery: Delivery): void;
}

/** What the durable dead-letter store keeps. */
export interface DeadLetterRecord {
  /** The subscription (trigger id) whose delivery failed. */
  readonly subscription: string;
  readonly envelope: EventEnvelope;
  /** Why the event ended here, for people: "no dead-letter sink", "dead-letter sink failed: ...". */
  readonly reason: string;
  /** When it was stored (ms since the epoch). */
  readonly at: number;
}
