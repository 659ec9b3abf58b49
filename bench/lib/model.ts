import type { MachineInfo } from "./machine.js";

/** One figure of the report, next to the baseline measured in the same run. */
export interface Figure {
  readonly variant: string;
  readonly metric: string;
  readonly value: number | string;
  readonly unit?: string;
  readonly baseline?: { readonly name: string; readonly value: number };
  readonly note?: string;
}

/** A bar of PRODUCT.md §9 and what this run measured against it. */
export interface BarCheck {
  readonly bar: string;
  readonly measured: string;
  /** undefined: not judged in this run (not measured, or what was measured cannot say). */
  readonly pass: boolean | undefined;
}

/** Latency percentiles against offered rate, for the chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly { rate: number; p50: number; p99: number; p999: number }[];
}

export interface ScenarioReport {
  readonly id: string;
  readonly title: string;
  readonly durationS: number;
  readonly figures: readonly Figure[];
  readonly bars: readonly BarCheck[];
  readonly series: readonly Series[];
  readonly notes: readonly string[];
  /** Per step figures, for whoever wants to dig (kept small: no timelines unless needed). */
  readonly details: unknown;
  /** Figures later scenarios build on (e.g. B1's maximum rate), by name. */
  readonly exports: Readonly<Record<string, number>>;
}

export interface ResultsFile {
  readonly version: 1;
  readonly profile: string;
  readonly only: readonly string[] | undefined;
  readonly machine: MachineInfo & { readonly stealPct?: number; readonly busyPct?: number };
  readonly commit: string;
  readonly startedAt: string;
  readonly durationS: number;
  /** The time budget the run planned to (absent in files from before it had one). */
  readonly budgetS?: number;
  /** What the run spent waiting for a quiet machine, and how many disturbed steps it ran again. */
  readonly noise: { readonly quietWaitS: number; readonly reruns: number };
  readonly scenarios: readonly ScenarioReport[];
}
