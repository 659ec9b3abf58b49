import { appendBinaryHeaders } from "@sluice/codec";
import {
  type AbortSignalLike,
  type CloudEvent,
  type DeliveryPolicy,
  type EventEnvelope,
  type Logger,
  SluiceError,
  silentLogger,
  TTL_EXTENSION,
} from "@sluice/core";
import {
  type AttemptOutcome,
  type AttemptSpec,
  attempt,
  describeError,
  failure,
  type RunState,
} from "./attempt.js";
import { DELIVERY_DEFAULTS } from "./defaults.js";
import { DelayQueue } from "./delay-queue.js";
import { deadLetterEvent } from "./error-extensions.js";
import { DeliveryErrors } from "./errors.js";
import { retryWait } from "./retry-policy.js";
import { type Target, Targets } from "./targets.js";
import type {
  AttemptInfo,
  AttemptPacer,
  DeliveryRequest,
  DeliveryResult,
  Dispatcher,
  DispatcherOptions,
} from "./types.js";

/** The reply-loop guard lives in EventEnvelope.ttl; a stray attribute never leaves the broker. */
const OMIT: ReadonlySet<string> = new Set([TTL_EXTENSION]);
// Header values from outside (trace context) that undici would refuse would fail every attempt.
const SAFE_HEADER_VALUE = /^[\t\x20-\x7e]{1,512}$/;

/** One leg of a delivery: the subscriber, or the dead-letter sink. */
interface Leg {
  readonly url: string;
  readonly event: CloudEvent;
  readonly envelope: EventEnvelope;
  readonly policy: DeliveryPolicy;
  readonly namespace: string;
  readonly deadLetter: boolean;
  readonly onReply: ((reply: CloudEvent) => Promise<void>) | undefined;
  readonly pacer: AttemptPacer | undefined;
}

type LegResult =
  | { readonly kind: "ok"; readonly attempts: number; readonly status: number; readonly replied: boolean }
  | { readonly kind: "failed"; readonly attempts: number; readonly last: AttemptOutcome }
  | { readonly kind: "aborted"; readonly attempts: number };

/** Creates the dispatcher every trigger of a runtime shares. */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  return new HttpDispatcher(options);
}

