import type { LatencySummary } from "../lib/histogram.js";
import { fanOutPipeline } from "../lib/manifests.js";
import type { Step, StepResult } from "../lib/measure.js";
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
  withBaseline,
  withSluice,
} from "../lib/session.js";

const PATH = "/b2";
const FIXED_RATE = 1000;
const BAR_P99_MS = 20;

/**
 * B2: latency at fixed load (1,000 ev/s and 50% of B1's maximum, 1 KB, fan-out 1), next to the
 * direct sink and the null broker at the same rates. Longer steps than the ramps, so p99.9 is
 * made of more than a handful of events.
 */
export const b2: Scenario = {
  id: "B2",
  title: "Latency at fixed load (1 KB, fan-out 1)",
  async run(ctx: Context): Promise<ScenarioOutput> {
    const figures: Figure[] = [];
    const bars: BarCheck[] = [];
    const details: Record<string, object> = {};
    const measured: StepResult[] = [];
    const baselines = new Map<number, { direct: StepResult; nullBroker: StepResult }>();
    const baselineAt = async (rate: number) => {
      let b = baselines.get(rate);
      if (b === undefined) {
        const direct = await measure(ctx, ctx.sink.url(PATH), rate);
        const nullBroker = await withBaseline("null-broker", [ctx.sink.url(PATH)], (p) =>
          measure(ctx, p.url, rate, p),
        );
        b = { direct, nullBroker };
        baselines.set(rate, b);
      }
      return b;
    };
    for (const storage of ctx.profile.b2.storages) {
      const max = ctx.exported("B1", `${storage}.${KB}`);
      const half = max === undefined || !ctx.profile.b2.halfOfB1 ? [] : [Math.round(max / 2 / 10) * 10];
      const rates = [FIXED_RATE, ...half];
      for (const rate of rates) {
        const label = rate === FIXED_RATE ? `${rate} ev/s` : `${rate} ev/s (50% of B1)`;
        const { direct, nullBroker } = await baselineAt(rate);
        const sluice = await withSluice(ctx, storage, fanOutPipeline([ctx.sink.url(PATH)]), (s) =>
          measure(ctx, s.url, rate, s),
        );
        measured.push(sluice);
        ctx.log(`  ${storage} @${label}: ${brief(sluice)}`);
        ctx.log(`    null broker: ${brief(nullBroker)}; direct: ${brief(direct)}`);
        details[`${storage}@${rate}`] = {
          sluice: compact(sluice),
          nullBroker: compact(nullBroker),
          direct: compact(direct),
        };
        figures.push(...latencyFigures(`${storage}, ${label}`, sluice, nullBroker, direct));
        if (storage === "embedded" && rate === FIXED_RATE) {
          bars.push({
            bar: `p99 ≤ ${BAR_P99_MS} ms at ${FIXED_RATE.toLocaleString("en-US")} ev/s (embedded)`,
            measured: `e2e p99 ${sluice.endToEnd.p99} ms (null broker ${nullBroker.endToEnd.p99} ms)`,
            pass: sluice.endToEnd.p99 <= BAR_P99_MS,
          });
        }
      }
    }
    return {
      figures,
      bars,
      series: [],
      notes: [
        "End-to-end = from the generator's intended send time to arrival at the sink (no coordinated " +
          "omission); publish = intended send time to the 202, which for the embedded broker includes " +
          "the fsync of the group commit.",
      ],
      details,
      exports: tally(...measured),
    };
  },
};

function measure(ctx: Context, url: string, rate: number, process?: ProcessHandle): Promise<StepResult> {
  const step: Step = {
    rate,
    warmupMs: ctx.profile.fixed.warmupMs,
    durationMs: ctx.profile.fixed.durationMs,
    payloadBytes: KB,
    expectPaths: [PATH],
  };
  return measureStep(ctx, url, step, process);
}

function latencyFigures(variant: string, s: StepResult, nb: StepResult, direct: StepResult): Figure[] {
  const row = (
    metric: string,
    pick: (l: LatencySummary) => number,
    from: "endToEnd" | "publish",
  ): Figure => ({
    variant,
    metric,
    value: pick(s[from]),
    unit: "ms",
    baseline: { name: "null broker", value: pick(nb[from]) },
    note: `direct sink ${pick(direct[from])} ms`,
  });
  return [
    row("e2e p50", (l) => l.p50, "endToEnd"),
    row("e2e p90", (l) => l.p90, "endToEnd"),
    row("e2e p99", (l) => l.p99, "endToEnd"),
    row("e2e p99.9", (l) => l.p999, "endToEnd"),
    row("e2e max", (l) => l.max, "endToEnd"),
    row("publish p99", (l) => l.p99, "publish"),
    {
      variant,
      metric: "lost / duplicates",
      value: `${s.lost} / ${s.duplicates}`,
      note: `broker CPU ${s.cpu.brokerUsPerEvent ?? "?"} µs/ev (null broker ${nb.cpu.brokerUsPerEvent ?? "?"})${disturbance(s)}`,
    },
  ];
}
