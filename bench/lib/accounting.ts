import type { GeneratorResult } from "./generator.js";
import { Histogram } from "./histogram.js";
import type { SinkReport } from "./processes.js";

/** The sink paths an event must reach (one per trigger it matches). */
export type Routes = (seq: number) => readonly string[];

export interface Accounting {
  /** Deliveries owed: for every event answered 202, one per path it routes to. */
  readonly expected: number;
  /** Owed deliveries that were made (unique). */
  readonly delivered: number;
  /** Owed deliveries that never arrived. */
  readonly lost: number;
  /** Deliveries of an event already delivered on that path. */
  readonly duplicates: number;
  /** Deliveries on a path the event does not route to (a matching bug). */
  readonly misrouted: number;
  /** Deliveries of events that were not answered 202 (timed out at the generator, or refused yet stored). */
  readonly unacknowledged: number;
  /** End-to-end latency over the expected paths. */
  readonly latency: Histogram;
}

/**
 * Counts, per path, what was owed against what arrived. Only events the broker acknowledged
 * (202) are owed: a 429 or 503 is an honest refusal, not a loss.
 */
export function account(
  result: GeneratorResult,
  report: SinkReport,
  routes: Routes,
  latencyPaths?: readonly string[],
): Accounting {
  const received = new Map<string, Set<number>>();
  const latency = new Histogram();
  let duplicates = 0;
  for (const [path, r] of report.paths) {
    received.set(path, new Set(r.seqs));
    duplicates += r.duplicates;
  }
  let expected = 0;
  let delivered = 0;
  const expectedPaths = new Set<string>();
  for (let i = 0; i < result.accepted.length; i++) {
    if (result.accepted[i] !== 1) continue;
    for (const path of routes(result.firstSeq + i)) {
      expected += 1;
      expectedPaths.add(path);
      if (received.get(path)?.has(result.firstSeq + i) === true) delivered += 1;
    }
  }
  let misrouted = 0;
  let unacknowledged = 0;
  for (const [path, seqs] of received) {
    const r = report.paths.get(path);
    if (r !== undefined && (latencyPaths?.includes(path) ?? expectedPaths.has(path)))
      latency.merge(r.latency);
    for (const seq of seqs) {
      const i = seq - result.firstSeq;
      if (i < 0 || i >= result.accepted.length) misrouted += 1;
      else if (!routes(seq).includes(path)) misrouted += 1;
      else if (result.accepted[i] !== 1) unacknowledged += 1;
    }
  }
  return { expected, delivered, lost: expected - delivered, duplicates, misrouted, unacknowledged, latency };
}
