import type { PacePlan } from "./pace.js";

/** How long each kind of step runs, and which variants a profile covers. */
export interface Profile {
  readonly name: "full" | "quick";
  /** The scenarios the profile runs when no --only is given. */
  readonly scenarios: readonly string[];
  /** Longest wait for a quiet machine before each step (the machine may be shared). */
  readonly quietWaitMs: number;
  /** All waits for a quiet machine together, so a busy machine cannot stretch the run without end. */
  readonly quietBudgetMs: number;
  /** Re-runs (at most once) a step whose machine was this busy with other work, percent. */
  readonly rerunForeignPct: number;
  /**
   * Re-runs (at most once) a step during which the hypervisor took this share of the machine
   * (steal), percent: the vCPUs wanted to run and someone else's work ran instead.
   */
  readonly rerunStealPct: number;
  /** At most this many re-runs per run. */
  readonly maxReruns: number;
  /**
   * Re-runs kept back for the steps a bar is judged on (B2's rounds at 1,000 ev/s, B4's check
   * rounds, B5's rounds), once the others (mostly ramp steps, which come first) have spent
   * `maxReruns`: otherwise a noisy start of the run leaves a disturbed bar step standing.
   */
  readonly barReruns: number;
  /** The run's wall-clock budget and each scenario's planned time (lib/pace.ts). */
  readonly plan: PacePlan;
  readonly ramp: {
    readonly warmupMs: number;
    readonly durationMs: number;
    readonly maxSteps: number;
    readonly resolution: number;
    readonly budgetMs: number;
    /** The least a ramp gets when the run is behind schedule (two or three steps). */
    readonly minBudgetMs: number;
  };
  /** Fixed-rate latency steps (B2, B5): longer, so p99.9 means something. */
  readonly fixed: { readonly warmupMs: number; readonly durationMs: number };
  readonly backlog: { readonly beforeMs: number; readonly downMs: number; readonly afterMs: number };
  /**
   * B7: half of B1's maximum, then B1's maximum held (the reference: what the broker delivers
   * when offered its maximum for longer than a ramp step), then twice it, then half again.
   */
  readonly overload: {
    readonly beforeMs: number;
    readonly referenceMs: number;
    readonly overloadMs: number;
    readonly afterMs: number;
  };
  readonly b0: {
    readonly payloads: readonly number[];
    readonly direct: boolean;
    readonly nullIngress: boolean;
  };
  readonly b1: { readonly storages: readonly Storage[]; readonly payloads: readonly number[] };
  /**
   * halfOfB1: also measure at 50% of B1's maximum, next to 1,000 ev/s. At 1,000 ev/s every target
   * runs `rounds` interleaved rounds of `roundMs`, pooled (never fewer: they are the bar's).
   */
  readonly b2: {
    readonly storages: readonly Storage[];
    readonly halfOfB1: boolean;
    readonly rounds: number;
    readonly roundMs: number;
  };
  readonly b3: { readonly fanOuts: readonly number[] };
  /**
   * B4: trigger counts, the CESQL variant, and the interleaved rounds (1 trigger, then the largest
   * count, each on a fresh process) of the bar's check at 90% of the 1-trigger maximum; up to
   * `tieRounds` rounds while they are tied (see b4-triggers.ts `undecided`). A run behind
   * schedule cuts the check to `minBarRounds` only when those decide it (lib/session.ts `inRounds`). Each of the check's
   * processes is offered the check's rate for `checkWarmupMs` before its measured step: a fresh
   * `sluice run` costs ~10% more CPU per event in its first 5 s of load than after 10 s.
   */
  readonly b4: {
    readonly counts: readonly number[];
    readonly cesql: boolean;
    readonly barRounds: number;
    readonly minBarRounds: number;
    readonly tieRounds: number;
    readonly checkWarmupMs: number;
  };
  /** B5: modes besides the reference, interleaved rounds (at least `minRounds`), each run's measured time. */
  readonly b5: {
    readonly modes: readonly ("500" | "hang" | "hang-later")[];
    readonly rounds: number;
    readonly minRounds: number;
    readonly durationMs: number;
  };
}

