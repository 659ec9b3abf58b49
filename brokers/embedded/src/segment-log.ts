import type { Logger } from "@sluice/core";
import { AppendFile, checkFrame } from "./append-file.js";
import type { FileSystem } from "./file-system.js";
import { type EventRecordHead, readEventHead } from "./record-codec.js";

const MAGIC = "SLCLOG01";
const NAME = /^(\d{16})\.seg$/;
const fileName = (firstSeq: number): string => `${String(firstSeq).padStart(16, "0")}.seg`;

/** One file of the log, named by the seq of its first record. */
export interface Segment {
  readonly firstSeq: number;
  readonly file: AppendFile;
  /** Records in it that some route has not finished. */
  live: number;
  records: number;
  /** Reads in progress: the descriptor is closed only when none is. */
  reads: number;
  deleted: boolean;
}

/** Where a batch landed: its segment and its offset in it. */
export interface Placed {
  readonly segment: Segment;
  readonly base: number;
}

/** Called for every valid record found when the log is opened, in seq order. */
export type RecordVisitor = (
  segment: Segment,
  head: EventRecordHead,
  body: Buffer,
  offset: number,
  frameBytes: number,
) => void;

/**
 * The event log: segment files of CRC-framed records with strictly increasing seqs. Only the
 * newest (active) segment is written; a segment is deleted as soon as it is not active and every
 * route finished every record in it, which is how disk space comes back.
 */
export class SegmentLog {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #segmentBytes: number;
  readonly #logger: Logger;
  readonly #segments: Segment[] = [];
  readonly #deletions = new Set<Promise<void>>();
  #active: Segment | undefined;

  private constructor(fsys: FileSystem, dir: string, segmentBytes: number, logger: Logger) {
    this.#fs = fsys;
    this.#dir = dir;
    this.#segmentBytes = segmentBytes;
    this.#logger = logger;
  }

  /** Opens every segment, cutting torn or corrupt tails, and visits each valid record. */
  static async open(
    fsys: FileSystem,
    dir: string,
    segmentBytes: number,
    logger: Logger,
    visit: RecordVisitor,
  ): Promise<{ log: SegmentLog; lastSeq: number }> {
    const log = new SegmentLog(fsys, dir, segmentBytes, logger);
    const firstSeqs = (await fsys.readdir(dir))
      .flatMap((name) => (NAME.test(name) ? [Number(NAME.exec(name)![1])] : []))
      .sort((a, b) => a - b);
    let lastSeq = 0;
    for (const firstSeq of firstSeqs) {
      const opened = await AppendFile.open(fsys, dir, fileName(firstSeq), MAGIC);
      if (opened === undefined) continue;
      const segment: Segment = { firstSeq, file: opened.file, live: 0, records: 0, reads: 0, deleted: false };
      log.#segments.push(segment);
      lastSeq = Math.max(lastSeq, firstSeq - 1);
      const result = await opened.file.scan(opened.length, (body, offset, frameBytes) => {
        const head = readEventHead(body);
        if (head === undefined || head.seq <= lastSeq) return false;
        lastSeq = head.seq;
        segment.records += 1;
        visit(segment, head, body, offset, frameBytes);
        return true;
      });
      if (result.end < opened.length) {
        logger.warn("event log: cutting a torn or corrupt tail; records after it are lost", {
          file: opened.file.path,
          offset: result.end,
          bytes: opened.length - result.end,
          problem: result.problem,
        });
        await opened.file.truncate(result.end);
      } else opened.file.size = result.end;
      if (segment.records === 0) {
        // An empty segment (the active one of a run that stored nothing) goes now: the next
        // active segment may start at the same seq, so it would take this file's name, and a
        // later sweep of this one would unlink that new file under the records written to it.
        log.#segments.pop();
        await opened.file.close();
        await fsys.unlink(opened.file.path);
      }
    }
    return { log, lastSeq };
  }

  /** Bytes of every segment on disk. */
  get diskBytes(): number {
    let bytes = 0;
    for (const segment of this.#segments) bytes += segment.file.size;
    return bytes;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  /** Starts a new active segment (on open, and when the active one is full). */
  async startSegment(firstSeq: number): Promise<Segment> {
    const file = await AppendFile.create(this.#fs, this.#dir, fileName(firstSeq), MAGIC);
    const segment: Segment = { firstSeq, file, live: 0, records: 0, reads: 0, deleted: false };
    const previous = this.#active;
    this.#segments.push(segment);
    this.#active = segment;
    if (previous !== undefined) this.#deleteIfDone(previous);
    return segment;
  }

  /** Whether a batch of `bytes` goes to a new segment (none yet, or the active one is full). */
  needsNewSegment(bytes: number): boolean {
    const segment = this.#active;
    return segment === undefined || (segment.records > 0 && segment.file.end + bytes > this.#segmentBytes);
  }

  /**
   * Writes a batch of framed records starting with seq `firstSeq`, not synced yet (see `sync`);
   * resolves with where it landed. Starts a new segment first if needed, which the caller does
   * only once everything written to the active one is synced.
   */
  async write(firstSeq: number, records: number, data: Buffer): Promise<Placed> {
    let segment = this.#active;
    if (segment === undefined || this.needsNewSegment(data.length)) {
      if (segment !== undefined && segment.file.end > segment.file.size)
        throw new Error("event log: a new segment while the active one has unsynced writes");
      segment = await this.startSegment(firstSeq);
    }
    const base = await segment.file.write(data);
    segment.records += records;
    return { segment, base };
  }

  /**
   * fdatasyncs everything written to the active segment; resolves with how long the fdatasync
   * took (seconds). On failure, what was written since the last sync is given up (see AppendFile).
   */
  sync(): Promise<number> {
    const segment = this.#active;
    if (segment === undefined) return Promise.resolve(0);
    return segment.file.syncWritten();
  }

  /** One record of `segment` is finished by every route. */
  finish(segment: Segment): void {
    segment.live -= 1;
    this.#deleteIfDone(segment);
  }

  /** Reads a record back (its bodies beyond the cache budget live only on disk). */
  async read(segment: Segment, offset: number, frameBytes: number): Promise<Buffer> {
    segment.reads += 1;
    try {
      return checkFrame(await segment.file.read(offset, frameBytes), segment.file.path, offset);
    } finally {
      segment.reads -= 1;
      if (segment.deleted && segment.reads === 0) await segment.file.close().catch(() => {});
    }
  }

  /** Deletes finished segments found at open (the new active segment must exist first). */
  sweep(): void {
    for (const segment of [...this.#segments]) this.#deleteIfDone(segment);
  }

  async close(): Promise<void> {
    await Promise.all(this.#deletions);
    const segments = this.#segments.splice(0);
    this.#active = undefined;
    await Promise.all(segments.map((segment) => (segment.reads === 0 ? segment.file.close() : undefined)));
  }

  #deleteIfDone(segment: Segment): void {
    if (segment === this.#active || segment.live > 0 || segment.deleted) return;
    segment.deleted = true;
    this.#segments.splice(this.#segments.indexOf(segment), 1);
    const deletion = this.#fs
      .unlink(segment.file.path)
      .catch((error) => {
        // Left for the next open, which deletes finished segments it finds.
        this.#logger.warn("event log: could not delete a finished segment", {
          file: segment.file.path,
          error,
        });
      })
      .then(() => (segment.reads === 0 ? segment.file.close() : undefined))
      .catch(() => {})
      .finally(() => this.#deletions.delete(deletion));
    this.#deletions.add(deletion);
  }
}
