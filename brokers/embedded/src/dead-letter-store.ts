import type { DeadLetterRecord, Logger } from "@sluice/core";
import { AppendFile, FILE_HEADER_BYTES } from "./append-file.js";
import { ByteWriter } from "./byte-writer.js";
import type { FileSystem } from "./file-system.js";
import { readDeadLetter, writeDeadLetter } from "./record-codec.js";

const FILE = "dead-letters";
const MAGIC = "SLCDLQ01";
const READ_CHUNK_RECORDS = 256;

/** A dead letter waiting for the next write. */
interface Pending {
  readonly bytes: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The durable dead-letter store: one append-only file of CRC-framed records, each synced before
 * deadLetter() resolves. Appends share writes: while one write + fdatasync is under way, the
 * records that arrive wait and then go out together in the next, so a trigger failing every event
 * costs a few fsyncs per second, not one per event, and does not crowd the event log's own syncs
 * off the disk (other triggers' ingress latency). A failed write rejects every record in it and
 * leaves no partial record behind. Never compacted: records are kept until an operator removes
 * the file.
 */
export class DeadLetterStore {
  readonly #file: AppendFile;
  #count: number;
  #pending: Pending[] = [];
  /** The write loop, while one runs. */
  #writing: Promise<void> | undefined;
  #failure: string | undefined;

  private constructor(file: AppendFile, count: number) {
    this.#file = file;
    this.#count = count;
  }

  static async open(fsys: FileSystem, dir: string, logger: Logger): Promise<DeadLetterStore> {
    const existing = await AppendFile.open(fsys, dir, FILE, MAGIC);
    if (existing === undefined)
      return new DeadLetterStore(await AppendFile.create(fsys, dir, FILE, MAGIC), 0);
    let count = 0;
    const result = await existing.file.scan(existing.length, () => {
      count += 1;
      return true;
    });
    if (result.end < existing.length) {
      logger.warn("dead-letter store: cutting a torn tail", {
        file: existing.file.path,
        problem: result.problem,
      });
      await existing.file.truncate(result.end);
    } else existing.file.size = result.end;
    return new DeadLetterStore(existing.file, count);
  }

  get count(): number {
    return this.#count;
  }

  get failure(): string | undefined {
    return this.#failure;
  }

  add(record: DeadLetterRecord): Promise<void> {
    const writer = new ByteWriter(1024);
    const start = writer.beginFrame();
    writeDeadLetter(writer, record);
    writer.endFrame(start);
    const bytes = writer.view();
    return new Promise((resolve, reject) => {
      this.#pending.push({ bytes, resolve, reject });
      this.#writing ??= this.#writeAll();
    });
  }

  /** Writes what is pending, a batch per write + fdatasync, until nothing is left. */
  async #writeAll(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      const bytes = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((p) => p.bytes));
      try {
        await this.#file.append(bytes, true);
        this.#failure = undefined;
        this.#count += batch.length;
        for (const p of batch) p.resolve();
      } catch (error) {
        this.#failure = `dead-letter store write failed: ${(error as Error).message}`;
        for (const p of batch) p.reject(error);
      }
    }
    this.#writing = undefined;
  }

  /** Streams the records stored when the call started, oldest first, a chunk at a time. */
  read(): AsyncIterable<DeadLetterRecord> {
    return readRecords(this.#file, this.#file.size);
  }

  async close(): Promise<void> {
    await this.#writing;
    await this.#file.close();
  }
}

/**
 * Reads a broker's dead-letter file without opening its store (no lock, no repair), so it works
 * beside a running `sluice run`: the records complete when the call started, oldest first. A torn
 * or corrupt tail (a write in progress, or damage) ends the listing; `onProblem` says where.
 */
export async function* readDeadLetterFile(
  fsys: FileSystem,
  dir: string,
  onProblem: (problem: string) => void = () => {},
): AsyncIterable<DeadLetterRecord> {
  const opened = await AppendFile.openForReading(fsys, dir, FILE, MAGIC);
  if (opened === undefined) return;
  try {
    yield* readRecords(opened.file, opened.length, onProblem);
  } finally {
    await opened.file.close();
  }
}

/**
 * Cuts a broker's dead-letter file back to its header, durably (ftruncate + fsync). Only for a
 * caller holding the broker directory's lock, so no store is appending to it.
 */
export async function emptyDeadLetterFile(fsys: FileSystem, dir: string): Promise<void> {
  const opened = await AppendFile.open(fsys, dir, FILE, MAGIC);
  if (opened === undefined) return;
  try {
    await opened.file.truncate(FILE_HEADER_BYTES);
  } finally {
    await opened.file.close();
  }
}

async function* readRecords(
  file: AppendFile,
  end: number,
  onProblem: (problem: string) => void = () => {},
): AsyncIterable<DeadLetterRecord> {
  let pos = FILE_HEADER_BYTES;
  while (pos < end) {
    const chunk: DeadLetterRecord[] = [];
    const result = await file.scan(
      end,
      (body) => chunk.length < READ_CHUNK_RECORDS && chunk.push(readDeadLetter(body)) > 0,
      pos,
    );
    yield* chunk;
    if (result.end === pos) {
      // no progress: the rest is unreadable
      onProblem(`${file.path}: stopped at byte ${pos} of ${end}: ${result.problem ?? "unreadable record"}`);
      return;
    }
    pos = result.end;
  }
}
