import { setTimeout as sleep } from "node:timers/promises";
import { account, type Routes } from "./accounting.js";
import { type GeneratorOptions, type GeneratorResult, type Phase, startGenerator } from "./generator.js";
import type { Histogram, LatencySummary } from "./histogram.js";
import { type CpuShare, cpuShare, cpuTicks, type QuietWait, waitForQuiet } from "./machine.js";
import { type ProcessHandle, type ProcSample, type SinkHandle, sampleSelf } from "./processes.js";

export interface Step {
  readonly rate: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly payloadBytes: number;
  /** Sink paths that receive every accepted event (one per matching trigger). */
  readonly expectPaths: readonly string[];
  /** Per event, the paths it must reach; overrides `expectPaths` (B4: 1% of events match). */
  readonly routes?: Routes;
  /** Paths whose latency makes up `endToEnd` (default: every path events route to). */
  readonly latencyPaths?: readonly string[];
  /** Piecewise rate for the measurement (B7); `rate` is then the warmup rate only. */
  readonly phases?: readonly Phase[];
  readonly attributes?: GeneratorOptions["attributes"];
  /** Longest wait after the last send for owed deliveries to arrive. */
  readonly drainMs?: number;
  /** Stop waiting once nothing arrived for this long (what is missing then is lost). */
  readonly stallMs?: number;
  readonly connections?: number;
  readonly timelineMs?: number;
  /** Runs while load is applied (e.g. take the sink down and up), bounded by the scenario. */
  readonly during?: (elapsedMs: () => number) => Promise<void>;
  /** Longest wait for a quiet machine before the step (0: do not wait). */
  readonly quietWaitMs?: number;
}

export interface TimelinePoint {
  /** ms since the measurement started */
  readonly t: number;
  /** Requests due so far (sent or waiting for a connection at the generator). */
  readonly offered: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Unique deliveries at the sink so far (all paths). */
  readonly delivered: number;
  readonly rssMb: number | undefined;
}

export interface CpuCost {
  /** Broker CPU (µs) per accepted event, including the drain. */
  readonly brokerUsPerEvent: number | undefined;
  /** Of which in the kernel (sockets, file writes, fdatasync). */
  readonly brokerSysUsPerEvent?: number | undefined;
  /** Sink CPU (µs) per delivery. */
  readonly sinkUsPerDelivery: number | undefined;
  /** Load generator CPU (µs) per request sent. */
  readonly generatorUsPerEvent: number | undefined;
}

export interface StepResult {
  readonly offeredRate: number;
  readonly offered: number;
  readonly sent: number;
  readonly accepted: number;
  readonly acceptedRate: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly skipped: number;
  readonly expectedDeliveries: number;
  readonly delivered: number;
  /** Deliveries per second while load was applied (from the first send to the last). */
  readonly deliveredRate: number;
  /** Owed deliveries not yet made when the load stopped. */
  readonly backlogAtEnd: number;
  /** Delivery fell behind acceptance over the second half of the window. */
  readonly backlogGrowing: boolean;
  readonly publish: LatencySummary;
  readonly sendDelayP99Ms: number;
  readonly endToEnd: LatencySummary;
  /** The histograms behind `publish` and `endToEnd`, to pool rounds (not written to results files). */
  readonly histograms: { readonly publish: Histogram; readonly endToEnd: Histogram };
  readonly lost: number;
  readonly duplicates: number;
  readonly misrouted: number;
  readonly unacknowledged: number;
  readonly strays: number;
  readonly drainMs: number;
  readonly cpu: CpuCost;
  readonly rssMb: number | undefined;
  readonly peakRssMb: number | undefined;
  readonly machine: CpuShare | undefined;
  readonly timeline: readonly TimelinePoint[];
  /** How long the step waited for the machine to be quiet, and how busy it was then. */
  readonly quiet: QuietWait | undefined;
  /** Set when this is a second run because other work (or the hypervisor) disturbed the first. */
  readonly rerunOf?: {
    readonly foreignPct: number;
    readonly stealPct: number;
    readonly endToEnd: LatencySummary;
  };
}

