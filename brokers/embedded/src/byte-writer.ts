import { crc32 } from "node:zlib";

/** Frame header: u32 body length, u32 CRC-32 of the body (little-endian). */
export const FRAME_HEADER_BYTES = 8;
const NO_VALUE = 0xffff_ffff;

/**
 * Encodes frames into one growable buffer: a batch of records becomes a single write(2). Strings
 * are written in place (capacity reserved for the UTF-8 worst case, length patched afterwards),
 * so encoding an event allocates nothing.
 */
export class ByteWriter {
  #buf: Buffer;
  pos = 0;

  constructor(capacity = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(capacity);
  }

  /** The encoded bytes so far (a view, valid until the next write or reset). */
  view(): Buffer {
    return this.#buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Starts a frame; returns its offset, to pass to endFrame. */
  beginFrame(): number {
    const start = this.pos;
    this.ensure(FRAME_HEADER_BYTES);
    this.pos += FRAME_HEADER_BYTES;
    return start;
  }

  /** Writes the header of the frame started at `start`; returns the frame's length. */
  endFrame(start: number): number {
    const body = this.#buf.subarray(start + FRAME_HEADER_BYTES, this.pos);
    this.#buf.writeUInt32LE(body.length, start);
    this.#buf.writeUInt32LE(crc32(body), start + 4);
    return this.pos - start;
  }

  u8(value: number): void {
    this.ensure(1);
    this.#buf[this.pos++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    this.pos = this.#buf.writeUInt32LE(value, this.pos);
  }

  f64(value: number): void {
    this.ensure(8);
    this.pos = this.#buf.writeDoubleLE(value, this.pos);
  }

  /** Unsigned LEB128 for integers up to 2^53 (sequence numbers, route ids, deltas). */
  varint(value: number): void {
    this.ensure(8);
    while (value >= 0x80) {
      this.#buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#buf[this.pos++] = value;
  }

  /** u32 UTF-8 length then the bytes; `undefined` is a distinct marker (not the empty string). */
  string(value: string | undefined): void {
    if (value === undefined) {
      this.u32(NO_VALUE);
      return;
    }
    this.ensure(4 + value.length * 3);
    const written = this.#buf.write(value, this.pos + 4, "utf8");
    this.#buf.writeUInt32LE(written, this.pos);
    this.pos += 4 + written;
  }

  /** u32 length then the bytes; `undefined` is a distinct marker (not empty data). */
  bytes(value: Uint8Array | undefined): void {
    if (value === undefined) {
      this.u32(NO_VALUE);
      return;
    }
    this.ensure(4 + value.byteLength);
    this.#buf.writeUInt32LE(value.byteLength, this.pos);
    this.#buf.set(value, this.pos + 4);
    this.pos += 4 + value.byteLength;
  }

  ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buf.length * 2));
    this.#buf.copy(grown, 0, 0, this.pos);
    this.#buf = grown;
  }
}

/** Decodes what ByteWriter wrote. Throws RangeError on a truncated body (a bug or a foreign file). */
export class ByteReader {
  readonly #buf: Buffer;
  readonly #end: number;
  pos: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.#buf = buf;
    this.pos = start;
    this.#end = end;
  }

  get remaining(): number {
    return this.#end - this.pos;
  }

  u8(): number {
    this.#need(1);
    return this.#buf[this.pos++] as number;
  }

  u32(): number {
    this.#need(4);
    const value = this.#buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  f64(): number {
    this.#need(8);
    const value = this.#buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }

  string(): string | undefined {
    const length = this.u32();
    if (length === NO_VALUE) return undefined;
    this.#need(length);
    const value = this.#buf.toString("utf8", this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** A copy, so the decoded value does not pin the (possibly large, reused) read buffer. */
  bytes(): Buffer | undefined {
    const length = this.u32();
    if (length === NO_VALUE) return undefined;
    this.#need(length);
    const value = Buffer.from(this.#buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return value;
  }

  #need(count: number): void {
    if (this.pos + count > this.#end) throw new RangeError("record body is shorter than its fields");
  }
}
