// Smoke run of the benchmark harness (bench/), so it cannot rot: a few hundred events through the
// null-broker baseline and through a real `sluice run --storage memory`, asserting only that the
// counting is right (sent, accepted, lost, duplicates). Never speed: that is `npm run bench`.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { latencyChart } from "../bench/lib/chart.js";
import { exportedFigure, speedFactor } from "../bench/lib/hints.js";
import { Histogram } from "../bench/lib/histogram.js";
import { writePipeline } from "../bench/lib/manifests.js";
import { runStep, type StepResult } from "../bench/lib/measure.js";
import { commitNote, commitStats } from "../bench/lib/metrics.js";
import type { ResultsFile, ScenarioReport } from "../bench/lib/model.js";
import { Pace, parts } from "../bench/lib/pace.js";
import { type SinkHandle, startBaseline, startSink, startSluice } from "../bench/lib/processes.js";
import { PROFILES } from "../bench/lib/profile.js";
import { type RampOptions, type RampResult, ramp, verdict } from "../bench/lib/ramp.js";
import { renderResults, updateDoc } from "../bench/lib/report.js";
import { pool } from "../bench/lib/rounds.js";
import { type Context, disturbedBy, inRounds, rampStart, spendRerun } from "../bench/lib/session.js";
import { bars as b1Bars } from "../bench/scenarios/b1-throughput.js";
import { slowestCommits } from "../bench/scenarios/b2-latency.js";
import {
  type BarRound,
  bar as b4Bar,
  b4FloorMs,
  checkBasis,
  triggerMix,
  undecided,
} from "../bench/scenarios/b4-triggers.js";
import { isolationRate, summarize } from "../bench/scenarios/b5-isolation.js";
import { overloadBar } from "../bench/scenarios/b7-overload.js";

const HANG_GUARD = { timeout: 90_000 };

function assertCounted(r: StepResult, expectedDeliveries: number): void {
  assert.equal(r.errors, 0, "no request failed");
  assert.equal(r.skipped, 0, "the generator kept its schedule");
  assert.equal(r.sent, r.offered);
  assert.equal(r.accepted, r.sent, `every event answered 202 (${JSON.stringify(r.statuses)})`);
  assert.equal(r.expectedDeliveries, expectedDeliveries);
  assert.equal(r.misrouted, 0);
  assert.equal(r.strays, 0);
}

describe("bench harness", () => {
  let sink: SinkHandle;
  let dir: string;
  before(async () => {
    sink = await startSink();
    dir = mkdtempSync(join(tmpdir(), "sluice-bench-smoke-"));
  });
  after(async () => {
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts a duplicate delivery once as delivered and once as a duplicate", HANG_GUARD, async () => {
    await sink.reset("dup");
    for (let i = 0; i < 2; i++) {
      const res = await request(sink.url("/dup"), {
        method: "POST",
        headers: { "ce-id": "dup-7", "ce-benchts": String(Date.now()) },
        body: "x",
      });
      await res.body.dump();
    }
    const report = await sink.report();
    const path = report.paths.get("/dup");
    assert.equal(path?.unique, 1);
    assert.equal(path?.duplicates, 1);
    assert.deepEqual([...(path?.seqs ?? [])], [7]);
  });

  it("sink mode discard answers 202 and records nothing; ok records again", HANG_GUARD, async () => {
    await sink.reset("disc");
    await sink.mode("/disc", "discard");
    const post = async (seq: number) => {
      const res = await request(sink.url("/disc"), {
        method: "POST",
        headers: { "ce-id": `disc-${seq}`, "ce-benchts": String(Date.now()) },
        body: "x",
      });
      await res.body.dump();
      return res.statusCode;
    };
    try {
      assert.equal(await post(1), 202);
      assert.equal((await sink.report()).paths.get("/disc"), undefined, "a discarded event is not recorded");
    } finally {
      await sink.mode("/disc", "ok");
    }
    assert.equal(await post(2), 202);
    assert.deepEqual([...((await sink.report()).paths.get("/disc")?.seqs ?? [])], [2]);
  });

  it("null broker: every accepted event delivered once", HANG_GUARD, async () => {
    const baseline = await startBaseline("null-broker", [sink.url("/nb")]);
    try {
      const r = await runStep(
        baseline.url,
        sink,
        { rate: 400, warmupMs: 0, durationMs: 750, payloadBytes: 1024, expectPaths: ["/nb"] },
        baseline,
      );
      assertCounted(r, 300);
      assert.equal(r.lost, 0);
      assert.equal(r.duplicates, 0);
      assert.equal(r.delivered, 300);
    } finally {
      await baseline.close();
    }
  });

  it("sluice run --storage memory: fan-out and loss are counted per trigger", HANG_GUARD, async () => {
    // two healthy triggers and one whose subscriber always answers 500 with no retry: its 300
    // deliveries must all show up as lost, the others as delivered
    const manifests = writePipeline(join(dir, "fanout"), {
      triggers: ["/a", "/b", "/c"].map((path, i) => ({
        name: `t${i}`,
        subscriberUrl: sink.url(path),
        filters: [{ exact: { type: "bench.event" } }],
        delivery: { retry: 0 },
      })),
    });
    await sink.mode("/c", "500");
    const sluice = await startSluice({ manifests, storage: "memory", dataDir: join(dir, "data1") });
    try {
      const r = await runStep(
        sluice.url,
        sink,
        {
          rate: 400,
          warmupMs: 0,
          durationMs: 750,
          payloadBytes: 1024,
          expectPaths: ["/a", "/b", "/c"],
          stallMs: 1000,
        },
        sluice,
      );
      assertCounted(r, 900);
      assert.equal(r.lost, 300, "every delivery to the failing subscriber is lost");
      assert.equal(r.delivered, 600);
      assert.equal(r.duplicates, 0);
    } finally {
      await sink.mode("/c", "ok");
      await sluice.close();
    }
  });

  it("sluice run --storage memory: 1% of events routed to one of 100 triggers", HANG_GUARD, async () => {
    const mix = triggerMix(
      100,
      false,
      (k) => `/mix/${k}`,
      (p) => sink.url(p),
    );
    const manifests = writePipeline(join(dir, "mix"), mix.pipeline);
    const sluice = await startSluice({ manifests, storage: "memory", dataDir: join(dir, "data2") });
    try {
      const r = await runStep(
        sluice.url,
        sink,
        {
          rate: 1000,
          warmupMs: 0,
          durationMs: 800,
          payloadBytes: 100,
          expectPaths: [],
          routes: mix.routes,
          attributes: mix.attributes,
        },
        sluice,
      );
      assertCounted(r, 8);
      assert.equal(r.lost, 0);
      assert.equal(r.duplicates, 0);
      assert.equal(r.delivered, 8);
    } finally {
      await sluice.close();
    }
  });
});

