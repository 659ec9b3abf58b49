import type { TimelinePoint } from "./measure.js";

/**
 * Events offered and not yet delivered (nor refused) at a point of the timeline, fan-out 1. It
 * counts requests still waiting for an answer at the producer too: an ingress that slows down
 * instead of answering 429 moves the backlog into its clients, and users see that delay as well.
 */
export function backlog(p: TimelinePoint): number {
  return Math.max(0, p.offered - p.rejected - p.delivered);
}

function at(timeline: readonly TimelinePoint[], t: number): TimelinePoint | undefined {
  let best: TimelinePoint | undefined;
  for (const p of timeline) if (p.t <= t) best = p;
  return best ?? timeline[0];
}

/** Per second over [t0, t1] (ms) of the counter `field`. */
export function rateBetween(
  timeline: readonly TimelinePoint[],
  t0: number,
  t1: number,
  field: "offered" | "accepted" | "delivered" | "rejected",
): number {
  const a = at(timeline, t0);
  const b = at(timeline, t1);
  if (a === undefined || b === undefined || b.t <= a.t) return 0;
  return Math.round(((b[field] - a[field]) * 1000) / (b.t - a.t));
}

/**
 * Ms from `fromMs` until the backlog is back to at most `threshold` (what is in flight at steady
 * state); undefined if it never is within the timeline.
 */
export function recoveryMs(
  timeline: readonly TimelinePoint[],
  fromMs: number,
  threshold: number,
): number | undefined {
  for (const p of timeline) if (p.t >= fromMs && backlog(p) <= threshold) return p.t - fromMs;
  return undefined;
}

export function peakBacklog(timeline: readonly TimelinePoint[]): number {
  return Math.max(0, ...timeline.map(backlog));
}

export function peakRss(timeline: readonly TimelinePoint[], from = 0, to = Number.POSITIVE_INFINITY): number {
  return Math.max(0, ...timeline.filter((p) => p.t >= from && p.t <= to).map((p) => p.rssMb ?? 0));
}

/** A timeline thinned to about one point a second, small enough for the results file. */
export function thin(timeline: readonly TimelinePoint[], everyMs = 1000): TimelinePoint[] {
  const out: TimelinePoint[] = [];
  let next = 0;
  for (const p of timeline) {
    if (p.t >= next) {
      out.push(p);
      next = p.t + everyMs;
    }
  }
  return out;
}
