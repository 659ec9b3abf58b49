import { type AbortSignalLike, type Delivery, Fifo, SluiceError, type SubscriptionQueue } from "@sluice/core";
import { MemoryBrokerErrors } from "./errors.js";
import type { StoredEvent } from "./stored-event.js";

interface Waiter {
  readonly max: number;
  readonly resolve: (deliveries: readonly Delivery[]) => void;
  readonly signal: AbortSignalLike | undefined;
  readonly onAbort: () => void;
}

const NONE: readonly Delivery[] = Object.freeze([]);

/** The deliveries one subscription is owed: ready (log order), released (handed out first), taken. */
export class MemoryQueue implements SubscriptionQueue {
  readonly id: string;
  readonly #finish: (event: StoredEvent) => void;
  readonly #ready = new Fifo<StoredEvent>();
  /** Sorted by seq: released deliveries go out again before newer ones, oldest first. */
  readonly #released: StoredEvent[] = [];
  readonly #taken = new Map<number, StoredEvent>();
  #waiter: Waiter | undefined;
  #closed = false;

  constructor(id: string, finish: (event: StoredEvent) => void) {
    this.id = id;
    this.#finish = finish;
  }

  get waiting(): number {
    return this.#ready.length + this.#released.length;
  }

  /** Deliveries not finished: waiting plus taken. */
  get pending(): number {
    return this.waiting + this.#taken.size;
  }

  push(event: StoredEvent): void {
    this.#ready.push(event);
    if (this.#waiter !== undefined) this.#serve(this.#waiter);
  }

  take(max: number, signal?: AbortSignalLike): Promise<readonly Delivery[]> {
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new SluiceError(
          MemoryBrokerErrors.TAKE_PENDING,
          `subscription ${this.id}: a take() is already pending`,
        ),
      );
    }
    if (this.#closed || signal?.aborted === true) return Promise.resolve(NONE);
    const limit = Math.max(1, Math.floor(max));
    if (this.waiting > 0) return Promise.resolve(this.#grab(limit));
    return new Promise((resolve) => {
      const onAbort = (): void => this.#settle(NONE);
      this.#waiter = { max: limit, resolve, signal, onAbort };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  ack(delivery: Delivery): void {
    const event = this.#taken.get(delivery.seq);
    if (event === undefined) return;
    this.#taken.delete(delivery.seq);
    this.#finish(event);
  }

  release(delivery: Delivery): void {
    const event = this.#taken.get(delivery.seq);
    if (event === undefined) return;
    this.#taken.delete(delivery.seq);
    insertSorted(this.#released, event);
    if (this.#waiter !== undefined) this.#serve(this.#waiter);
  }

  /** Stops handing out deliveries; a pending take() resolves with []. */
  close(): void {
    this.#closed = true;
    this.#settle(NONE);
  }

  /** Closes the queue and finishes every delivery it still owed (a dropped subscription). */
  discard(): void {
    this.close();
    const events = [...this.#released, ...this.#ready.drain(), ...this.#taken.values()];
    this.#released.length = 0;
    this.#taken.clear();
    for (const event of events) this.#finish(event);
  }

  #serve(waiter: Waiter): void {
    if (this.waiting > 0) this.#settle(this.#grab(waiter.max));
  }

  #settle(deliveries: readonly Delivery[]): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(deliveries);
  }

  #grab(max: number): Delivery[] {
    const out: Delivery[] = [];
    while (out.length < max && this.#released.length > 0) out.push(this.#hold(this.#released.shift()!));
    while (out.length < max && this.#ready.length > 0) out.push(this.#hold(this.#ready.shift()!));
    return out;
  }

  #hold(event: StoredEvent): StoredEvent {
    this.#taken.set(event.seq, event);
    return event;
  }
}

function insertSorted(list: StoredEvent[], event: StoredEvent): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as StoredEvent).seq < event.seq) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, event);
}
