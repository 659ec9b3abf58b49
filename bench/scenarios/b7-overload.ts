import { fanOutPipeline } from "../lib/manifests.js";
import { scrapeMetrics } from "../lib/metrics.js";
import type { BarCheck, Figure } from "../lib/model.js";
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
import { peakRss, rateBetween, recoveryMs, thin } from "../lib/timeline.js";

const PATH = "/b7";
const BAR_SHARE = 0.9;

/**
 * B7: overload. Half of B1's maximum, then twice B1's maximum for 20 s, then half again (embedded,
 * 1 KB, fan-out 1, default limits). Measured: share of 429s, delivered throughput during the
 * overload against B1's maximum, broker memory, and time until the backlog is gone once the
 * overload stops.
 */
export const b7: Scenario = {
  id: "B7",
  title: "Overload at 2× B1 (embedded, 1 KB, default limits)",
  async run(ctx: Context): Promise<ScenarioOutput> {
    const { beforeMs, overloadMs, afterMs } = ctx.profile.overload;
    const max = ctx.exported("B1", `embedded.${KB}`) ?? 3000;
    const normal = Math.round(max / 2);
    const phases = [
      { rate: normal, durationMs: beforeMs },
      { rate: max * 2, durationMs: overloadMs },
      { rate: normal, durationMs: afterMs },
    ];
    const overEnd = beforeMs + overloadMs;
    const { result, metrics } = await withSluice(
      ctx,
      "embedded",
      fanOutPipeline([ctx.sink.url(PATH)]),
      async (s) => {
        const result = await measureStep(
          ctx,
          s.url,
          {
            rate: normal,
            phases,
            warmupMs: ctx.profile.fixed.warmupMs,
            durationMs: beforeMs + overloadMs + afterMs,
            payloadBytes: KB,
            expectPaths: [PATH],
            timelineMs: 250,
            connections: 128,
            drainMs: 120_000,
            stallMs: 10_000,
          },
          s,
          false, // too long to run twice
        );
        return { result, metrics: await scrapeMetrics(s.url) };
      },
    );
    ctx.log(`  ${brief(result)}`);
    const tl = result.timeline;
    // skip the first 2 s of the overload: deliveries lag acceptance by the latency
    const delivered = rateBetween(tl, beforeMs + Math.min(2000, overloadMs / 4), overEnd, "delivered");
    const rejected = result.statuses["429"] ?? 0;
    const offeredOver = Math.round(max * 2 * (overloadMs / 1000));
    const recovered = recoveryMs(tl, overEnd, Math.max(50, normal * 0.1));
    const figures: Figure[] = [
      {
        variant: `${(max * 2).toLocaleString("en-US")} ev/s offered for ${overloadMs / 1000} s`,
        metric: "delivered during overload",
        value: delivered,
        unit: "ev/s",
        baseline: { name: "B1 max rate", value: max },
      },
      {
        variant: "ingress",
        metric: "answered 429",
        value: `${rejected} (${((rejected / offeredOver) * 100).toFixed(1)}% of the overload)`,
        note: `other statuses: ${JSON.stringify(result.statuses)}; ${result.errors} errors`,
      },
      {
        variant: "broker memory",
        metric: "peak RSS",
        value: peakRss(tl),
        unit: "MB",
        baseline: { name: "before", value: peakRss(tl, 0, beforeMs) },
      },
      {
        variant: `back to ${normal.toLocaleString("en-US")} ev/s`,
        metric: "time back to normal",
        value:
          recovered === undefined
            ? `not within ${afterMs / 1000} s + drain (${result.drainMs} ms)`
            : recovered / 1000,
        unit: "s",
        note: `e2e p99 over the whole step ${result.endToEnd.p99} ms, max ${result.endToEnd.max} ms`,
      },
      { variant: "counting", metric: "lost / duplicates", value: `${result.lost} / ${result.duplicates}` },
    ];
    const bars: BarCheck[] = [
      {
        bar: `at 2× overload ≥ ${BAR_SHARE * 100}% of max throughput still delivered, memory bounded`,
        measured: `${delivered.toLocaleString("en-US")} ev/s = ${Math.round((delivered / max) * 100)}% of ${max.toLocaleString("en-US")}; peak RSS ${peakRss(tl)} MB`,
        pass: delivered >= BAR_SHARE * max,
      },
    ];
    return {
      figures,
      bars,
      series: [],
      notes: [
        `Phases: ${normal} ev/s for ${beforeMs / 1000} s, ${max * 2} ev/s for ${overloadMs / 1000} s, ${normal} ev/s for ` +
          `${afterMs / 1000} s. "Time back to normal": from the end of the overload until the backlog is back ` +
          "to what is in flight at steady state.",
      ],
      details: { max, ...compact(result), timeline: thin(tl), metrics },
      exports: tally(result),
    };
  },
};
