import { isUtf8 } from "node:buffer";
import type { CloudEvent } from "@sluice/core";
import { SluiceError } from "@sluice/core";
import { encodeBase64 } from "./base64.js";
import { CodecErrors } from "./errors.js";
import { asBuffer } from "./json-event.js";
import { isJsonText } from "./json-scanner.js";
import {
  isJsonMediaType,
  isTextualMediaType,
  JSON_BATCH_CONTENT_TYPE,
  JSON_FORMAT_CONTENT_TYPE,
} from "./media-type.js";

// CloudEvent → JSON event format (formats/json-format.md §3), keeping data bytes as they are.

/**
 * A rendered event: `head` is the JSON text up to the data value; when `raw` is set, the full text
 * is head + raw + "}" (raw being JSON text spliced in verbatim), otherwise head + "}".
 */
interface Rendered {
  readonly head: string;
  readonly raw: Uint8Array | undefined;
}

const CLOSE = Buffer.from("}");

/**
 * §3.1.1: how the data bytes go into JSON.
 * - JSON datacontenttype and bytes that are one JSON value → `data` holds them verbatim.
 * - textual datacontenttype (text/*, XML, any with a charset) and UTF-8 bytes → `data` string.
 * - anything else → base64: `data_base64` (1.0), or `data` plus `datacontentencoding: base64`
 *   (0.3, which has no data_base64). No datacontenttype means the bytes are opaque (binary-mode
 *   events without Content-Type), so they go to base64 and no datacontenttype is invented.
 * - a 0.3 event that already says `datacontentencoding: base64` is always base64.
 */
function render(event: CloudEvent): Rendered {
  const { attributes, data } = event;
  const v03 = attributes.get("specversion") === "0.3";
  const contentType = attributes.get("datacontenttype");
  const encoding = attributes.get("datacontentencoding");
  let kind: "none" | "raw" | "text" | "base64" = "none";
  if (data !== undefined) {
    const forced = v03 && encoding !== undefined && encoding.toLowerCase() === "base64";
    if (!forced && contentType !== undefined && isJsonMediaType(contentType)) {
      if (isUtf8(data) && isJsonText(data)) kind = "raw";
    } else if (!forced && contentType !== undefined && isTextualMediaType(contentType) && isUtf8(data)) {
      kind = "text";
    }
    if (kind === "none") kind = "base64";
  }
  const base64InData = kind === "base64" && v03;
  let head = "{";
  let first = true;
  for (const [name, value] of attributes) {
    if (base64InData && name === "datacontentencoding") continue;
    head += `${first ? "" : ","}"${name}":${JSON.stringify(value)}`;
    first = false;
  }
  const comma = first ? "" : ",";
  switch (kind) {
    case "none":
      return { head, raw: undefined };
    case "raw":
      return { head: `${head}${comma}"data":`, raw: data };
    case "text":
      return {
        head: `${head}${comma}"data":${JSON.stringify(asBuffer(data!).toString("utf8"))}`,
        raw: undefined,
      };
    default: {
      const encoded = JSON.stringify(encodeBase64(data!));
      const member = base64InData
        ? `"datacontentencoding":"base64","data":${encoded}`
        : `"data_base64":${encoded}`;
      return { head: `${head}${comma}${member}`, raw: undefined };
    }
  }
}

/** One JSON-format event as text. Does not validate (see validateEvent). */
export function eventToJson(event: CloudEvent): string {
  const { head, raw } = render(event);
  return raw === undefined ? `${head}}` : `${head}${asBuffer(raw).toString("utf8")}}`;
}

function pushRendered(parts: Uint8Array[], event: CloudEvent): void {
  const { head, raw } = render(event);
  if (raw === undefined) {
    parts.push(Buffer.from(`${head}}`, "utf8"));
  } else {
    parts.push(Buffer.from(head, "utf8"), raw, CLOSE);
  }
}

/** Structured mode (HTTP binding §3.2): the JSON format in the body, its media type in Content-Type. */
export function encodeStructured(event: CloudEvent): { headers: Record<string, string>; body: Buffer } {
  const parts: Uint8Array[] = [];
  pushRendered(parts, event);
  return { headers: { "content-type": JSON_FORMAT_CONTENT_TYPE }, body: Buffer.concat(parts) };
}

const OPEN_ARRAY = Buffer.from("[");
const CLOSE_ARRAY = Buffer.from("]");
const SEPARATOR = Buffer.from(",");

/**
 * Batched mode (HTTP binding §3.3, json-format.md §4): a JSON array of events. All events must
 * share one specversion (spec.md §"Message"); an empty batch is `[]`.
 */
export function encodeBatch(events: readonly CloudEvent[]): {
  headers: Record<string, string>;
  body: Buffer;
} {
  const parts: Uint8Array[] = [OPEN_ARRAY];
  const specversion = events[0]?.attributes.get("specversion");
  events.forEach((event, index) => {
    if (event.attributes.get("specversion") !== specversion) {
      throw new SluiceError(
        CodecErrors.INVALID_BATCH,
        `batch event [${index}] has specversion ${JSON.stringify(event.attributes.get("specversion"))}, but the batch is ${JSON.stringify(specversion)}: all events in a batch share one specversion`,
        { details: { index, attribute: "specversion" } },
      );
    }
    if (index > 0) parts.push(SEPARATOR);
    pushRendered(parts, event);
  });
  parts.push(CLOSE_ARRAY);
  return { headers: { "content-type": JSON_BATCH_CONTENT_TYPE }, body: Buffer.concat(parts) };
}
