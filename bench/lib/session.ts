import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Routes } from "./accounting.js";
import type { CpuShare } from "./machine.js";
import { type PipelineSpec, writePipeline } from "./manifests.js";
import { runStep, type Step, type StepResult } from "./measure.js";
import type { ScenarioReport, Series } from "./model.js";
import type { Pace, Part } from "./pace.js";
import {
  type BaselineKind,
  type ProcessHandle,
  type SinkHandle,
  startBaseline,
  startSluice,
} from "./processes.js";
import type { Profile, Storage } from "./profile.js";
import { type RampResult, ramp } from "./ramp.js";
import { median } from "./rounds.js";

export interface Context {
  readonly profile: Profile;
  readonly sink: SinkHandle;
  /** Temporary root for manifests and data dirs (removed at the end). */
  readonly workDir: string;
  log(line: string): void;
  /**
   * A figure exported by an earlier scenario of this run, or else of the latest results file (then
   * scaled to this machine once B0 has run: lib/hints.ts).
   */
  exported(scenario: string, name: string): number | undefined;
  /** A figure exported by an earlier scenario of this run only. */
  measured(scenario: string, name: string): number | undefined;
  /** Extra node flags for every `sluice run` (e.g. --cpu-prof). */
  readonly sluiceNodeArgs: readonly string[];
  /** What is left of the run's quiet-machine waiting and re-runs (spent by `measureStep`). */
  readonly budget: RunBudget;
  /** The run's time plan: how long the current scenario's ramps and rounds may take. */
  readonly pace: Pace;
}

export type ScenarioOutput = Omit<ScenarioReport, "id" | "title" | "durationS">;

export interface RunBudget {
  quietMs: number;
  reruns: number;
  /** Re-runs only steps a bar is judged on may take, once `reruns` is spent (Profile.barReruns). */
  barReruns: number;
}

/** May a disturbed step run again: never (`false`), from the run's re-runs, or also from the bars' reserve. */
export type Rerun = boolean | "bar";

/**
 * Whether a disturbed step may run again, spending one re-run: any step from the run's re-runs; a
 * step a bar is judged on (`"bar"`) from the reserve kept for those once the others are gone.
 */
export function spendRerun(budget: RunBudget, kind: Rerun): boolean {
  if (kind === false) return false;
  if (budget.reruns > 0) {
    budget.reruns -= 1;
    return true;
  }
  if (kind === "bar" && budget.barReruns > 0) {
    budget.barReruns -= 1;
    return true;
  }
  return false;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  run(ctx: Context): Promise<ScenarioOutput>;
}

let sessions = 0;

