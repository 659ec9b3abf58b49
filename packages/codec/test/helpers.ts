import assert from "node:assert/strict";
import { isSluiceError, type SluiceError } from "@sluice/core";

/** Binary-mode headers of a minimal valid 1.0 event, with changes (undefined removes a header). */
export function binaryHeaders(
  changes: Readonly<Record<string, string | string[] | undefined>> = {},
): Record<string, string | string[] | undefined> {
  const headers: Record<string, string | string[] | undefined> = {
    "ce-specversion": "1.0",
    "ce-id": "evt-1",
    "ce-source": "/tests/codec",
    "ce-type": "com.example.test",
  };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return headers;
}

/** A minimal valid 1.0 event as a JSON object, with changes (undefined removes a member). */
export function jsonEvent(changes: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const event: Record<string, unknown> = {
    specversion: "1.0",
    id: "evt-1",
    source: "/tests/codec",
    type: "com.example.test",
  };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete event[name];
    else event[name] = value;
  }
  return event;
}

export const STRUCTURED = { "content-type": "application/cloudevents+json" } as const;
export const BATCH = { "content-type": "application/cloudevents-batch+json" } as const;

export function bytes(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

export function text(data: Uint8Array | undefined): string | undefined {
  return data === undefined
    ? undefined
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
}

export interface ExpectedError {
  readonly code: string;
  readonly attribute?: string;
  readonly index?: number;
  /** A fragment the message must contain. */
  readonly message?: string | RegExp;
}

/** Runs `fn`, asserts it throws a SluiceError with the expected code and details; returns it. */
export function expectError(fn: () => unknown, expected: ExpectedError): SluiceError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${expected.code}, but nothing was thrown`);
  assert.ok(isSluiceError(caught), `expected a SluiceError, got ${String(caught)}`);
  const error = caught as SluiceError;
  assert.equal(error.code, expected.code, error.message);
  if (expected.attribute !== undefined) {
    assert.equal(error.details.attribute, expected.attribute, error.message);
    assert.ok(
      error.message.includes(expected.attribute),
      `message should name "${expected.attribute}": ${error.message}`,
    );
  }
  if (expected.index !== undefined) assert.equal(error.details.index, expected.index, error.message);
  if (typeof expected.message === "string")
    assert.ok(error.message.includes(expected.message), error.message);
  else if (expected.message !== undefined) assert.match(error.message, expected.message);
  return error;
}
