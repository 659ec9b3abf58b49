import { type CloudEvent, isSluiceError, SluiceError } from "@sluice/core";
import { atBatchIndex, CodecErrors } from "./errors.js";
import { asBuffer, decodeEventObject, startOfJson } from "./json-event.js";
import {
  CLOSE_BRACKET,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  skipWhitespace,
  unexpected,
} from "./json-scanner.js";

function batchError(message: string, index: number | undefined): SluiceError {
  return new SluiceError(CodecErrors.INVALID_BATCH, message, {
    details: index === undefined ? {} : { index },
  });
}

/**
 * json-format.md §4: a JSON array of JSON-format events; `[]` is a valid, empty batch. Every element
 * is decoded and validated; the first problem is thrown with `details.index`. spec.md §"Message":
 * all events of a batch share one specversion.
 */
export function decodeBatch(body: Uint8Array): CloudEvent[] {
  const bytes = asBuffer(body);
  let i = startOfJson(bytes);
  if (bytes[i] !== OPEN_BRACKET) {
    throw batchError(
      "a batch (application/cloudevents-batch+json) must be a JSON array of events",
      undefined,
    );
  }
  const events: CloudEvent[] = [];
  i = skipWhitespace(bytes, i + 1);
  if (bytes[i] === CLOSE_BRACKET) i++;
  else {
    for (;;) {
      const index = events.length;
      if (bytes[i] !== OPEN_BRACE) {
        throw batchError(`batch event [${index}] is not a JSON object`, index);
      }
      let decoded: ReturnType<typeof decodeEventObject>;
      try {
        decoded = decodeEventObject(bytes, i);
      } catch (error) {
        throw isSluiceError(error) ? atBatchIndex(error, index) : error;
      }
      checkSameVersion(events, decoded.event, index);
      events.push(decoded.event);
      i = skipWhitespace(bytes, decoded.end);
      if (bytes[i] === CLOSE_BRACKET) {
        i++;
        break;
      }
      if (bytes[i] !== COMMA) throw unexpected(bytes, i, '"," or "]"');
      i = skipWhitespace(bytes, i + 1);
    }
  }
  const rest = skipWhitespace(bytes, i);
  if (rest !== bytes.length) throw unexpected(bytes, rest, "the end of the body");
  return events;
}

function checkSameVersion(events: readonly CloudEvent[], event: CloudEvent, index: number): void {
  const first = events[0]?.attributes.get("specversion");
  const version = event.attributes.get("specversion");
  if (first === undefined || version === first) return;
  throw new SluiceError(
    CodecErrors.INVALID_BATCH,
    `batch event [${index}] has specversion ${JSON.stringify(version)} but event [0] has ${JSON.stringify(first)}: all events in a batch share one specversion`,
    { details: { index, attribute: "specversion" } },
  );
}