/** Writes the pipeline, starts `sluice run` on it, runs `fn`, and always stops and cleans up. */
export async function withSluice<T>(
  ctx: Context,
  storage: Storage,
  pipeline: PipelineSpec,
  fn: (sluice: ProcessHandle) => Promise<T>,
  extraArgs: readonly string[] = [],
): Promise<T> {
  const dir = join(ctx.workDir, `s${++sessions}`);
  const manifests = writePipeline(join(dir, "manifests"), pipeline);
  const dataDir = join(dir, "data");
  const sluice = await startSluice({
    manifests,
    storage,
    dataDir,
    extraArgs,
    nodeArgs: ctx.sluiceNodeArgs,
  });
  try {
    return await fn(sluice);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nsluice stderr:\n${sluice.stderrTail()}`, { cause: error });
  } finally {
    await sluice.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function withBaseline<T>(
  kind: BaselineKind,
  sinkUrls: readonly string[],
  fn: (baseline: ProcessHandle) => Promise<T>,
): Promise<T> {
  const baseline = await startBaseline(kind, sinkUrls);
  try {
    return await fn(baseline);
  } finally {
    await baseline.close();
  }
}

export interface RampTarget {
  readonly label: string;
  readonly url: string;
  readonly process?: ProcessHandle;
  /** The figure of the latest results file, if any: the search starts just below it. */
  readonly hint: number | undefined;
  /** Where to start without a hint (the search then doubles/halves). */
  readonly startRate: number;
  readonly payloadBytes: number;
  readonly expectPaths: readonly string[];
  readonly routes?: Routes;
  readonly attributes?: (seq: number) => Readonly<Record<string, string>>;
  readonly maxSteps?: number;
  readonly maxRate?: number;
  /**
   * This run's maximum of a baseline that does a part of the target's work (B0's null broker for
   * B1, the null ingress for B4, the null broker fanning out to the same paths for B3): a hinted
   * start above it is brought down to it (`rampStart`). Not a limit on what the ramp may find.
   */
  readonly ceiling?: number | undefined;
  /** Where the ramp stands among its scenario's ramps (lib/pace.ts); alone when absent. */
  readonly part?: Part;
  /** Time to keep for what the scenario does after its ramps. */
  readonly reserveMs?: number;
  /** Repeat the maximum's step before taking it (lib/ramp.ts `confirm`). */
  readonly confirm?: boolean;
}

/**
 * One step with the profile's quiet-machine wait; a step disturbed by other work on the machine
 * or by the hypervisor (see `disturbedBy`) is run once more and the second result kept.
 */
export async function measureStep(
  ctx: Context,
  url: string,
  step: Step,
  process?: ProcessHandle,
  rerun: Rerun = true,
): Promise<StepResult> {
  const run = async (waitMs: number) => {
    const r = await runStep(
      url,
      ctx.sink,
      { quietWaitMs: Math.min(waitMs, ctx.budget.quietMs), ...step },
      process,
    );
    ctx.budget.quietMs = Math.max(0, ctx.budget.quietMs - (r.quiet?.waitedMs ?? 0));
    return r;
  };
  const first = await run(ctx.profile.quietWaitMs);
  const reason = disturbedBy(first.machine, ctx.profile);
  if (reason === undefined || !spendRerun(ctx.budget, rerun)) return first;
  ctx.log(`    (${reason} during the step: running it again)`);
  const second = await run(ctx.profile.quietWaitMs * 2);
  return {
    ...second,
    rerunOf: {
      foreignPct: first.machine?.foreignPct ?? 0,
      stealPct: first.machine?.stealPct ?? 0,
      endToEnd: first.endToEnd,
    },
  };
}

/**
 * Why a step's figures are the machine's rather than Sluice's, or `undefined`: other processes
 * took more than the profile's share of the CPU, or the hypervisor did (steal: the vCPUs were
 * ready to run and the host ran someone else; a ramp step that lost 11.5% of the machine that way
 * failed at a rate its neighbours sustained).
 */
export function disturbedBy(
  machine: CpuShare | undefined,
  limits: Pick<Profile, "rerunForeignPct" | "rerunStealPct">,
): string | undefined {
  const foreign = machine?.foreignPct ?? 0;
  if (foreign > limits.rerunForeignPct) return `other work took ${foreign}% of the machine`;
  const steal = machine?.stealPct ?? 0;
  if (steal > limits.rerunStealPct) return `the hypervisor took ${steal}% of the machine (steal)`;
  return undefined;
}

/** B1-style maximum sustainable throughput search against one target, logged step by step. */
export async function rampTarget(ctx: Context, t: RampTarget): Promise<RampResult> {
  const p = ctx.profile.ramp;
  const part = t.part ?? { forBar: false, barAfter: 0, otherAfter: 0 };
  const budgetMs = ctx.pace.partMs(part, p.minBudgetMs, p.budgetMs, t.reserveMs ?? 0);
  const r = await ramp({
    ...rampStart(t),
    minRate: 50,
    maxRate: t.maxRate ?? 40_000,
    maxSteps: t.maxSteps ?? p.maxSteps,
    resolution: p.resolution,
    budgetMs,
    step: (rate) => rampStep(ctx, t, rate),
    onStep: (s) => ctx.log(stepLine(t.label, s.rate, s.reasons, s.result)),
    confirm: t.confirm ?? false,
  });
  if (r.confirmed === false && r.maxRate !== undefined)
    ctx.log(`    (${t.label}: max ${r.maxRate} not confirmed by a second step at that rate)`);
  if (r.outOfTime) {
    const fail = r.steps.filter((s) => !s.pass && s.rate > (r.maxRate ?? 0)).map((s) => s.rate);
    const bracket = fail.length === 0 ? "no step above it failed" : `lowest fail ${Math.min(...fail)}`;
    const line = `${t.label}: ramp stopped by its ${Math.round(budgetMs / 1000)} s budget after ${r.steps.length} steps (max ${r.maxRate ?? "none"}, ${bracket})`;
    ctx.log(`    (${line})`);
    ctx.pace.cut(line);
  }
  return r;
}

/**
 * Where a ramp starts, and how fast it grows: without a hint at `startRate`, doubling; with one,
 * just below it in small steps, which find the knee again. A hint is the last run's maximum scaled
 * by how the two runs' null brokers compare (lib/hints.ts), and that reference is itself one
 * ramp's maximum on a guest whose speed swings: a previous null broker read at half its speed
 * (5,100 ev/s, 2026-12-04 05:56) scaled every hint of the next run by 2.16, whose ramps then
 * started at two to three times their knees (the embedded broker at 14,800 ev/s where it held
 * 6,400; 1 trigger of B4 at 40,000, the null ingress's maximum being 23,800), and an overloaded
 * first step is the slowest of a ramp and leaves it walking down. So a hint above the target's
 * ceiling is brought down to it.
 */
export function rampStart(t: Pick<RampTarget, "hint" | "startRate" | "ceiling">): {
  startRate: number;
  growth: number;
} {
  if (t.hint === undefined) return { startRate: t.startRate, growth: 2 };
  return { startRate: Math.min(t.hint, t.ceiling ?? Number.POSITIVE_INFINITY) * 0.9, growth: 1.3 };
}

export interface RoundLimits {
  readonly max: number;
  readonly min: number;
  /** Time to keep for what the scenario does after its rounds. */
  readonly reserveMs?: number;
  /**
   * While `undecided()` says the rounds so far decide nothing: rounds up to `max` run whatever the
   * time, and more, up to `upTo`, time permitting (as any round after `min`).
   */
  readonly tieBreak?: { readonly upTo: number; readonly undecided: () => boolean };
}

/**
 * Runs `round` for rounds 1 to `max`; fewer when the run is behind schedule (lib/pace.ts), but never
 * fewer than `min`: another starts only while a round as long as the median of those so far, and
 * `reserveMs` for the rest of the scenario, still fit. With `tieBreak`, rounds up to `max` are not
 * cut while the rounds so far are undecided — time may cut a check that has its verdict, not one
 * that has none (B4 at 2026-12-03 22:59 was cut to two rounds, one for and one against, and a tie
 * is a miss: the clock decided the bar). Then more, past `max`, while the rounds are undecided and
 * time allows. Returns how many ran.
 *
 * The median, not the longest: a round whose steps were run again (the hypervisor took CPU:
 * Method) takes up to twice as long, and the longest used to end B5 at three of five rounds with
 * 71 s of its time unused and the run 155 s under its 20 minutes (2026-12-03 11:43: its first
 * round, four steps run again, took 80 s, the others 35–44 s).
 */
export async function inRounds(
  ctx: Context,
  what: string,
  limits: RoundLimits,
  round: (n: number) => Promise<void>,
): Promise<number> {
  const { pace } = ctx;
  const took: number[] = [];
  const fits = (least: number) => pace.anotherRound(took.length, least, median(took), limits.reserveMs);
  const next = async () => {
    const started = pace.now();
    await round(took.length + 1);
    took.push(pace.now() - started);
  };
  const tie = limits.tieBreak;
  while (took.length < limits.max && (fits(limits.min) || tie?.undecided() === true)) await next();
  if (took.length < limits.max) {
    const line = `${what}: ${took.length} of ${limits.max} rounds, to keep the run's time`;
    ctx.log(`    (${line})`);
    pace.cut(line);
    return took.length;
  }
  while (tie !== undefined && took.length < tie.upTo && tie.undecided()) {
    if (!fits(0)) {
      const line = `${what}: undecided after ${took.length} rounds, no time for another`;
      ctx.log(`    (${line})`);
      pace.cut(line);
      break;
    }
    ctx.log(`    (${what}: undecided after ${took.length} rounds, one more)`);
    await next();
  }
  return took.length;
}

