import { CoreErrors, type ResourceKey, resourceId, SluiceError } from "@sluice/core";
import { errorCode } from "./file-system.js";

export function closedError(key: ResourceKey): SluiceError {
  return new SluiceError(CoreErrors.CLOSED, `broker ${resourceId(key)}: the store is closed`);
}

export function fullError(key: ResourceKey, events: number, bytes: number): SluiceError {
  return new SluiceError(
    CoreErrors.BACKEND_FULL,
    `broker ${resourceId(key)}: backlog is full (${events} events, ${bytes} bytes pending)`,
    { details: { pendingEvents: events, pendingBytes: bytes } },
  );
}

/** A storage failure, as callers see it: the ingress answers 503 and the caller retries. */
export function unavailableError(key: ResourceKey, what: string, error: unknown): SluiceError {
  return new SluiceError(
    CoreErrors.BACKEND_UNAVAILABLE,
    `broker ${resourceId(key)}: ${what}: ${describe(error)}`,
    {
      cause: error,
      details: { errno: errorCode(error) },
    },
  );
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
