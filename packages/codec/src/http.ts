import type { CloudEvent } from "@sluice/core";
import { SluiceError } from "@sluice/core";
import { attributeError, CodecErrors } from "./errors.js";
import { decodeBatch } from "./json-batch.js";
import { eventFromJson } from "./json-event.js";
import {
  BATCH_PREFIX,
  CLOUDEVENTS_PREFIX,
  JSON_BATCH_FORMAT,
  JSON_FORMAT,
  parseMediaType,
  startsWithIgnoreCase,
} from "./media-type.js";
import { percentDecode, percentEncode } from "./percent-encoding.js";
import { invalidNameError, isAttributeName, validateEvent } from "./validate.js";

// HTTP protocol binding (bindings/http-protocol-binding.md): the same mapping for requests and responses.

/** Header names lower-cased, as node:http and undici give them; a repeated header is an array. */
export type HttpHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface DecodedMessage {
  readonly mode: "binary" | "structured" | "batch";
  readonly events: readonly CloudEvent[];
}

const CONTENT_TYPE = "content-type";

/** One header's value; a header given twice is an error, since each attribute appears once. */
function single(name: string, attribute: string, value: string | readonly string[]): string {
  if (typeof value === "string") return value;
  if (value.length === 1) return value[0]!;
  throw attributeError(
    CodecErrors.DUPLICATE_ATTRIBUTE,
    attribute,
    `header "${name}" appears ${value.length} times; attribute "${attribute}" may appear only once`,
  );
}

/** Looks a header up by its lower-case name, falling back to any spelling (for callers other than node:http). */
function findHeader(headers: HttpHeaders, lowerName: string): string | readonly string[] | undefined {
  const direct = headers[lowerName];
  if (direct !== undefined) return direct;
  for (const name in headers) {
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return headers[name];
  }
  return undefined;
}

function contentTypeOf(headers: HttpHeaders): string | undefined {
  const value = findHeader(headers, CONTENT_TYPE);
  if (value === undefined) return undefined;
  const text = single(CONTENT_TYPE, "datacontenttype", value).trim();
  return text === "" ? undefined : text;
}

/**
 * Decodes an HTTP request or response carrying CloudEvents (§3): the Content-Type picks the mode,
 * matched case-insensitively, the batch prefix first. Every event is validated. Throws SluiceError
 * (CodecErrors) naming the attribute in the message and in details.attribute (details.index in a
 * batch).
 */
export function decodeHttp(headers: HttpHeaders, body: Uint8Array): DecodedMessage {
  const contentType = contentTypeOf(headers);
  if (contentType !== undefined && startsWithIgnoreCase(contentType, CLOUDEVENTS_PREFIX)) {
    if (startsWithIgnoreCase(contentType, BATCH_PREFIX)) {
      checkFormat(contentType, JSON_BATCH_FORMAT);
      return { mode: "batch", events: decodeBatch(body) };
    }
    checkFormat(contentType, JSON_FORMAT);
    return { mode: "structured", events: [eventFromJson(body)] };
  }
  return { mode: "binary", events: [decodeBinary(headers, contentType, body)] };
}

/** What most senders put after the format's media type; anything else goes through parseMediaType. */
const COMMON_JSON_CHARSET = /^\s*;\s*charset=(?:utf-8|"utf-8")\s*$/i;

/**
 * §1.4: structured mode must support the JSON format; Sluice supports only it. The body of JSON
 * is UTF-8 (RFC 8259 §8.1), so another charset is an unsupported format too.
 */
function checkFormat(contentType: string, expected: string): void {
  if (contentType.length === expected.length && startsWithIgnoreCase(contentType, expected)) return;
  if (
    COMMON_JSON_CHARSET.test(contentType.slice(expected.length)) &&
    startsWithIgnoreCase(contentType, expected)
  ) {
    return;
  }
  let mediaType: ReturnType<typeof parseMediaType>;
  try {
    mediaType = parseMediaType(contentType);
  } catch (error) {
    throw new SluiceError(CodecErrors.UNSUPPORTED_FORMAT, `unsupported Content-Type "${contentType}"`, {
      cause: error,
    });
  }
  const charset = mediaType.parameters.get("charset")?.toLowerCase();
  if (mediaType.type !== expected || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw new SluiceError(
      CodecErrors.UNSUPPORTED_FORMAT,
      `unsupported CloudEvents format "${contentType}": Sluice reads ${expected} (UTF-8), or binary mode`,
      { details: { contentType } },
    );
  }
}

/**
 * Binary mode (§3.1): every `ce-<name>` header is attribute `<name>` (header names are
 * case-insensitive), its value percent-decoded (§3.1.3.2); Content-Type is datacontenttype exactly
 * as sent (§3.1.1); the body is the data, untouched and not copied (empty body: no data).
 */
