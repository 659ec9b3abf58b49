import type {
  AppendEntry,
  BrokerStore,
  BrokerStoreOptions,
  BrokerStoreStats,
  DeadLetterRecord,
  EventEnvelope,
  Logger,
  ResourceKey,
  SubscriptionQueue,
} from "@sluice/core";
import type { AckJournal, Checkpoint } from "./ack-journal.js";
import { AckWriter } from "./ack-writer.js";
import { ByteWriter } from "./byte-writer.js";
import { CommitBatch } from "./commit-batch.js";
import type { DeadLetterStore } from "./dead-letter-store.js";
import { EmbeddedQueue, type QueueOwner } from "./embedded-queue.js";
import type { FileSystem } from "./file-system.js";
import type { DirectoryLock } from "./lock-file.js";
import type { LogRecord } from "./log-record.js";
import { readEventRecord } from "./record-codec.js";
import type { RouteRegistry } from "./route-registry.js";
import type { Placed, Segment, SegmentLog } from "./segment-log.js";
import { closedError, describe, fullError, unavailableError } from "./store-errors.js";
import { probeDirectory, Retrier } from "./store-probe.js";

/**
 * A route with this many records waiting is far behind: records queued for it then are not kept
 * in memory for it alone (see finish()). At 1,024 a stuck trigger kept four times as many
 * envelopes on the heap, enough to bring a major collection into benchmark B5's 8-second rounds
 * (a 3–14 ms pause in ingress); a route that keeps up has far fewer waiting.
 */
export const BEHIND_QUEUE_LENGTH = 256;

/**
 * How long appends that arrive while an fdatasync runs wait for it before they are written, and
 * handed to their subscribers, anyway: a usual fdatasync ends sooner and they share the next
 * write; a stalling disk (250–500 ms seen here) no longer holds their deliveries back.
 */
export const STALL_WRITE_MS = 5;

export interface StoreSettings {
  readonly maxPendingEvents: number;
  readonly maxPendingBytes: number;
  readonly cacheBytes: number;
  readonly groupCommitMs: number;
  readonly ackJournalBytes: number;
}

/** The parts an opened store is made of (see open-store.ts). */
export interface StoreParts {
  readonly key: ResourceKey;
  readonly dir: string;
  readonly fs: FileSystem;
  readonly logger: Logger;
  readonly lock: DirectoryLock;
  readonly registry: RouteRegistry;
  readonly journal: AckJournal;
  readonly deadLetters: DeadLetterStore;
  readonly settings: StoreSettings;
  /** Told how long each group commit took and its fdatasync alone, in seconds (metrics). */
  readonly onCommit: BrokerStoreOptions["onCommit"];
  readonly onClose: () => void;
}

/**
 * The store of one broker on local disk. Appends are encoded into the current CommitBatch, written
 * together, and resolve once an fdatasync made the batch durable. The records go to their queues
 * as soon as the write is done, while the fdatasync runs, when every one of them is in the cache
 * (otherwise after it), and batches keep being written while an fdatasync stalls: a slow disk
 * flush delays the producers' answers, not the deliveries. See docs/architecture.md "Embedded
 * storage" for the design.
 */
export class EmbeddedStore implements BrokerStore, QueueOwner {
  readonly key: ResourceKey;
  readonly #p: StoreParts;
  readonly #s: StoreSettings;
  readonly #acks: AckWriter;
  readonly #retrier: Retrier;
  #log!: SegmentLog;
  readonly #queues = new Map<string, EmbeddedQueue>();
  readonly #byRoute = new Map<number, EmbeddedQueue>();
  /** route → last seq whose delivery to it was discarded (dropSubscription). */
  readonly #drops = new Map<number, number>();
  readonly #writers = [new ByteWriter(), new ByteWriter()];
  /** Appends gathered for the next write. */
  #batch: CommitBatch | undefined;
  /** Written batches waiting for an fdatasync, oldest first. */
  #unsynced: CommitBatch[] = [];
  /** The fdatasync in flight (with whatever it settles), if any. */
  #syncing: Promise<void> | undefined;
  /** Written batches whose records wait for their fdatasync to be handed out (order is kept). */
  #unpublished = 0;
  #writing = false;
  #writeTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #idle: (() => void) | undefined;
  #nextSeq = 1;
  #lastCommitted = 0;
  #pendingEvents = 0;
  #pendingBytes = 0;
  #pendingDeliveries = 0;
  #reservedEvents = 0;
  #reservedBytes = 0;
  #cachedBytes = 0;
  #logFailure: string | undefined;
  #readFailure: string | undefined;
  #closing: Promise<void> | undefined;

