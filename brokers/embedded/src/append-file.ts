import { join } from "node:path";
import { crc32 } from "node:zlib";
import { SluiceError } from "@sluice/core";
import { FRAME_HEADER_BYTES } from "./byte-writer.js";
import { EmbeddedBrokerErrors } from "./errors.js";
import { errorCode, type FileSystem, syncDirectory } from "./file-system.js";

/** Every store file starts with 8 bytes of magic naming its kind, then u32 version, u32 zero. */
export const FILE_HEADER_BYTES = 16;
const FORMAT_VERSION = 1;
/** Larger "lengths" can only be garbage: ingress caps events far below this. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;
const SCAN_CHUNK_BYTES = 1024 * 1024;

/**
 * One append-only file of CRC-framed records, written only at its end. Writes are positional:
 * after a failed fdatasync the next write goes to the last synced byte (and after a failed write,
 * to where that write began), so garbage from the failure is overwritten and pages the kernel may
 * have dropped are dirtied and synced again (the "fsyncgate" lesson: never trust a retried fsync
 * over stale pages). Writes may go on while an fdatasync runs (`write` + `syncWritten`); callers
 * serialize writes, and syncs, to one file.
 */
export class AppendFile {
  #path: string;
  readonly #fs: FileSystem;
  readonly #fd: number;
  /** Bytes known to be durable: synced (or, for appends without sync, written). */
  #size: number;
  /** Where the next write goes: `size` plus what was written since the last sync. */
  #end: number;
  /** Bumped by a failed fdatasync: a write begun before it is discarded with what it would follow. */
  #epoch = 0;
  #closed = false;

  private constructor(fsys: FileSystem, path: string, fd: number, size: number) {
    this.#fs = fsys;
    this.#path = path;
    this.#fd = fd;
    this.#size = size;
    this.#end = size;
  }

  get size(): number {
    return this.#size;
  }

  /** Sets where the valid part ends (after a scan at open, or a cut): nothing is unsynced then. */
  set size(length: number) {
    this.#size = length;
    this.#end = length;
  }

  /** Creates (or truncates) a file with its header, durable with its directory entry. */
  static async create(fsys: FileSystem, dir: string, name: string, magic: string): Promise<AppendFile> {
    const path = join(dir, name);
    const fd = await fsys.open(path, "w+");
    const file = new AppendFile(fsys, path, fd, 0);
    try {
      await file.append(header(magic), true);
      await syncDirectory(fsys, dir);
      return file;
    } catch (error) {
      await file.close().catch(() => {});
      throw error;
    }
  }

  /**
   * Opens an existing file for reading and appending; `undefined` if it does not exist. A file
   * too short to hold its header (a crash during create) is given a fresh header.
   */
  static open(
    fsys: FileSystem,
    dir: string,
    name: string,
    magic: string,
  ): Promise<{ file: AppendFile; length: number } | undefined> {
    return AppendFile.#openExisting(fsys, join(dir, name), magic, true);
  }

  /**
   * Opens an existing file read-only, for a reader beside the process that writes it (which may
   * be appending at that moment); `undefined` if it does not exist. Never writes. `length` is the
   * size at opening; a file shorter than its header holds no records.
   */
  static openForReading(
    fsys: FileSystem,
    dir: string,
    name: string,
    magic: string,
  ): Promise<{ file: AppendFile; length: number } | undefined> {
    return AppendFile.#openExisting(fsys, join(dir, name), magic, false);
  }

