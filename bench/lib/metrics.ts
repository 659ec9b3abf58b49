import { request } from "undici";

const WANTED = new Set([
  "sluice_deliveries_total",
  "sluice_delivery_attempts_total",
  "sluice_broker_pending_events",
  "sluice_broker_dead_letters",
  "sluice_events_accepted_total",
  "sluice_events_unmatched_total",
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
