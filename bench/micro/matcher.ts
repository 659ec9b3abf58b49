/**
 * Micro-benchmark of the trigger matcher (@sluice/filters): events/s through one broker's trigger
 * index with 1, 100, 1,000 and 10,000 triggers, 1% of events matching.
 *
 *   node --conditions=development --import tsx bench/micro/matcher.ts [--ms 2000] [--rounds 5] [--seed 1]
 *
 * Trigger mix (cycling by trigger number): 60% exact on `type`, 20% prefix on `source`, 10%
 * multi-attribute exact (`type` + `subject`), 10% CESQL (`type LIKE '…%' AND INT(priority) > 3`).
 * "exact/prefix" is the same mix without the CESQL tenth. "1% matching": one event in a hundred
 * targets one trigger of the set (and matches exactly it); the other 99 look alike (same
 * attribute names, same `com.acme.` / `/acme/` heads) but match no trigger, so the work per event
 * stays comparable across sizes. Also measured: a single exact trigger, one CESQL expression,
 * evaluating every trigger one by one (what the index avoids), and add/remove on a full index.
 * Numbers vary with the machine; nothing here is asserted.
 */
import { parseArgs } from "node:util";
import { type CloudEvent, createCloudEvent, type FilterSpec } from "@sluice/core";
import { compileFilter, createTriggerIndex, type TriggerFilterInput } from "@sluice/filters";
import { prng } from "@sluice/testing";

const { values } = parseArgs({
  options: {
    ms: { type: "string", default: "2000" },
    rounds: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
  },
});
const DURATION_MS = Number(values.ms);
const ROUNDS = Number(values.rounds);
const SIZES = [1, 100, 1_000, 10_000];
const POOL = 10_000;

const random = prng(Number(values.seed));
const randomInt = (n: number) => Math.floor(random() * n);

type Kind = "exact" | "prefix" | "multi" | "cesql";
const FULL_MIX: readonly Kind[] = [
  "exact",
  "exact",
  "exact",
  "exact",
  "exact",
  "exact",
  "prefix",
  "prefix",
  "multi",
  "cesql",
];
const EXACT_PREFIX_MIX = FULL_MIX.filter((kind) => kind !== "cesql");

function filterOf(kind: Kind, i: number): FilterSpec {
  switch (kind) {
    case "exact":
      return { exact: { type: `com.acme.svc${i}.created` } };
    case "prefix":
      return { prefix: { source: `/acme/svc${i}/` } };
    case "multi":
      return { exact: { type: `com.acme.svc${i}.updated`, subject: `item-${i}` } };
    case "cesql":
      return { cesql: `type LIKE 'com.acme.svc${i}.%' AND INT(priority) > 3` };
  }
}

function baseEvent(overrides: Record<string, string>): CloudEvent {
  return createCloudEvent({
    specversion: "1.0",
    id: `ev-${randomInt(1e9)}`,
    source: `/acme/noise/${randomInt(1e6)}`,
    type: `com.acme.noise${randomInt(1e6)}.created`,
    subject: `item-${randomInt(1e6)}`,
    priority: "5",
    datacontenttype: "application/json",
    time: "2026-07-01T12:00:00Z",
    ...overrides,
  });
}

/** An event that matches trigger `i` of kind `kind`, and no other. */
function matchingEvent(kind: Kind, i: number): CloudEvent {
  switch (kind) {
    case "exact":
      return baseEvent({ type: `com.acme.svc${i}.created` });
    case "prefix":
      return baseEvent({ source: `/acme/svc${i}/orders/${randomInt(1e6)}` });
    case "multi":
      return baseEvent({ type: `com.acme.svc${i}.updated`, subject: `item-${i}` });
    case "cesql":
      return baseEvent({ type: `com.acme.svc${i}.shipped` });
  }
}

interface Workload {
  readonly triggers: TriggerFilterInput[];
  readonly events: CloudEvent[];
}

function workload(size: number, mix: readonly Kind[]): Workload {
  const triggers: TriggerFilterInput[] = [];
  for (let i = 0; i < size; i++) {
    triggers.push({
      id: `default/t${i}`,
      filterAttributes: undefined,
      filters: [filterOf(mix[i % mix.length]!, i)],
    });
  }
  const events: CloudEvent[] = [];
  for (let e = 0; e < POOL; e++) {
    if (e % 100 === 0) {
      const i = randomInt(size);
      events.push(matchingEvent(mix[i % mix.length]!, i));
    } else {
      events.push(baseEvent({}));
    }
  }
  return { triggers, events };
}

let sink = 0;

/**
 * Calls `run(i)` with i = 0, 1, 2… in batches for `ms`, after a warm-up; returns ns per call.
 * Cases are measured in interleaved rounds and the median kept, because the machine is shared:
 * a burst of someone else's work then lands in one round of every case, not in one case.
 */
function timeOnce(run: (i: number) => number, ms: number, batch: number): number {
  let calls = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) sink += run(calls + i);
    calls += batch;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / calls;
}

interface Case {
  readonly run: (i: number) => number;
  readonly batch: number;
  readonly samples: number[];
}

function caseOf(run: (i: number) => number, batch = 1000): Case {
  for (let i = 0; i < 20 * batch; i++) sink += run(i);
  return { run, batch, samples: [] };
}

function measureAll(cases: readonly Case[]): void {
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) c.samples.push(timeOnce(c.run, DURATION_MS / ROUNDS, c.batch));
  }
}

