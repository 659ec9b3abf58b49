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

const BASE_HEADERS = {
  "ce-specversion": "1.0",
  "ce-source": "/bench",
  "ce-type": "bench.event",
  "content-type": "application/octet-stream",
};

/**
 * Open-loop, constant-arrival load (wrk2/vegeta style, not autocannon's per-second bursts): the
 * i-th request is due at start + i/rate whether or not earlier ones were answered, and its latency
 * is measured from that due time, so a stalled target shows up as latency instead of a slower
 * request rate. Requests waiting for a free connection are part of that latency too.
 */
export function startGenerator(options: GeneratorOptions): RunningGenerator {
  const url = new URL(options.url);
  if (url.hostname !== "127.0.0.1") throw new Error(`load targets 127.0.0.1 only, not ${url.hostname}`);
  const pool = new Pool(url.origin, {
    connections: options.connections ?? 64,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    // a hung target must not hang the run: every request ends within 30 s, as an error
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const path = url.pathname + url.search;
  const payload = Buffer.alloc(options.payloadBytes, "x");
  const due = dueTimes(options.phases ?? [{ rate: options.rate, durationMs: options.durationMs }]);
  const total = due.length;
  const firstSeq = options.firstSeq ?? 0;
  const accepted = new Uint8Array(total);
  const latency = new Histogram();
  const sendDelay = new Histogram();
  const statuses: Record<string, number> = {};
  const maxOutstanding = options.maxOutstanding ?? 20_000;
  const counters = { errors: 0, skipped: 0, outstanding: 0, next: 0, completed: 0, accepted: 0, rejected: 0 };
  const start = nowMs() + 5;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const complete = () => {
    counters.completed += 1;
    if (counters.completed === total) finished();
  };

  const onResponse = (i: number, due: number, status: number) => {
    latency.record((nowMs() - due) * 1000);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === 202) {
      accepted[i] = 1;
      counters.accepted += 1;
    } else counters.rejected += 1;
  };

  const fire = (i: number, dueAt: number) => {
    const seq = firstSeq + i;
    if (counters.outstanding >= maxOutstanding) {
      counters.skipped += 1;
      complete();
      return;
    }
    counters.outstanding += 1;
    sendDelay.record((nowMs() - dueAt) * 1000);
    const headers: Record<string, string> = {
      ...BASE_HEADERS,
      ...options.attributes?.(seq),
      "ce-id": `${options.runId}-${seq}`,
      "ce-benchts": dueAt.toFixed(3),
    };
    pool
      .request({ method: "POST", path, headers, body: payload })
      .then(
        async (res) => {
          await res.body.dump();
          onResponse(i, dueAt, res.statusCode);
        },
        () => {
          counters.errors += 1;
        },
      )
      .finally(() => {
        counters.outstanding -= 1;
        complete();
      });
  };

  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = nowMs();
    while (counters.next < total) {
      const dueAt = start + (due[counters.next] as number);
      if (dueAt > now) break;
      fire(counters.next, dueAt);
      counters.next += 1;
    }
    if (options.signal?.aborted === true) {
      // stop offering: the rest count as skipped so `done` still resolves
      while (counters.next < total) {
        counters.next += 1;
        counters.skipped += 1;
        complete();
      }
      return;
    }
    if (counters.next < total)
      timer = setTimeout(tick, Math.max(0, Math.min(1, start + (due[counters.next] as number) - nowMs())));
  };
  timer = setTimeout(tick, 5);

  const done = allDone.then(async () => {
    const elapsedMs = nowMs() - start;
    if (timer !== undefined) clearTimeout(timer);
    await pool.close();
    return {
      sent: total - counters.skipped,
      offered: total,
      skipped: counters.skipped,
      statuses,
      errors: counters.errors,
      latency,
      sendDelay,
      accepted,
      acceptedCount: counters.accepted,
      firstSeq,
      elapsedMs,
    };
  });
  return {
    progress: () => ({
      due: counters.next,
      accepted: counters.accepted,
      rejected: counters.rejected,
      outstanding: counters.outstanding,
    }),
    done,
  };
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
