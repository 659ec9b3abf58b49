import type { StepResult } from "./measure.js";

/** The bar a step must meet to count as sustainable (the B1 definition). */
export interface Slo {
  readonly p99Ms: number;
  /** Smallest accepted share of the offered events (0.99: fewer than 1% refused or failed). */
  readonly minAcceptedShare: number;
}

export const DEFAULT_SLO: Slo = { p99Ms: 100, minAcceptedShare: 0.99 };

/** Why a step is not sustainable; empty when it is. */
export function verdict(r: StepResult, slo: Slo = DEFAULT_SLO): string[] {
  const reasons: string[] = [];
  // with nothing to deliver (the null ingress), the response time is the latency
  const [kind, p99] = r.expectedDeliveries > 0 ? ["e2e", r.endToEnd.p99] : ["publish", r.publish.p99];
  if (p99 > slo.p99Ms) reasons.push(`${kind} p99 ${p99} ms > ${slo.p99Ms} ms`);
  if (r.accepted < r.offered * slo.minAcceptedShare)
    reasons.push(`accepted ${r.accepted}/${r.offered} (< ${slo.minAcceptedShare * 100}%)`);
  if ((r.statuses["429"] ?? 0) > 0) reasons.push(`${r.statuses["429"]} × 429`);
  if (r.backlogGrowing) reasons.push("backlog growing");
  // an event dropped (the null broker sheds load beyond its in-flight cap) is not a rate sustained
  if (r.lost > 0) reasons.push(`${r.lost} lost`);
  return reasons;
}

export interface RampStep {
  readonly rate: number;
  readonly pass: boolean;
  readonly reasons: readonly string[];
  readonly result: StepResult;
}

export interface RampResult {
  /** Highest offered rate that met the SLO (undefined when even the lowest failed). */
  readonly maxRate: number | undefined;
  /** The step at `maxRate`. */
  readonly best: StepResult | undefined;
  readonly steps: readonly RampStep[];
  /** The budget ran out before the search was done (the maximum is then a coarser bracket). */
  readonly outOfTime: boolean;
  /** With `confirm`: the maximum passed a second step at its rate (false when time ran out first). */
  readonly confirmed?: boolean;
}

export interface RampOptions {
  readonly startRate: number;
  /** Factor to go up (or down) by until the first pass and the first fail are found. */
  readonly growth: number;
  readonly minRate: number;
  readonly maxRate: number;
  readonly maxSteps: number;
  /** Stop once the lowest failing rate is within this factor of the highest passing one (e.g. 1.15). */
  readonly resolution: number;
  readonly slo?: Slo;
  /** Wall-clock budget; no new step starts after it. */
  readonly budgetMs: number;
  readonly step: (rate: number) => Promise<StepResult>;
  readonly onStep?: (step: RampStep) => void;
  /**
   * Before taking the maximum, run its rate once more: near saturation a single step can pass at
   * a rate its neighbours fail (one B4 ramp passed 21,100 ev/s between fails at 22,900 and above,
   * and its broker then held 90% of that in none of the check's rounds). When the repeat fails,
   * that rate becomes the lowest fail and the search goes on below it.
   */
  readonly confirm?: boolean;
}

/**
 * Maximum sustainable throughput search: grow from the start rate while steps pass (shrink
 * while they fail), then bisect geometrically between the highest pass and the lowest fail.
 * Bounded in rate and time; `maxSteps` bounds the steps once a pass and a fail bracket the knee,
 * so a start far below it (a stale hint) still reaches it; a small growth factor speeds up (growth, growth², … up to 2×)
 * while no step fails, so that costs only a few steps.
 */
export async function ramp(options: RampOptions): Promise<RampResult> {
  const steps: RampStep[] = [];
  const deadline = Date.now() + options.budgetMs;
  let lo: RampStep | undefined;
  let hi: number | undefined;
  let bracketed = 0;
  let growth = options.growth;
  let rate = clamp(options.startRate, options);
  // confirming may take up to two more steps than the bisection alone
  const maxBracketed = options.maxSteps + (options.confirm ? 2 : 0);
  while (bracketed < maxBracketed) {
    if (Date.now() >= deadline) return { ...result(lo, steps, options), outOfTime: true };
    const measured = await options.step(rate);
    const reasons = verdict(measured, options.slo);
    const step: RampStep = { rate, pass: reasons.length === 0, reasons, result: measured };
    steps.push(step);
    options.onStep?.(step);
    if (step.pass) lo = step;
    else hi = rate;
    if (lo !== undefined && hi !== undefined) bracketed += 1;
    else if (steps.length >= 2) growth = Math.min(growth * options.growth, Math.max(options.growth, 2));
    // a repeat of the maximum failed: the highest pass below it leads the search again
    if (options.confirm && !step.pass && lo !== undefined && lo.rate >= rate) lo = passBelow(steps, rate);
    let next = nextRate(lo?.rate, hi, growth, options);
    if (next !== undefined && lo === undefined && !step.pass)
      next = towardsHandled(next, rate, measured, options);
    if (next === undefined && options.confirm && lo !== undefined && !passedTwice(steps, lo.rate))
      next = lo.rate;
    if (next === undefined) break;
    rate = next;
  }
  return { ...result(lo, steps, options), outOfTime: false };
}

function result(lo: RampStep | undefined, steps: RampStep[], o: RampOptions): Omit<RampResult, "outOfTime"> {
  const found = { maxRate: lo?.rate, best: lo?.result, steps };
  return o.confirm ? { ...found, confirmed: lo !== undefined && passedTwice(steps, lo.rate) } : found;
}

/** The highest passing step below `rate`. */
function passBelow(steps: readonly RampStep[], rate: number): RampStep | undefined {
  let best: RampStep | undefined;
  for (const s of steps) if (s.pass && s.rate < rate && (best === undefined || s.rate > best.rate)) best = s;
  return best;
}

function passedTwice(steps: readonly RampStep[], rate: number): boolean {
  return steps.filter((s) => s.pass && s.rate === rate).length >= 2;
}

function nextRate(
  lo: number | undefined,
  hi: number | undefined,
  growth: number,
  o: RampOptions,
): number | undefined {
  if (hi === undefined) {
    // everything passed so far
    const up = clamp((lo ?? o.startRate) * growth, o);
    return up === lo ? undefined : up;
  }
  if (lo === undefined) {
    const down = clamp(hi / growth, o);
    return down === hi ? undefined : down;
  }
  if (hi / lo <= o.resolution) return undefined;
  const mid = clamp(Math.sqrt(lo * hi), o);
  return mid <= lo || mid >= hi ? undefined : mid;
}

/**
 * While no step has passed, a failing step also says how many events per second the target did
 * handle while overloaded: stepping down to that (never more than 4× at once) skips the overloaded
 * steps in between, the slowest of a ramp (each drains a backlog), when the start was a stale hint
 * from a faster machine. The bisection that follows is unchanged, so the maximum found is too.
 */
function towardsHandled(next: number, rate: number, r: StepResult, o: RampOptions): number {
  const fanOut = r.accepted > 0 ? r.expectedDeliveries / r.accepted : 0;
  const handled = fanOut > 0 ? Math.min(r.acceptedRate, r.deliveredRate / fanOut) : r.acceptedRate;
  return handled < next ? clamp(Math.max(handled, rate / 4), o) : next;
}

function clamp(rate: number, o: RampOptions): number {
  const rounded = rate >= 1000 ? Math.round(rate / 100) * 100 : Math.round(rate / 10) * 10;
  return Math.min(o.maxRate, Math.max(o.minRate, rounded));
}