  static async #openExisting(
    fsys: FileSystem,
    path: string,
    magic: string,
    writable: boolean,
  ): Promise<{ file: AppendFile; length: number } | undefined> {
    let fd: number;
    try {
      fd = await fsys.open(path, writable ? "r+" : "r");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return undefined;
      throw error;
    }
    const file = new AppendFile(fsys, path, fd, FILE_HEADER_BYTES);
    try {
      const length = await fsys.fileSize(fd);
      if (length < FILE_HEADER_BYTES) {
        if (writable) {
          file.size = 0;
          await file.append(header(magic), true);
        }
        return { file, length: FILE_HEADER_BYTES };
      }
      checkHeader(await file.read(0, FILE_HEADER_BYTES), magic, path);
      return { file, length };
    } catch (error) {
      await file.close().catch(() => {});
      throw error;
    }
  }

  get path(): string {
    return this.#path;
  }

  /** Renames the file (the caller syncs the directory). */
  async rename(path: string): Promise<void> {
    await this.#fs.rename(this.#path, path);
    this.#path = path;
  }

  /** Where the next write goes (`size` plus what is written and not yet synced). */
  get end(): number {
    return this.#end;
  }

  /** Writes `data` at the committed end (fdatasync when `sync`); resolves with its offset. */
  async append(data: Uint8Array, sync: boolean): Promise<number> {
    const base = await this.write(data);
    if (sync) await this.syncWritten();
    else this.#size = this.#end;
    return base;
  }

  /**
   * Writes `data` after everything written so far, without syncing; resolves with its offset. The
   * bytes are in the page cache: a crash of the process cannot lose them, a power loss can.
   */
  async write(data: Uint8Array): Promise<number> {
    const base = this.#end;
    const epoch = this.#epoch;
    try {
      let done = 0;
      while (done < data.byteLength) {
        done += await this.#fs.write(this.#fd, data, done, data.byteLength - done, base + done);
      }
    } catch (error) {
      // Best effort: drop the partial write now; if this fails too, the next write overwrites it.
      if (epoch === this.#epoch) await this.#fs.ftruncate(this.#fd, base).catch(() => {});
      throw error;
    }
    if (epoch !== this.#epoch)
      throw new Error(`${this.#path}: written after data a failed fdatasync discarded`);
    this.#end = base + data.byteLength;
    return base;
  }

  /**
   * fdatasyncs everything written so far; resolves with how long the fdatasync took (seconds).
   * If it fails, everything written since the last successful sync is given up: the next write
   * goes to `size` again.
   */
  async syncWritten(): Promise<number> {
    const end = this.#end;
    const started = performance.now();
    try {
      await this.#fs.fdatasync(this.#fd);
    } catch (error) {
      this.#epoch += 1;
      this.#end = this.#size;
      await this.#fs.ftruncate(this.#fd, this.#size).catch(() => {});
      throw error;
    }
    if (end > this.#size) this.#size = end;
    return (performance.now() - started) / 1000;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = await this.#fs.read(this.#fd, buf, done, length - done, offset + done);
      if (n === 0) throw new RangeError(`${this.path}: unexpected end of file at ${offset + done}`);
      done += n;
    }
    return buf;
  }

  /** Cuts the file at `length` (a torn or corrupt tail) and makes that durable. */
  async truncate(length: number): Promise<void> {
    await this.#fs.ftruncate(this.#fd, length);
    await this.#fs.fsync(this.#fd);
    this.size = length;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#fs.close(this.#fd);
  }

  /**
   * Visits every valid frame from the header to `length`. Stops at the first frame that is torn
   * (shorter than its length), has a bad length or a CRC mismatch, or that `visit` refuses; the
   * result says where the valid part ends and why it stopped. The body passed to `visit` is only
   * valid during the call.
   */
  async scan(
    length: number,
    visit: (body: Buffer, offset: number, frameBytes: number) => boolean,
    from = FILE_HEADER_BYTES,
  ): Promise<ScanResult> {
    let buf = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);
    let windowStart = 0;
    let windowLength = 0;
    const fill = async (from: number, need: number): Promise<boolean> => {
      if (from >= windowStart && from + need <= windowStart + windowLength) return true;
      if (from + need > length) return false;
      const size = Math.max(SCAN_CHUNK_BYTES, need);
      if (buf.length < size) buf = Buffer.allocUnsafe(size);
      const want = Math.min(size, length - from);
      let got = 0;
      while (got < want) {
        const n = await this.#fs.read(this.#fd, buf, got, want - got, from + got);
        if (n === 0) break;
        got += n;
      }
      windowStart = from;
      windowLength = got;
      return got >= need;
    };
    let pos = from;
    while (pos < length) {
      if (!(await fill(pos, FRAME_HEADER_BYTES))) return { end: pos, problem: "torn frame header" };
      const bodyLength = buf.readUInt32LE(pos - windowStart);
      const expected = buf.readUInt32LE(pos - windowStart + 4);
      if (bodyLength === 0 || bodyLength > MAX_FRAME_BYTES) return { end: pos, problem: "bad frame length" };
      if (!(await fill(pos, FRAME_HEADER_BYTES + bodyLength))) return { end: pos, problem: "torn frame" };
      const at = pos - windowStart + FRAME_HEADER_BYTES;
      const body = buf.subarray(at, at + bodyLength);
      if (crc32(body) !== expected) return { end: pos, problem: "checksum mismatch" };
      if (!visit(body, pos, FRAME_HEADER_BYTES + bodyLength))
        return { end: pos, problem: "record out of order" };
      pos += FRAME_HEADER_BYTES + bodyLength;
    }
    return { end: pos, problem: undefined };
  }
}

export interface ScanResult {
  /** Offset where the valid frames end. */
  readonly end: number;
  /** Why the scan stopped before the end of the file, if it did. */
  readonly problem: string | undefined;
}

/** Checks a frame read back from disk: header length and CRC. Returns its body. */
export function checkFrame(frame: Buffer, path: string, offset: number): Buffer {
  const body = frame.subarray(FRAME_HEADER_BYTES);
  if (frame.readUInt32LE(0) !== body.length || frame.readUInt32LE(4) !== crc32(body)) {
    throw new RangeError(`${path}: record at ${offset} fails its checksum`);
  }
  return body;
}

function header(magic: string): Buffer {
  const buf = Buffer.alloc(FILE_HEADER_BYTES);
  buf.write(magic, 0, 8, "latin1");
  buf.writeUInt32LE(FORMAT_VERSION, 8);
  return buf;
}

function checkHeader(buf: Buffer, magic: string, path: string): void {
  const found = buf.toString("latin1", 0, 8);
  const version = buf.readUInt32LE(8);
  if (found !== magic || version !== FORMAT_VERSION) {
    throw new SluiceError(
      EmbeddedBrokerErrors.UNSUPPORTED_FORMAT,
      `${path}: not a ${magic} file of format version ${FORMAT_VERSION} (found ${JSON.stringify(found)} v${version})`,
    );
  }
}
