import type { AckJournal, Checkpoint } from "./ack-journal.js";

const FLUSH_MS = 20;
const RETRY_MS = 1_000;

/**
 * Drives the ack journal from the store: acks are gathered for a few milliseconds and written in
 * one frame (no fsync), the journal is compacted once it outgrows both its budget and twice its
 * last checkpoint, and a failed write is retried on a timer so health() clears without traffic.
 */
export class AckWriter {
  readonly #journal: AckJournal;
  readonly #budget: number;
  readonly #snapshot: () => Checkpoint;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(journal: AckJournal, budget: number, snapshot: () => Checkpoint) {
    this.#journal = journal;
    this.#budget = budget;
    this.#snapshot = snapshot;
  }

  ack(route: number, seq: number): void {
    if (this.#closed) return; // too late to journal: at worst a redelivery after restart
    this.#journal.ack(route, seq);
    this.#schedule(FLUSH_MS);
  }

  /** Writes a fresh checkpoint now (after recovery). */
  compact(): Promise<void> {
    return this.#journal.rotate(this.#snapshot);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#journal.close();
  }

  #schedule(delay: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => void this.#flush(), delay).unref();
  }

  async #flush(): Promise<void> {
    this.#timer = undefined;
    const journal = this.#journal;
    await journal.flush(false);
    if (
      journal.failure === undefined &&
      journal.bytesSinceCheckpoint > Math.max(this.#budget, 2 * journal.checkpointBytes)
    ) {
      await journal.rotate(this.#snapshot);
    }
    if (journal.failure !== undefined) this.#schedule(RETRY_MS);
  }
}