  constructor(parts: StoreParts) {
    this.key = parts.key;
    this.#p = parts;
    this.#s = parts.settings;
    this.#retrier = new Retrier(
      async () => {
        await parts.registry.save();
        await probeDirectory(parts.fs, parts.dir);
      },
      () => this.#healed(),
    );
    this.#acks = new AckWriter(parts.journal, parts.settings.ackJournalBytes, () => this.#checkpoint());
  }

  // ---- recovery (called by open-store.ts before the store is handed out) ----------------------

  /** Takes over a recovered record: counts it, caches it within budget, queues it per route. */
  adopt(record: LogRecord, routes: readonly number[], decode: () => EventEnvelope): void {
    if (this.#cachedBytes + record.bytes <= this.#s.cacheBytes) {
      record.envelope = decode();
      this.#cachedBytes += record.bytes;
    }
    record.remaining = routes.length;
    (record.segment as NonNullable<LogRecord["segment"]>).live += 1;
    this.#pendingEvents += 1;
    this.#pendingBytes += record.bytes;
    this.#pendingDeliveries += routes.length;
    for (const route of routes) {
      const queue = this.#queueOfRoute(route);
      if (queue !== undefined) enqueue(queue, record);
    }
  }

  /** Finishes recovery: the log is open and `lastSeq` is the newest seq ever used. */
  async start(log: SegmentLog, lastSeq: number): Promise<void> {
    this.#log = log;
    this.#nextSeq = lastSeq + 1;
    this.#lastCommitted = lastSeq;
    await log.startSegment(this.#nextSeq);
    log.sweep();
    await this.#acks.compact();
    const failure = this.#p.journal.failure;
    if (failure !== undefined) throw new Error(failure);
  }

  // ---- BrokerStore ----------------------------------------------------------------------------

  append(entries: readonly AppendEntry[]): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(closedError(this.key));
    if (!entries.some((entry) => entry.routes.length > 0)) return Promise.resolve();
    const batch = this.#batch ?? new CommitBatch(this.#writers.pop() ?? new ByteWriter());
    const added = batch.add(entries, this.#nextSeq, (name) => this.#p.registry.intern(name), this.#admit);
    if (added === undefined) {
      if (this.#batch === undefined) this.#writers.push(batch.writer);
      return Promise.reject(fullError(this.key, this.#pendingEvents, this.#pendingBytes));
    }
    this.#batch = batch;
    this.#nextSeq += added.events;
    this.#reservedEvents += added.events;
    this.#reservedBytes += added.bytes;
    for (let i = batch.records.length - added.events; i < batch.records.length; i++) {
      const record = batch.records[i] as LogRecord;
      if (this.#cachedBytes + record.bytes <= this.#s.cacheBytes) this.#cachedBytes += record.bytes;
      else {
        record.envelope = undefined;
        batch.uncached += 1;
      }
    }
    const done = batch.wait();
    this.#scheduleWrite();
    return done;
  }

  subscription(id: string): SubscriptionQueue {
    let queue = this.#queues.get(id);
    if (queue === undefined) {
      queue = new EmbeddedQueue(id, this.#p.registry.intern(id), this);
      if (this.#closing !== undefined) queue.close();
      this.#queues.set(id, queue);
      this.#byRoute.set(queue.route, queue);
    }
    return queue;
  }

  subscriptionIds(): readonly string[] {
    const ids: string[] = [];
    for (const [id, queue] of this.#queues) if (queue.pending > 0) ids.push(id);
    return ids;
  }

  async dropSubscription(id: string): Promise<void> {
    if (this.#closing !== undefined) return;
    const route = this.#p.registry.idOf(id);
    if (route === undefined) return;
    const upTo = this.#nextSeq - 1;
    this.#drops.set(route, upTo);
    const queue = this.#queues.get(id);
    if (queue !== undefined) {
      this.#queues.delete(id);
      this.#byRoute.delete(route);
      queue.discard();
    }
    try {
      await this.#p.journal.drop(route, upTo);
    } catch (error) {
      throw unavailableError(this.key, "could not record the dropped subscription", error);
    }
  }

  async deadLetter(record: DeadLetterRecord): Promise<void> {
    if (this.#closing !== undefined) throw closedError(this.key);
    try {
      await this.#p.deadLetters.add(record);
    } catch (error) {
      throw unavailableError(this.key, "could not store a dead letter", error);
    }
  }

  async *readDeadLetters(): AsyncIterable<DeadLetterRecord> {
    try {
      yield* this.#p.deadLetters.read();
    } catch (error) {
      throw unavailableError(this.key, "could not read the dead-letter store", error);
    }
  }

  stats(): BrokerStoreStats {
    return {
      pendingEvents: this.#pendingEvents,
      pendingBytes: this.#pendingBytes,
      pendingDeliveries: this.#pendingDeliveries,
      deadLetters: this.#p.deadLetters.count,
    };
  }

  health(): string | undefined {
    return this.#logFailure ?? this.#p.journal.failure ?? this.#p.deadLetters.failure ?? this.#readFailure;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Disk use of the event log, for tests and diagnostics. */
  get logBytes(): number {
    return this.#log.diskBytes;
  }

  // ---- QueueOwner -----------------------------------------------------------------------------

  finish(record: LogRecord, route: number, acked: boolean): void {
    if (acked) this.#acks.ack(route, record.seq);
    this.#pendingDeliveries -= 1;
    record.remaining -= 1;
    if (record.remaining > 0) {
      // Only routes that were far behind still owe it and none holds it: drop the body, they read
      // it back from disk when they get there. A stuck trigger's backlog then keeps a small
      // descriptor per event on the heap instead of every envelope, which the garbage collector
      // would otherwise copy and promote, pausing ingress for every other trigger too.
      // Only once it is durable: a record whose fdatasync failed exists in memory only.
      if (
        record.envelope !== undefined &&
        record.holders === 0 &&
        record.remaining <= record.behind &&
        record.segment !== undefined &&
        record.seq <= this.#lastCommitted
      ) {
        record.envelope = undefined;
        this.#cachedBytes -= record.bytes;
      }
      return;
    }
    this.#pendingEvents -= 1;
    this.#pendingBytes -= record.bytes;
    if (record.envelope !== undefined) this.#cachedBytes -= record.bytes;
    if (record.segment !== undefined) this.#log.finish(record.segment);
  }

  async load(records: readonly LogRecord[]): Promise<EventEnvelope[]> {
    const envelopes = await Promise.all(records.map((record) => this.#read(record)));
    this.#readFailure = undefined;
    return envelopes;
  }

  loadFailed(error: unknown): void {
    this.#readFailure = `event log read failed: ${describe(error)}`;
    this.#p.logger.error("could not read events back from disk; retrying", { error });
  }

  // ---- internals ------------------------------------------------------------------------------

  readonly #admit = (events: number, bytes: number): boolean =>
    this.#pendingEvents + this.#reservedEvents + events <= this.#s.maxPendingEvents &&
    this.#pendingBytes + this.#reservedBytes + bytes <= this.#s.maxPendingBytes;

  async #read(record: LogRecord): Promise<EventEnvelope> {
    const segment = record.segment as NonNullable<LogRecord["segment"]>;
    const { envelope } = readEventRecord(await this.#log.read(segment, record.offset, record.frameBytes));
    // Other routes will want it too: keep it if the budget allows.
    if (
      record.envelope === undefined &&
      record.remaining > 1 &&
      record.behind === 0 &&
      this.#cachedBytes + record.bytes <= this.#s.cacheBytes
    ) {
      record.envelope = envelope;
      this.#cachedBytes += record.bytes;
    }
    return envelope;
  }

  #scheduleWrite(): void {
    if (this.#writing || this.#writeTimer !== undefined) return;
    const run = (): void => {
      this.#writeTimer = undefined;
      void this.#writeLoop();
    };
    this.#writeTimer = this.#s.groupCommitMs > 0 ? setTimeout(run, this.#s.groupCommitMs) : setImmediate(run);
  }

  async #writeLoop(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#batch !== undefined) {
        // Appends that arrive while an fdatasync runs wait for it to end and share the next write,
        // unless it stalls: then they are written (and handed out) after STALL_WRITE_MS anyway.
        if (this.#syncing !== undefined) await settledOrAfter(this.#syncing, STALL_WRITE_MS);
        const batch = this.#batch;
        this.#batch = undefined;
        await this.#write(batch);
      }
    } finally {
      this.#writing = false;
      this.#idle?.();
    }
  }

  /** Writes a batch after what is written so far, hands it out if it may go early, and gets it synced. */
  async #write(batch: CommitBatch): Promise<void> {
    batch.startedAt = performance.now();
    const bytes = batch.writer.view();
    try {
      await this.#p.registry.save();
      // a new segment begins only once everything written to the active one is durable
      if (this.#log.needsNewSegment(bytes.length)) await this.#drainSyncs();
      batch.placed = await this.#log.write(batch.firstSeq, batch.records.length, bytes);
    } catch (error) {
      this.#p.onCommit?.((performance.now() - batch.startedAt) / 1000);
      this.#release(batch);
      this.#failed([batch], error);
      return;
    } finally {
      batch.writer.reset();
      this.#writers.push(batch.writer);
    }
    // Handed out before the fdatasync only if no record has to be read back from the file (a
    // failed fdatasync leaves its bytes to be overwritten, and those records live on in memory)
    // and every batch before it is handed out already.
    if (batch.uncached === 0 && this.#unpublished === 0) this.#publish(batch);
    else this.#unpublished += 1;
    this.#unsynced.push(batch);
    this.#startSync();
  }

  #startSync(): void {
    if (this.#syncing !== undefined || this.#unsynced.length === 0) return;
    const batches = this.#unsynced;
    this.#unsynced = [];
    this.#syncing = this.#sync(batches).finally(() => {
      this.#syncing = undefined;
      this.#startSync();
    });
  }

  async #drainSyncs(): Promise<void> {
    while (this.#syncing !== undefined) await this.#syncing;
  }

  /** One fdatasync for every batch written since the last one; settles their appends. */
  async #sync(batches: CommitBatch[]): Promise<void> {
    let syncSeconds: number;
    try {
      syncSeconds = await this.#log.sync();
    } catch (error) {
      // a failed commit has no sync time; what was written after these batches is given up too
      const lost = batches.concat(this.#unsynced.splice(0));
      for (const batch of lost) {
        this.#p.onCommit?.((performance.now() - batch.startedAt) / 1000);
        if (batch.published) this.#orphan(batch);
        else {
          this.#unpublished -= 1;
          this.#release(batch);
        }
      }
      this.#failed(lost, error);
      return;
    }
    this.#healed();
    for (const batch of batches) {
      this.#p.onCommit?.((performance.now() - batch.startedAt) / 1000, syncSeconds);
      if (!batch.published) {
        this.#unpublished -= 1;
        this.#publish(batch);
      }
      this.#lastCommitted = (batch.records.at(-1) as LogRecord).seq;
      batch.resolve();
    }
  }

  /** A written batch becomes visible: its reservation turns into pending records, queued per route. */
  #publish(batch: CommitBatch): void {
    const placed = batch.placed as Placed;
    batch.published = true;
    this.#reservedEvents -= batch.events;
    this.#reservedBytes -= batch.bytes;
    for (let i = 0; i < batch.records.length; i++) {
      this.#queue(batch.records[i] as LogRecord, batch.routes[i] as number[], placed);
    }
  }

  /** Counts a written record and queues it for every route not dropped since. */
  #queue(record: LogRecord, routes: number[], placed: Placed): void {
    record.segment = placed.segment;
    record.offset += placed.base;
    for (const route of routes) {
      if ((this.#drops.get(route) ?? 0) >= record.seq) continue;
      const queue = this.#queueOfRoute(route);
      if (queue === undefined) continue;
      record.remaining += 1;
      this.#pendingDeliveries += 1;
      enqueue(queue, record);
    }
    if (record.remaining === 0) {
      if (record.envelope !== undefined) this.#cachedBytes -= record.bytes;
      return;
    }
    placed.segment.live += 1;
    this.#pendingEvents += 1;
    this.#pendingBytes += record.bytes;
  }

  /** A batch that never became visible gives back its reservation and cache budget. */
  #release(batch: CommitBatch): void {
    this.#reservedEvents -= batch.events;
    this.#reservedBytes -= batch.bytes;
    for (const record of batch.records) if (record.envelope !== undefined) this.#cachedBytes -= record.bytes;
  }

  /**
   * A batch handed out before its fdatasync failed: its bytes will be overwritten, so its records
   * leave the segment and live on in memory until every route is done with them (delivered at
   * least once, though their producers were told 503 and may send them again).
   */
  #orphan(batch: CommitBatch): void {
    for (const record of batch.records) {
      if (record.remaining > 0) this.#log.finish(record.segment as Segment);
      record.segment = undefined;
    }
  }

  #failed(batches: readonly CommitBatch[], error: unknown): void {
    this.#logFailure = `event log write failed: ${describe(error)}`;
    this.#p.logger.error("could not store events; appends fail until the disk recovers", { error });
    const rejection = unavailableError(this.key, "could not store the events", error);
    for (const batch of batches) batch.reject(rejection);
    this.#retrier.schedule();
  }

  #healed(): void {
    if (this.#logFailure === undefined) return;
    this.#logFailure = undefined;
    this.#retrier.cancel();
    this.#p.logger.info("event log writes work again");
  }

  /** Every pending delivery, per route: taken synchronously, so it matches the acks journaled. */
  #checkpoint(): Checkpoint {
    const pending = new Map<number, number[]>();
    for (const queue of this.#byRoute.values()) {
      const seqs: number[] = [];
      queue.collectPending(seqs);
      if (seqs.length > 0)
        pending.set(
          queue.route,
          seqs.sort((a, b) => a - b),
        );
    }
    const drops = new Map<number, number>();
    for (const [route, seq] of this.#drops) if (seq > this.#lastCommitted) drops.set(route, seq);
    return { lastSeq: this.#lastCommitted, pending, drops };
  }

  #queueOfRoute(route: number): EmbeddedQueue | undefined {
    const queue = this.#byRoute.get(route);
    if (queue !== undefined) return queue;
    const name = this.#p.registry.nameOf(route);
    return name === undefined ? undefined : (this.subscription(name) as EmbeddedQueue);
  }

  async #close(): Promise<void> {
    for (;;) {
      if (this.#syncing !== undefined) await this.#drainSyncs();
      else if (this.#writing || this.#batch !== undefined) {
        await new Promise<void>((resolve) => {
          this.#idle = resolve;
          if (!this.#writing) this.#scheduleWrite();
        });
      } else break;
    }
    this.#retrier.stop();
    for (const queue of this.#queues.values()) queue.close();
    const parts = this.#p;
    const steps = [
      () => this.#acks.close(),
      () => this.#log?.close(),
      () => parts.registry.close(),
      () => parts.deadLetters.close(),
    ];
    for (const step of steps) {
      await Promise.resolve()
        .then(step)
        .catch((error) => parts.logger.warn("error while closing the store", { error }));
    }
    await parts.lock.release();
    parts.onClose();
  }
}

/** Resolves once `promise` settles or `ms` have passed, whichever comes first. */
function settledOrAfter(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

/** Queues a record for a route, counting the route as far behind if its queue is already long. */
function enqueue(queue: EmbeddedQueue, record: LogRecord): void {
  if (queue.waiting >= BEHIND_QUEUE_LENGTH) record.behind += 1;
  queue.push(record);
}