export type Storage = "embedded" | "memory";

export const KB = 1024;

export const PROFILES: Readonly<Record<Profile["name"], Profile>> = {
  full: {
    name: "full",
    scenarios: ["B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7"],
    quietWaitMs: 20_000,
    quietBudgetMs: 60_000,
    rerunForeignPct: 20,
    rerunStealPct: 5,
    maxReruns: 8,
    barReruns: 3,
    // 19 minutes, so the last step that starts in time still ends within 20
    plan: {
      budgetMs: 1_140_000,
      scenarioMs: {
        B0: 150_000,
        B1: 165_000,
        B2: 170_000,
        B3: 125_000,
        B4: 215_000,
        B5: 195_000,
        B6: 50_000,
        B7: 60_000,
      },
    },
    ramp: {
      warmupMs: 1500,
      durationMs: 3500,
      maxSteps: 6,
      resolution: 1.15,
      budgetMs: 60_000,
      minBudgetMs: 15_000,
    },
    fixed: { warmupMs: 2000, durationMs: 8000 },
    backlog: { beforeMs: 5000, downMs: 20_000, afterMs: 20_000 },
    overload: { beforeMs: 5000, referenceMs: 15_000, overloadMs: 20_000, afterMs: 15_000 },
    b0: { payloads: [100, KB, 64 * KB], direct: true, nullIngress: true },
    b1: { storages: ["memory", "embedded"], payloads: [100, KB, 64 * KB] },
    b2: { storages: ["embedded", "memory"], halfOfB1: true, rounds: 3, roundMs: 5000 },
    b3: { fanOuts: [1, 10, 50] },
    b4: {
      counts: [1, 100, 1000, 10_000],
      cesql: true,
      barRounds: 3,
      minBarRounds: 2,
      tieRounds: 5,
      checkWarmupMs: 10_000,
    },
    b5: { modes: ["500", "hang", "hang-later"], rounds: 5, minRounds: 3, durationMs: 6000 },
  },
  quick: {
    name: "quick",
    // the scenarios with a bar of PRODUCT.md §9, shortened
    scenarios: ["B0", "B1", "B2", "B4", "B5", "B7"],
    quietWaitMs: 5_000,
    quietBudgetMs: 20_000,
    rerunForeignPct: 30,
    rerunStealPct: 10,
    maxReruns: 2,
    barReruns: 1,
    plan: {
      budgetMs: 165_000,
      // B4 gets at least what its pace never cuts (b4FloorMs; test/bench-smoke.test.ts checks it)
      scenarioMs: { B0: 20_000, B1: 22_000, B2: 22_000, B4: 64_000, B5: 16_000, B7: 20_000 },
    },
    ramp: {
      warmupMs: 1000,
      durationMs: 2500,
      maxSteps: 4,
      resolution: 1.25,
      budgetMs: 18_000,
      minBudgetMs: 8_000,
    },
    fixed: { warmupMs: 1000, durationMs: 5000 },
    backlog: { beforeMs: 2000, downMs: 5000, afterMs: 5000 },
    overload: { beforeMs: 2000, referenceMs: 5000, overloadMs: 5000, afterMs: 5000 },
    b0: { payloads: [KB], direct: false, nullIngress: false },
    b1: { storages: ["embedded"], payloads: [KB] },
    b2: { storages: ["embedded"], halfOfB1: false, rounds: 1, roundMs: 5000 },
    b3: { fanOuts: [10] },
    b4: {
      counts: [1, 10_000],
      cesql: false,
      barRounds: 1,
      minBarRounds: 1,
      tieRounds: 1,
      checkWarmupMs: 5_000,
    },
    b5: { modes: ["500"], rounds: 1, minRounds: 1, durationMs: 5000 },
  },
};

export function payloadLabel(bytes: number): string {
  return bytes >= KB ? `${bytes / KB} KB` : `${bytes} B`;
}
