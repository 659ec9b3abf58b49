import { request } from "undici";

const WANTED = new Set([
  "sluice_deliveries_total",
  "sluice_delivery_attempts_total",
  "sluice_broker_pending_events",
  "sluice_broker_dead_letters",
  "sluice_events_accepted_total",
  "sluice_events_unmatched_total",
  "sluice_broker_commit_seconds_bucket",
  "sluice_broker_commit_seconds_count",
  "sluice_broker_sync_seconds_bucket",
  "sluice_broker_sync_seconds_count",
]);

/**
 * Reads Sluice's /metrics (Prometheus text) on the broker's origin and keeps the series that say
 * where events went (delivered, dead-lettered, pending), keyed `name{labels}`. Empty when the
 * endpoint does not answer: metrics are supporting evidence, never the count itself.
 */
export async function scrapeMetrics(brokerUrl: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const res = await request(`${new URL(brokerUrl).origin}/metrics`, {
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    const text = await res.body.text();
    for (const line of text.split("\n")) {
      if (line.startsWith("#") || line === "") continue;
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
      if (name === undefined || !WANTED.has(name)) continue;
      const space = line.lastIndexOf(" ");
      out[line.slice(0, space)] = Number(line.slice(space + 1));
    }
  } catch {
    // no metrics: the figures stand on the sink's counts alone
  }
  return out;
}

/** What the embedded store's group commits looked like over a process's life (from a scrape). */
export interface CommitStats {
  readonly commits: number;
  /** Commits that took longer than 50 ms / 100 ms (write + fdatasync). */
  readonly over50ms: number;
  readonly over100ms: number;
  /** The histogram bound under which the slowest commit fell, ms; `undefined`: above every bound. */
  readonly slowestUnderMs: number | undefined;
  /**
   * The same for the commits' fdatasync alone (`sluice_broker_sync_seconds`), which tells a disk
   * that stalled from a commit slowed by something else; `undefined` when the scrape has no syncs.
   */
  readonly syncs: { readonly over50ms: number; readonly slowestUnderMs: number | undefined } | undefined;
}

/**
 * Reads `sluice_broker_commit_seconds` out of a scrape (all brokers together); `undefined` when
 * there is none (memory storage, or no metrics), so a stall can be told apart from a slow disk.
 */
export function commitStats(metrics: Readonly<Record<string, number>>): CommitStats | undefined {
  const commits = histogram(metrics, "sluice_broker_commit_seconds");
  if (commits === undefined) return undefined;
  const syncs = histogram(metrics, "sluice_broker_sync_seconds");
  return {
    commits: commits.count,
    over50ms: commits.over(0.05),
    over100ms: commits.over(0.1),
    slowestUnderMs: commits.slowestUnderMs,
    syncs:
      syncs === undefined ? undefined : { over50ms: syncs.over(0.05), slowestUnderMs: syncs.slowestUnderMs },
  };
}

interface Histogram {
  readonly count: number;
  /** Observations above `seconds` (a bucket bound). */
  over(seconds: number): number;
  /** The bound under which the largest observation fell, ms; `undefined`: above every bound. */
  readonly slowestUnderMs: number | undefined;
}

/** One histogram of a scrape, its series (brokers) added together; `undefined` when absent. */
function histogram(metrics: Readonly<Record<string, number>>, name: string): Histogram | undefined {
  let count = 0;
  const below = new Map<number, number>(); // bound (s) → observations at or under it
  let seen = false;
  for (const [key, value] of Object.entries(metrics)) {
    if (key.startsWith(`${name}_count`)) {
      count += value;
      seen = true;
      continue;
    }
    if (!key.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"\}$/.exec(key)?.[1];
    if (le === undefined || le === "+Inf") continue;
    below.set(Number(le), (below.get(Number(le)) ?? 0) + value);
  }
  if (!seen) return undefined;
  const slowest = [...below.keys()].sort((a, b) => a - b).find((b) => (below.get(b) ?? 0) >= count);
  return {
    count,
    over: (seconds) => count - (below.get(seconds) ?? 0),
    slowestUnderMs: slowest === undefined ? undefined : slowest * 1000,
  };
}

/** "12,345 commits, 1 over 100 ms, slowest ≤ 250 ms; slowest fdatasync ≤ 250 ms" for a progress line. */
export function commitNote(c: CommitStats): string {
  const syncs = c.syncs === undefined ? "" : `; slowest fdatasync ${bound(c.syncs.slowestUnderMs)}`;
  return `${c.commits.toLocaleString("en-US")} commits, ${c.over50ms} over 50 ms, ${c.over100ms} over 100 ms, slowest ${bound(c.slowestUnderMs)}${syncs}`;
}

function bound(ms: number | undefined): string {
  return ms === undefined ? "above every bucket" : `≤ ${ms} ms`;
}