describe("bench histogram and ramp", () => {
  it("keeps quantiles within 1% and merges", () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let v = 1; v <= 100_000; v++) (v % 2 === 0 ? a : b).record(v);
    a.merge(b);
    assert.equal(a.total, 100_000);
    for (const [q, exact] of [
      [0.5, 50_000],
      [0.99, 99_000],
      [0.999, 99_900],
    ] as const) {
      const got = a.quantile(q);
      assert.ok(Math.abs(got - exact) / exact <= 0.01, `q${q}: ${got} vs ${exact}`);
    }
    assert.equal(a.quantile(1), 100_000);
    assert.equal(Histogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON()))).quantile(0.99), a.quantile(0.99));
  });

  it("finds the knee: doubles while passing, then bisects, within the step bound", async () => {
    const knee = 5_300;
    const { result, tried } = await rampTried(
      { startRate: 1000, growth: 2, maxSteps: 10, resolution: 1.1 },
      (rate) => fakeStep(rate, rate <= knee ? 20 : 300),
    );
    assert.deepEqual(tried.slice(0, 4), [1000, 2000, 4000, 8000]);
    assert.ok(result.maxRate !== undefined && result.maxRate <= knee && result.maxRate >= knee / 1.1);
    assert.ok(tried.length <= 10);
  });

  it("reaches a knee far above a stale start, then stays within the step bound", async () => {
    const knee = 9_000;
    const { result, tried } = await rampTried(
      { startRate: 1000, growth: 1.3, maxSteps: 3, resolution: 1.1 },
      (rate) => fakeStep(rate, rate <= knee ? 20 : 300),
    );
    assert.ok(
      tried.some((rate) => rate > knee),
      `went past the knee: ${tried.join(", ")}`,
    );
    assert.ok(result.maxRate !== undefined && result.maxRate <= knee && result.maxRate >= knee / 2);
    const firstFail = tried.findIndex((rate) => rate > knee);
    assert.ok(tried.length - firstFail <= 3, `at most 3 steps once bracketed: ${tried.join(", ")}`);
  });

  it("steps down from an overloaded start to the rate the target handled, then bisects as before", async () => {
    const capacity = 6_000;
    const knee = 4_500;
    const { result, tried } = await rampTried(
      { startRate: 13_800, growth: 1.3, maxSteps: 6, resolution: 1.15 },
      (rate) => {
        const handled = Math.min(rate, capacity);
        // fan-out 2: two deliveries per accepted event
        return {
          ...fakeStep(rate, rate <= knee ? 20 : 900),
          accepted: rate,
          acceptedRate: handled,
          expectedDeliveries: 2 * rate,
          deliveredRate: 2 * handled,
        };
      },
    );
    assert.equal(tried[1], capacity, `second step at the handled rate: ${tried.join(", ")}`);
    assert.ok(result.maxRate !== undefined && result.maxRate <= knee && result.maxRate >= knee / 1.15);
  });

  it("never steps down more than 4× at once, however little a failing step handled", async () => {
    const { tried } = await rampTried(
      { startRate: 8_000, growth: 1.3, maxSteps: 2, resolution: 1.15 },
      (rate) => ({ ...fakeStep(rate, rate <= 1_000 ? 20 : 900), acceptedRate: 10, deliveredRate: 10 }),
    );
    assert.equal(tried[1], 2_000, tried.join(", "));
  });

  it("with confirm, a maximum that passes once and fails its repeat is not taken; the one taken passed twice", async () => {
    // everything up to 5,000 ev/s holds; 6,000 holds only the first time (a lucky step)
    const lucky = () => {
      let visits = 0;
      return (rate: number) => {
        if (rate === 6_000) visits += 1;
        return fakeStep(rate, rate <= 5_000 || (rate === 6_000 && visits === 1) ? 20 : 300);
      };
    };
    const options = { startRate: 6_000, growth: 1.3, maxSteps: 6, resolution: 1.15 };
    const plain = await rampTried(options, lucky());
    assert.equal(plain.result.maxRate, 6_000, "without confirm the lucky pass is the maximum");
    assert.equal(plain.result.confirmed, undefined);
    const { result, tried } = await rampTried({ ...options, confirm: true }, lucky());
    assert.equal(
      tried.filter((rate) => rate === 6_000).length,
      2,
      `repeated the maximum: ${tried.join(", ")}`,
    );
    assert.ok(
      result.maxRate !== undefined && result.maxRate <= 5_000,
      `max ${result.maxRate}: ${tried.join(", ")}`,
    );
    assert.ok(result.maxRate >= 5_000 / 1.3, `searched on below the failed repeat: ${tried.join(", ")}`);
    assert.equal(result.confirmed, true);
    assert.equal(tried.filter((rate) => rate === result.maxRate).length, 2);
  });

  it("a ramp out of time stops before its next step and says so; one that converged does not", async () => {
    let steps = 0;
    const cut = await ramp({
      startRate: 1000,
      growth: 2,
      maxSteps: 10,
      resolution: 1.05,
      ...RAMP_BOUNDS,
      budgetMs: 1_000,
      step: async (rate) => {
        steps += 1;
        // the second step ends past the budget, whatever the machine's load did to the first
        if (steps === 2) await new Promise((resolve) => setTimeout(resolve, 1_100));
        return fakeStep(rate, rate <= 5_300 ? 20 : 300);
      },
    });
    assert.equal(cut.outOfTime, true);
    assert.equal(steps, 2, "the step that would start after the budget never starts");
    assert.equal(cut.maxRate, 2000);
    const { result } = await rampTried(
      { startRate: 1000, growth: 2, maxSteps: 10, resolution: 1.1 },
      (rate) => fakeStep(rate, rate <= 5_300 ? 20 : 300),
    );
    assert.equal(result.outOfTime, false);
  });

  it("B4's check runs more rounds while tied, up to its limit and only while time allows", async () => {
    let now = 0;
    const pace = new Pace({ budgetMs: 1_000_000, scenarioMs: { B4: 900_000 } }, ["B4"], () => now);
    pace.start("B4"); // ahead of plan: the scenario may run until 1,000 s
    const lines: string[] = [];
    const ctx = { pace, log: (line: string) => lines.push(line) } as unknown as Context;
    const slow = ["e2e p99 130 ms > 100 ms"];
    const held: string[] = [];
    const exports = { "indexed.1": 36_300, "indexed.10000": 35_000 };
    // each round: [1 trigger's reasons, 10,000 triggers' reasons]; a round takes as long as it moves
    // the fake clock (inRounds times rounds by the pace's clock)
    const run = async (outcomes: [string[], string[]][], upTo: number, roundMs = 20_000) => {
      const rounds: BarRound[] = [];
      const limits = { max: 3, min: 2, tieBreak: { upTo, undecided: () => undecided(rounds) } };
      const done = await inRounds(ctx, "check", limits, async (n) => {
        now += roundMs;
        const [one, many] = outcomes[n - 1] ?? [held, held];
        rounds.push({ one, many });
      });
      return { done, rounds, pass: b4Bar(exports, 10_000, { rate: 32_670, rounds })[0]?.pass };
    };
    // 1 trigger failed round 1; of the two rounds it held, 10,000 triggers held one: tied
    const broken = await run(
      [
        [slow, slow],
        [held, slow],
        [held, held],
        [held, slow],
        [held, held],
      ],
      5,
    );
    assert.equal(broken.done, 4, "the fourth round decides it");
    assert.equal(broken.pass, false, "held in 1 of 3");
    assert.ok(lines.some((l) => /check: undecided after 3 rounds, one more/.test(l)));
    const decided = await run(
      [
        [held, held],
        [held, slow],
        [held, held],
        [held, slow],
      ],
      5,
    );
    assert.equal(decided.done, 3, "2 of 3 decides: no extra round");
    assert.equal(decided.pass, true);
    // a round where neither held the rate leaves a tie standing
    const capped = await run(
      [
        [held, held],
        [held, slow],
        [slow, slow],
        [slow, slow],
        [held, held],
      ],
      4,
    );
    assert.equal(capped.done, 4, "stops at its limit");
    assert.equal(undecided(capped.rounds), true);
    assert.equal(capped.pass, false, "a tie left standing is a miss");
    assert.equal(undecided([{ one: slow, many: slow }]), false, "no round says anything: the ramps decide");
    assert.equal(
      undecided([
        { one: held, many: slow },
        { one: slow, many: held },
      ]),
      true,
      "one for, one against",
    );
    now = 1_000_000 - 95_000; // the three planned 30 s rounds fit, a fourth does not
    lines.length = 0;
    const late = await run(
      [
        [held, held],
        [held, slow],
        [slow, slow],
        [held, held],
      ],
      5,
      30_000,
    );
    assert.equal(late.done, 3);
    assert.equal(late.pass, false);
    assert.ok(lines.some((l) => /check: undecided after 3 rounds, no time for another/.test(l)));
    assert.deepEqual(pace.takeCuts(), ["check: undecided after 3 rounds, no time for another"]);
    // behind schedule, time for two 30 s rounds only: a check decided by them is cut to two, one
    // tied by them gets its third round all the same (a tie is a miss: the clock would decide)
    now = 1_000_000 - 65_000;
    const cutDecided = await run(
      [
        [held, held],
        [held, held],
      ],
      5,
      30_000,
    );
    assert.equal(cutDecided.done, 2);
    assert.equal(cutDecided.pass, true);
    assert.deepEqual(pace.takeCuts(), ["check: 2 of 3 rounds, to keep the run's time"]);
    now = 1_000_000 - 65_000;
    const cutTied = await run(
      [
        [held, held],
        [held, slow],
        [held, held],
      ],
      5,
      30_000,
    );
    assert.equal(cutTied.done, 3, "the third round runs although the time planned for it is gone");
    assert.equal(cutTied.pass, true, "held in 2 of 3");
    assert.deepEqual(pace.takeCuts(), [], "nothing cut");
  });

  it("rounds are planned by the median round so far, so one slowed by re-runs does not cut the rest", async () => {
    let now = 770_000;
    const pace = new Pace({ budgetMs: 230_000, scenarioMs: { B5: 230_000 } }, ["B5"], () => now);
    pace.start("B5"); // the scenario may run until 1,000 s: 230 s from now
    const lines: string[] = [];
    const ctx = { pace, log: (line: string) => lines.push(line) } as unknown as Context;
    const took = [80_000, 44_000, 35_000, 36_000, 40_000]; // the first round's steps were run again
    const ran = await inRounds(ctx, "B5", { max: 5, min: 3 }, async (n) => {
      now += took[n - 1] as number;
    });
    // after three rounds 71 s are left: the longest (80 s) would not fit, the median (44 s) does;
    // after the fourth 35 s are left, under the median of 40 s
    assert.equal(ran, 4);
    assert.deepEqual(pace.takeCuts(), ["B5: 4 of 5 rounds, to keep the run's time"]);
  });

  it("the run's pace: on time nothing is shortened; behind, scenarios shrink by the share behind, within bounds", () => {
    let now = 0;
    const plan = { budgetMs: 1_000_000, scenarioMs: { A: 400_000, B: 300_000, C: 200_000 } };
    const pace = new Pace(plan, ["A", "B", "C"], () => now);
    pace.start("A");
    // ahead of plan (900 s planned in 1,000 s): A gets its plan and a little more
    assert.equal(Math.round(pace.leftMs()), Math.round(400_000 * (1_000_000 / 900_000)));
    // three ramps: a bar is read from the second
    const part = parts([false, true, false]);
    const [first, forBar, last] = [part(), part(), part()];
    assert.deepEqual(first, { forBar: false, barAfter: 1, otherAfter: 1 });
    assert.deepEqual(part(), { forBar: false, barAfter: 0, otherAfter: 0 }, "past the last: a lone part");
    // on time, each gets the profile's budget
    assert.equal(pace.partMs(first, 15_000, 60_000), 60_000);
    now = 350_000; // 94 s left: half of 60 s kept for the bar's ramp, 15 s for the last ramp
    assert.equal(Math.round(pace.partMs(first, 15_000, 60_000)), 94_444 - 45_000);
    now = 420_000;
    assert.equal(pace.partMs(first, 15_000, 60_000), 15_000, "over its time: the least a ramp gets");
    assert.equal(pace.partMs(forBar, 15_000, 60_000), 60_000, "a bar's ramp is never shortened");
    now = 600_000; // A overran by 200 s: B and C planned 500 s, 400 s are left
    pace.start("B");
    assert.equal(pace.leftMs(), 300_000 * 0.8);
    assert.equal(pace.partMs(last, 15_000, 60_000), 60_000);
    now += 200_000;
    assert.equal(pace.partMs(last, 15_000, 60_000, 10_000), 30_000, "40 s left, 10 s kept");
    assert.equal(pace.partMs(last, 15_000, 60_000, 30_000), 15_000);
    assert.equal(pace.anotherRound(1, 2, 30_000), true, "fewer than the least rounds: always another");
    assert.equal(pace.anotherRound(2, 2, 30_000), true, "40 s left holds another 30 s round");
    assert.equal(pace.anotherRound(2, 2, 30_000, 20_000), false, "not with 20 s kept for what follows");
    now = 1_100_000; // past the run's budget: C still gets the least share of its plan
    pace.start("C");
    assert.equal(pace.leftMs(), 200_000 * 0.4);
    pace.cut("one ramp");
    assert.deepEqual(pace.takeCuts(), ["one ramp"]);
    assert.deepEqual(pace.takeCuts(), []);
  });

  it("every scenario a profile runs has a planned time, and the plans fit the profile's budget", () => {
    for (const profile of Object.values(PROFILES)) {
      const planned = profile.scenarios.map((id) => profile.plan.scenarioMs[id]);
      assert.ok(
        planned.every((ms) => ms !== undefined && ms > 0),
        `${profile.name}: ${JSON.stringify(profile.plan)}`,
      );
      const sum = planned.reduce((a, b) => (a ?? 0) + (b ?? 0), 0) ?? 0;
      assert.ok(sum <= profile.plan.budgetMs, `${profile.name}: ${sum} planned > ${profile.plan.budgetMs}`);
    }
    assert.ok(PROFILES.full.plan.budgetMs < 20 * 60_000 && PROFILES.quick.plan.budgetMs < 3 * 60_000);
  });

  it("B4's plan holds the parts of it the pace never shortens (its bar ramps at their budget, the check's fewest rounds)", () => {
    for (const profile of Object.values(PROFILES)) {
      if (!profile.scenarios.includes("B4")) continue;
      const floor = b4FloorMs(profile);
      assert.ok(
        floor > 2 * profile.ramp.budgetMs,
        `${profile.name}: the check's rounds are part of the floor`,
      );
      assert.ok(
        (profile.plan.scenarioMs.B4 ?? 0) >= floor,
        `${profile.name}: B4 planned ${profile.plan.scenarioMs.B4} ms < ${floor} ms it cannot give`,
      );
    }
  });

  it("the report puts each figure beside its same-run baseline and ratio, with machine, Node and date; the doc keeps its own text", () => {
    const results: ResultsFile = {
      version: 1,
      profile: "full",
      only: undefined,
      machine: {
        cpuModel: "Test CPU",
        cores: 2,
        memoryGb: 24,
        node: "v20.0.0",
        platform: "linux x64",
        date: "2026-12-02",
      },
      commit: "abc1234",
      startedAt: "2026-12-02T17:03:57.000Z",
      durationS: 1017,
      budgetS: 1140,
      noise: { quietWaitS: 0, reruns: 0 },
      scenarios: [
        {
          id: "B1",
          title: "Maximum sustainable throughput",
          durationS: 124,
          series: [],
          notes: [],
          details: {},
          exports: {},
          figures: [
            {
              variant: "embedded, 1 KB",
              metric: "max sustainable rate",
              value: 7_000,
              unit: "ev/s",
              baseline: { name: "null broker", value: 6_400 },
            },
          ],
          bars: [{ bar: "embedded durable ≥ 4,000 ev/s", measured: "7,000 ev/s", pass: true }],
        },
      ],
    };
    const md = renderResults(results, "chart.svg");
    assert.match(
      md,
      /\| embedded, 1 KB \| max sustainable rate \| 7,000 ev\/s \| 6,400 ev\/s \(null broker\) \| 1\.09× \|/,
    );
    assert.match(md, /2026-12-02 17:03 UTC, commit `abc1234`, 1017 s in all \(budget 1140 s\)/);
    assert.match(md, /Machine: Test CPU, 2 cores, 24 GiB, linux x64, Node v20\.0\.0/);
    assert.match(md, /embedded durable ≥ 4,000 ev\/s/);
    const svg = latencyChart(
      [
        {
          name: "null broker (1 KB)",
          points: [
            { rate: 1000, p50: 1, p99: 5, p999: 8 },
            { rate: 5000, p50: 2, p99: 20, p999: 40 },
          ],
        },
        {
          name: "sluice embedded (1 KB)",
          points: [
            { rate: 1000, p50: 2, p99: 8, p999: 12 },
            { rate: 4000, p50: 3, p99: 30, p999: 60 },
          ],
        },
      ],
      "latency",
    );
    assert.match(svg, /^<svg/);
    assert.ok(svg.includes("null broker (1 KB)") && svg.includes("sluice embedded (1 KB)"));
    assert.ok((svg.match(/<polyline/g) ?? []).length >= 2, "a line per series");
    const dir = mkdtempSync(join(tmpdir(), "bench-doc-"));
    try {
      const doc = join(dir, "benchmarks.md");
      writeFileSync(doc, "# Benchmarks\n\nHand-written method.\n");
      updateDoc(doc, "first", "# Benchmarks\n");
      updateDoc(doc, "second", "# Benchmarks\n");
      const text = readFileSync(doc, "utf8");
      assert.ok(text.includes("Hand-written method.") && text.includes("second") && !text.includes("first"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a step is sustainable only with p99 in bounds, nothing refused, no growing backlog and nothing lost", () => {
    assert.deepEqual(verdict(fakeStep(1000, 20)), []);
    assert.match(verdict(fakeStep(1000, 300)).join(), /p99 300 ms > 100 ms/);
    assert.match(verdict({ ...fakeStep(1000, 20), lost: 7 }).join(), /7 lost/);
    assert.match(verdict({ ...fakeStep(1000, 20), backlogGrowing: true }).join(), /backlog growing/);
    assert.match(verdict({ ...fakeStep(1000, 20), accepted: 900 }).join(), /accepted 900\/1000/);
    assert.match(verdict({ ...fakeStep(1000, 20), statuses: { 202: 990, 429: 10 } }).join(), /10 × 429/);
  });

  it("ramp hints from the last results file are scaled to this machine once B0 has measured it", () => {
    const report = (id: string, exports: Record<string, number>) =>
      ({ id, exports }) as unknown as ScenarioReport;
    const previous = {
      scenarios: [
        report("B0", { "nullBroker.1024": 12_000, "direct.1024": 30_000 }),
        report("B1", { "embedded.1024": 15_000 }),
      ],
    } as unknown as ResultsFile;
    // Before B0 has run here, the old figure as it was.
    assert.equal(exportedFigure([], previous, "B1", "embedded.1024"), 15_000);
    // B0 found this machine at three quarters of the last one: hints follow, B0's own do not.
    const b0 = report("B0", { "nullBroker.1024": 9_000 });
    assert.equal(speedFactor([b0], previous), 0.75);
    assert.equal(exportedFigure([b0], previous, "B1", "embedded.1024"), 11_250);
    assert.equal(exportedFigure([b0], previous, "B0", "direct.1024"), 30_000);
    // A figure of this run wins; a missing one stays missing.
    assert.equal(
      exportedFigure([b0, report("B1", { "embedded.1024": 5_700 })], previous, "B1", "embedded.1024"),
      5_700,
    );
    assert.equal(exportedFigure([b0], previous, "B4", "indexed.1"), undefined);
    assert.equal(exportedFigure([b0], undefined, "B1", "embedded.1024"), undefined);
    // Bounded, and neutral without a reference on either side.
    assert.equal(speedFactor([report("B0", { "nullBroker.1024": 100 })], previous), 0.25);
    assert.equal(speedFactor([report("B0", { "nullBroker.1024": 1e6 })], previous), 4);
    assert.equal(speedFactor([report("B0", {})], previous), 1);
  });

  it("a hinted ramp starts no higher than its ceiling, a baseline of the same run doing less work", () => {
    assert.deepEqual(rampStart({ hint: undefined, startRate: 3_000 }), { startRate: 3_000, growth: 2 });
    assert.deepEqual(rampStart({ hint: 10_000, startRate: 3_000 }), { startRate: 9_000, growth: 1.3 });
    // 06:29: the hint 16,400 (7,600 scaled by 11,000 / 5,100), the null broker's maximum 11,000
    assert.deepEqual(rampStart({ hint: 16_400, startRate: 3_000, ceiling: 11_000 }), {
      startRate: 9_900,
      growth: 1.3,
    });
    assert.equal(rampStart({ hint: 6_000, startRate: 3_000, ceiling: 11_000 }).startRate, 5_400);
    assert.equal(rampStart({ hint: 6_000, startRate: 3_000, ceiling: undefined }).startRate, 5_400);
  });

  it("a step is run again when other work or the hypervisor (steal) took more than the profile allows", () => {
    const limits = PROFILES.full;
    assert.equal(disturbedBy({ busyPct: 60, stealPct: 0, foreignPct: 3 }, limits), undefined);
    assert.equal(disturbedBy(undefined, limits), undefined);
    assert.match(
      disturbedBy({ busyPct: 90, stealPct: 0, foreignPct: limits.rerunForeignPct + 1 }, limits) ?? "",
      /other work took \d+% of the machine/,
    );
    assert.match(
      disturbedBy({ busyPct: 60, stealPct: 11.5, foreignPct: 0 }, limits) ?? "",
      /hypervisor took 11.5% of the machine \(steal\)/,
    );
    assert.equal(
      disturbedBy({ busyPct: 60, stealPct: limits.rerunStealPct, foreignPct: 0 }, limits),
      undefined,
    );
    // the quick profile tolerates more before it spends one of its two re-runs
    assert.equal(disturbedBy({ busyPct: 60, stealPct: 8, foreignPct: 0 }, PROFILES.quick), undefined);
  });

  it("keeps re-runs back for the steps a bar is judged on, once ramp steps have spent the others", () => {
    const budget = { quietMs: 0, reruns: 1, barReruns: 2 };
    assert.equal(spendRerun(budget, false), false, "a step too long to run twice never runs again");
    assert.equal(spendRerun(budget, true), true, "any step may take the run's re-runs");
    assert.equal(spendRerun(budget, true), false, "…and only those");
    assert.equal(spendRerun(budget, "bar"), true, "a bar's step takes one kept back");
    assert.equal(spendRerun(budget, "bar"), true);
    assert.equal(spendRerun(budget, "bar"), false, "until they are gone too");
    assert.deepEqual(budget, { quietMs: 0, reruns: 0, barReruns: 0 });
    const first = { quietMs: 0, reruns: 1, barReruns: 1 };
    assert.equal(spendRerun(first, "bar"), true);
    assert.deepEqual(
      first,
      { quietMs: 0, reruns: 0, barReruns: 1 },
      "a bar's step spends the general ones first",
    );
    for (const profile of Object.values(PROFILES)) assert.ok(profile.barReruns >= 1, profile.name);
  });

  it("reads the group commits' count, the slow ones and the slowest bound out of a /metrics scrape", () => {
    const b = (le: string, n: number) => [
      `sluice_broker_commit_seconds_bucket{broker="bench/bench",le="${le}"}`,
      n,
    ];
    const scrape = Object.fromEntries([
      b("0.005", 900),
      b("0.01", 990),
      b("0.05", 997),
      b("0.1", 998),
      b("0.25", 1000),
      b("0.5", 1000),
      b("+Inf", 1000),
      ['sluice_broker_commit_seconds_count{broker="bench/bench"}', 1000],
      ['sluice_events_accepted_total{broker="bench/bench"}', 5000],
    ]);
    assert.deepEqual(commitStats(scrape), {
      commits: 1000,
      over50ms: 3,
      over100ms: 2,
      slowestUnderMs: 250,
      syncs: undefined,
    });
    const s = (le: string, n: number) => [
      `sluice_broker_sync_seconds_bucket{broker="bench/bench",le="${le}"}`,
      n,
    ];
    const withSyncs = {
      ...scrape,
      ...Object.fromEntries([
        s("0.005", 999),
        s("0.01", 999),
        s("0.05", 999),
        s("0.1", 1000),
        s("0.25", 1000),
        s("0.5", 1000),
        s("+Inf", 1000),
        ['sluice_broker_sync_seconds_count{broker="bench/bench"}', 1000],
      ]),
    };
    assert.deepEqual(
      commitStats(withSyncs)?.syncs,
      { over50ms: 1, slowestUnderMs: 100 },
      "the fdatasyncs apart",
    );
    assert.match(commitNote(commitStats(withSyncs)!), /slowest ≤ 250 ms; slowest fdatasync ≤ 100 ms$/);
    assert.equal(
      slowestCommits([commitStats(withSyncs), undefined, commitStats(scrape)]),
      "; slowest group commit per round ≤ 250, ?, 250 ms (fdatasync alone ≤ 100, ?, ? ms)",
    );
    assert.equal(
      commitStats({ 'sluice_events_accepted_total{broker="bench/bench"}': 5 }),
      undefined,
      "memory storage",
    );
    const beyond = { ...scrape, ...Object.fromEntries([b("0.25", 999), b("0.5", 999)]) };
    assert.equal(commitStats(beyond)?.slowestUnderMs, undefined, "slower than every bound");
  });

  it("B5 keeps the median round's p99 per mode and counts losses over every round", () => {
    const run = (p99: number, lost = 0) => ({
      mode: "hang" as const,
      result: { ...fakeStep(1000, p99), lost },
      metrics: {},
    });
    const odd = summarize("hang", [run(12), run(4), run(9, 2)]);
    assert.equal(odd.p99, 9);
    assert.deepEqual(odd.p99s, [12, 4, 9]);
    assert.equal(odd.median.result.endToEnd.p99, 9);
    assert.equal(odd.lost, 2);
    assert.equal(summarize("hang", [run(7), run(3)]).p99, 3, "lower median for an even count");
    assert.equal(summarize("hang", [run(5)]).p99, 5);
    assert.throws(() => summarize("hang", []), /no run/);
  });

  it("B2 pools rounds: percentiles over every round's samples, counts summed, the rest from the median round", () => {
    // Rounds of 1,000 events at 1 ms, one of them with 31 at 50 ms: that round's p99 is 50 ms, the
    // others' 1 ms. A median of the rounds would say 1 ms; 31 of 3,000 events (just over 1%) at
    // 50 ms make the pooled p99 50 ms.
    const round = (slow: number, lost: number, cpu: number): StepResult => {
      const h = new Histogram();
      for (let i = 0; i < 1000; i++) h.record(i < slow ? 50_000 : 1000);
      const step = fakeStep(1000, h.summary().p99);
      return {
        ...step,
        lost,
        delivered: 1000 - lost,
        endToEnd: h.summary(),
        publish: h.summary(),
        histograms: { publish: h, endToEnd: h },
        cpu: { ...step.cpu, brokerUsPerEvent: cpu },
      };
    };
    const pooled = pool([round(0, 0, 500), round(31, 2, 700), round(0, 1, 600)]);
    const fast = round(0, 0, 0).endToEnd.p99;
    assert.ok(fast < 1.1);
    assert.deepEqual(pooled.p99s, [fast, 50, fast]);
    assert.equal(pooled.result.endToEnd.p99, 50);
    assert.equal(pooled.result.endToEnd.count, 3000);
    assert.equal(pooled.result.publish.p99, 50);
    assert.equal(pooled.result.lost, 3);
    assert.equal(pooled.result.delivered, 2997);
    assert.equal(pooled.result.offered, 3000);
    // CPU comes from the middle round by p99 (the two 1 ms rounds keep their order): the third
    assert.equal(pooled.result.cpu.brokerUsPerEvent, 600);
    assert.equal(pool([round(0, 0, 500)]).result.endToEnd.p99, fast);
    assert.ok(
      pool([round(30, 0, 500), round(0, 0, 500), round(0, 0, 500)]).result.endToEnd.p99 < 1.1,
      "exactly 1% slow is not the p99",
    );
    assert.throws(() => pool([]), /at least one round/);
  });

  it("B4 judges its 10% bar by most of its rounds at 90% of the 1-trigger maximum, else by the ramps", () => {
    const exports = { "indexed.1": 36_300, "indexed.10000": 30_200 };
    const slow = ["e2e p99 300 ms > 100 ms"];
    const check = (...many: (readonly string[])[]) => ({
      rate: 32_670,
      rounds: many.map((m) => ({ one: [], many: m })),
    });
    const [byRamps] = b4Bar(exports, 10_000);
    assert.equal(byRamps?.pass, false, "30,200 < 90% of 36,300");
    const [twoOfThree] = b4Bar(exports, 10_000, check([], slow, []));
    assert.equal(twoOfThree?.pass, true, "the rounds decide, not the coarser ramps");
    assert.match(
      twoOfThree?.measured ?? "",
      /17% cost.*32,670 ev\/s: 10,000 triggers sustained in 2 of 3 rounds \(1 trigger: 3 of 3\); not sustained: e2e p99 300 ms > 100 ms/,
    );
    const [oneOfThree] = b4Bar(
      { "indexed.1": 36_300, "indexed.10000": 33_000 },
      10_000,
      check(slow, [], slow),
    );
    assert.equal(
      oneOfThree?.pass,
      false,
      "a minority of sustained rounds fails, even when the ramps look close enough",
    );
    assert.equal(b4Bar(exports, 10_000, check([]))[0]?.pass, true, "one round (quick profile)");
    assert.equal(b4Bar(exports, 10_000, check(slow))[0]?.pass, false);
    assert.equal(b4Bar(exports, 10_000, check([], slow))[0]?.pass, false, "a tie is not most");
    // a round where neither count held the rate says nothing; when no round says anything, the
    // ramps decide
    const paired = (...rounds: [readonly string[], readonly string[]][]) => ({
      rate: 32_670,
      rounds: rounds.map(([one, many]) => ({ one, many })),
    });
    const [onlyInformative] = b4Bar(exports, 10_000, paired([slow, slow], [[], []], [slow, slow]));
    assert.equal(onlyInformative?.pass, true, "held in the one round that says something");
    assert.match(onlyInformative?.measured ?? "", /2 round\(s\) where neither held it say nothing/);
    // 10,000 triggers holding the rate counts for the bar even where 1 trigger did not (2026-12-03
    // 12:45: both rounds so, then called inconclusive and judged by ramps 13% apart)
    const [manyOnly] = b4Bar(exports, 10_000, paired([slow, []], [slow, []]));
    assert.equal(manyOnly?.pass, true, "10,000 triggers sustained 90% of 1 trigger's maximum");
    assert.match(
      manyOnly?.measured ?? "",
      /10,000 triggers sustained in 2 of 2 rounds \(1 trigger: 0 of 2\)/,
    );
    assert.equal(
      b4Bar(exports, 10_000, paired([[], slow], [slow, slow], [[], slow]))[0]?.pass,
      false,
      "failed twice where 1 trigger held it",
    );
    assert.equal(
      b4Bar(exports, 10_000, paired([[], slow], [slow, []], [slow, slow]))[0]?.pass,
      false,
      "one round for, one against: a tie is a miss",
    );
    const [inconclusive] = b4Bar(exports, 10_000, paired([slow, slow], [slow, slow]));
    assert.equal(inconclusive?.pass, false, "judged by the ramps: 30,200 < 90% of 36,300");
    assert.match(inconclusive?.measured ?? "", /inconclusive, neither held the rate/);
    const closeRamps = { "indexed.1": 36_300, "indexed.10000": 33_000 };
    assert.equal(b4Bar(closeRamps, 10_000, paired([slow, slow]))[0]?.pass, true, "ramps within 10%");
    assert.deepEqual(b4Bar(exports, 1_000), [], "no bar below 10,000 triggers");
  });

  it("B4 shows the broker's CPU per event of its paired rounds next to the verdict, without judging it", () => {
    const exports = { "indexed.1": 36_300, "indexed.10000": 35_000 };
    const round = (oneCpuUs: number | undefined, manyCpuUs: number | undefined, many: string[] = []) => ({
      one: [],
      many,
      oneCpuUs,
      manyCpuUs,
    });
    const check = {
      rate: 32_670,
      rounds: [round(70, 80), round(60, 90), round(80, 75), round(undefined, 999)],
    };
    const [line] = b4Bar(exports, 10_000, check);
    assert.match(
      line?.measured ?? "",
      /broker CPU per event at that rate \(median of 3 rounds\): 10,000 triggers 80 µs vs 1 trigger 70 µs \(\+14%\)$/,
    );
    assert.equal(line?.pass, true, "CPU is shown, not judged");
    const noCpu = { rate: 32_670, rounds: [round(undefined, undefined)] };
    assert.doesNotMatch(b4Bar(exports, 10_000, noCpu)[0]?.measured ?? "", /CPU/);
    const slow = ["e2e p99 300 ms > 100 ms"];
    const [failed] = b4Bar(exports, 10_000, { rate: 32_670, rounds: [round(50, 45, slow)] });
    assert.equal(failed?.pass, false, "a cheaper CPU reading does not pass a round that was not sustained");
    assert.match(failed?.measured ?? "", /45 µs vs 1 trigger 50 µs \(-10%\)$/);
  });

  it("B4's check rate is 90% of the higher ramp: 10,000 triggers' maximum bounds 1 trigger's from below", () => {
    assert.deepEqual(checkBasis(36_300, 30_200), { from: "1 trigger", maxRate: 36_300 });
    assert.deepEqual(checkBasis(36_300, undefined), { from: "1 trigger", maxRate: 36_300 });
    assert.deepEqual(
      checkBasis(36_300, 36_300),
      { from: "1 trigger", maxRate: 36_300 },
      "a tie keeps 1 trigger's",
    );
    // 2026-12-03 18:32: 1 trigger's ramp 9,900, 10,000 triggers' 14,100; a check at 8,910 said nothing
    assert.deepEqual(checkBasis(9_900, 14_100), { from: "largest", maxRate: 14_100 });
    const exports = { "indexed.1": 9_900, "indexed.10000": 14_100 };
    const [line] = b4Bar(exports, 10_000, {
      rate: 12_690,
      basis: checkBasis(9_900, 14_100),
      rounds: [{ one: [], many: [] }],
    });
    assert.match(
      line?.measured ?? "",
      /at 90% of 1 trigger's maximum taken from 10,000 triggers' ramp \(14,100; 1 trigger's read lower, and it does less work per event\), 12,690 ev\/s: 10,000 triggers sustained in 1 of 1/,
    );
    const [plain] = b4Bar(exports, 10_000, {
      rate: 8_910,
      basis: checkBasis(9_900, 9_000),
      rounds: [{ one: [], many: [] }],
    });
    assert.match(plain?.measured ?? "", /at 90% of 1 trigger, 8,910 ev\/s/);
  });

  it("B1's bars read the embedded 1 KB maximum against the null broker's, and say when it was not confirmed", () => {
    const rampOf = (maxRate: number | undefined, confirmed: boolean): RampResult => ({
      maxRate,
      best: maxRate === undefined ? undefined : fakeStep(maxRate, 40),
      steps: [],
      outOfTime: !confirmed,
      confirmed,
    });
    assert.deepEqual(b1Bars(undefined, 7_000), [], "no embedded 1 KB ramp in the profile: no bars");
    const [rate, share] = b1Bars(rampOf(4_300, true), 7_000);
    assert.deepEqual([rate?.pass, rate?.measured], [true, "4,300 ev/s"]);
    assert.deepEqual([share?.pass, share?.measured], [true, "61% of 7,000 ev/s"]);
    const [, below] = b1Bars(rampOf(4_300, true), 7_200);
    assert.equal(below?.pass, false, "59.7% of the null broker misses the 60% bar");
    const [lucky] = b1Bars(rampOf(4_100, false), 7_000);
    assert.deepEqual([lucky?.pass, lucky?.measured], [true, "not confirmed by a second step; 4,100 ev/s"]);
    const [none, noShare] = b1Bars(rampOf(undefined, false), 7_000);
    assert.deepEqual([none?.pass, none?.measured, noShare?.pass], [false, "no rate passed", false]);
    assert.equal(b1Bars(rampOf(4_300, true), undefined).length, 1, "without B0 only the absolute bar");
    const [fast, above] = b1Bars(rampOf(7_600, true), 5_100);
    assert.equal(fast?.pass, true, "the absolute bar is judged whatever the baseline read");
    assert.equal(above?.pass, undefined, "149%: the null broker read below the broker doing more work");
    assert.match(
      above?.measured ?? "",
      /^149% of 5,100 ev\/s: not judged: the null broker, which does less work/,
    );
    const [, level] = b1Bars(rampOf(7_600, true), 7_600);
    assert.equal(level?.pass, true, "100%: met (the null broker no lower than the embedded)");
  });

  it("B5 runs at 1,000 ev/s, or an eighth of B1's maximum on a machine where that is less", () => {
    assert.equal(isolationRate(undefined), 1000);
    assert.equal(isolationRate(15_300), 1000);
    assert.equal(isolationRate(8000), 1000);
    assert.equal(isolationRate(3200), 400);
    assert.equal(isolationRate(500), 100, "never below 100 ev/s");
  });

  it("B7 holds the overload to what the broker delivered at B1's maximum, never to more than B1's maximum", () => {
    const reading = {
      max: 15_300,
      maxName: "B1's maximum",
      peakRssMb: 180,
      beforeRssMb: 140,
      referenceMs: 15_000,
    };
    const kept = overloadBar({ ...reading, sustained: 15_280, delivered: 13_550 });
    assert.equal(kept.pass, false, "B1's maximum was held (within noise), so 13,550 is 89% of 15,280");
    assert.match(kept.measured, /13,550 ev\/s = 89% of 15,280/);
    const notKept = overloadBar({ ...reading, sustained: 14_000, delivered: 13_550 });
    assert.equal(notKept.pass, true, "13,550 ≥ 90% of the 14,000 delivered when offered 15,300");
    assert.match(
      notKept.measured,
      /97% of 14,000 \(delivered at B1's maximum of 15,300 ev\/s held for 15 s\); 89% of B1's maximum/,
    );
    const capped = overloadBar({ ...reading, sustained: 16_000, delivered: 13_600 });
    assert.equal(capped.pass, false, "a reference above B1's maximum is capped at it: 13,600 < 13,770");
    assert.match(capped.measured, /of 15,300 \(B1's maximum, held for 15 s\)/);
    const standIn = overloadBar({
      ...reading,
      maxName: "the last results file's B1 maximum",
      sustained: 14_000,
      delivered: 13_550,
    });
    assert.match(standIn.measured, /delivered at the last results file's B1 maximum of 15,300 ev\/s/);
    assert.equal(
      overloadBar({ ...reading, sustained: 0, delivered: 0 }).pass,
      false,
      "no reference, no pass",
    );
  });
});

/** A step result with only what the ramp's verdict reads. */
/** Runs a ramp with the shared bounds; returns its result and the rates it tried, in order. */
async function rampTried(
  options: Pick<RampOptions, "startRate" | "growth" | "maxSteps" | "resolution" | "confirm">,
  step: (rate: number) => StepResult,
): Promise<{ result: RampResult; tried: number[] }> {
  const tried: number[] = [];
  const result = await ramp({
    ...options,
    ...RAMP_BOUNDS,
    step: async (rate) => {
      tried.push(rate);
      return step(rate);
    },
  });
  return { result, tried };
}

/** Rate bounds and time budget shared by the ramp tests. */
const RAMP_BOUNDS = { minRate: 50, maxRate: 40_000, budgetMs: 10_000 } as const;

function fakeStep(rate: number, p99: number): StepResult {
  const latency = { count: rate, p50: 1, p90: 2, p99, p999: p99, max: p99, mean: 1 };
  return {
    offeredRate: rate,
    offered: rate,
    sent: rate,
    accepted: rate,
    acceptedRate: rate,
    statuses: { 202: rate },
    errors: 0,
    skipped: 0,
    expectedDeliveries: rate,
    delivered: rate,
    deliveredRate: rate,
    backlogAtEnd: 0,
    backlogGrowing: false,
    publish: latency,
    sendDelayP99Ms: 0,
    endToEnd: latency,
    histograms: { publish: new Histogram(), endToEnd: new Histogram() },
    lost: 0,
    duplicates: 0,
    misrouted: 0,
    unacknowledged: 0,
    strays: 0,
    drainMs: 0,
    cpu: { brokerUsPerEvent: undefined, sinkUsPerDelivery: undefined, generatorUsPerEvent: undefined },
    rssMb: undefined,
    peakRssMb: undefined,
    machine: undefined,
    timeline: [],
    quiet: undefined,
  };
}
