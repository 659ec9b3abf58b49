import { Histogram } from "./histogram.js";
import type { StepResult } from "./measure.js";

/** Several rounds of one measurement taken as one: percentiles over all samples, counts summed. */
export interface Pooled {
  /**
   * Latency over every sample of every round and the counts of all rounds, on top of the median
   * round (by e2e p99) for what does not add up across rounds (rates, CPU per event, machine).
   */
  readonly result: StepResult;
  /** Each round's own e2e p99, in the order they ran. */
  readonly p99s: readonly number[];
}

/**
 * Pools rounds of the same step. A p99 over 3 × 5 s of samples from rounds run at different
 * moments is a steadier estimate than any one window's, and unlike a median of rounds it keeps
 * the slow rounds' tails in the figure.
 */
export function pool(rounds: readonly StepResult[]): Pooled {
  if (rounds.length === 0) throw new RangeError("pool() needs at least one round");
  const endToEnd = new Histogram();
  const publish = new Histogram();
  for (const r of rounds) {
    endToEnd.merge(r.histograms.endToEnd);
    publish.merge(r.histograms.publish);
  }
  const byP99 = [...rounds].sort((a, b) => a.endToEnd.p99 - b.endToEnd.p99);
  const median = byP99[(byP99.length - 1) >> 1] as StepResult;
  const sum = (pick: (r: StepResult) => number): number => rounds.reduce((total, r) => total + pick(r), 0);
  return {
    result: {
      ...median,
      offered: sum((r) => r.offered),
      sent: sum((r) => r.sent),
      accepted: sum((r) => r.accepted),
      errors: sum((r) => r.errors),
      skipped: sum((r) => r.skipped),
      expectedDeliveries: sum((r) => r.expectedDeliveries),
      delivered: sum((r) => r.delivered),
      lost: sum((r) => r.lost),
      duplicates: sum((r) => r.duplicates),
      misrouted: sum((r) => r.misrouted),
      unacknowledged: sum((r) => r.unacknowledged),
      strays: sum((r) => r.strays),
      publish: publish.summary(),
      endToEnd: endToEnd.summary(),
      histograms: { publish, endToEnd },
    },
    p99s: rounds.map((r) => r.endToEnd.p99),
  };
}
