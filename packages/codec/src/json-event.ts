import { isUtf8 } from "node:buffer";
import type { CloudEvent } from "@sluice/core";
import { attributeError, CodecErrors } from "./errors.js";
import { decodeData, type MemberSpan } from "./json-data.js";
import {
  CLOSE_BRACE,
  COLON,
  COMMA,
  jsonError,
  lastToken,
  OPEN_BRACE,
  QUOTE,
  scanLiteral,
  scanNumber,
  scanString,
  skipValue,
  skipWhitespace,
  unexpected,
} from "./json-scanner.js";
import { invalidNameError, isAttributeName, validateEvent } from "./validate.js";
import { INTEGER_MAX, INTEGER_MIN } from "./value-checks.js";

// JSON event format (formats/json-format.md) → CloudEvent, reading the UTF-8 bytes directly.

/** Attributes whose JSON type the specs fix as string (json-format.md §2.2), per version. */
const STRING_ATTRIBUTES_V1 = new Set([
  "id",
  "source",
  "specversion",
  "type",
  "datacontenttype",
  "dataschema",
  "subject",
  "time",
]);
const STRING_ATTRIBUTES_V03 = new Set([
  "id",
  "source",
  "specversion",
  "type",
  "datacontenttype",
  "datacontentencoding",
  "schemaurl",
  "subject",
  "time",
]);

/** Wraps bytes in a Buffer view (no copy) for its fast UTF-8 slicing. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Checks UTF-8 (RFC 8259 §8.1) and skips a leading byte order mark, which §8.1 lets parsers ignore. */
export function startOfJson(bytes: Buffer): number {
  if (bytes.length === 0) throw jsonError("the body is empty", 0);
  if (!isUtf8(bytes)) throw jsonError("the body is not valid UTF-8", 0);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return skipWhitespace(bytes, bom);
}

/** Decodes one JSON-format event (a JSON object, nothing else) and validates it. */
export function eventFromJson(json: string | Uint8Array): CloudEvent {
  const bytes = typeof json === "string" ? Buffer.from(json, "utf8") : asBuffer(json);
  const start = startOfJson(bytes);
  if (bytes[start] !== OPEN_BRACE) throw unexpected(bytes, start, "a JSON object (one CloudEvent)");
  const { event, end } = decodeEventObject(bytes, start);
  const rest = skipWhitespace(bytes, end);
  if (rest !== bytes.length) throw unexpected(bytes, rest, "the end of the body");
  return event;
}

interface Scan {
  readonly attributes: Map<string, string>;
  data: MemberSpan | undefined;
  dataBase64: MemberSpan | undefined;
  /** Members holding a non-string JSON value, checked against the core attributes once specversion is known. */
  nonString: string[] | undefined;
}

/**
 * Decodes the object whose `{` is at `start` into a validated CloudEvent; returns where it ends.
 * Attribute values become canonical strings (spec.md §"Type System"); `null` means unset
 * (json-format.md §2.2); `data` is handled by decodeData once datacontenttype is known.
 */
export function decodeEventObject(bytes: Buffer, start: number): { event: CloudEvent; end: number } {
  const scan: Scan = { attributes: new Map(), data: undefined, dataBase64: undefined, nonString: undefined };
  let i = skipWhitespace(bytes, start + 1);
  if (bytes[i] === CLOSE_BRACE) i++;
  else {
    for (;;) {
      if (bytes[i] !== QUOTE) throw unexpected(bytes, i, "a member name");
      const keyStart = i;
      i = scanString(bytes, i);
      const key = lastToken.escaped
        ? (JSON.parse(bytes.toString("utf8", keyStart, i)) as string)
        : bytes.toString("utf8", keyStart + 1, i - 1);
      i = skipWhitespace(bytes, i);
      if (bytes[i] !== COLON) throw unexpected(bytes, i, '":"');
      i = readMember(bytes, skipWhitespace(bytes, i + 1), key, scan);
      i = skipWhitespace(bytes, i);
      if (bytes[i] === CLOSE_BRACE) {
        i++;
        break;
      }
      if (bytes[i] !== COMMA) throw unexpected(bytes, i, '"," or "}"');
      i = skipWhitespace(bytes, i + 1);
    }
  }
  const data = decodeData(bytes, scan.attributes, scan.data, scan.dataBase64);
  const event: CloudEvent = { attributes: scan.attributes, data };
  validateEvent(event);
  if (scan.nonString !== undefined) checkStringTyped(scan.attributes, scan.nonString);
  return { event, end: i };
}

