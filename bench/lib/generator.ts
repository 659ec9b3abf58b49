import { Pool } from "undici";
import { nowMs } from "./clock.js";
import { Histogram } from "./histogram.js";

/** A stretch of constant arrival rate. */
export interface Phase {
  readonly rate: number;
  readonly durationMs: number;
}

export interface GeneratorOptions {
  /** Where to POST (a broker address, a sink, a baseline ingress). 127.0.0.1 only. */
  readonly url: string;
  /** Constant arrival rate, events per second (when `phases` is not given). */
  readonly rate: number;
  readonly durationMs: number;
  /** Piecewise-constant arrival rate (B7: normal, 2× overload, normal), instead of rate/duration. */
  readonly phases?: readonly Phase[];
  /** Data bytes per event. */
  readonly payloadBytes: number;
  /** Event ids are `${runId}-${seq}`; the sink parses seq to count loss and duplicates. */
  readonly runId: string;
  /** Offset of the first sequence number. */
  readonly firstSeq?: number;
  readonly connections?: number;
  /** Extra CloudEvents attributes per event (e.g. `ce-type`), so scenarios can steer matching. */
  readonly attributes?: (seq: number) => Readonly<Record<string, string>>;
  /**
   * Requests allowed to wait for a response at once. Beyond it the generator still keeps its
   * schedule: the request is counted as `skipped` (the target could not keep up), never delayed,
   * so latency stays measured from the intended send time.
   */
  readonly maxOutstanding?: number;
  readonly signal?: AbortSignal;
}

export interface GeneratorResult {
  /** Requests actually sent (offered minus skipped). */
  readonly sent: number;
  readonly offered: number;
  readonly skipped: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  /** From intended send time to response, µs: no coordinated omission. */
  readonly latency: Histogram;
  /** How late each request left compared with its intended time, µs (a generator health check). */
  readonly sendDelay: Histogram;
  /** Sequence numbers answered 202 (bitmap indexed by seq - firstSeq). */
  readonly accepted: Uint8Array;
  readonly acceptedCount: number;
  readonly firstSeq: number;
  readonly elapsedMs: number;
}

export interface GeneratorProgress {
  readonly due: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly outstanding: number;
}

export interface RunningGenerator {
  progress(): GeneratorProgress;
  readonly done: Promise<GeneratorResult>;
}

const BASE_HEADERS: readonly string[] = [
  "ce-specversion",
  "1.0",
  "ce-source",
  "/bench",
  "ce-type",
  "bench.event",
  "content-type",
  "application/octet-stream",
];

/**
 * Open-loop, constant-arrival load (wrk2/vegeta style, not autocannon's per-second bursts): the
 * i-th request is due at its planned time whether or not earlier ones were answered, and its
 * latency is measured from that due time, so a stalled target shows up as latency instead of a
 * slower request rate. Requests waiting for a free connection are part of that latency too.
 * Requests go out through undici's `dispatch` with flat header arrays: the generator shares the
 * machine with what it measures, so every microsecond it saves is left to the broker.
 */
class LoadGenerator implements RunningGenerator {
  readonly done: Promise<GeneratorResult>;
  readonly #o: GeneratorOptions;
  readonly #pool: Pool;
  readonly #path: string;
  readonly #payload: Buffer;
  readonly #due: Float64Array;
  readonly #start = nowMs() + 5;
  readonly #accepted: Uint8Array;
  readonly #latency = new Histogram();
  readonly #sendDelay = new Histogram();
  readonly #statuses: Record<string, number> = {};
  readonly #c = { errors: 0, skipped: 0, outstanding: 0, next: 0, completed: 0, accepted: 0, rejected: 0 };
  #timer: NodeJS.Timeout | undefined;
  #finished!: () => void;

