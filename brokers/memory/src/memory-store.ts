import {
  type AppendEntry,
  type BrokerStore,
  type BrokerStoreOptions,
  type BrokerStoreStats,
  CoreErrors,
  type DeadLetterRecord,
  type ResourceKey,
  resourceId,
  SluiceError,
  type SubscriptionQueue,
} from "@sluice/core";
import { MemoryQueue } from "./memory-queue.js";
import { eventBytes, type StoredEvent } from "./stored-event.js";

/** The store of one broker, held in this process's memory: the reference BrokerStore. */
export class MemoryStore implements BrokerStore {
  readonly key: ResourceKey;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #onClose: () => void;
  readonly #queues = new Map<string, MemoryQueue>();
  readonly #deadLetters: DeadLetterRecord[] = [];
  readonly #finish = (event: StoredEvent): void => this.#finishRoute(event);
  #seq = 0;
  #pendingEvents = 0;
  #pendingBytes = 0;
  #pendingDeliveries = 0;
  #closed = false;

  constructor(key: ResourceKey, options: BrokerStoreOptions, onClose: () => void) {
    this.key = key;
    this.#maxEvents = options.maxPendingEvents ?? Number.POSITIVE_INFINITY;
    this.#maxBytes = options.maxPendingBytes ?? Number.POSITIVE_INFINITY;
    this.#onClose = onClose;
  }

  append(entries: readonly AppendEntry[]): Promise<void> {
    if (this.#closed) return Promise.reject(closedError(this.key));
    let events = 0;
    let bytes = 0;
    for (const entry of entries) {
      if (entry.routes.length === 0) continue;
      events += 1;
      bytes += eventBytes(entry.envelope.event);
    }
    if (events === 0) return Promise.resolve();
    if (this.#pendingEvents + events > this.#maxEvents || this.#pendingBytes + bytes > this.#maxBytes) {
      return Promise.reject(fullError(this.key, this.#pendingEvents, this.#pendingBytes));
    }
    for (const entry of entries) {
      if (entry.routes.length > 0) this.#store(entry);
    }
    return Promise.resolve();
  }

  subscription(id: string): SubscriptionQueue {
    return this.#queue(id);
  }

  subscriptionIds(): readonly string[] {
    const ids: string[] = [];
    for (const [id, queue] of this.#queues) if (queue.pending > 0) ids.push(id);
    return ids;
  }

  dropSubscription(id: string): Promise<void> {
    const queue = this.#queues.get(id);
    if (queue !== undefined) {
      this.#queues.delete(id);
      queue.discard();
    }
    return Promise.resolve();
  }

  deadLetter(record: DeadLetterRecord): Promise<void> {
    if (this.#closed) return Promise.reject(closedError(this.key));
    this.#deadLetters.push(record);
    return Promise.resolve();
  }

  async *readDeadLetters(): AsyncIterable<DeadLetterRecord> {
    // A snapshot: records kept while reading are not part of this pass.
    yield* this.#deadLetters.slice();
  }

  stats(): BrokerStoreStats {
    return {
      pendingEvents: this.#pendingEvents,
      pendingBytes: this.#pendingBytes,
      pendingDeliveries: this.#pendingDeliveries,
      deadLetters: this.#deadLetters.length,
    };
  }

  health(): string | undefined {
    return undefined;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const queue of this.#queues.values()) queue.close();
    this.#onClose();
    return Promise.resolve();
  }

  #store(entry: AppendEntry): void {
    this.#seq += 1;
    const event: StoredEvent = {
      seq: this.#seq,
      envelope: entry.envelope,
      bytes: eventBytes(entry.envelope.event),
      remaining: 0,
    };
    this.#pendingEvents += 1;
    this.#pendingBytes += event.bytes;
    const { routes } = entry;
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i] as string;
      // One delivery per distinct route, even if the caller listed a trigger twice.
      if (i > 0 && routes.indexOf(route) < i) continue;
      event.remaining += 1;
      this.#pendingDeliveries += 1;
      this.#queue(route).push(event);
    }
  }

  #queue(id: string): MemoryQueue {
    let queue = this.#queues.get(id);
    if (queue === undefined) {
      queue = new MemoryQueue(id, this.#finish);
      if (this.#closed) queue.close();
      this.#queues.set(id, queue);
    }
    return queue;
  }

  #finishRoute(event: StoredEvent): void {
    this.#pendingDeliveries -= 1;
    event.remaining -= 1;
    if (event.remaining > 0) return;
    this.#pendingEvents -= 1;
    this.#pendingBytes -= event.bytes;
  }
}

function closedError(key: ResourceKey): SluiceError {
  return new SluiceError(CoreErrors.CLOSED, `broker ${resourceId(key)}: the store is closed`);
}

function fullError(key: ResourceKey, events: number, bytes: number): SluiceError {
  return new SluiceError(
    CoreErrors.BACKEND_FULL,
    `broker ${resourceId(key)}: backlog is full (${events} events, ${bytes} bytes pending)`,
    { details: { pendingEvents: events, pendingBytes: bytes } },
  );
}