let runCounter = 0;

/** Below this whole-machine busy share (percent, all cores) a step may start. */
const QUIET_BUSY_PCT = 15;

/**
 * One measured step: warm up at the rate, let the warmup drain, then apply the rate for the
 * duration while sampling a timeline, wait for owed deliveries, and count: lost (accepted, never
 * delivered), duplicates, misrouted, latencies, CPU and memory. Events of the warmup (or any
 * earlier step) that arrive late are strays, never counted as this step's deliveries.
 */
export async function runStep(
  target: string,
  sink: SinkHandle,
  step: Step,
  broker?: ProcessHandle,
): Promise<StepResult> {
  const routes: Routes = step.routes ?? (() => step.expectPaths);
  const base = {
    url: target,
    rate: step.rate,
    payloadBytes: step.payloadBytes,
    ...(step.attributes === undefined ? {} : { attributes: step.attributes }),
    ...(step.connections === undefined ? {} : { connections: step.connections }),
  };
  const runId = `r${process.pid}x${++runCounter}`;
  const quiet =
    (step.quietWaitMs ?? 0) > 0 ? await waitForQuiet(QUIET_BUSY_PCT, step.quietWaitMs ?? 0) : undefined;
  if (step.warmupMs > 0) {
    await sink.reset(`${runId}w`);
    const warm = await startGenerator({ ...base, runId: `${runId}w`, durationMs: step.warmupMs }).done;
    await waitDelivered(sink, owedCount(warm, routes), Math.min(step.drainMs ?? 10_000, 10_000), 2_000);
  }
  await sink.reset(runId);
  const before = sampleAll(sink, broker);
  const timeline: TimelinePoint[] = [];
  const started = Date.now();
  const generator = startGenerator({
    ...base,
    runId,
    durationMs: step.durationMs,
    ...(step.phases === undefined ? {} : { phases: step.phases }),
  });
  const sampler = setInterval(() => {
    void sink.counts().then((c) => {
      const p = generator.progress();
      const rssMb = broker?.sample().rssMb;
      timeline.push({
        t: Date.now() - started,
        offered: p.due,
        accepted: p.accepted,
        rejected: p.rejected,
        delivered: c.unique,
        rssMb,
      });
    });
  }, step.timelineMs ?? 500);
  const duringDone = step.during?.(() => Date.now() - started);
  const result = await generator.done;
  const atEnd = await sink.counts();
  await duringDone;
  const expected = owedCount(result, routes);
  const drainStart = Date.now();
  await waitDelivered(sink, expected, step.drainMs ?? 15_000, step.stallMs ?? 5_000);
  const drainMs = Date.now() - drainStart;
  clearInterval(sampler);
  const after = sampleAll(sink, broker);
  const report = await sink.report();
  const acc = account(result, report, routes, step.latencyPaths);
  const peak = Math.max(0, ...timeline.map((p) => p.rssMb ?? 0), after.broker?.rssMb ?? 0);
  return {
    offeredRate: Math.round(result.offered / (durationOf(step) / 1000)),
    offered: result.offered,
    sent: result.sent,
    accepted: result.acceptedCount,
    acceptedRate: Math.round(result.acceptedCount / (result.elapsedMs / 1000)),
    statuses: result.statuses,
    errors: result.errors,
    skipped: result.skipped,
    expectedDeliveries: acc.expected,
    delivered: acc.delivered,
    deliveredRate: Math.round(atEnd.unique / (result.elapsedMs / 1000)),
    backlogAtEnd: Math.max(0, expected - atEnd.unique),
    backlogGrowing: isBacklogGrowing(timeline, expected / Math.max(1, result.acceptedCount)),
    publish: result.latency.summary(),
    sendDelayP99Ms: Math.round(result.sendDelay.quantile(0.99) / 10) / 100,
    endToEnd: acc.latency.summary(),
    histograms: { publish: result.latency, endToEnd: acc.latency },
    lost: acc.lost,
    duplicates: acc.duplicates,
    misrouted: acc.misrouted,
    unacknowledged: acc.unacknowledged,
    strays: report.strays,
    drainMs,
    cpu: cpuCost(before, after, result, acc.delivered),
    rssMb: after.broker?.rssMb,
    peakRssMb: broker === undefined ? undefined : peak,
    machine: cpuShare(before.ticks, after.ticks, ownCpuMs(before, after)),
    timeline,
    quiet,
  };
}