function decodeBinary(headers: HttpHeaders, contentType: string | undefined, body: Uint8Array): CloudEvent {
  let attributes: Map<string, string> | undefined;
  // Object.keys beats for-in on node's null-prototype (dictionary-mode) header objects.
  const names = Object.keys(headers);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name.length <= 3 || name.charCodeAt(2) !== 0x2d) continue;
    const c0 = name.charCodeAt(0) | 0x20;
    const c1 = name.charCodeAt(1) | 0x20;
    if (c0 !== 0x63 || c1 !== 0x65) continue;
    const raw = headers[name];
    if (raw === undefined) continue;
    const attribute = name.slice(3).toLowerCase();
    if (!isAttributeName(attribute)) throw invalidNameError(attribute, `header "${name}"`);
    if (attribute === "datacontenttype") {
      throw attributeError(
        CodecErrors.INVALID_ATTRIBUTE,
        attribute,
        `header "${name}" is not allowed: in binary mode datacontenttype travels as Content-Type (HTTP binding §3.1.1)`,
      );
    }
    attributes ??= new Map();
    if (attributes.has(attribute)) {
      throw attributeError(
        CodecErrors.DUPLICATE_ATTRIBUTE,
        attribute,
        `attribute "${attribute}" appears more than once`,
      );
    }
    attributes.set(attribute, headerAttribute(name, attribute, single(name, attribute, raw)));
  }
  if (attributes === undefined) {
    throw new SluiceError(
      CodecErrors.NOT_A_CLOUDEVENT,
      "not a CloudEvent: send binary mode (ce-specversion, ce-id, ce-source and ce-type headers, the data as the body) or structured mode (Content-Type: application/cloudevents+json with the event as JSON)",
    );
  }
  if (contentType !== undefined) attributes.set("datacontenttype", contentType);
  const event: CloudEvent = { attributes, data: body.byteLength === 0 ? undefined : body };
  validateEvent(event);
  return event;
}

function headerAttribute(name: string, attribute: string, value: string): string {
  try {
    return percentDecode(value);
  } catch (error) {
    throw attributeError(
      CodecErrors.INVALID_ATTRIBUTE,
      attribute,
      `header "${name}" has an invalid value: ${(error as Error).message}`,
      undefined,
      error,
    );
  }
}

/** Header names for the attributes every event has, built once. */
const HEADER_NAMES = new Map(
  ["specversion", "id", "source", "type", "subject", "time", "dataschema"].map((name) => [
    name,
    `ce-${name}`,
  ]),
);

/**
 * Binary mode (§3.1): each attribute as a `ce-` header, value percent-encoded (§3.1.3.2);
 * datacontenttype as Content-Type (never ce-datacontenttype); the data bytes as the body,
 * untouched. Attributes named in `omit` are left out. Does not validate the event.
 */
export function encodeBinary(
  event: CloudEvent,
  options?: { omit?: ReadonlySet<string> },
): { headers: Record<string, string>; body: Uint8Array | undefined } {
  const headers: Record<string, string> = {};
  const omit = options?.omit;
  for (const [name, value] of event.attributes) {
    if (omit?.has(name)) continue;
    if (name === "datacontenttype") headers[CONTENT_TYPE] = value;
    else headers[HEADER_NAMES.get(name) ?? `ce-${name}`] = percentEncode(value);
  }
  return { headers, body: event.data };
}

/**
 * The headers of binary mode (see encodeBinary) appended to `out` as name, value, name, value...:
 * the flat form undici takes, with no object per message (the broker's delivery path sends one
 * per attempt). The body is `event.data`.
 */
export function appendBinaryHeaders(event: CloudEvent, out: string[], omit?: ReadonlySet<string>): void {
  for (const [name, value] of event.attributes) {
    if (omit?.has(name)) continue;
    if (name === "datacontenttype") out.push(CONTENT_TYPE, value);
    else out.push(HEADER_NAMES.get(name) ?? `ce-${name}`, percentEncode(value));
  }
}

/**
 * True when an HTTP message claims to be a CloudEvent: a ce-specversion header, or a Content-Type
 * starting with application/cloudevents (case-insensitive). A 200 reply that claims so must parse.
 */
export function claimsCloudEvent(headers: HttpHeaders): boolean {
  if (findHeader(headers, "ce-specversion") !== undefined) return true;
  const contentType = findHeader(headers, CONTENT_TYPE);
  const text = typeof contentType === "string" ? contentType : contentType?.[0];
  return text !== undefined && startsWithIgnoreCase(text.trimStart(), CLOUDEVENTS_PREFIX);
}
