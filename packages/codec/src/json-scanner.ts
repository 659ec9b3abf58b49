import { SluiceError } from "@sluice/core";
import { CodecErrors } from "./errors.js";

/**
 * A validating RFC 8259 scanner over UTF-8 bytes. It finds where values start and end without
 * building them, so `data` can be kept as the exact bytes the producer sent (JSON.parse followed
 * by JSON.stringify would change number formatting and escapes). Input must already be known to
 * be valid UTF-8.
 */

export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Deeper nesting is refused rather than risking the stack. */
export const MAX_DEPTH = 1000;

/** Facts about the last scanned token, kept here so scanning allocates nothing. */
export const lastToken = { escaped: false, integer: false };

export function jsonError(message: string, offset: number): SluiceError {
  return new SluiceError(CodecErrors.INVALID_JSON, `invalid JSON at byte ${offset}: ${message}`, {
    details: { offset },
  });
}

function describe(bytes: Uint8Array, i: number): string {
  if (i >= bytes.length) return "end of input";
  const code = bytes[i]!;
  return code >= 0x20 && code < 0x7f ? `"${String.fromCharCode(code)}"` : `byte 0x${code.toString(16)}`;
}

export function unexpected(bytes: Uint8Array, i: number, expected: string): SluiceError {
  return jsonError(`expected ${expected}, found ${describe(bytes, i)}`, i);
}

export function skipWhitespace(bytes: Uint8Array, i: number): number {
  const length = bytes.length;
  while (i < length) {
    const code = bytes[i]!;
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
    i++;
  }
  return i;
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= ZERO && code <= NINE;
}

function isHex(code: number | undefined): boolean {
  if (code === undefined) return false;
  const lower = code | 0x20;
  return (code >= ZERO && code <= NINE) || (lower >= 0x61 && lower <= 0x66);
}

/** 1 for bytes that need no attention inside a string: not `"`, not `\\`, not a control character. */
const STRING_PLAIN = new Uint8Array(256).map((_, code) =>
  code >= 0x20 && code !== QUOTE && code !== BACKSLASH ? 1 : 0,
);

/** Scans a string whose opening quote is at `i`; returns the index after the closing quote. */
export function scanString(bytes: Uint8Array, i: number): number {
  const start = i;
  const length = bytes.length;
  let escaped = false;
  i++;
  while (i < length) {
    const code = bytes[i]!;
    if (STRING_PLAIN[code] === 1) {
      i++;
      continue;
    }
    if (code === QUOTE) {
      lastToken.escaped = escaped;
      return i + 1;
    }
    if (code === BACKSLASH) {
      escaped = true;
      const next = bytes[i + 1];
      if (next === 0x75) {
        if (!(isHex(bytes[i + 2]) && isHex(bytes[i + 3]) && isHex(bytes[i + 4]) && isHex(bytes[i + 5]))) {
          throw jsonError("invalid \\u escape", i);
        }
        i += 6;
      } else if (
        next === QUOTE ||
        next === BACKSLASH ||
        next === 0x2f ||
        next === 0x62 ||
        next === 0x66 ||
        next === 0x6e ||
        next === 0x72 ||
        next === 0x74
      ) {
        i += 2;
      } else {
        throw jsonError("invalid escape in string", i);
      }
      continue;
    }
    if (code < 0x20) throw jsonError("unescaped control character in string", i);
    i++;
  }
  throw jsonError("unterminated string", start);
}

/** Scans a number at `i` (RFC 8259 §6); returns its end. `lastToken.integer` says: no fraction, no exponent. */
export function scanNumber(bytes: Uint8Array, i: number): number {
  const start = i;
  if (bytes[i] === MINUS) i++;
  if (bytes[i] === ZERO) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else throw jsonError("invalid number", start);
  let integer = true;
  if (bytes[i] === DOT) {
    i++;
    if (!isDigit(bytes[i])) throw jsonError("invalid number: digits expected after the decimal point", start);
    while (isDigit(bytes[i])) i++;
    integer = false;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
    if (!isDigit(bytes[i])) throw jsonError("invalid number: digits expected in the exponent", start);
    while (isDigit(bytes[i])) i++;
    integer = false;
  }
  lastToken.integer = integer;
  return i;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** Scans `true`, `false` or `null` at `i`; returns its end. */
export function scanLiteral(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  const literal = first === 0x74 ? TRUE : first === 0x66 ? FALSE : NULL;
  for (let k = 0; k < literal.length; k++) {
    if (bytes[i + k] !== literal[k]) throw unexpected(bytes, i, "a JSON value");
  }
  return i + literal.length;
}

/** Skips any JSON value starting at `i` (no leading whitespace); returns its end. */
export function skipValue(bytes: Uint8Array, i: number, depth = 0): number {
  const code = bytes[i];
  if (code === QUOTE) return scanString(bytes, i);
  if (code === OPEN_BRACE || code === OPEN_BRACKET) {
    if (depth >= MAX_DEPTH) throw jsonError(`nested deeper than ${MAX_DEPTH} levels`, i);
    return code === OPEN_BRACE ? skipObject(bytes, i, depth + 1) : skipArray(bytes, i, depth + 1);
  }
  if (code === 0x74 || code === 0x66 || code === 0x6e) return scanLiteral(bytes, i);
  if (code === MINUS || isDigit(code)) return scanNumber(bytes, i);
  throw unexpected(bytes, i, "a JSON value");
}

function skipObject(bytes: Uint8Array, i: number, depth: number): number {
  i = skipWhitespace(bytes, i + 1);
  if (bytes[i] === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (bytes[i] !== QUOTE) throw unexpected(bytes, i, "a member name");
    i = skipWhitespace(bytes, scanString(bytes, i));
    if (bytes[i] !== COLON) throw unexpected(bytes, i, '":"');
    i = skipWhitespace(bytes, skipValue(bytes, skipWhitespace(bytes, i + 1), depth));
    if (bytes[i] === CLOSE_BRACE) return i + 1;
    if (bytes[i] !== COMMA) throw unexpected(bytes, i, '"," or "}"');
    i = skipWhitespace(bytes, i + 1);
  }
}

function skipArray(bytes: Uint8Array, i: number, depth: number): number {
  i = skipWhitespace(bytes, i + 1);
  if (bytes[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    i = skipWhitespace(bytes, skipValue(bytes, i, depth));
    if (bytes[i] === CLOSE_BRACKET) return i + 1;
    if (bytes[i] !== COMMA) throw unexpected(bytes, i, '"," or "]"');
    i = skipWhitespace(bytes, i + 1);
  }
}

/** True when `bytes` is exactly one JSON value, optionally surrounded by whitespace. */
export function isJsonText(bytes: Uint8Array): boolean {
  try {
    const end = skipValue(bytes, skipWhitespace(bytes, 0));
    return skipWhitespace(bytes, end) === bytes.length;
  } catch {
    return false;
  }
}
