import type { Figure, Series } from "../lib/model.js";
import { parts } from "../lib/pace.js";
import { KB, payloadLabel } from "../lib/profile.js";
import type { RampResult } from "../lib/ramp.js";
import {
  type Context,
  compactRamp,
  rampTarget,
  type Scenario,
  type ScenarioOutput,
  seriesOf,
  unconfirmed,
  withBaseline,
} from "../lib/session.js";

const PATH = "/b0";

/**
 * B0: what the harness and the machine can do without Sluice, measured in the same run so every
 * Sluice figure can sit next to it: generator → sink directly; generator → an ingress that answers
 * 202 and does nothing; generator → that ingress → sink with no storage (the "null broker").
 */
export const b0: Scenario = {
  id: "B0",
  title: "Baselines (no Sluice)",
  async run(ctx: Context): Promise<ScenarioOutput> {
    const figures: Figure[] = [];
    const series: Series[] = [];
    const exports: Record<string, number> = {};
    const details: Record<string, object> = {};
    const record = (key: string, variant: string, r: RampResult) => {
      details[key] = compactRamp(r);
      if (r.maxRate !== undefined) exports[key] = r.maxRate;
      figures.push(maxFigure(variant, r));
    };
    const sinkUrl = ctx.sink.url(PATH);
    const wanted = ctx.profile.b0;
    // B1's bar is read against the null broker's 1 KB maximum: that ramp is never shortened
    const part = parts([
      ...(wanted.direct ? [false] : []),
      ...(wanted.nullIngress ? [false] : []),
      ...wanted.payloads.map((bytes) => bytes === KB),
    ]);
    if (wanted.direct) {
      const r = await rampTarget(ctx, {
        label: "direct sink 1 KB",
        url: sinkUrl,
        part: part(),
        hint: ctx.exported("B0", "direct.1024"),
        startRate: 4000,
        payloadBytes: KB,
        expectPaths: [PATH],
      });
      record("direct.1024", "generator → sink, 1 KB", r);
      series.push(seriesOf("direct sink (1 KB)", r));
    }
    if (wanted.nullIngress) {
      const r = await withBaseline("null-ingress", [], (b) =>
        rampTarget(ctx, {
          label: "null ingress 1 KB",
          url: b.url,
          part: part(),
          process: b,
          hint: ctx.exported("B0", "nullIngress.1024"),
          startRate: 4000,
          payloadBytes: KB,
          expectPaths: [],
        }),
      );
      record("nullIngress.1024", "generator → null ingress (202, nothing else), 1 KB", r);
    }
    for (const bytes of wanted.payloads) {
      const r = await withBaseline("null-broker", [sinkUrl], (b) =>
        rampTarget(ctx, {
          label: `null broker ${payloadLabel(bytes)}`,
          url: b.url,
          part: part(),
          process: b,
          hint: ctx.exported("B0", `nullBroker.${bytes}`),
          startRate: bytes > 8 * KB ? 1000 : 3000,
          payloadBytes: bytes,
          expectPaths: [PATH],
          // B1's bar divides by this maximum: a lucky step between failing ones (13,000 ev/s at
          // 13:31 on 2026-12-03, the guest's other runs 5,600–7,900) must pass again to count
          confirm: bytes === KB,
        }),
      );
      record(`nullBroker.${bytes}`, `generator → null broker → sink, ${payloadLabel(bytes)}`, r);
      if (bytes === KB) series.push(seriesOf("null broker (1 KB)", r));
    }
    return {
      figures,
      bars: [],
      series,
      notes: [
        "Each figure is the highest offered rate (events/s) that met the SLO: end-to-end p99 ≤ 100 ms " +
          "(response p99 for the null ingress), ≥ 99% accepted, no 429, no growing backlog.",
      ],
      details,
      exports,
    };
  },
};

function maxFigure(variant: string, r: RampResult): Figure {
  const best = r.best;
  return {
    variant,
    metric: "max sustainable rate",
    value: r.maxRate ?? "none passed",
    unit: "ev/s",
    ...(best === undefined
      ? {}
      : {
          note: `${unconfirmed(r)}p50/p99 ${best.endToEnd.p50 || best.publish.p50}/${best.endToEnd.p99 || best.publish.p99} ms; lost ${best.lost}`,
        }),
  };
}
