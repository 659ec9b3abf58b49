import { claimsCloudEvent, decodeHttp } from "@sluice/codec";
import type { CloudEvent } from "@sluice/core";
import type { Dispatcher as UndiciDispatcher } from "undici";
import { discardBody, readBody } from "./body.js";
import { DELIVERY_DEFAULTS } from "./defaults.js";
import type { DelayQueue } from "./delay-queue.js";
import { ERROR_DATA_MAX_BYTES } from "./error-extensions.js";
import { type DeliveryErrorCode, DeliveryErrors } from "./errors.js";
import { isRetryableStatus, isSuccessStatus } from "./retry-policy.js";
import type { Target } from "./targets.js";

/** How one attempt ended. */
export interface AttemptOutcome {
  readonly ok: boolean;
  readonly retryable: boolean;
  /** HTTP status; undefined after a network error or a timeout. */
  readonly status: number | undefined;
  readonly code: DeliveryErrorCode | undefined;
  readonly message: string | undefined;
  /** The answer's body (a failed answer's first bytes, or a reply), for knativeerrordata. */
  readonly body: Uint8Array | undefined;
  readonly retryAfter: string | undefined;
  /** A valid reply event (200 + CloudEvent), when replies were asked for. */
  readonly reply: CloudEvent | undefined;
}

/** The cancellation state of one delivery, shared by its attempts and waits. */
export interface RunState {
  aborted: boolean;
  /** Aborts the attempt in progress. */
  current: AbortController | undefined;
  /** Ends the backoff wait in progress. */
  wake: (() => void) | undefined;
}

export interface AttemptSpec {
  readonly target: Target;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
  readonly timeoutMs: number;
  /** Subscriber attempts look for a reply in a 200; dead-letter attempts ignore bodies. */
  readonly replies: boolean;
  readonly maxReplyBytes: number;
}

export function failure(
  code: DeliveryErrorCode,
  message: string,
  retryable: boolean,
  status?: number,
  body?: Uint8Array,
  retryAfter?: string,
): AttemptOutcome {
  return { ok: false, retryable, status, code, message, body, retryAfter, reply: undefined };
}

function success(status: number, reply?: CloudEvent, body?: Uint8Array): AttemptOutcome {
  return {
    ok: true,
    retryable: false,
    status,
    code: undefined,
    message: undefined,
    body,
    retryAfter: undefined,
    reply,
  };
}

/**
 * One POST, bounded by the policy's timeout from connect to the last body byte (the timer lives
 * in the shared delay queue). Resolves "aborted" when the delivery was cancelled mid-attempt.
 */
export async function attempt(
  spec: AttemptSpec,
  delays: DelayQueue,
  run: RunState,
): Promise<AttemptOutcome | "aborted"> {
  const controller = new AbortController();
  run.current = controller;
  let timedOut = false;
  const timer =
    spec.timeoutMs > 0
      ? delays.schedule(spec.timeoutMs, () => {
          timedOut = true;
          controller.abort();
        })
      : undefined;
  try {
    const response = await spec.target.pool.request({
      method: "POST",
      path: spec.target.path,
      headers: spec.headers,
      body: spec.body ?? null,
      signal: controller.signal,
    });
    return await judge(response, spec);
  } catch (error) {
    if (run.aborted) return "aborted";
    if (timedOut)
      return failure(DeliveryErrors.TIMEOUT, `no complete answer within ${spec.timeoutMs} ms`, true);
    return failure(DeliveryErrors.NETWORK, describeError(error), true);
  } finally {
    if (timer !== undefined) delays.cancel(timer);
    run.current = undefined;
  }
}

/** The status table of the Knative data plane (DP "Acknowledgement"), plus the reply rules. */
async function judge(response: UndiciDispatcher.ResponseData, spec: AttemptSpec): Promise<AttemptOutcome> {
  const { statusCode: status, headers, body } = response;
  if (isSuccessStatus(status)) {
    // DP "Derived (Reply) Events": only a 200 carries a reply; a 202 body never is one.
    if (status === 200 && spec.replies && claimsCloudEvent(headers)) return readReply(response, spec);
    await discardBody(body, DELIVERY_DEFAULTS.maxDrainBytes);
    return success(status);
  }
  let head: Uint8Array | undefined;
  try {
    head = (await readBody(body, ERROR_DATA_MAX_BYTES, DELIVERY_DEFAULTS.maxDrainBytes)).bytes;
  } catch {
    // The status already decided the attempt; a broken or slow error body only loses knativeerrordata.
  }
  const retryAfter = headers["retry-after"];
  const redirect = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
  return failure(
    DeliveryErrors.STATUS,
    `answered ${status}${redirect}`,
    isRetryableStatus(status),
    status,
    head,
    typeof retryAfter === "string" ? retryAfter : undefined,
  );
}

/**
 * A 200 that claims to carry a CloudEvent must carry exactly one valid event; otherwise the
 * attempt fails and is retried, as Knative's filter answers 502 for it (knative-eventing.md §1.4).
 */
async function readReply(
  response: UndiciDispatcher.ResponseData,
  spec: AttemptSpec,
): Promise<AttemptOutcome> {
  const read = await readBody(response.body, spec.maxReplyBytes, spec.maxReplyBytes);
  if (read.total > spec.maxReplyBytes) {
    return failure(
      DeliveryErrors.REPLY_TOO_LARGE,
      `the reply is larger than ${spec.maxReplyBytes} bytes`,
      true,
      200,
      read.bytes,
    );
  }
  let decoded: ReturnType<typeof decodeHttp>;
  try {
    decoded = decodeHttp(response.headers, read.bytes);
  } catch (error) {
    return failure(
      DeliveryErrors.INVALID_REPLY,
      `invalid reply: ${describeError(error)}`,
      true,
      200,
      read.bytes,
    );
  }
  const reply = decoded.events[0];
  if (decoded.mode === "batch" || decoded.events.length !== 1 || reply === undefined) {
    return failure(
      DeliveryErrors.INVALID_REPLY,
      "invalid reply: a batch is not a reply",
      true,
      200,
      read.bytes,
    );
  }
  return success(200, reply, read.bytes);
}

/** A short description without request data: error code and message, first cause of an AggregateError. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || error.name;
    return typeof code === "string" && !message.includes(code) ? `${code} ${message}` : message;
  }
  return String(error);
}
