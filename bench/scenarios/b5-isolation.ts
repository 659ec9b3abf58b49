import type { DeliverySpec, PipelineSpec } from "../lib/manifests.js";
import type { StepResult } from "../lib/measure.js";
import { scrapeMetrics } from "../lib/metrics.js";
import type { BarCheck, Figure } from "../lib/model.js";
import type { ProcessHandle } from "../lib/processes.js";
import { KB } from "../lib/profile.js";
import {
  brief,
  type Context,
  compact,
  disturbance,
  measureStep,
  type Scenario,
  type ScenarioOutput,
  tally,
  withSluice,
} from "../lib/session.js";

const HEALTHY = "/b5/healthy";
const FAILING = "/b5/failing";
const RATE = 1000;
const BAR_FACTOR = 1.5;

/** Both triggers: two retries 0.1 s and 0.2 s apart, 1 s per attempt, then the dead-letter store. */
const DELIVERY: DeliverySpec = {
  retry: 2,
  backoffPolicy: "exponential",
  backoffDelay: "PT0.1S",
  timeout: "PT1S",
};

function pipeline(ctx: Context): PipelineSpec {
  const t = (name: string, path: string) => ({
    name,
    subscriberUrl: ctx.sink.url(path),
    filters: [{ exact: { type: "bench.event" } }],
    delivery: DELIVERY,
  });
  return { triggers: [t("healthy", HEALTHY), t("failing", FAILING)] };
}

interface Run {
  readonly mode: "none" | "500" | "hang";
  readonly result: StepResult;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * B5: isolation. Two triggers on every event (embedded, 1 KB, 1,000 ev/s); one trigger's sink
 * answers 500 (or hangs) for the whole step. The healthy trigger's end-to-end p99 is compared with
 * a run where neither fails. Each run uses a fresh `sluice run` so no backlog carries over.
 */
export const b5: Scenario = {
  id: "B5",
  title: "Isolation from a failing or hanging sink (embedded, 1 KB, 1,000 ev/s)",
  async run(ctx: Context): Promise<ScenarioOutput> {
    const runs: Run[] = [];
    for (const mode of ["none", ...ctx.profile.b5.modes] as const) {
      if (mode !== "none") await ctx.sink.mode(FAILING, mode);
      try {
        runs.push(await withSluice(ctx, "embedded", pipeline(ctx), (s) => isolationRun(ctx, s, mode)));
      } finally {
        await ctx.sink.mode(FAILING, "ok");
      }
      const last = runs[runs.length - 1] as Run;
      ctx.log(`  failing sink: ${mode}: ${brief(last.result)}`);
    }
    const reference = (runs[0] as Run).result;
    const figures: Figure[] = [];
    const bars: BarCheck[] = [];
    for (const run of runs) {
      const r = run.result;
      figures.push({
        variant:
          run.mode === "none"
            ? "no failing sink (reference)"
            : `one sink answers ${run.mode === "500" ? "500" : "never (hangs)"}`,
        metric: "healthy trigger e2e p99",
        value: r.endToEnd.p99,
        unit: "ms",
        ...(run.mode === "none" ? {} : { baseline: { name: "reference", value: reference.endToEnd.p99 } }),
        note: `p50 ${r.endToEnd.p50} ms, p99.9 ${r.endToEnd.p999} ms; healthy lost ${r.lost}, dup ${r.duplicates}; ${metricNote(run)}${disturbance(r)}`,
      });
      if (run.mode !== "none") {
        bars.push({
          bar: `a ${run.mode === "500" ? "failing (500)" : "hanging"} sink keeps the healthy trigger's p99 within ${BAR_FACTOR}×`,
          measured: `${r.endToEnd.p99} ms vs ${reference.endToEnd.p99} ms (${(r.endToEnd.p99 / Math.max(0.01, reference.endToEnd.p99)).toFixed(2)}×)`,
          pass: r.endToEnd.p99 <= BAR_FACTOR * reference.endToEnd.p99 && r.lost === 0,
        });
      }
    }
    return {
      figures,
      bars,
      series: [],
      notes: [
        "Delivery for both triggers: retry 2, exponential from PT0.1S, timeout PT1S; no dead-letter sink, so " +
          "the failing trigger's events end in the broker's dead-letter store.",
      ],
      details: Object.fromEntries(runs.map((r) => [r.mode, { ...compact(r.result), metrics: r.metrics }])),
      exports: tally(...runs.map((r) => r.result)),
    };
  },
};

async function isolationRun(ctx: Context, sluice: ProcessHandle, mode: Run["mode"]): Promise<Run> {
  const result = await measureStep(
    ctx,
    sluice.url,
    {
      rate: RATE,
      warmupMs: ctx.profile.fixed.warmupMs,
      durationMs: ctx.profile.fixed.durationMs,
      payloadBytes: KB,
      expectPaths: mode === "none" ? [HEALTHY, FAILING] : [HEALTHY],
      latencyPaths: [HEALTHY],
    },
    sluice,
  );
  const metrics = await scrapeMetrics(sluice.url);
  return { mode, result, metrics };
}

/** Where the failing trigger's events went, from /metrics. */
function metricNote(run: Run): string {
  const m = run.metrics;
  const pick = (prefix: string) =>
    Object.entries(m)
      .filter(([k]) => k.startsWith(prefix) && k.includes('"bench/failing"'))
      .map(([k, v]) => `${/outcome="([^"]+)"/.exec(k)?.[1] ?? "attempts"} ${v}`);
  const parts = [...pick("sluice_deliveries_total"), ...pick("sluice_delivery_attempts_total")];
  return parts.length === 0 ? "" : `failing trigger: ${parts.join(", ")}`;
}
