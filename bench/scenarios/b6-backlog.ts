import { setTimeout as sleep } from "node:timers/promises";
import { fanOutPipeline } from "../lib/manifests.js";
import { scrapeMetrics } from "../lib/metrics.js";
import type { Figure } from "../lib/model.js";
import { KB } from "../lib/profile.js";
import {
  brief,
  type Context,
  compact,
  measureStep,
  type Scenario,
  type ScenarioOutput,
  tally,
  withSluice,
} from "../lib/session.js";
import { peakBacklog, peakRss, rateBetween, recoveryMs, thin } from "../lib/timeline.js";

const PATH = "/b6";

/**
 * Retries that outlast a 20 s outage: linear 0.5 s, 1 s, 1.5 s, ... (12 retries cover 39 s), so a
 * lost event here is a real loss, not a retry budget running out.
 */
const DELIVERY = { retry: 12, backoffPolicy: "linear", backoffDelay: "PT0.5S", timeout: "PT5S" } as const;

/**
 * B6: the subscriber goes down (connection refused) for 20 s under steady load, then comes back.
 * Measured: backlog built, drain rate once it is back, time until the backlog is gone, broker
 * memory, and that nothing was lost or duplicated.
 */
export const b6: Scenario = {
  id: "B6",
  title: "Backlog: subscriber down under load, then up (embedded, 1 KB)",
  async run(ctx: Context): Promise<ScenarioOutput> {
    const { beforeMs, downMs, afterMs } = ctx.profile.backlog;
    const max = ctx.exported("B1", `embedded.${KB}`);
    const rate = Math.min(1000, max === undefined ? 1000 : Math.round(max / 2 / 10) * 10);
    const upAt = beforeMs + downMs;
    const { result, metrics } = await withSluice(
      ctx,
      "embedded",
      fanOutPipeline([ctx.sink.url(PATH)], DELIVERY),
      async (s) => {
        const result = await measureStep(
          ctx,
          s.url,
          {
            rate,
            warmupMs: ctx.profile.fixed.warmupMs,
            durationMs: beforeMs + downMs + afterMs,
            payloadBytes: KB,
            expectPaths: [PATH],
            timelineMs: 250,
            drainMs: 60_000,
            stallMs: 10_000,
            during: async () => {
              await sleep(beforeMs);
              await ctx.sink.down();
              await sleep(downMs);
              await ctx.sink.up();
            },
          },
          s,
          false, // too long to run twice
        );
        return { result, metrics: await scrapeMetrics(s.url) };
      },
    );
    ctx.log(`  ${brief(result)}`);
    const tl = result.timeline;
    const recovered = recoveryMs(tl, upAt, Math.max(50, rate * 0.1));
    const drainRate = rateBetween(tl, upAt + 500, upAt + Math.max(1000, recovered ?? afterMs), "delivered");
    const rssBefore = peakRss(tl, 0, beforeMs);
    const figures: Figure[] = [
      {
        variant: `${rate} ev/s, down ${downMs / 1000} s`,
        metric: "backlog at its peak",
        value: peakBacklog(tl),
        unit: "events",
      },
      {
        variant: "after the subscriber is back",
        metric: "drain rate",
        value: drainRate,
        unit: "deliveries/s",
        ...(max === undefined ? {} : { baseline: { name: "B1 max rate", value: max } }),
      },
      {
        variant: "after the subscriber is back",
        metric: "time to recover",
        value: recovered === undefined ? `not within ${afterMs / 1000} s + drain` : recovered / 1000,
        unit: "s",
        note: "until the backlog is back to what is in flight at steady state",
      },
      {
        variant: "broker memory",
        metric: "peak RSS",
        value: peakRss(tl),
        unit: "MB",
        baseline: { name: "before the outage", value: rssBefore },
      },
      {
        variant: "counting",
        metric: "lost / duplicates",
        value: `${result.lost} / ${result.duplicates}`,
        note: `${result.accepted} accepted, ${result.delivered} delivered`,
      },
    ];
    return {
      figures,
      bars: [],
      series: [],
      notes: [
        `Load ${rate} ev/s throughout (min of 1,000 and 50% of B1); the sink refuses connections from ` +
          `${beforeMs / 1000} s to ${upAt / 1000} s. Delivery: retry 12, linear from PT0.5S (covers 39 s).`,
      ],
      details: { rate, ...compact(result), timeline: thin(tl), metrics },
      exports: tally(result),
    };
  },
};
