import { isUtf8 } from "node:buffer";
import { SluiceError } from "@sluice/core";
import { CodecErrors } from "./errors.js";

// HTTP binding §3.1.3.2 "HTTP Header Values": the percent-encoding of attribute values in headers.

const PERCENT = 0x25;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** "%XX" for every byte value, upper-case hex (§3.1.3.2: encoding SHOULD use upper case). */
const BYTE_ESCAPES: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
);

// Fast-path tests; a regex beats a charCodeAt loop on the short values headers carry.
const NEEDS_ENCODING = /[^\x21\x23\x24\x26-\x7e]/;
const NEEDS_DECODING = /[%"\u007f-\uffff]/;

/** True for characters that §3.1.3.2 says MUST be encoded: space, `"`, `%` and all outside U+0021–U+007E. */
function mustEncode(code: number): boolean {
  return code < 0x21 || code > 0x7e || code === QUOTE || code === PERCENT;
}

/**
 * Percent-encodes an attribute value for an HTTP header: each character that must be encoded is
 * turned into UTF-8 and each byte into `%XY` (a surrogate pair is one character). Values that need
 * no encoding are returned as they are, without allocating.
 */
export function percentEncode(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  const length = value.length;
  let i = 0;
  while (i < length && !mustEncode(value.charCodeAt(i))) i++;
  let out = value.slice(0, i);
  for (; i < length; i++) {
    let code = value.charCodeAt(i);
    if (!mustEncode(code)) {
      out += value[i];
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = value.charCodeAt(i + 1);
      if (code > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
        throw new SluiceError(
          CodecErrors.INVALID_ENCODING,
          `cannot percent-encode a lone surrogate (U+${code.toString(16).toUpperCase()}) at position ${i}`,
        );
      }
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      i++;
    }
    out += utf8Escapes(code);
  }
  return out;
}

function utf8Escapes(code: number): string {
  if (code < 0x80) return BYTE_ESCAPES[code]!;
  if (code < 0x800) return BYTE_ESCAPES[0xc0 | (code >> 6)]! + BYTE_ESCAPES[0x80 | (code & 0x3f)]!;
  if (code < 0x10000) {
    return (
      BYTE_ESCAPES[0xe0 | (code >> 12)]! +
      BYTE_ESCAPES[0x80 | ((code >> 6) & 0x3f)]! +
      BYTE_ESCAPES[0x80 | (code & 0x3f)]!
    );
  }
  return (
    BYTE_ESCAPES[0xf0 | (code >> 18)]! +
    BYTE_ESCAPES[0x80 | ((code >> 12) & 0x3f)]! +
    BYTE_ESCAPES[0x80 | ((code >> 6) & 0x3f)]! +
    BYTE_ESCAPES[0x80 | (code & 0x3f)]!
  );
}

/**
 * Decodes an HTTP header value into an attribute value (§3.1.3.2): first undo RFC 7230 §3.2.6
 * quoted strings (backslash escapes), then exactly one round of percent-decoding (lower-case hex
 * and needless encoding accepted), then UTF-8, rejecting invalid sequences such as the overlong
 * `%C0%A0`.
 *
 * The value is read as node:http and undici give it: one character per header byte (latin1).
 * Raw non-ASCII bytes, sent by SDKs that do not percent-encode (spec issue #1397: sdk-go,
 * sdk-java), are therefore decoded as the UTF-8 they are. A value holding characters above U+00FF
 * did not come off the wire; its characters are taken as themselves. A `%` not followed by two hex
 * digits is kept literally (as the WHATWG URL percent-decoder does), so unencoded values such as
 * "50% off" from those SDKs survive.
 *
 * Values without `%`, `"` or non-ASCII characters are returned as they are (the hot path).
 */
export function percentDecode(value: string): string {
  if (!NEEDS_DECODING.test(value)) return value;
  const unquoted = value.indexOf('"') === -1 ? value : unquote(value);
  return decodeBytes(unquoted);
}

/**
 * RFC 7230 §3.2.6: removes the quotes of quoted-strings and resolves their `\x` quoted-pairs. An
 * unterminated quote is no quoted-string but an older sender's literal `"`: it is kept, with
 * everything after it.
 */
function unquote(value: string): string {
  const length = value.length;
  let out = "";
  let i = 0;
  while (i < length) {
    const open = value.indexOf('"', i);
    if (open < 0) return out + value.slice(i);
    out += value.slice(i, open);
    let inner = "";
    let j = open + 1;
    for (; j < length; j++) {
      const code = value.charCodeAt(j);
      if (code === QUOTE) break;
      inner += code === BACKSLASH && j + 1 < length ? value[++j] : value[j];
    }
    if (j >= length) return out + value.slice(open);
    out += inner;
    i = j + 1;
  }
  return out;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function decodeBytes(text: string): string {
  const length = text.length;
  let wide = false;
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      wide = true;
      break;
    }
  }
  const bytes = Buffer.allocUnsafe(length * 3);
  let n = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === PERCENT && i + 2 < length) {
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hi < 0 ? -1 : hexValue(text.charCodeAt(i + 2));
      if (lo >= 0) {
        bytes[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    if (code < 0x80 || !wide) {
      bytes[n++] = code;
    } else {
      n += writeUtf8(text, i, bytes, n);
      if (code >= 0xd800 && code <= 0xdbff) i++;
    }
  }
  const decoded = bytes.subarray(0, n);
  if (!isUtf8(decoded)) {
    throw new SluiceError(
      CodecErrors.INVALID_ENCODING,
      "header value is not valid UTF-8 after percent-decoding (e.g. an overlong sequence such as %C0%A0)",
    );
  }
  return decoded.toString("utf8");
}

/** Writes the character at `i` (a surrogate pair counts as one) as UTF-8; returns the byte count. */
function writeUtf8(text: string, i: number, out: Buffer, at: number): number {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdfff) {
    const low = text.charCodeAt(i + 1);
    if (code > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
      throw new SluiceError(
        CodecErrors.INVALID_ENCODING,
        `lone surrogate (U+${code.toString(16)}) in header value`,
      );
    }
    return out.write(text.slice(i, i + 2), at, "utf8");
  }
  return out.write(text[i]!, at, "utf8");
}
