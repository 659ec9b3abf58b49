import type { DeadLetterRecord, Logger } from "@sluice/core";
import { AppendFile, FILE_HEADER_BYTES } from "./append-file.js";
import { ByteWriter } from "./byte-writer.js";
import type { FileSystem } from "./file-system.js";
import { readDeadLetter, writeDeadLetter } from "./record-codec.js";

const FILE = "dead-letters";
const MAGIC = "SLCDLQ01";
const READ_CHUNK_RECORDS = 256;

/**
 * The durable dead-letter store: one append-only file of CRC-framed records, each synced before
 * deadLetter() resolves. Dead letters are rare (every retry and the dead-letter sink failed), so
 * appends are simply serialized, one fsync each. Never compacted: records are kept until an
 * operator removes the file.
 */
export class DeadLetterStore {
  readonly #file: AppendFile;
  #count: number;
  #tail: Promise<unknown> = Promise.resolve();
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
    const run = this.#tail.then(async () => {
      try {
        await this.#file.append(bytes, true);
        this.#failure = undefined;
        this.#count += 1;
      } catch (error) {
        this.#failure = `dead-letter store write failed: ${(error as Error).message}`;
        throw error;
      }
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Streams the records stored when the call started, oldest first, a chunk at a time. */
  async *read(): AsyncIterable<DeadLetterRecord> {
    const end = this.#file.size;
    let pos = FILE_HEADER_BYTES;
    while (pos < end) {
      const chunk: DeadLetterRecord[] = [];
      const result = await this.#file.scan(
        end,
        (body) => chunk.length < READ_CHUNK_RECORDS && chunk.push(readDeadLetter(body)) > 0,
        pos,
      );
      yield* chunk;
      if (result.end === pos) return; // no progress: the rest is unreadable
      pos = result.end;
    }
  }

  async close(): Promise<void> {
    await this.#tail;
    await this.#file.close();
  }
}
