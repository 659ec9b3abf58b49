import type { AppendEntry } from "@sluice/core";
import type { ByteWriter } from "./byte-writer.js";
import type { LogRecord } from "./log-record.js";
import { writeEventRecord } from "./record-codec.js";
import type { Placed } from "./segment-log.js";

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The appends gathered for one write (group commit): every append that arrives while the previous
 * batch is being synced joins the next one, so a burst of N concurrent appends costs a couple of
 * writes and fsyncs, not N. One fdatasync may cover several batches written while it waited.
 */
export class CommitBatch {
  readonly writer: ByteWriter;
  readonly records: LogRecord[] = [];
  /** Route ids of records[i]: the queues it goes to once written. */
  readonly routes: number[][] = [];
  readonly #waiters: Waiter[] = [];
  events = 0;
  bytes = 0;
  /** Records appended beyond the cache budget (no envelope kept in memory). */
  uncached = 0;
  /** When its write began (performance.now()), for the commit time. */
  startedAt = 0;
  /** Where it was written; set once written. */
  placed: Placed | undefined;
  /** Its records are in their queues. */
  published = false;

  constructor(writer: ByteWriter) {
    this.writer = writer;
  }

  get firstSeq(): number {
    return (this.records[0] as LogRecord).seq;
  }

  /**
   * Encodes the entries (those with routes) as records. Returns what they add up to, or
   * `undefined` after undoing everything if `admit` refuses them (a bound would be exceeded).
   */
  add(
    entries: readonly AppendEntry[],
    nextSeq: number,
    intern: (route: string) => number,
    admit: (events: number, bytes: number) => boolean,
  ): { events: number; bytes: number } | undefined {
    const mark = { pos: this.writer.pos, records: this.records.length };
    let bytes = 0;
    let seq = nextSeq;
    for (const entry of entries) {
      if (entry.routes.length === 0) continue;
      const routes = distinctRoutes(entry.routes, intern);
      const start = this.writer.beginFrame();
      writeEventRecord(this.writer, seq, routes, entry.envelope);
      const frameBytes = this.writer.endFrame(start);
      this.records.push({
        seq,
        envelope: entry.envelope,
        bytes: frameBytes,
        remaining: 0,
        holders: 0,
        behind: 0,
        segment: undefined,
        offset: start,
        frameBytes,
      });
      this.routes.push(routes);
      bytes += frameBytes;
      seq += 1;
    }
    const events = seq - nextSeq;
    if (!admit(events, bytes)) {
      this.writer.pos = mark.pos;
      this.records.length = mark.records;
      this.routes.length = mark.records;
      return undefined;
    }
    this.events += events;
    this.bytes += bytes;
    return { events, bytes };
  }

  /** A promise settled when the batch is durable (or failed). */
  wait(): Promise<void> {
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  resolve(): void {
    for (const waiter of this.#waiters) waiter.resolve();
  }

  reject(error: unknown): void {
    for (const waiter of this.#waiters) waiter.reject(error);
  }
}

function distinctRoutes(names: readonly string[], intern: (route: string) => number): number[] {
  const routes: number[] = [];
  for (const name of names) {
    const id = intern(name);
    if (!routes.includes(id)) routes.push(id);
  }
  return routes;
}