/** Reads the value of member `key` at `i` into `scan`; returns where the value ends. */
function readMember(bytes: Buffer, i: number, key: string, scan: Scan): number {
  const code = bytes[i];
  if (key === "data" || key === "data_base64") {
    const end = skipValue(bytes, i);
    const span: MemberSpan = { start: i, end, escaped: code === QUOTE && lastToken.escaped };
    if ((key === "data" ? scan.data : scan.dataBase64) !== undefined) throw duplicate(key);
    if (key === "data") scan.data = span;
    else scan.dataBase64 = span;
    return end;
  }
  if (!isAttributeName(key)) throw invalidNameError(key, "JSON member");
  let value: string | undefined;
  let end: number;
  if (code === QUOTE) {
    end = scanString(bytes, i);
    value = lastToken.escaped
      ? (JSON.parse(bytes.toString("utf8", i, end)) as string)
      : bytes.toString("utf8", i + 1, end - 1);
  } else if (code === 0x6e) {
    end = scanLiteral(bytes, i);
    value = undefined;
  } else if (STRING_ATTRIBUTES_V1.has(key) && STRING_ATTRIBUTES_V03.has(key)) {
    end = skipValue(bytes, i);
    throw attributeError(
      CodecErrors.INVALID_ATTRIBUTE,
      key,
      `attribute "${key}" must be a JSON string, got ${bytes.toString("utf8", i, Math.min(end, i + 80))}`,
    );
  } else if (code === 0x74 || code === 0x66) {
    end = scanLiteral(bytes, i);
    value = code === 0x74 ? "true" : "false";
  } else if (code === 0x2d || (code !== undefined && code >= 0x30 && code <= 0x39)) {
    end = scanNumber(bytes, i);
    value = integerValue(key, bytes.toString("latin1", i, end), lastToken.integer);
  } else {
    throw attributeError(
      CodecErrors.INVALID_ATTRIBUTE,
      key,
      `attribute "${key}" must be a string, an integer or a boolean, not a JSON ${code === 0x7b ? "object" : "array"}`,
    );
  }
  if (value === undefined) return end;
  if (scan.attributes.has(key)) throw duplicate(key);
  scan.attributes.set(key, value);
  if (code !== QUOTE) (scan.nonString ??= []).push(key);
  return end;
}

/** json-format.md §2.2 Integer: only the integer component; spec.md: signed 32-bit. */
function integerValue(key: string, token: string, integer: boolean): string {
  const number = Number(token);
  if (!integer || number < INTEGER_MIN || number > INTEGER_MAX) {
    throw attributeError(
      CodecErrors.INVALID_ATTRIBUTE,
      key,
      `attribute "${key}" must be a 32-bit integer (CloudEvents has no floating-point type), got ${token}`,
    );
  }
  return String(number);
}

function checkStringTyped(attributes: ReadonlyMap<string, string>, nonString: readonly string[]): void {
  const strings = attributes.get("specversion") === "0.3" ? STRING_ATTRIBUTES_V03 : STRING_ATTRIBUTES_V1;
  for (const name of nonString) {
    if (strings.has(name)) {
      throw attributeError(
        CodecErrors.INVALID_ATTRIBUTE,
        name,
        `attribute "${name}" must be a JSON string, got ${attributes.get(name)}`,
      );
    }
  }
}

function duplicate(name: string): Error {
  return attributeError(
    CodecErrors.DUPLICATE_ATTRIBUTE,
    name,
    `member "${name}" appears more than once (each attribute appears at most once)`,
  );
}