function median(c: Case): number {
  const sorted = [...c.samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function indexRun({ triggers, events }: Workload): (i: number) => number {
  const index = createTriggerIndex(triggers);
  const out: string[] = [];
  return (i) => {
    index.match(events[i % POOL]!, out);
    const matched = out.length;
    // Setting length is a slow runtime call in V8 (~30 ns): pay it only when something matched.
    if (matched !== 0) out.length = 0;
    return matched;
  };
}

function oneByOneRun({ triggers, events }: Workload): (i: number) => number {
  const filters = triggers.map((t) => compileFilter(t));
  return (i) => {
    const event = events[i % POOL]!;
    let matched = 0;
    for (const filter of filters) if (filter.matches(event)) matched++;
    return matched;
  };
}

function matchedPerEvent({ triggers, events }: Workload): number {
  const index = createTriggerIndex(triggers);
  const out: string[] = [];
  for (const event of events) index.match(event, out);
  return out.length / events.length;
}

/**
 * The least any hash index can do per event: read `type` and look it up in a map holding the exact
 * types of the workload's triggers, nothing else. Its 10,000-vs-1 ratio is what the CPU caches
 * allow one lookup, whatever the index around it.
 */
function floorRun({ triggers, events }: Workload): (i: number) => number {
  const types = new Map<string, number>();
  for (const t of triggers) {
    const filter = t.filters[0];
    if (filter !== undefined && "exact" in filter && filter.exact.type !== undefined)
      types.set(filter.exact.type, types.size);
  }
  return (i) => (types.get(events[i % POOL]!.attributes.get("type")!) === undefined ? 0 : 1);
}

function table(title: string, mix: readonly Kind[], oneByOne: boolean): void {
  const workloads = SIZES.map((size) => workload(size, mix));
  const slow = (size: number) => size >= 1000 && mix.includes("cesql");
  const indexed = workloads.map((w, k) => caseOf(indexRun(w), slow(SIZES[k]!) ? 10 : 1000));
  const naive = oneByOne ? workloads.map((w, k) => caseOf(oneByOneRun(w), SIZES[k]! >= 1000 ? 10 : 100)) : [];
  const floor = oneByOne ? [caseOf(floorRun(workloads[0]!)), caseOf(floorRun(workloads.at(-1)!))] : [];
  measureAll([...indexed, ...naive, ...floor]);
  console.log(`\n${title}`);
  console.log("triggers   index events/s    ns/event  vs 1 trigger  matches/event  one-by-one events/s");
  const baseline = median(indexed[0]!);
  SIZES.forEach((size, k) => {
    const ns = median(indexed[k]!);
    const naiveRate = naive[k] === undefined ? "-" : fmt(1e9 / median(naive[k]!));
    console.log(
      `${fmt(size).padStart(8)} ${fmt(1e9 / ns).padStart(18)} ${ns.toFixed(0).padStart(11)} ${`${((100 * baseline) / ns).toFixed(1)}%`.padStart(13)} ${matchedPerEvent(workloads[k]!).toFixed(4).padStart(14)} ${naiveRate.padStart(20)}`,
    );
  });
  if (floor.length === 2) {
    const [one, many] = floor.map(median) as [number, number];
    console.log(
      `floor: reading type and one Map lookup, no index: ${one.toFixed(0)} ns with 1 trigger's type, ` +
        `${many.toFixed(0)} ns with the ${fmt(SIZES.at(-1)!)} triggers' types = ${((100 * one) / many).toFixed(1)}%`,
    );
  }
}

function singles(): void {
  const typical = "type LIKE 'com.acme.%' AND INT(priority) > 3";
  const filter = compileFilter({ filterAttributes: undefined, filters: [{ cesql: typical }] });
  const events = [
    ["true", baseEvent({ type: "com.acme.order.created", priority: "5" })],
    ["false at LIKE", baseEvent({ type: "org.other.created", priority: "5" })],
    ["false at INT", baseEvent({ type: "com.acme.order.created", priority: "2" })],
  ] as const;
  const exact = caseOf(indexRun(workload(1, ["exact"])));
  const cesql = events.map(([, event]) => caseOf(() => (filter.matches(event) ? 1 : 0)));
  measureAll([exact, ...cesql]);
  console.log("\nsingle cases");
  console.log(`1 exact trigger, index.match: ${fmt(1e9 / median(exact)).padStart(12)} events/s`);
  events.forEach(([name], k) => {
    console.log(`CESQL "${typical}" (${name}): ${median(cesql[k]!).toFixed(0).padStart(5)} ns/evaluation`);
  });
}

function reload(): void {
  const w = workload(10_000, FULL_MIX);
  const index = createTriggerIndex(w.triggers);
  const extra = w.triggers.map((t, i) => ({ ...t, id: `default/extra${i}` }));
  const start = process.hrtime.bigint();
  for (const t of extra) index.add(t);
  const added = process.hrtime.bigint();
  for (const t of extra) index.remove(t.id);
  const removed = process.hrtime.bigint();
  console.log(
    `\nreload on a 10,000-trigger index: add ${(Number(added - start) / extra.length / 1000).toFixed(2)} µs/trigger, remove ${(Number(removed - added) / extra.length / 1000).toFixed(2)} µs/trigger (full mix, CESQL compile included)`,
  );
}

console.log(
  `node ${process.version}, ${DURATION_MS} ms per case in ${ROUNDS} interleaved rounds (median), ${POOL} events cycled, 1% matching`,
);
singles();
table(
  "exact/prefix mix (60% exact type, 20% prefix source, 10% exact type+subject, renormalised)",
  EXACT_PREFIX_MIX,
  true,
);
table("full mix (60% exact, 20% prefix, 10% multi-attribute exact, 10% CESQL)", FULL_MIX, false);
reload();
if (sink === -1) console.log("");