class HttpDispatcher implements Dispatcher {
  readonly #logger: Logger;
  readonly #onAttempt: ((attempt: AttemptInfo) => void) | undefined;
  readonly #userAgent: string;
  readonly #maxReplyBytes: number;
  readonly #now: () => number;
  readonly #delays = new DelayQueue();
  readonly #targets: Targets;
  readonly #runs = new Set<RunState>();
  /**
   * The runs of each caller's signal. A signal gets one abort listener for its lifetime (a
   * trigger worker passes the same signal with every delivery), rather than an add and a remove
   * per delivery, which showed in the broker's CPU profile.
   */
  readonly #bySignal = new WeakMap<AbortSignalLike, Set<RunState>>();
  #closing: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  constructor(options: DispatcherOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#onAttempt = options.onAttempt;
    this.#userAgent = options.userAgent ?? DELIVERY_DEFAULTS.userAgent;
    this.#maxReplyBytes = options.maxReplyBytes ?? DELIVERY_DEFAULTS.maxReplyBytes;
    this.#now = options.now ?? Date.now;
    this.#targets = new Targets({
      connectionsPerOrigin: options.connectionsPerOrigin ?? DELIVERY_DEFAULTS.connectionsPerOrigin,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DELIVERY_DEFAULTS.keepAliveTimeoutMs,
    });
  }

  async deliver(request: DeliveryRequest): Promise<DeliveryResult> {
    if (this.#closing !== undefined) {
      throw new SluiceError(DeliveryErrors.CLOSED, "the dispatcher is closed");
    }
    const { signal } = request;
    if (signal?.aborted) return { outcome: "aborted", attempts: 0 };
    const run: RunState = { aborted: false, current: undefined, wake: undefined };
    const signalRuns = signal === undefined ? undefined : this.#runsOf(signal);
    signalRuns?.add(run);
    this.#runs.add(run);
    try {
      return await this.#deliver(request, run);
    } finally {
      signalRuns?.delete(run);
      this.#runs.delete(run);
      if (this.#runs.size === 0) this.#idle?.();
    }
  }

  #runsOf(signal: AbortSignalLike): Set<RunState> {
    let runs = this.#bySignal.get(signal);
    if (runs === undefined) {
      const created = new Set<RunState>();
      signal.addEventListener(
        "abort",
        () => {
          for (const run of created) abortRun(run);
        },
        { once: true },
      );
      this.#bySignal.set(signal, created);
      runs = created;
    }
    return runs;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    for (const run of this.#runs) abortRun(run);
    // Deliveries end promptly once aborted; one inside onReply ends when the broker answers.
    if (this.#runs.size > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    this.#delays.close();
    await this.#targets.close();
  }

  async #deliver(request: DeliveryRequest, run: RunState): Promise<DeliveryResult> {
    const { envelope, url, policy, namespace } = request;
    const first = await this.#leg(
      {
        url,
        event: envelope.event,
        envelope,
        policy,
        namespace,
        deadLetter: false,
        onReply: request.onReply,
        pacer: request.pacer,
      },
      run,
    );
    if (first.kind === "ok") {
      return { outcome: "delivered", attempts: first.attempts, status: first.status, replied: first.replied };
    }
    if (first.kind === "aborted") return { outcome: "aborted", attempts: first.attempts };
    const { status, body } = first.last;
    const event = deadLetterEvent(envelope.event, { destination: url, status, body });
    const sink = policy.deadLetterSink;
    if (sink === undefined) {
      return {
        outcome: "failed",
        attempts: first.attempts,
        status,
        deadLetterEvent: event,
        deadLetterAttempts: 0,
        reason: `${DeliveryErrors.NO_DEAD_LETTER_SINK}: no dead-letter sink; last attempt: ${summary(first.last)}`,
      };
    }
    const second = await this.#leg(
      {
        url: sink.url,
        event,
        envelope,
        policy,
        namespace,
        deadLetter: true,
        onReply: undefined,
        pacer: undefined,
      },
      run,
    );
    if (second.kind === "aborted") return { outcome: "aborted", attempts: first.attempts };
    if (second.kind === "ok") {
      return {
        outcome: "dead-lettered",
        attempts: first.attempts,
        status,
        deadLetterEvent: event,
        deadLetterAttempts: second.attempts,
      };
    }
    return {
      outcome: "failed",
      attempts: first.attempts,
      status,
      deadLetterEvent: event,
      deadLetterAttempts: second.attempts,
      reason: `${DeliveryErrors.DEAD_LETTER_FAILED}: dead-letter sink failed: ${summary(second.last)}`,
    };
  }

  /** Attempts one destination until success, a final failure, the last retry, or abort. */
  async #leg(leg: Leg, run: RunState): Promise<LegResult> {
    const spec = this.#spec(leg);
    const { policy } = leg;
    const pacer = spec instanceof SluiceError ? undefined : leg.pacer;
    for (let attempts = 1; ; attempts++) {
      if (pacer !== undefined) {
        const paced = pacer.attemptStarting();
        if (paced !== undefined && !(await this.#admitted(paced, pacer, run))) {
          return { kind: "aborted", attempts: attempts - 1 };
        }
      }
      const started = performance.now();
      let outcome =
        spec instanceof SluiceError
          ? failure(DeliveryErrors.INVALID_URL, spec.message, false)
          : await attempt(spec, this.#delays, run);
      pacer?.attemptEnded(
        outcome === "aborted" ? "aborted" : outcome.status === undefined ? "unanswered" : "answered",
      );
      if (outcome === "aborted") return { kind: "aborted", attempts };
      let replied = false;
      if (outcome.ok && outcome.reply !== undefined && leg.onReply !== undefined) {
        // The delivery is done only once the broker stored the reply (PRODUCT.md §5).
        try {
          await leg.onReply(outcome.reply);
          replied = true;
        } catch (error) {
          outcome = failure(
            DeliveryErrors.REPLY_NOT_STORED,
            `the reply could not be stored: ${describeError(error)}`,
            true,
            200,
            outcome.body,
          );
        }
      }
      const again = !outcome.ok && outcome.retryable && attempts <= policy.retry && !run.aborted;
      const wait = again ? retryWait(policy, attempts, outcome, this.#now()) : undefined;
      this.#report(leg, outcome, attempts, performance.now() - started, wait);
      if (outcome.ok) return { kind: "ok", attempts, status: outcome.status ?? 200, replied };
      if (run.aborted) return { kind: "aborted", attempts };
      if (wait === undefined) return { kind: "failed", attempts, last: outcome };
      if (!(await this.#sleep(wait, run))) return { kind: "aborted", attempts };
    }
  }

  /** Encodes the event once per leg; every attempt reuses the same headers and body. */
  #spec(leg: Leg): AttemptSpec | SluiceError {
    let target: Target;
    try {
      target = this.#targets.resolve(leg.url);
    } catch (error) {
      return error as SluiceError;
    }
    const headers: string[] = [];
    appendBinaryHeaders(leg.event, headers, OMIT);
    headers.push("user-agent", this.#userAgent, "kn-namespace", leg.namespace);
    // Knative sends Prefer: reply to subscribers always, never to dead-letter sinks (DP "Replies").
    if (!leg.deadLetter) headers.push("prefer", "reply");
    const { traceparent, tracestate } = leg.envelope;
    if (traceparent !== undefined && SAFE_HEADER_VALUE.test(traceparent))
      headers.push("traceparent", traceparent);
    if (tracestate !== undefined && SAFE_HEADER_VALUE.test(tracestate))
      headers.push("tracestate", tracestate);
    return {
      target,
      headers,
      body: leg.event.data,
      timeoutMs: leg.policy.timeoutMs,
      replies: !leg.deadLetter,
      maxReplyBytes: this.#maxReplyBytes,
    };
  }

  /**
   * Waits for the pacer's answer: true to go, false when the pacer gives the delivery up or the run
   * is aborted first (an attempt the pacer lets go after that is ended at once).
   */
  #admitted(go: Promise<boolean>, pacer: AttemptPacer, run: RunState): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let settled = false;
      run.wake = () => {
        run.wake = undefined;
        settled = true;
        resolve(false);
      };
      void go.then((admitted) => {
        if (settled) {
          if (admitted) pacer.attemptEnded("aborted");
          return;
        }
        settled = true;
        run.wake = undefined;
        resolve(admitted);
      });
      if (run.aborted) run.wake();
    });
  }

  #sleep(ms: number, run: RunState): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      if (run.aborted) {
        resolve(false);
        return;
      }
      const handle = this.#delays.schedule(ms, () => {
        run.wake = undefined;
        resolve(true);
      });
      run.wake = () => {
        this.#delays.cancel(handle);
        run.wake = undefined;
        resolve(false);
      };
    });
  }

  #report(
    leg: Leg,
    outcome: AttemptOutcome,
    attempt: number,
    durationMs: number,
    retryInMs: number | undefined,
  ): void {
    const error = outcome.ok ? undefined : `${outcome.code}: ${outcome.message}`;
    if (!outcome.ok && this.#logger.isEnabled("debug")) {
      // Never the event, the body or header values: they may hold secrets.
      this.#logger.debug("delivery attempt failed", {
        url: redactUrl(leg.url),
        deadLetter: leg.deadLetter,
        attempt,
        status: outcome.status,
        error,
        retryInMs,
      });
    }
    this.#onAttempt?.({
      url: leg.url,
      status: outcome.status,
      error,
      code: outcome.code,
      durationMs,
      attempt,
      deadLetter: leg.deadLetter,
      retryInMs,
    });
  }
}

function abortRun(run: RunState): void {
  run.aborted = true;
  run.current?.abort();
  run.wake?.();
}

function summary(outcome: AttemptOutcome): string {
  return `${outcome.code}: ${outcome.message}`;
}

/** Origin and path only: userinfo and query strings may carry credentials. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
