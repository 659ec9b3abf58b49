import { SluiceError } from "@sluice/core";
import { CodecErrors } from "./errors.js";

/** HTTP binding §3: both prefixes are matched case-insensitively; the batch one first, as the other is its prefix. */
export const CLOUDEVENTS_PREFIX = "application/cloudevents";
export const BATCH_PREFIX = "application/cloudevents-batch";
/** JSON format §3 and §4.2. */
export const JSON_FORMAT = "application/cloudevents+json";
export const JSON_BATCH_FORMAT = "application/cloudevents-batch+json";
/**
 * What Sluice sends. Lower-case `utf-8`: the cloudevents JavaScript SDK matches this exact string
 * and refuses `charset=UTF-8`, the spelling of the HTTP binding §3.2.1 example.
 */
export const JSON_FORMAT_CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";
export const JSON_BATCH_CONTENT_TYPE = "application/cloudevents-batch+json; charset=utf-8";

export interface MediaType {
  /** `type/subtype`, lower-cased (RFC 2045 §5.1: case-insensitive). */
  readonly type: string;
  /** Parameters by lower-cased name; values as sent, quoted-strings unquoted. */
  readonly parameters: ReadonlyMap<string, string>;
}

// RFC 7230 §3.2.6 token.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const TYPE_AND_SUBTYPE = new RegExp(`^(${TOKEN})/(${TOKEN})$`);
const PARAMETER = new RegExp(`^(${TOKEN})=(?:(${TOKEN})|"((?:[^"\\\\]|\\\\.)*)")$`);

const MEDIA_TYPE_SYNTAX = new RegExp(
  `^\\s*${TOKEN}/${TOKEN}\\s*(?:;\\s*(?:${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*")\\s*)?)*$`,
);

/** The syntax parseMediaType accepts, checked without allocating (validation runs on the hot path). */
export function isMediaType(value: string): boolean {
  return MEDIA_TYPE_SYNTAX.test(value);
}

/** True when `value` starts with `prefix` ignoring ASCII case (`prefix` is lower case). No allocation. */
export function startsWithIgnoreCase(value: string, prefix: string): boolean {
  if (value.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const code = value.charCodeAt(i);
    const lower = code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
    if (lower !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Parses `type/subtype; name=value; ...` (RFC 7231 §3.1.1.1). The type and the parameter names are
 * lower-cased (CloudEvents spec, datacontenttype: case-insensitive); parameter values are kept as
 * sent. Empty parameters (`;;`, a trailing `;`) are tolerated. Throws INVALID_MEDIA_TYPE.
 */
export function parseMediaType(contentType: string): MediaType {
  const parts = splitParameters(contentType);
  const head = (parts[0] ?? "").trim();
  if (!TYPE_AND_SUBTYPE.test(head)) {
    throw new SluiceError(
      CodecErrors.INVALID_MEDIA_TYPE,
      `"${contentType}" is not a media type (type/subtype)`,
    );
  }
  const parameters = new Map<string, string>();
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!.trim();
    if (part === "") continue;
    const match = PARAMETER.exec(part);
    if (match === null) {
      throw new SluiceError(
        CodecErrors.INVALID_MEDIA_TYPE,
        `"${contentType}" has an invalid parameter "${part}" (expected name=value)`,
      );
    }
    const value = match[2] ?? match[3]!.replace(/\\(.)/g, "$1");
    parameters.set(match[1]!.toLowerCase(), value);
  }
  return { type: head.toLowerCase(), parameters };
}

/** Splits at `;` outside quoted-strings. */
function splitParameters(value: string): string[] {
  if (value.indexOf('"') < 0) return value.split(";");
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (quoted && char === "\\") i++;
    else if (char === '"') quoted = !quoted;
    else if (char === ";" && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/**
 * JSON format §3.1.1: a content type declares JSON when, stripped of parameters, it is `* /json`
 * or `* /*+json` (case-insensitive). No content type means JSON (the format's default).
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const semicolon = contentType.indexOf(";");
  const base = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  const slash = base.indexOf("/");
  if (slash <= 0) return false;
  return base.endsWith("+json") ? base.length > slash + 6 : base.endsWith("/json");
}

/** Text-like media types whose bytes a JSON event may carry as a `data` string instead of base64. */
export function isTextualMediaType(contentType: string): boolean {
  const lower = contentType.toLowerCase();
  if (lower.startsWith("text/") || lower.includes("charset=")) return true;
  const semicolon = lower.indexOf(";");
  const base = (semicolon < 0 ? lower : lower.slice(0, semicolon)).trim();
  return base.endsWith("/xml") || base.endsWith("+xml");
}