  constructor(options: GeneratorOptions) {
    const url = new URL(options.url);
    if (url.hostname !== "127.0.0.1") throw new Error(`load targets 127.0.0.1 only, not ${url.hostname}`);
    this.#o = options;
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? 64,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      // a hung target must not hang the run: every request ends within 30 s, as an error
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    this.#path = url.pathname + url.search;
    this.#payload = Buffer.alloc(options.payloadBytes, "x");
    this.#due = dueTimes(options.phases ?? [{ rate: options.rate, durationMs: options.durationMs }]);
    this.#accepted = new Uint8Array(this.#due.length);
    const allDone = new Promise<void>((resolve) => {
      this.#finished = resolve;
    });
    this.done = allDone.then(() => this.#result());
    this.#timer = setTimeout(() => this.#tick(), 5);
  }

  progress(): GeneratorProgress {
    const c = this.#c;
    return { due: c.next, accepted: c.accepted, rejected: c.rejected, outstanding: c.outstanding };
  }

  #tick(): void {
    const c = this.#c;
    const total = this.#due.length;
    const now = nowMs();
    while (c.next < total) {
      const dueAt = this.#start + (this.#due[c.next] as number);
      if (dueAt > now) break;
      this.#fire(c.next, dueAt);
      c.next += 1;
    }
    if (this.#o.signal?.aborted === true) {
      // stop offering: the rest count as skipped so `done` still resolves
      while (c.next < total) {
        c.next += 1;
        c.skipped += 1;
        this.#complete();
      }
      return;
    }
    if (c.next < total) {
      const wait = this.#start + (this.#due[c.next] as number) - nowMs();
      this.#timer = setTimeout(() => this.#tick(), Math.max(0, Math.min(1, wait)));
    }
  }

  #fire(i: number, dueAt: number): void {
    const c = this.#c;
    if (c.outstanding >= (this.#o.maxOutstanding ?? 20_000)) {
      c.skipped += 1;
      this.#complete();
      return;
    }
    c.outstanding += 1;
    this.#sendDelay.record((nowMs() - dueAt) * 1000);
    const seq = (this.#o.firstSeq ?? 0) + i;
    const headers = [...BASE_HEADERS, "ce-id", `${this.#o.runId}-${seq}`, "ce-benchts", dueAt.toFixed(3)];
    const extra = this.#o.attributes?.(seq);
    // extra attributes replace the base ones (a second ce-type header would be joined, not replaced)
    if (extra !== undefined)
      for (const k in extra) {
        const at = headers.indexOf(k);
        if (at >= 0 && at % 2 === 0) headers[at + 1] = extra[k] as string;
        else headers.push(k, extra[k] as string);
      }
    let status = 0;
    this.#pool.dispatch(
      { method: "POST", path: this.#path, headers, body: this.#payload },
      {
        // undici takes a handler as the new (controller) kind only when it has onRequestStart
        onRequestStart: () => {},
        onResponseStart: (_controller, statusCode) => {
          status = statusCode;
        },
        onResponseEnd: () => this.#answered(i, dueAt, status),
        onResponseError: () => this.#failed(),
      },
    );
  }

  #answered(i: number, dueAt: number, status: number): void {
    this.#latency.record((nowMs() - dueAt) * 1000);
    this.#statuses[status] = (this.#statuses[status] ?? 0) + 1;
    if (status === 202) {
      this.#accepted[i] = 1;
      this.#c.accepted += 1;
    } else this.#c.rejected += 1;
    this.#c.outstanding -= 1;
    this.#complete();
  }

  #failed(): void {
    this.#c.errors += 1;
    this.#c.outstanding -= 1;
    this.#complete();
  }

  #complete(): void {
    this.#c.completed += 1;
    if (this.#c.completed === this.#due.length) this.#finished();
  }

  async #result(): Promise<GeneratorResult> {
    const elapsedMs = nowMs() - this.#start;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#pool.close();
    const c = this.#c;
    return {
      sent: this.#due.length - c.skipped,
      offered: this.#due.length,
      skipped: c.skipped,
      statuses: this.#statuses,
      errors: c.errors,
      latency: this.#latency,
      sendDelay: this.#sendDelay,
      accepted: this.#accepted,
      acceptedCount: c.accepted,
      firstSeq: this.#o.firstSeq ?? 0,
      elapsedMs,
    };
  }
}

export function startGenerator(options: GeneratorOptions): RunningGenerator {
  return new LoadGenerator(options);
}

/** Intended send offsets (ms from the start) of every request: evenly spaced within each phase. */
function dueTimes(phases: readonly Phase[]): Float64Array {
  const counts = phases.map((p) => Math.round((p.rate * p.durationMs) / 1000));
  const due = new Float64Array(
    Math.max(
      1,
      counts.reduce((a, b) => a + b, 0),
    ),
  );
  let i = 0;
  let offset = 0;
  phases.forEach((p, k) => {
    const interval = 1000 / p.rate;
    for (let j = 0; j < (counts[k] as number); j++) due[i++] = offset + j * interval;
    offset += p.durationMs;
  });
  return due;
}

export function generate(options: GeneratorOptions): Promise<GeneratorResult> {
  return startGenerator(options).done;
}
