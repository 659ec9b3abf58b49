import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Histogram } from "./histogram.js";

export const REPO_ROOT = new URL("../../", import.meta.url).pathname;
export const CLI = join(REPO_ROOT, "packages/cli/bin/sluice.js");
const TSX = ["--conditions=development", "--import", "tsx"];
const RPC_TIMEOUT_MS = 30_000;

// Children still running when the bench exits (an error, Ctrl-C) are killed with it.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

interface Rpc {
  call<T>(message: object): Promise<T>;
}

function rpc(child: ChildProcess): Rpc {
  let next = 0;
  const pending = new Map<number, (value: unknown) => void>();
  child.on("message", (m: { id?: number }) => {
    if (m.id !== undefined) {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    }
  });
  return {
    call: (message) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no answer to ${JSON.stringify(message)} within ${RPC_TIMEOUT_MS} ms`));
        }, RPC_TIMEOUT_MS);
        pending.set(id, (value) => {
          clearTimeout(timer);
          resolve(value as never);
        });
        child.send({ ...message, id });
      }),
  };
}

function waitReady(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`process exited early with ${code}`)));
    child.on("message", (m: { ready?: boolean; port?: number }) => {
      if (m.ready) resolve(m.port ?? 0);
    });
  });
}

function exitOf(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface PathReport {
  readonly unique: number;
  readonly duplicates: number;
  readonly latency: Histogram;
  /** Sequence numbers received on this path (unordered, unique). */
  readonly seqs: Uint32Array;
}

export interface SinkReport {
  readonly paths: Map<string, PathReport>;
  readonly strays: number;
  readonly refused: number;
}

export interface SinkCounts {
  readonly unique: number;
  readonly duplicates: number;
  readonly strays: number;
  readonly refused: number;
  readonly hung: number;
}

export interface SinkHandle {
  readonly port: number;
  readonly pid: number;
  url(path?: string): string;
  mode(path: string, mode: "ok" | "discard" | "500" | "hang"): Promise<void>;
  down(): Promise<void>;
  up(): Promise<void>;
  counts(): Promise<SinkCounts>;
  report(): Promise<SinkReport>;
  /** Forgets everything and counts only events whose id starts with `${runId}-`. */
  reset(runId: string): Promise<void>;
  sample(): ProcSample;
  close(): Promise<void>;
}

interface RawReport {
  stats: Record<
    string,
    { unique: number; duplicates: number; latency: ReturnType<Histogram["toJSON"]>; seqs: string }
  >;
  strays: number;
  refused: number;
}

/** The recording sink (bench/lib/sink-process.ts) in its own process. */
export async function startSink(): Promise<SinkHandle> {
  const child = track(
    fork(join(REPO_ROOT, "bench/lib/sink-process.ts"), [], { execArgv: TSX, stdio: "inherit" }),
  );
  const port = await waitReady(child);
  const call = rpc(child);
  return {
    port,
    pid: child.pid as number,
    url: (path = "/") => `http://127.0.0.1:${port}${path}`,
    mode: async (path, mode) => void (await call.call({ cmd: "mode", path, mode })),
    down: async () => void (await call.call({ cmd: "mode", mode: "down" })),
    up: async () => void (await call.call({ cmd: "mode", mode: "up" })),
    counts: () => call.call<SinkCounts>({ cmd: "counts" }),
    async report() {
      const raw = await call.call<RawReport>({ cmd: "report" });
      const paths = new Map<string, PathReport>();
      for (const [path, s] of Object.entries(raw.stats)) {
        const bytes = Buffer.from(s.seqs, "base64");
        paths.set(path, {
          unique: s.unique,
          duplicates: s.duplicates,
          latency: Histogram.fromJSON(s.latency),
          seqs: new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
        });
      }
      return { paths, strays: raw.strays, refused: raw.refused };
    },
    reset: async (runId) => void (await call.call({ cmd: "reset", runId })),
    sample: () => sampleProc(child.pid as number),
    async close() {
      if (child.connected) child.send({ cmd: "exit" });
      await exitOf(child, 5_000);
    },
  };
}

export interface ProcessHandle {
  readonly pid: number;
  /** Where the generator posts events. */
  readonly url: string;
  /** From spawn to `ready`. */
  readonly startupMs: number;
  sample(): ProcSample;
  /** The last lines the process wrote to stderr (diagnostics when something goes wrong). */
  stderrTail(): string;
  close(): Promise<void>;
}

