import { fanOutPipeline } from "../lib/manifests.js";
import type { Figure } from "../lib/model.js";
import { parts } from "../lib/pace.js";
import { KB } from "../lib/profile.js";
import type { RampResult } from "../lib/ramp.js";
import {
  type Context,
  compactRamp,
  disturbance,
  rampTarget,
  type Scenario,
  type ScenarioOutput,
  tally,
  withBaseline,
  withSluice,
} from "../lib/session.js";

/**
 * B3: fan-out to N matching triggers (embedded, 1 KB), one sink path per trigger. The figure is
 * the maximum sustainable event rate and the deliveries per second it makes, next to the null
 * broker forwarding each event to the same N paths.
 */
export const b3: Scenario = {
  id: "B3",
  title: "Fan-out to N matching triggers (embedded, 1 KB)",
  async run(ctx: Context): Promise<ScenarioOutput> {
    const figures: Figure[] = [];
    const details: Record<string, object> = {};
    const exports: Record<string, number> = {};
    const ramps: RampResult[] = [];
    const single = ctx.exported("B1", `embedded.${KB}`) ?? 3000;
    // a null-broker ramp and a Sluice ramp per fan-out (fan-out 1's baseline is B0's)
    const part = parts(ctx.profile.b3.fanOuts.flatMap((n) => (n === 1 ? [false] : [false, false])));
    for (const n of ctx.profile.b3.fanOuts) {
      const paths = Array.from({ length: n }, (_, i) => `/b3/${n}/${i}`);
      const urls = paths.map((p) => ctx.sink.url(p));
      const target = {
        payloadBytes: KB,
        expectPaths: paths,
        maxSteps: Math.min(6, ctx.profile.ramp.maxSteps),
      };
      const base =
        n === 1
          ? undefined
          : await withBaseline("null-broker", urls, (b) =>
              rampTarget(ctx, {
                ...target,
                label: `null broker fan-out ${n}`,
                url: b.url,
                part: part(),
                process: b,
                hint: ctx.exported("B3", `nullBroker.${n}`),
                startRate: (ctx.exported("B0", `nullBroker.${KB}`) ?? 6000) / n,
              }),
            );
      const r = await withSluice(ctx, "embedded", fanOutPipeline(urls), (s) =>
        rampTarget(ctx, {
          ...target,
          label: `fan-out ${n}`,
          url: s.url,
          part: part(),
          process: s,
          hint: ctx.exported("B3", `embedded.${n}`),
          ceiling: n === 1 ? ctx.measured("B0", `nullBroker.${KB}`) : base?.maxRate,
          startRate: Math.max(50, (single * 0.8) / n),
        }),
      );
      ramps.push(r);
      const baseRate = n === 1 ? ctx.exported("B0", `nullBroker.${KB}`) : base?.maxRate;
      details[`fanout.${n}`] = {
        sluice: compactRamp(r),
        ...(base === undefined ? {} : { nullBroker: compactRamp(base) }),
      };
      if (r.maxRate !== undefined) exports[`embedded.${n}`] = r.maxRate;
      if (base?.maxRate !== undefined) exports[`nullBroker.${n}`] = base.maxRate;
      figures.push(...fanOutFigures(n, r, baseRate));
    }
    return {
      figures,
      bars: [],
      series: [],
      notes: [
        "Deliveries/s = fan-out × sustainable event rate. All N triggers point at the one sink process " +
          "(a path each), so at high fan-out the sink's own CPU is part of the limit; the null broker " +
          "fanning out to the same paths shows where that limit is.",
      ],
      details,
      exports: { ...exports, ...tally(...ramps) },
    };
  },
};

function fanOutFigures(n: number, r: RampResult, baseRate: number | undefined): Figure[] {
  const b = r.best;
  const baseline = (value: number | undefined) =>
    value === undefined ? {} : { baseline: { name: `null broker, fan-out ${n}`, value } };
  return [
    {
      variant: `fan-out ${n}`,
      metric: "max sustainable rate",
      value: r.maxRate ?? "none passed",
      unit: "ev/s",
      ...baseline(baseRate),
      ...(b === undefined
        ? {}
        : {
            note:
              `e2e p50/p99 ${b.endToEnd.p50}/${b.endToEnd.p99} ms; ` +
              `${b.cpu.brokerUsPerEvent === undefined ? "?" : Math.round(b.cpu.brokerUsPerEvent / n)} µs CPU/delivery; lost ${b.lost}${disturbance(b)}`,
          }),
    },
    {
      variant: `fan-out ${n}`,
      metric: "deliveries/s",
      value: r.maxRate === undefined ? "none passed" : r.maxRate * n,
      unit: "deliveries/s",
      ...baseline(baseRate === undefined ? undefined : baseRate * n),
    },
  ];
}