/**
 * One step of a ramp at `rate`, as the ramp measures it (also for checking a bar at one rate);
 * `warmupMs` replaces the profile's warm-up (B4's check warms up each fresh process longer).
 */
export function rampStep(
  ctx: Context,
  t: RampTarget,
  rate: number,
  rerun: Rerun = true,
  warmupMs = ctx.profile.ramp.warmupMs,
): Promise<StepResult> {
  const p = ctx.profile.ramp;
  return measureStep(
    ctx,
    t.url,
    {
      rate,
      warmupMs,
      durationMs: p.durationMs,
      payloadBytes: t.payloadBytes,
      expectPaths: t.expectPaths,
      drainMs: 15_000,
      stallMs: 3_000,
      connections: rate > 4000 ? 128 : 64,
      ...(t.routes === undefined ? {} : { routes: t.routes }),
      ...(t.attributes === undefined ? {} : { attributes: t.attributes }),
    },
    t.process,
    rerun,
  );
}

/** A ramp step (or a step like one) for the progress log: its rate, verdict and figures. */
export function stepLine(label: string, rate: number, reasons: readonly string[], r: StepResult): string {
  return `  ${label} @${rate}/s: ${reasons.length === 0 ? "ok" : reasons.join("; ")} ${brief(r)}`;
}