export type BaselineKind = "null-ingress" | "null-broker";

/**
 * A baseline ingress (bench/lib/baseline-process.ts). `null-broker` forwards each event to every
 * URL of `sinkUrls` (fan-out) with no storage, matching or retries.
 */
export async function startBaseline(
  kind: BaselineKind,
  sinkUrls: readonly string[] = [],
): Promise<ProcessHandle> {
  const child = track(
    fork(join(REPO_ROOT, "bench/lib/baseline-process.ts"), [], {
      execArgv: TSX,
      stdio: "inherit",
      env: { ...process.env, BASELINE: kind, SINK_URLS: sinkUrls.join(",") },
    }),
  );
  const started = Date.now();
  const port = await waitReady(child);
  return {
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}/bench/ingest`,
    startupMs: Date.now() - started,
    sample: () => sampleProc(child.pid as number),
    stderrTail: () => "",
    async close() {
      if (child.connected) child.send({ cmd: "exit" });
      await exitOf(child, 5_000);
    },
  };
}

export interface SluiceOptions {
  readonly manifests: string;
  readonly storage: "embedded" | "memory";
  readonly dataDir: string;
  readonly extraArgs?: readonly string[];
  /** Extra node flags (e.g. --cpu-prof) for the broker process. */
  readonly nodeArgs?: readonly string[];
  readonly startTimeoutMs?: number;
}

const TAIL_BYTES = 8192;

/** Starts `sluice run` exactly as a user does (the built CLI), on a free port. */
export async function startSluice(options: SluiceOptions): Promise<ProcessHandle> {
  const args = [
    ...(options.nodeArgs ?? []),
    CLI,
    "run",
    "-f",
    options.manifests,
    "--port",
    "0",
    "--storage",
    options.storage,
    "--data-dir",
    options.dataDir,
    "--log-level",
    "error",
    ...(options.extraArgs ?? []),
  ];
  const started = Date.now();
  const child = track(spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] }));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-TAIL_BYTES);
  });
  let url: string;
  try {
    url = await readyUrl(child, options.startTimeoutMs ?? 120_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    pid: child.pid as number,
    url,
    startupMs: Date.now() - started,
    sample: () => sampleProc(child.pid as number),
    stderrTail: () => stderr,
    async close() {
      const exited = exitOf(child, 20_000);
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Reads stdout until the `broker NS/NAME URL` line and `ready`; then stops keeping stdout. */
function readyUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let pending = "";
    let brokerUrl: string | undefined;
    const timer = setTimeout(() => reject(new Error(`sluice not ready within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`sluice exited with ${code} before ready`));
    };
    child.once("exit", onExit);
    const onData = (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        brokerUrl ??= /^broker\s+\S+\s+(http:\/\/\S+)/.exec(line)?.[1];
        if (line.trim() === "ready" && brokerUrl !== undefined) {
          clearTimeout(timer);
          child.off("exit", onExit);
          child.stdout?.off("data", onData);
          child.stdout?.resume(); // keep draining, keep nothing
          resolve(brokerUrl);
        }
      }
    };
    child.stdout?.on("data", onData);
  });
}

export interface ProcSample {
  /** Resident memory, MiB. */
  readonly rssMb: number;
  /** CPU time used so far (user + system, all threads), ms. */
  readonly cpuMs: number;
  /** Of which in the kernel (syscalls: sockets, writes, fdatasync), ms. */
  readonly sysMs: number;
}

const TICKS_PER_SECOND = 100;

export function sampleProc(pid: number): ProcSample {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const sys = Number(fields[12]);
    const ticks = Number(fields[11]) + sys;
    const ms = (t: number) => (t * 1000) / TICKS_PER_SECOND;
    return { rssMb: Math.round(rssKb / 102.4) / 10, cpuMs: ms(ticks), sysMs: ms(sys) };
  } catch {
    return { rssMb: 0, cpuMs: 0, sysMs: 0 };
  }
}

/** The load generator's own process. */
export function sampleSelf(): ProcSample {
  const usage = process.cpuUsage();
  return {
    rssMb: Math.round(process.memoryUsage.rss() / 104857.6) / 10,
    cpuMs: (usage.user + usage.system) / 1000,
    sysMs: usage.system / 1000,
  };
}
