import {
  type AbortSignalLike,
  type Delivery,
  type EventEnvelope,
  Fifo,
  SluiceError,
  type SubscriptionQueue,
} from "@sluice/core";
import { EmbeddedBrokerErrors } from "./errors.js";
import type { LogRecord } from "./log-record.js";

/** What a queue needs from its store. */
export interface QueueOwner {
  /** A route finished the record: acked (journaled) or discarded by a drop (not journaled). */
  finish(record: LogRecord, route: number, acked: boolean): void;
  /** Reads envelopes of records not in the cache, in order. */
  load(records: readonly LogRecord[]): Promise<EventEnvelope[]>;
  /** A load failed: the owner reports it in health(). */
  loadFailed(error: unknown): void;
}

interface Waiter {
  readonly max: number;
  readonly resolve: (deliveries: readonly Delivery[]) => void;
  readonly signal: AbortSignalLike | undefined;
  readonly onAbort: () => void;
}

const NONE: readonly Delivery[] = Object.freeze([]);
/**
 * Shared by every queue that never handed anything out (thousands of idle triggers need no map
 * each). Only #hold writes, and it swaps in a map of the queue's own first; reads, deletes of
 * absent keys and clear() leave it empty.
 */
const NOTHING_TAKEN: Map<number, LogRecord> = new Map();
const LOAD_RETRY_MS = 1_000;

/** The deliveries one subscription is owed: ready (log order), released (handed out first), taken. */
export class EmbeddedQueue implements SubscriptionQueue {
  readonly id: string;
  readonly route: number;
  readonly #owner: QueueOwner;
  readonly #ready = new Fifo<LogRecord>();
  /** Sorted by seq: released deliveries go out again before newer ones, oldest first. */
  readonly #released: LogRecord[] = [];
  /** Handed out, not yet acked or released; the shared empty map until the first take. */
  #taken: Map<number, LogRecord> = NOTHING_TAKEN;
  #waiter: Waiter | undefined;
  #loading = false;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(id: string, route: number, owner: QueueOwner) {
    this.id = id;
    this.route = route;
    this.#owner = owner;
  }

  get waiting(): number {
    return this.#ready.length + this.#released.length;
  }

  /** Deliveries not finished: waiting plus taken. */
  get pending(): number {
    return this.waiting + this.#taken.size;
  }

  /** Every unfinished seq, for a checkpoint (unsorted). */
  collectPending(out: number[]): void {
    for (const record of this.#released) out.push(record.seq);
    for (const record of this.#ready) out.push(record.seq);
    for (const seq of this.#taken.keys()) out.push(seq);
  }

  push(record: LogRecord): void {
    this.#ready.push(record);
    this.#serve();
  }

  take(max: number, signal?: AbortSignalLike): Promise<readonly Delivery[]> {
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new SluiceError(
          EmbeddedBrokerErrors.TAKE_PENDING,
          `subscription ${this.id}: a take() is already pending`,
        ),
      );
    }
    if (this.#closed || signal?.aborted === true) return Promise.resolve(NONE);
    return new Promise((resolve) => {
      const onAbort = (): void => this.#settle(NONE);
      this.#waiter = { max: Math.max(1, Math.floor(max)), resolve, signal, onAbort };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#serve();
    });
  }

  ack(delivery: Delivery): void {
    const record = this.#taken.get(delivery.seq);
    if (record === undefined) return;
    this.#taken.delete(delivery.seq);
    record.holders -= 1;
    this.#owner.finish(record, this.route, true);
  }

  release(delivery: Delivery): void {
    const record = this.#taken.get(delivery.seq);
    if (record === undefined) return;
    this.#taken.delete(delivery.seq);
    record.holders -= 1;
    insertSorted(this.#released, record);
    this.#serve();
  }

  /** Stops handing out deliveries; a pending take() resolves with []. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#settle(NONE);
  }

  /** Closes the queue and finishes every delivery it still owed (a dropped subscription). */
  discard(): void {
    this.close();
    for (const record of this.#taken.values()) record.holders -= 1;
    const records = [...this.#released, ...this.#ready.drain(), ...this.#taken.values()];
    this.#released.length = 0;
    this.#taken.clear();
    for (const record of records) this.#owner.finish(record, this.route, false);
  }

  #serve(): void {
    const waiter = this.#waiter;
    if (waiter === undefined || this.#loading || this.#retry !== undefined || this.waiting === 0) return;
    const records = this.#grab(waiter.max);
    const missing = records.filter((r) => r.envelope === undefined);
    if (missing.length === 0) {
      this.#settle(records as Delivery[]);
      return;
    }
    this.#loading = true;
    this.#owner.load(missing).then(
      (envelopes) => this.#loaded(waiter, records, missing, envelopes),
      (error) => this.#loadFailed(records, error),
    );
  }

  #loaded(waiter: Waiter, records: LogRecord[], missing: LogRecord[], envelopes: EventEnvelope[]): void {
    this.#loading = false;
    const read = new Map<LogRecord, EventEnvelope>();
    for (let i = 0; i < missing.length; i++) read.set(missing[i] as LogRecord, envelopes[i] as EventEnvelope);
    // Only records still taken go out: a drop or close may have happened meanwhile.
    const live = records.filter((r) => this.#taken.get(r.seq) === r);
    const deliveries = live.map((r) =>
      r.envelope === undefined ? { seq: r.seq, envelope: read.get(r)! } : (r as Delivery),
    );
    if (this.#waiter === waiter) this.#settle(deliveries);
    else for (const record of live) this.#putBack(record);
    this.#serve();
  }

  #loadFailed(records: LogRecord[], error: unknown): void {
    this.#loading = false;
    this.#owner.loadFailed(error);
    for (const record of records) if (this.#taken.get(record.seq) === record) this.#putBack(record);
    if (this.#closed) return;
    // The take stays pending and tries again later: resolving [] would make callers spin.
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#serve();
    }, LOAD_RETRY_MS);
    this.#retry.unref();
  }

  #putBack(record: LogRecord): void {
    this.#taken.delete(record.seq);
    record.holders -= 1;
    insertSorted(this.#released, record);
  }

  #settle(deliveries: readonly Delivery[]): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(deliveries);
  }

  #grab(max: number): LogRecord[] {
    const out: LogRecord[] = [];
    while (out.length < max && this.#released.length > 0) out.push(this.#hold(this.#released.shift()!));
    while (out.length < max && this.#ready.length > 0) out.push(this.#hold(this.#ready.shift()!));
    return out;
  }

  #hold(record: LogRecord): LogRecord {
    if (this.#taken === NOTHING_TAKEN) this.#taken = new Map();
    this.#taken.set(record.seq, record);
    record.holders += 1;
    return record;
  }
}

function insertSorted(list: LogRecord[], record: LogRecord): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as LogRecord).seq < record.seq) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, record);
}
