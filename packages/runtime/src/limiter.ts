/**
 * Counts in-flight deliveries against a bound shared by every trigger. Waiters are served in
 * FIFO order so a trigger with a deep backlog cannot starve one that just became ready.
 */
export class Limiter {
  readonly #capacity: number;
  #used = 0;
  readonly #waiters: Array<{ want: number; resolve: () => void }> = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get used(): number {
    return this.#used;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Takes `count` slots, waiting (FIFO) until they are free. `count` must not exceed the capacity. */
  acquire(count: number): Promise<void> | undefined {
    if (this.#waiters.length === 0 && this.#used + count <= this.#capacity) {
      this.#used += count;
      return undefined;
    }
    return new Promise((resolve) => this.#waiters.push({ want: Math.min(count, this.#capacity), resolve }));
  }

  release(count = 1): void {
    this.#used -= count;
    while (this.#waiters.length > 0) {
      const head = this.#waiters[0] as { want: number; resolve: () => void };
      if (this.#used + head.want > this.#capacity) break;
      this.#waiters.shift();
      this.#used += head.want;
      head.resolve();
    }
  }
}
