/**
 * Summarises a V8 CPU profile (from `bench/run.ts --cpu-prof` or `node --cpu-prof`): self time
 * by function and by package, and total (inclusive) time of the heaviest frames, as text, so a
 * hot path can be read without a flame-graph viewer.
 *
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 30] [--callers NAME]...
 *
 * --callers NAME prints the heaviest call stacks (bottom-up) ending in functions whose label
 * contains NAME, which answers "who calls writev so much".
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "30" }, callers: { type: "string", multiple: true } },
});
const file = positionals[0];
if (file === undefined) {
  console.error("usage: bench/profile-summary.ts FILE.cpuprofile [--top N]");
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Self time per node id, µs. */
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

function label(f: CallFrame): string {
  const where = f.url === "" ? "" : ` ${shortUrl(f.url)}:${f.lineNumber + 1}`;
  return `${f.functionName || "(anonymous)"}${where}`;
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, "")
    .replace(/.*\/node_modules\//, "~/")
    .replace(/.*\/(packages|brokers|sources|bench)\//, "$1/");
}

function packageOf(f: CallFrame): string {
  if (f.url === "") return f.functionName.startsWith("(") ? f.functionName : "(native)";
  if (f.url.startsWith("node:")) return "node:internal";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url);
  if (nm !== null) return nm[1] as string;
  const ws = /\/(packages|brokers|sources)\/([^/]+)\//.exec(f.url);
  return ws === null ? "(other)" : `${ws[1]}/${ws[2]}`;
}

function table(title: string, rows: Map<string, number>): void {
  console.log(`\n${title}`);
  const sorted = [...rows].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, us] of sorted) {
    console.log(
      `${((us / total) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    );
  }
}

const selfByFunction = new Map<string, number>();
const selfByPackage = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id);
  if (node === undefined) continue;
  const name = label(node.callFrame);
  selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + us);
  const pkg = packageOf(node.callFrame);
  selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + us);
  // walk to the root once per distinct frame label so recursion is not counted twice
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur)?.callFrame;
    if (frame === undefined) break;
    const l = label(frame);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + us);
  }
}

console.log(
  `${file}: ${(total / 1000).toFixed(0)} ms sampled over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`,
);
table("self time by package", selfByPackage);
table("self time by function", selfByFunction);
table("total time (self + callees) by function", inclusive);

for (const name of values.callers ?? []) {
  const stacks = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (node === undefined || !label(node.callFrame).includes(name)) continue;
    const chain: string[] = [];
    for (let cur = parent.get(id); cur !== undefined && chain.length < 8; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (frame === undefined || frame.functionName === "(root)") break;
      chain.push(label(frame));
    }
    const key = `${label(node.callFrame)}\n      <- ${chain.join("\n      <- ")}`;
    stacks.set(key, (stacks.get(key) ?? 0) + us);
  }
  table(`callers of ${name}`, stacks);
}