/** One line of a step for the progress log. */
export function brief(r: StepResult): string {
  return (
    `[acc ${r.acceptedRate}/s, dlv ${r.deliveredRate}/s, e2e p50 ${r.endToEnd.p50} p99 ${r.endToEnd.p99} ms, ` +
    `pub p99 ${r.publish.p99} ms, lost ${r.lost}, dup ${r.duplicates}, cpu ${r.cpu.brokerUsPerEvent ?? "-"} (sys ${r.cpu.brokerSysUsPerEvent ?? "-"}) µs/ev, ` +
    `gen ${r.cpu.generatorUsPerEvent ?? "-"} µs/ev (late p99 ${r.sendDelayP99Ms} ms), sink ${r.cpu.sinkUsPerDelivery ?? "-"} µs/dlv, ` +
    `steal ${r.machine?.stealPct ?? "-"}%, foreign ${r.machine?.foreignPct ?? "-"}%]`
  );
}

/** A step without its timeline and with rounded numbers: what goes into the results file. */
export function compact(r: StepResult, keepTimeline = false): Partial<StepResult> {
  const { timeline, histograms: _, ...rest } = r;
  return keepTimeline ? { ...rest, timeline } : rest;
}

export function compactRamp(r: RampResult): object {
  return {
    maxRate: r.maxRate,
    ...(r.confirmed === undefined ? {} : { confirmed: r.confirmed }),
    steps: r.steps.map((s) => ({ rate: s.rate, pass: s.pass, reasons: s.reasons, ...compact(s.result) })),
  };
}

export function seriesOf(name: string, r: RampResult): Series {
  const points = r.steps
    .map((s) => ({
      rate: s.rate,
      p50: s.result.endToEnd.p50 || s.result.publish.p50,
      p99: s.result.endToEnd.p99 || s.result.publish.p99,
      p999: s.result.endToEnd.p999 || s.result.publish.p999,
    }))
    .sort((a, b) => a.rate - b.rate);
  return { name, points };
}

/** Lost and duplicated deliveries over Sluice's steps, for the "zero lost" bar of the whole run. */
export function tally(...steps: readonly (StepResult | RampResult | undefined)[]): {
  lost: number;
  duplicates: number;
} {
  let lost = 0;
  let duplicates = 0;
  for (const s of steps) {
    if (s === undefined) continue;
    for (const r of "steps" in s ? s.steps.map((x) => x.result) : [s]) {
      lost += r.lost;
      duplicates += r.duplicates;
    }
  }
  return { lost, duplicates };
}

/** "not confirmed by a second step; " for a confirming ramp whose time ran out before the repeat. */
export function unconfirmed(r: RampResult): string {
  return r.confirmed === false && r.maxRate !== undefined ? "not confirmed by a second step; " : "";
}

/** "; other work 35% of the machine" (or steal) when a step was disturbed enough to doubt it. */
export function disturbance(r: StepResult): string {
  const foreign = r.machine?.foreignPct ?? 0;
  const steal = r.machine?.stealPct ?? 0;
  return (
    (foreign >= 10 ? `; other work ${foreign}% of the machine` : "") +
    (steal >= 5 ? `; steal ${steal}% of the machine` : "")
  );
}
