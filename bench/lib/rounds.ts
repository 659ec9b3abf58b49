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

/** Counts that add up across rounds. */
const SUMMED = [
  "offered",
  "sent",
  "accepted",
  "errors",
  "skipped",
  "expectedDeliveries",
  "delivered",
  "lost",
  "duplicates",
  "misrouted",
  "unacknowledged",
  "strays",
] as const satisfies readonly (keyof StepResult)[];
type Summed = (typeof SUMMED)[number];

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
  const median = medianRound(rounds, (r) => r);
  const sums = Object.fromEntries(
    SUMMED.map((key) => [key, rounds.reduce((total, r) => total + r[key], 0)]),
  ) as Pick<StepResult, Summed>;
  return {
    result: {
      ...median,
      ...sums,
      publish: publish.summary(),
      endToEnd: endToEnd.summary(),
      histograms: { publish, endToEnd },
    },
    p99s: rounds.map((r) => r.endToEnd.p99),
  };
}

/** The round whose e2e p99 is the median (the lower one for an even count; ties keep their order). */
export function medianRound<T>(rounds: readonly T[], resultOf: (round: T) => StepResult): T {
  const sorted = [...rounds].sort((a, b) => resultOf(a).endToEnd.p99 - resultOf(b).endToEnd.p99);
  return sorted[(sorted.length - 1) >> 1] as T;
}

/** The median of some numbers (the mean of the middle two for an even count; 0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
