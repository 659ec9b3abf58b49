import type { Series } from "./model.js";

const W = 860;
const H = 500;
const M = { left: 70, right: 230, top: 40, bottom: 55 };
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"];
const PERCENTILES = [
  { key: "p50", label: "p50", dash: "" },
  { key: "p99", label: "p99", dash: "6 4" },
  { key: "p999", label: "p99.9", dash: "2 3" },
] as const;

/**
 * Latency percentiles (log scale) against offered rate, one colour per system, one dash style
 * per percentile, with the 100 ms SLO line. Plain SVG text: no dependency.
 */
export function latencyChart(series: readonly Series[], title: string): string {
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) return svg(title, [text(W / 2, H / 2, "no data", "middle")]);
  const maxRate = niceCeil(Math.max(...points.map((p) => p.rate)));
  const values = points.flatMap((p) => [p.p50, p.p99, p.p999]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.max(0.1, Math.min(...values))));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(100, ...values))));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (rate: number) => M.left + (rate / maxRate) * pw;
  const y = (ms: number) => M.top + ph - ((Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo)) * ph;
  const parts: string[] = [text(W / 2 - M.right / 2 + M.left / 2, 22, title, "middle", 15)];
  parts.push(...axes(x, y, maxRate, lo, hi, pw, ph));
  parts.push(
    `<line x1="${M.left}" y1="${y(100)}" x2="${M.left + pw}" y2="${y(100)}" stroke="#e41a1c" stroke-width="1" stroke-dasharray="8 3" opacity="0.6"/>`,
    text(M.left + pw - 4, y(100) - 5, "100 ms SLO", "end", 11, "#e41a1c"),
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] as string;
    for (const p of PERCENTILES) {
      const pts = s.points.filter((q) => q[p.key] > 0).map((q) => `${r1(x(q.rate))},${r1(y(q[p.key]))}`);
      if (pts.length === 0) continue;
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" ${p.dash ? `stroke-dasharray="${p.dash}"` : ""} points="${pts.join(" ")}"/>`,
      );
      for (const pt of pts) {
        const [cx, cy] = pt.split(",");
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`);
      }
    }
  });
  parts.push(...legend(series));
  return svg(title, parts);
}

function axes(
  x: (r: number) => number,
  y: (ms: number) => number,
  maxRate: number,
  lo: number,
  hi: number,
  pw: number,
  ph: number,
): string[] {
  const out = [
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    text(M.left + pw / 2, H - 12, "offered rate (events/s)", "middle", 13),
    `<text x="18" y="${M.top + ph / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 18 ${M.top + ph / 2})">end-to-end latency (ms, log)</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    const v = 10 ** e;
    out.push(
      `<line x1="${M.left}" y1="${r1(y(v))}" x2="${M.left + pw}" y2="${r1(y(v))}" stroke="#ddd"/>`,
      text(M.left - 6, y(v) + 4, v >= 1 ? String(v) : v.toFixed(-e), "end", 11),
    );
  }
  const step = niceCeil(maxRate / 6);
  for (let r = 0; r <= maxRate + 1e-9; r += step) {
    out.push(
      `<line x1="${r1(x(r))}" y1="${M.top + ph}" x2="${r1(x(r))}" y2="${M.top + ph + 5}" stroke="#333"/>`,
      text(x(r), M.top + ph + 20, r.toLocaleString("en-US"), "middle", 11),
    );
  }
  return out;
}

function legend(series: readonly Series[]): string[] {
  const x0 = W - M.right + 20;
  const out: string[] = [];
  let yy = M.top + 10;
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] as string;
    out.push(
      `<line x1="${x0}" y1="${yy}" x2="${x0 + 24}" y2="${yy}" stroke="${color}" stroke-width="3"/>`,
      text(x0 + 30, yy + 4, s.name, "start", 12),
    );
    yy += 20;
  });
  yy += 10;
  for (const p of PERCENTILES) {
    out.push(
      `<line x1="${x0}" y1="${yy}" x2="${x0 + 24}" y2="${yy}" stroke="#333" stroke-width="2" ${p.dash ? `stroke-dasharray="${p.dash}"` : ""}/>`,
      text(x0 + 30, yy + 4, p.label, "start", 12),
    );
    yy += 20;
  }
  return out;
}

function svg(title: string, parts: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

function text(x: number, y: number, s: string, anchor: string, size = 12, fill = "#222"): string {
  return `<text x="${r1(x)}" y="${r1(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}">${escapeXml(s)}</text>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  const f = v / e;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * e;
}

function r1(v: number): number {
  return Math.round(v * 10) / 10;
}
