import { type CloudEvent, TTL_EXTENSION, withAttributes } from "@sluice/core";
import { ERROR_DATA_MAX_BASE64 } from "./defaults.js";

/** Raw bytes that encode to exactly ERROR_DATA_MAX_BASE64 characters (1024 is a multiple of 4). */
export const ERROR_DATA_MAX_BYTES = (ERROR_DATA_MAX_BASE64 / 4) * 3;

export interface FailureFacts {
  /** The URL that failed (the subscriber). */
  readonly destination: string;
  /** HTTP status of the last attempt; undefined after a network error or a timeout. */
  readonly status: number | undefined;
  /** Body of the last answer (only its first ERROR_DATA_MAX_BYTES bytes are used). */
  readonly body: Uint8Array | undefined;
}

/**
 * base64 of the body, cut so the text is at most 1024 characters (Knative
 * `KnativeErrorDataExtensionMaxLength`). Cutting the bytes at 768 gives the same text as cutting
 * the base64 at 1024, and keeps it valid base64. Undefined for an empty or absent body.
 */
export function errorData(body: Uint8Array | undefined): string | undefined {
  if (body === undefined || body.byteLength === 0) return undefined;
  const bytes = body.byteLength > ERROR_DATA_MAX_BYTES ? body.subarray(0, ERROR_DATA_MAX_BYTES) : body;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * The event sent to the dead-letter sink: the original event plus `knativeerrordest`,
 * `knativeerrorcode` and `knativeerrordata` (knative/eventing
 * pkg/kncloudevents/attributes/knative_error.go). Stale error extensions from an earlier hop are
 * replaced or removed, and the reply-loop guard never leaves the broker.
 */
export function deadLetterEvent(event: CloudEvent, facts: FailureFacts): CloudEvent {
  return withAttributes(event, {
    knativeerrordest: facts.destination,
    knativeerrorcode: facts.status === undefined ? undefined : String(facts.status),
    knativeerrordata: errorData(facts.body),
    [TTL_EXTENSION]: undefined,
  });
}
