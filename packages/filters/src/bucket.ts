import type { Test } from "./node.js";

/** One trigger in the index. */
export interface IndexEntry {
  readonly id: string;
  readonly test: Test;
  /** The match() call that last evaluated this trigger: de-duplicates without a per-event Set. */
  seen: number;
  readonly registrations: Registration[];
}

/** An entry's place in one bucket; `slot` moves when another registration is removed. */
export interface Registration {
  readonly entry: IndexEntry;
  readonly bucket: Bucket;
  slot: number;
}

/**
 * The triggers sharing one indexed condition (an exact value, a prefix, a suffix, presence), as
 * a dense array the matcher walks without allocating. Removal swaps the last registration into
 * the hole, so adding and removing are O(1) whatever the bucket's size.
 */
export class Bucket {
  /** Read by the matcher; change it only through add/remove. */
  readonly items: Registration[] = [];
  readonly #release: (() => void) | undefined;

  /** `release` runs when the bucket becomes empty, so its owner can drop it. */
  constructor(release?: () => void) {
    this.#release = release;
  }

  add(entry: IndexEntry): void {
    const registration: Registration = { entry, bucket: this, slot: this.items.length };
    this.items.push(registration);
    entry.registrations.push(registration);
  }

  remove(registration: Registration): void {
    const last = this.items.pop();
    if (last === undefined) return;
    if (last !== registration) {
      this.items[registration.slot] = last;
      last.slot = registration.slot;
    }
    if (this.items.length === 0) this.#release?.();
  }
}