function durationOf(step: Step): number {
  return step.phases === undefined ? step.durationMs : step.phases.reduce((a, p) => a + p.durationMs, 0);
}

interface Samples {
  readonly broker: ProcSample | undefined;
  readonly sink: ProcSample;
  readonly self: ProcSample;
  readonly ticks: ReturnType<typeof cpuTicks>;
}

function sampleAll(sink: SinkHandle, broker: ProcessHandle | undefined): Samples {
  return { broker: broker?.sample(), sink: sink.sample(), self: sampleSelf(), ticks: cpuTicks() };
}

function cpuCost(before: Samples, after: Samples, result: GeneratorResult, delivered: number): CpuCost {
  const per = (a: ProcSample | undefined, b: ProcSample | undefined, n: number) =>
    a === undefined || b === undefined || n <= 0 ? undefined : Math.round(((b.cpuMs - a.cpuMs) * 1000) / n);
  return {
    brokerUsPerEvent: per(before.broker, after.broker, result.acceptedCount),
    brokerSysUsPerEvent: per(
      before.broker && { ...before.broker, cpuMs: before.broker.sysMs },
      after.broker && { ...after.broker, cpuMs: after.broker.sysMs },
      result.acceptedCount,
    ),
    sinkUsPerDelivery: per(before.sink, after.sink, delivered),
    generatorUsPerEvent: per(before.self, after.self, result.sent),
  };
}

function ownCpuMs(before: Samples, after: Samples): number {
  const d = (a: ProcSample | undefined, b: ProcSample | undefined) =>
    a === undefined || b === undefined ? 0 : b.cpuMs - a.cpuMs;
  return d(before.broker, after.broker) + d(before.sink, after.sink) + d(before.self, after.self);
}

function owedCount(result: GeneratorResult, routes: Routes): number {
  let n = 0;
  for (let i = 0; i < result.accepted.length; i++) {
    if (result.accepted[i] === 1) n += routes(result.firstSeq + i).length;
  }
  return n;
}

/**
 * Compares acceptance and delivery over the second half of the timeline: a backlog that keeps
 * growing means the rate is not sustainable even if the latency of what did arrive looks fine.
 * A 3% margin (plus a few events) absorbs deliveries still in flight at either end.
 */
function isBacklogGrowing(timeline: readonly TimelinePoint[], fanOut: number): boolean {
  if (timeline.length < 4) return false;
  const mid = timeline[Math.floor(timeline.length / 2)] as TimelinePoint;
  const end = timeline[timeline.length - 1] as TimelinePoint;
  const owedDelta = (end.accepted - mid.accepted) * fanOut;
  const deliveredDelta = end.delivered - mid.delivered;
  return owedDelta - deliveredDelta > owedDelta * 0.03 + 20 * Math.max(1, fanOut);
}

/** Waits until `count` unique deliveries arrived, nothing arrived for `stallMs`, or `timeoutMs`. */
async function waitDelivered(
  sink: SinkHandle,
  count: number,
  timeoutMs: number,
  stallMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let movedAt = Date.now();
  while (Date.now() < deadline) {
    const { unique } = await sink.counts();
    if (unique >= count) return;
    if (unique !== last) {
      last = unique;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs) return;
    await sleep(50);
  }
}
