import type { Logger } from "@sluice/core";
import { AppendFile } from "./append-file.js";
import { ByteReader, ByteWriter } from "./byte-writer.js";
import { type FileSystem, syncDirectory } from "./file-system.js";
import { RecordKind } from "./record-codec.js";

const MAGIC = "SLCACKS1";
const NAME = /^acks-(\d{10})\.log$/;
const fileName = (generation: number): string => `acks-${String(generation).padStart(10, "0")}.log`;

/**
 * What the journal held at open: a checkpoint (every delivery pending at `checkpointSeq`, which
 * covers every record up to it), then acks and drops recorded after it.
 */
export interface RecoveredProgress {
  readonly checkpointSeq: number;
  readonly pending: Map<number, Set<number>>;
  readonly acked: Map<number, Set<number>>;
  /** route → every delivery with seq ≤ value is discarded. */
  readonly drops: Map<number, number>;
}

/** The state a checkpoint records, taken synchronously from the store's queues. */
export interface Checkpoint {
  readonly lastSeq: number;
  /** route → its pending seqs, ascending. */
  readonly pending: ReadonlyMap<number, readonly number[]>;
  readonly drops: ReadonlyMap<number, number>;
}

interface Frame {
  readonly bytes: Buffer;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Per-subscription progress. Acks are buffered and written without fsync: a crash that loses the
 * last ones only causes redelivery, which at-least-once allows, and the log's fsyncs stay the
 * only ones on the hot path. Drops are synced (a dropped trigger must stay dropped). The file is
 * compacted by rotation: a new generation starts with a checkpoint of the pending deliveries,
 * so its size follows the backlog, not the history.
 */
export class AckJournal {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #logger: Logger;
  #file: AppendFile;
  #generation: number;
  #checkpointBytes = 0;
  #acks: number[] = [];
  #frames: Frame[] = [];
  /** Serializes writes and rotations. */
  #tail: Promise<void> = Promise.resolve();
  #failure: string | undefined;

  private constructor(fsys: FileSystem, dir: string, logger: Logger, file: AppendFile, generation: number) {
    this.#fs = fsys;
    this.#dir = dir;
    this.#logger = logger;
    this.#file = file;
    this.#generation = generation;
  }

  static async open(
    fsys: FileSystem,
    dir: string,
    logger: Logger,
  ): Promise<{ journal: AckJournal; progress: RecoveredProgress }> {
    const names = await fsys.readdir(dir);
    const generations = names
      .flatMap((n) => (NAME.exec(n) ? [Number(NAME.exec(n)![1])] : []))
      .sort((a, b) => a - b);
    for (const name of names)
      if (name.startsWith("acks-") && name.endsWith(".tmp")) await fsys.unlink(`${dir}/${name}`);
    const progress: RecoveredProgress = {
      checkpointSeq: 0,
      pending: new Map(),
      acked: new Map(),
      drops: new Map(),
    };
    const newest = generations.at(-1);
    const opened =
      newest === undefined ? undefined : await AppendFile.open(fsys, dir, fileName(newest), MAGIC);
    for (const old of generations.slice(0, -1)) await fsys.unlink(`${dir}/${fileName(old)}`);
    if (opened === undefined) {
      const file = await AppendFile.create(fsys, dir, fileName(1), MAGIC);
      return { journal: new AckJournal(fsys, dir, logger, file, 1), progress };
    }
    const state = { progress, first: true };
    const result = await opened.file.scan(opened.length, (body) => readFrame(body, state));
    if (result.end < opened.length) {
      logger.warn("ack journal: cutting a torn tail", { file: opened.file.path, problem: result.problem });
      await opened.file.truncate(result.end);
    } else opened.file.size = result.end;
    return { journal: new AckJournal(fsys, dir, logger, opened.file, newest as number), progress };
  }

  /** Why the last write failed, while it keeps failing. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Bytes written since the last checkpoint; the store rotates when this outgrows the backlog. */
  get bytesSinceCheckpoint(): number {
    return this.#file.size - this.#checkpointBytes;
  }

  get checkpointBytes(): number {
    return this.#checkpointBytes;
  }

  get bufferedAcks(): number {
    return this.#acks.length / 2;
  }

  ack(route: number, seq: number): void {
    this.#acks.push(route, seq);
  }

  /** Records that every delivery of `route` up to `seq` is discarded; resolves once synced. */
  drop(route: number, seq: number): Promise<void> {
    const writer = new ByteWriter(32);
    const start = writer.beginFrame();
    writer.u8(RecordKind.DROP);
    writer.varint(route);
    writer.f64(seq);
    writer.endFrame(start);
    return new Promise((resolve, reject) => {
      this.#frames.push({ bytes: Buffer.from(writer.view()), waiters: [{ resolve, reject }] });
      void this.flush(true);
    });
  }

