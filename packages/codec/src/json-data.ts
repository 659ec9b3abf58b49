import { decodeBase64 } from "./base64.js";
import { attributeError, CodecErrors } from "./errors.js";
import { QUOTE } from "./json-scanner.js";
import { isJsonMediaType } from "./media-type.js";

/** Where a `data` or `data_base64` member's value sits in the body. */
export interface MemberSpan {
  readonly start: number;
  readonly end: number;
  /** The value is a string with backslash escapes. */
  readonly escaped: boolean;
}

const NULL_LENGTH = 4;
/** In a `u` regex a lone surrogate is a Cs code point; a proper pair is not. */
const LONE_SURROGATE = /\p{Cs}/u;

function isNull(bytes: Buffer, span: MemberSpan): boolean {
  return span.end - span.start === NULL_LENGTH && bytes[span.start] === 0x6e;
}

function invalidData(member: string, message: string): Error {
  return attributeError(CodecErrors.INVALID_DATA, member, message);
}

/** The value of a JSON string member as text. */
function stringValue(bytes: Buffer, span: MemberSpan): string {
  return span.escaped
    ? (JSON.parse(bytes.toString("utf8", span.start, span.end)) as string)
    : bytes.toString("utf8", span.start + 1, span.end - 1);
}

/**
 * json-format.md §3.1.2: turns the `data` / `data_base64` members into the event's data bytes.
 * - `data_base64` is decoded (strict base64); `null` counts as absent; with `data` too it is an error.
 * - 0.3 with `datacontentencoding: base64`: `data` is a base64 string; decoded, and the
 *   datacontentencoding attribute is dropped, as it only described that JSON encoding.
 * - JSON datacontenttype (or none): the exact bytes of the member, `null` included; with no
 *   datacontenttype, "application/json" is set (§3.1.2: SHOULD when re-serialized elsewhere).
 * - other types: a JSON string becomes its UTF-8 bytes, never decoded again; `null` means no data.
 * May change `attributes` (datacontenttype, datacontentencoding).
 */
export function decodeData(
  bytes: Buffer,
  attributes: Map<string, string>,
  data: MemberSpan | undefined,
  dataBase64: MemberSpan | undefined,
): Uint8Array | undefined {
  if (dataBase64 !== undefined && !isNull(bytes, dataBase64)) {
    if (data !== undefined) {
      throw invalidData(
        "data_base64",
        "an event cannot have both data and data_base64 (json-format.md §3.1.1)",
      );
    }
    return decodeBase64Member(bytes, dataBase64, "data_base64");
  }
  if (data === undefined) return undefined;
  const contentType = attributes.get("datacontenttype");
  const encoding = attributes.get("datacontentencoding");
  if (encoding !== undefined && attributes.get("specversion") === "0.3") {
    if (encoding.toLowerCase() !== "base64") {
      throw attributeError(
        CodecErrors.INVALID_ATTRIBUTE,
        "datacontentencoding",
        `attribute "datacontentencoding" must be "base64" (the only encoding CloudEvents 0.3 defines), got ${JSON.stringify(encoding)}`,
      );
    }
    if (isNull(bytes, data)) return undefined;
    attributes.delete("datacontentencoding");
    return decodeBase64Member(bytes, data, "data");
  }
  if (isJsonMediaType(contentType)) {
    if (contentType === undefined) attributes.set("datacontenttype", "application/json");
    return Buffer.from(bytes.subarray(data.start, data.end));
  }
  if (isNull(bytes, data)) return undefined;
  if (bytes[data.start] !== QUOTE) {
    throw invalidData(
      "data",
      `data must be a JSON string when datacontenttype ${JSON.stringify(contentType)} is not a JSON type (or use data_base64)`,
    );
  }
  if (!data.escaped) return Buffer.from(bytes.subarray(data.start + 1, data.end - 1));
  const text = stringValue(bytes, data);
  if (LONE_SURROGATE.test(text))
    throw invalidData("data", "data contains a lone surrogate escape, which UTF-8 cannot carry");
  return Buffer.from(text, "utf8");
}

function decodeBase64Member(bytes: Buffer, span: MemberSpan, member: string): Buffer {
  if (bytes[span.start] !== QUOTE) throw invalidData(member, `${member} must be a base64 string`);
  const decoded = decodeBase64(stringValue(bytes, span));
  if (decoded === undefined) {
    throw invalidData(member, `${member} is not valid base64 (RFC 4648 §4, standard alphabet)`);
  }
  return decoded;
}
