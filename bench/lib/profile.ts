/** How long each kind of step runs, and which variants a profile covers. */
export interface Profile {
  readonly name: "full" | "quick";
  /** Longest wait for a quiet machine before each step (the machine may be shared). */
  readonly quietWaitMs: number;
  /** Re-runs (at most once) a step whose machine was this busy with other work, percent. */
  readonly rerunForeignPct: number;
  readonly ramp: {
    readonly warmupMs: number;
    readonly durationMs: number;
    readonly maxSteps: number;
    readonly resolution: number;
    readonly budgetMs: number;
  };
  /** Fixed-rate latency steps (B2, B5): longer, so p99.9 means something. */
  readonly fixed: { readonly warmupMs: number; readonly durationMs: number };
  readonly backlog: { readonly beforeMs: number; readonly downMs: number; readonly afterMs: number };
  readonly overload: { readonly beforeMs: number; readonly overloadMs: number; readonly afterMs: number };
  readonly b0: {
    readonly payloads: readonly number[];
    readonly direct: boolean;
    readonly nullIngress: boolean;
  };
  readonly b1: { readonly storages: readonly Storage[]; readonly payloads: readonly number[] };
  readonly b2: { readonly storages: readonly Storage[] };
  readonly b3: { readonly fanOuts: readonly number[] };
  readonly b4: { readonly counts: readonly number[]; readonly cesql: boolean };
  readonly b5: { readonly modes: readonly ("500" | "hang")[] };
}

export type Storage = "embedded" | "memory";

export const KB = 1024;

export const PROFILES: Readonly<Record<Profile["name"], Profile>> = {
  full: {
    name: "full",
    quietWaitMs: 30_000,
    rerunForeignPct: 20,
    ramp: { warmupMs: 1500, durationMs: 4000, maxSteps: 7, resolution: 1.15, budgetMs: 75_000 },
    fixed: { warmupMs: 2000, durationMs: 10_000 },
    backlog: { beforeMs: 5000, downMs: 20_000, afterMs: 20_000 },
    overload: { beforeMs: 5000, overloadMs: 20_000, afterMs: 15_000 },
    b0: { payloads: [100, KB, 64 * KB], direct: true, nullIngress: true },
    b1: { storages: ["memory", "embedded"], payloads: [100, KB, 64 * KB] },
    b2: { storages: ["embedded", "memory"] },
    b3: { fanOuts: [1, 10, 50] },
    b4: { counts: [1, 100, 1000, 10_000], cesql: true },
    b5: { modes: ["500", "hang"] },
  },
  quick: {
    name: "quick",
    quietWaitMs: 5_000,
    rerunForeignPct: 30,
    ramp: { warmupMs: 1000, durationMs: 2500, maxSteps: 5, resolution: 1.25, budgetMs: 30_000 },
    fixed: { warmupMs: 1000, durationMs: 5000 },
    backlog: { beforeMs: 2000, downMs: 5000, afterMs: 5000 },
    overload: { beforeMs: 2000, overloadMs: 5000, afterMs: 5000 },
    b0: { payloads: [KB], direct: false, nullIngress: false },
    b1: { storages: ["embedded"], payloads: [KB] },
    b2: { storages: ["embedded"] },
    b3: { fanOuts: [10] },
    b4: { counts: [1, 10_000], cesql: false },
    b5: { modes: ["500"] },
  },
};

export function payloadLabel(bytes: number): string {
  return bytes >= KB ? `${bytes / KB} KB` : `${bytes} B`;
}
