import { MAX_WAIT_MS } from "./defaults.js";

/** A scheduled callback; pass it to cancel(). */
export interface DelayHandle {
  readonly at: number;
}

interface Entry extends DelayHandle {
  at: number;
  seq: number;
  /** Position in the heap; -1 once fired or cancelled. */
  index: number;
  fire: () => void;
}

export interface DelayQueueOptions {
  /** Monotonic clock in ms; performance.now by default. */
  readonly now?: () => number;
}

/**
 * Backoff waits and attempt timeouts of every delivery share one timer: a min-heap of deadlines
 * plus a single unref'd setTimeout armed for the earliest one (STYLE.md: no setTimeout per
 * pending retry). Cancelling removes the entry at once, so the common case of an attempt that
 * finishes before its timeout leaves nothing behind.
 */
export class DelayQueue {
  readonly #heap: Entry[] = [];
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #seq = 0;
  #closed = false;

  constructor(options: DelayQueueOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
  }

  /** Entries waiting to fire. */
  get size(): number {
    return this.#heap.length;
  }

  /** Calls `fire` after `delayMs` (0 or less: on the next timer turn). Never fires after close(). */
  schedule(delayMs: number, fire: () => void): DelayHandle {
    const wait = Math.min(Math.max(delayMs, 0), MAX_WAIT_MS);
    const entry: Entry = { at: this.#now() + wait, seq: this.#seq++, index: -1, fire };
    if (this.#closed) return entry;
    this.#push(entry);
    if (entry.index === 0) this.#arm();
    return entry;
  }

  /** Forgets a scheduled callback; a no-op when it already fired or was cancelled. */
  cancel(handle: DelayHandle): void {
    const entry = handle as Entry;
    if (entry.index < 0) return;
    const wasFirst = entry.index === 0;
    this.#removeAt(entry.index);
    if (wasFirst) this.#arm();
  }

  /** Drops every pending callback without calling it and clears the timer. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#heap) entry.index = -1;
    this.#heap.length = 0;
    this.#disarm();
  }

  #arm(): void {
    const first = this.#heap[0];
    if (first === undefined) {
      this.#disarm();
      return;
    }
    if (this.#timer !== undefined && first.at >= this.#timerAt) return;
    this.#disarm();
    this.#timerAt = first.at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, Math.ceil(first.at - this.#now())));
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#now();
    for (let first = this.#heap[0]; first !== undefined && first.at <= now; first = this.#heap[0]) {
      this.#removeAt(0);
      first.fire();
    }
    this.#arm();
  }

  #push(entry: Entry): void {
    entry.index = this.#heap.length;
    this.#heap.push(entry);
    this.#up(entry.index);
  }

  #removeAt(index: number): void {
    const heap = this.#heap;
    const removed = heap[index] as Entry;
    const last = heap.pop() as Entry;
    removed.index = -1;
    if (last === removed) return;
    heap[index] = last;
    last.index = index;
    this.#up(index);
    this.#down(last.index);
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as Entry;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Entry;
      if (!this.#less(entry, parent)) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as Entry;
    const half = heap.length >> 1;
    while (index < half) {
      let child = 2 * index + 1;
      const right = child + 1;
      if (right < heap.length && this.#less(heap[right] as Entry, heap[child] as Entry)) child = right;
      const smallest = heap[child] as Entry;
      if (!this.#less(smallest, entry)) break;
      heap[index] = smallest;
      smallest.index = index;
      index = child;
    }
    heap[index] = entry;
    entry.index = index;
  }
}
