import { readFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
}

export function machineInfo(): MachineInfo {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return {
    cpuModel: model.trim(),
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

/** Aggregate CPU tick counters of the whole machine (the `cpu` line of /proc/stat). */
export interface CpuTicks {
  readonly total: number;
  readonly idle: number;
  readonly steal: number;
}

export function cpuTicks(): CpuTicks | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { total, idle: (f[3] ?? 0) + (f[4] ?? 0), steal: f[7] ?? 0 };
  } catch {
    return undefined;
  }
}

export interface CpuShare {
  /** Share of the machine's CPU time in use (all processes), percent. */
  readonly busyPct: number;
  /**
   * Busy share not used by the benchmark's own processes, percent: other work on a shared machine.
   * Steps with a high figure here are noise, not Sluice.
   */
  readonly foreignPct?: number;
  /** Share stolen by the hypervisor, percent: high steal makes tails noisy. */
  readonly stealPct: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** `ownCpuMs`: CPU time the benchmark's processes used over the same interval. */
export function cpuShare(
  before: CpuTicks | undefined,
  after: CpuTicks | undefined,
  ownCpuMs?: number,
): CpuShare | undefined {
  if (before === undefined || after === undefined) return undefined;
  const total = after.total - before.total;
  if (total <= 0) return undefined;
  const pct = (x: number) => Math.round((x / total) * 1000) / 10;
  const busy = pct(total - (after.idle - before.idle) - (after.steal - before.steal));
  return {
    busyPct: busy,
    stealPct: pct(after.steal - before.steal),
    ...(ownCpuMs === undefined
      ? {}
      : { foreignPct: Math.max(0, Math.round((busy - pct(ownCpuMs / TICK_MS)) * 10) / 10) }),
  };
}

export interface QuietWait {
  readonly waitedMs: number;
  /** Machine busy share in the last sampled window, percent. */
  readonly busyPct: number | undefined;
}

/**
 * On a machine shared with other work, waits (bounded) until the whole machine is nearly idle
 * before a step starts, so the step measures Sluice and not a neighbour's compiler.
 */
export async function waitForQuiet(
  maxBusyPct: number,
  maxWaitMs: number,
  windowMs = 500,
): Promise<QuietWait> {
  const started = Date.now();
  let busy: number | undefined;
  do {
    const before = cpuTicks();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    busy = cpuShare(before, cpuTicks())?.busyPct;
    if (busy === undefined || busy <= maxBusyPct) break;
  } while (Date.now() - started < maxWaitMs);
  return { waitedMs: Date.now() - started, busyPct: busy };
}