  /** Writes buffered acks and drops (fsync when `sync` or when a drop waits). */
  flush(sync = false): Promise<void> {
    return this.#serialize(async () => {
      this.#frameAcks();
      const frames = this.#frames;
      if (frames.length === 0 && !sync) return;
      const mustSync = sync || frames.some((f) => f.waiters.length > 0);
      try {
        await this.#file.append(Buffer.concat(frames.map((f) => f.bytes)), mustSync);
      } catch (error) {
        this.#fail("ack journal write failed", error, frames);
        return;
      }
      this.#frames = this.#frames.slice(frames.length);
      this.#succeed(frames);
    });
  }

  /**
   * Starts a new generation with a checkpoint taken from `snapshot` (called synchronously when
   * the rotation runs, so it sees every ack buffered so far), then deletes the old one.
   */
  rotate(snapshot: () => Checkpoint): Promise<void> {
    return this.#serialize(async () => {
      this.#frameAcks();
      const covered = this.#frames;
      const checkpoint = encodeCheckpoint(snapshot());
      const generation = this.#generation + 1;
      const tmp = `${fileName(generation)}.tmp`;
      let next: AppendFile | undefined;
      try {
        next = await AppendFile.create(this.#fs, this.#dir, tmp, MAGIC);
        await next.append(checkpoint, true);
        await next.rename(`${this.#dir}/${fileName(generation)}`);
        await syncDirectory(this.#fs, this.#dir);
      } catch (error) {
        await next?.close().catch(() => {});
        await this.#fs.unlink(`${this.#dir}/${tmp}`).catch(() => {});
        this.#fail("ack journal rotation failed", error, []);
        return;
      }
      const old = this.#file;
      this.#file = next;
      this.#generation = generation;
      this.#checkpointBytes = next.size;
      this.#frames = this.#frames.slice(covered.length);
      this.#succeed(covered);
      await old.close().catch(() => {});
      await this.#fs.unlink(old.path).catch((error) => {
        this.#logger.warn("ack journal: could not delete an old generation", { file: old.path, error });
      });
    });
  }

  async close(): Promise<void> {
    await this.flush(true);
    await this.#tail;
    await this.#file.close();
  }

  #serialize(op: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(op);
    this.#tail = run.catch(() => {});
    return run;
  }

  #frameAcks(): void {
    const acks = this.#acks;
    if (acks.length === 0) return;
    this.#acks = [];
    const writer = new ByteWriter(16 + acks.length * 6);
    const start = writer.beginFrame();
    writer.u8(RecordKind.ACKS);
    writer.varint(acks.length / 2);
    for (const value of acks) writer.varint(value);
    writer.endFrame(start);
    this.#frames.push({ bytes: Buffer.from(writer.view()), waiters: [] });
  }

  #fail(message: string, error: unknown, frames: readonly Frame[]): void {
    // Frames stay queued and are written by the next flush; drops report the failure now.
    this.#failure = `${message}: ${(error as Error).message}`;
    for (const frame of frames) for (const waiter of frame.waiters.splice(0)) waiter.reject(error);
  }

  #succeed(frames: readonly Frame[]): void {
    this.#failure = undefined;
    for (const frame of frames) for (const waiter of frame.waiters.splice(0)) waiter.resolve();
  }
}

function encodeCheckpoint(checkpoint: Checkpoint): Buffer {
  let size = 64 + checkpoint.drops.size * 16;
  for (const seqs of checkpoint.pending.values()) size += 16 + seqs.length * 4;
  const writer = new ByteWriter(size);
  const start = writer.beginFrame();
  writer.u8(RecordKind.CHECKPOINT);
  writer.f64(checkpoint.lastSeq);
  writer.varint(checkpoint.pending.size);
  for (const [route, seqs] of checkpoint.pending) {
    writer.varint(route);
    writer.varint(seqs.length);
    let previous = 0;
    for (const seq of seqs) {
      writer.varint(seq - previous); // ascending: deltas keep a large backlog small
      previous = seq;
    }
  }
  writer.varint(checkpoint.drops.size);
  for (const [route, seq] of checkpoint.drops) {
    writer.varint(route);
    writer.f64(seq);
  }
  writer.endFrame(start);
  return writer.view();
}

function readFrame(body: Buffer, state: { progress: RecoveredProgress; first: boolean }): boolean {
  const reader = new ByteReader(body);
  const kind = reader.u8();
  const { progress } = state;
  if (state.first) {
    state.first = false;
    if (kind !== RecordKind.CHECKPOINT) return false;
    readCheckpoint(reader, progress);
    return true;
  }
  if (kind === RecordKind.ACKS) {
    const count = reader.varint();
    for (let i = 0; i < count; i++) setOf(progress.acked, reader.varint()).add(reader.varint());
    return true;
  }
  if (kind === RecordKind.DROP) {
    const route = reader.varint();
    const seq = reader.f64();
    progress.drops.set(route, Math.max(seq, progress.drops.get(route) ?? 0));
    return true;
  }
  return false;
}

function readCheckpoint(reader: ByteReader, progress: RecoveredProgress): void {
  (progress as { checkpointSeq: number }).checkpointSeq = reader.f64();
  const routes = reader.varint();
  for (let r = 0; r < routes; r++) {
    const seqs = setOf(progress.pending, reader.varint());
    const count = reader.varint();
    let seq = 0;
    for (let i = 0; i < count; i++) {
      seq += reader.varint();
      seqs.add(seq);
    }
  }
  const drops = reader.varint();
  for (let i = 0; i < drops; i++) progress.drops.set(reader.varint(), reader.f64());
}

function setOf(map: Map<number, Set<number>>, key: number): Set<number> {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  return set;
}
