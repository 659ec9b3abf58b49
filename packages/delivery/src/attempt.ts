import { claimsCloudEvent, decodeHttp } from "@sluice/codec";
import type { CloudEvent } from "@sluice/core";
import type { Dispatcher as UndiciDispatcher } from "undici";
import { DELIVERY_DEFAULTS } from "./defaults.js";
import type { DelayHandle, DelayQueue } from "./delay-queue.js";
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
  current: { abort(): void } | undefined;
  /** Ends the wait in progress (backoff, or for the pacer to let the next attempt go). */
  wake: (() => void) | undefined;
}

export interface AttemptSpec {
  readonly target: Target;
  /** Name, value, name, value...: undici's flat form (see appendBinaryHeaders). */
  readonly headers: string[];
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
 * One POST, bounded by the policy's timeout from the request's start to the last body byte (the
 * timer lives in the shared delay queue). Resolves "aborted" when the delivery was cancelled
 * mid-attempt. Goes through undici's dispatch API with a handler of its own rather than
 * `request()`: no AbortController, abort listeners or body stream per attempt (they were a
 * tenth of the broker's CPU per delivery), and the body is read straight into what the status
 * asks for.
 */
export function attempt(
  spec: AttemptSpec,
  delays: DelayQueue,
  run: RunState,
): Promise<AttemptOutcome | "aborted"> {
  return new Promise((resolve) => {
    const exchange = new Exchange(spec, delays, run, resolve);
    try {
      spec.target.pool.dispatch(
        { method: "POST", path: spec.target.path, headers: spec.headers, body: spec.body ?? null },
        exchange,
      );
    } catch (error) {
      exchange.fail(error);
    }
  });
}

/**
 * What to do with the answer's body, decided by its status. "discard": a 2xx without a reply,
 * drained up to maxDrainBytes (past that the connection is dropped); "error-data": a failure,
 * whose first ERROR_DATA_MAX_BYTES are kept for knativeerrordata; "reply": a 200 claiming a
 * CloudEvent, read whole up to maxReplyBytes.
 */
type BodyUse = "discard" | "error-data" | "reply";

/** One request/response exchange, as an undici dispatch handler (the controller kind). */
class Exchange {
  readonly #spec: AttemptSpec;
  readonly #delays: DelayQueue;
  readonly #timer: DelayHandle | undefined;
  readonly #run: RunState;
  readonly #resolve: (outcome: AttemptOutcome | "aborted") => void;
  #controller: UndiciDispatcher.DispatchController | undefined;
  /** Why the exchange was cut short before undici handed over its controller. */
  #pendingAbort: Error | undefined;
  #done = false;
  #status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #use: BodyUse = "discard";
  #chunks: Buffer[] = [];
  #kept = 0;
  #total = 0;
  #keep = 0;
  #max = 0;

  /** Becomes the run's current attempt and starts its timeout. */
  constructor(
    spec: AttemptSpec,
    delays: DelayQueue,
    run: RunState,
    resolve: (outcome: AttemptOutcome | "aborted") => void,
  ) {
    this.#spec = spec;
    this.#delays = delays;
    this.#run = run;
    this.#resolve = resolve;
    run.current = this;
    this.#timer = spec.timeoutMs > 0 ? delays.schedule(spec.timeoutMs, () => this.#timeOut()) : undefined;
  }

  /** The delivery was cancelled (RunState.current). */
  abort(): void {
    if (this.#done) return;
    this.#finish("aborted");
    this.#cut(new Error("the delivery was cancelled"));
  }

  #timeOut(): void {
    if (this.#done) return;
    this.#finish(
      this.#statusStands
        ? this.#outcome(true)
        : failure(DeliveryErrors.TIMEOUT, `no complete answer within ${this.#spec.timeoutMs} ms`, true),
    );
    this.#cut(new Error("attempt timeout"));
  }

  /** dispatch() threw (invalid arguments, a closed pool). */
  fail(error: unknown): void {
    this.#finish(this.#run.aborted ? "aborted" : failure(DeliveryErrors.NETWORK, describeError(error), true));
  }

  // ---- undici DispatchHandler (the controller kind: it has onRequestStart) --------------------

  onRequestStart(controller: UndiciDispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#pendingAbort !== undefined) controller.abort(this.#pendingAbort);
  }

  onResponseStart(
    _controller: UndiciDispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (this.#done) return;
    this.#status = statusCode;
    this.#headers = headers;
    const spec = this.#spec;
    if (isSuccessStatus(statusCode)) {
      // DP "Derived (Reply) Events": only a 200 carries a reply; a 202 body never is one.
      if (statusCode === 200 && spec.replies && claimsCloudEvent(headers)) {
        this.#use = "reply";
        this.#keep = spec.maxReplyBytes;
        this.#max = spec.maxReplyBytes;
        return;
      }
      this.#use = "discard";
      this.#keep = 0;
    } else {
      this.#use = "error-data";
      this.#keep = ERROR_DATA_MAX_BYTES;
    }
    this.#max = DELIVERY_DEFAULTS.maxDrainBytes;
  }

  onResponseData(controller: UndiciDispatcher.DispatchController, chunk: Buffer): void {
    if (this.#done) return;
    this.#total += chunk.byteLength;
    const room = this.#keep - this.#kept;
    if (room > 0) {
      const part = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
      this.#chunks.push(part);
      this.#kept += part.byteLength;
    }
    if (this.#total <= this.#max) return;
    // Past what anyone needs: drop the connection rather than read on (it cannot be reused).
    this.#finish(this.#outcome(true));
    controller.abort(new Error("response body too large"));
  }

  onResponseEnd(): void {
    if (!this.#done) this.#finish(this.#outcome(false));
  }

  onResponseError(_controller: UndiciDispatcher.DispatchController, error: Error): void {
    if (this.#done) return;
    if (this.#run.aborted) this.#finish("aborted");
    else if (this.#statusStands) this.#finish(this.#outcome(true));
    else this.#finish(failure(DeliveryErrors.NETWORK, describeError(error), true));
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Stops the exchange: now when undici has started it, else as soon as it does. */
  #cut(reason: Error): void {
    if (this.#controller !== undefined) this.#controller.abort(reason);
    else this.#pendingAbort = reason;
  }

  /**
   * A status line already received decides the attempt when its body is cut short (timeout,
   * broken connection): the body would only have added knativeerrordata. Not for a reply.
   */
  get #statusStands(): boolean {
    return this.#status !== 0 && this.#use !== "reply";
  }

  #finish(outcome: AttemptOutcome | "aborted"): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer !== undefined) this.#delays.cancel(this.#timer);
    if (this.#run.current === this) this.#run.current = undefined;
    this.#resolve(outcome);
  }

  #body(): Uint8Array {
    const chunks = this.#chunks;
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#kept);
  }

  /** The status table of the Knative data plane (DP "Acknowledgement"), plus the reply rules. */
  #outcome(cut: boolean): AttemptOutcome {
    const status = this.#status;
    switch (this.#use) {
      case "discard":
        return success(status);
      case "error-data": {
        const retryAfter = this.#headers["retry-after"];
        const redirect = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
        return failure(
          DeliveryErrors.STATUS,
          `answered ${status}${redirect}`,
          isRetryableStatus(status),
          status,
          this.#kept > 0 || !cut ? this.#body() : undefined,
          typeof retryAfter === "string" ? retryAfter : undefined,
        );
      }
      case "reply":
        return this.#reply();
    }
  }

  /**
   * A 200 that claims to carry a CloudEvent must carry exactly one valid event; otherwise the
   * attempt fails and is retried, as Knative's filter answers 502 for it (knative-eventing.md §1.4).
   */
  #reply(): AttemptOutcome {
    const spec = this.#spec;
    const bytes = this.#body();
    if (this.#total > spec.maxReplyBytes) {
      return failure(
        DeliveryErrors.REPLY_TOO_LARGE,
        `the reply is larger than ${spec.maxReplyBytes} bytes`,
        true,
        200,
        bytes,
      );
    }
    let decoded: ReturnType<typeof decodeHttp>;
    try {
      decoded = decodeHttp(this.#headers, bytes);
    } catch (error) {
      return failure(
        DeliveryErrors.INVALID_REPLY,
        `invalid reply: ${describeError(error)}`,
        true,
        200,
        bytes,
      );
    }
    const reply = decoded.events[0];
    if (decoded.mode === "batch" || decoded.events.length !== 1 || reply === undefined) {
      return failure(DeliveryErrors.INVALID_REPLY, "invalid reply: a batch is not a reply", true, 200, bytes);
    }
    return success(200, reply, bytes);
  }
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
