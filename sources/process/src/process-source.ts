import { type ChildProcess, spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CoreErrors,
  type Logger,
  SluiceError,
  type Source,
  type SourceContext,
  type SourceResource,
} from "@sluice/core";
import { ProcessSourceErrors } from "./errors.js";
import { forgetGroup, leftoverGroup, recordGroup } from "./group-record.js";
import { forwardLines } from "./line-forwarder.js";
import { signalGroup, stopGroup } from "./process-group.js";
import { sinkBindingEnv } from "./sink-binding.js";
import type { ProcessSpec } from "./spec.js";

export function createProcessSource(resource: SourceResource<ProcessSpec>): Source {
  return new ProcessSource(resource);
}

/** Delay before restart number `failures` (1-based): min·2^(failures-1), capped at max. */
export function restartDelay(failures: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1));
}

/** Where the command runs: spec.cwd against the manifest's folder (the folder itself by default). */
export function workingDirectory(resource: SourceResource<ProcessSpec>): string {
  return resolve(dirname(resource.location.file), resource.spec.cwd ?? ".");
}

/** How long close() waits for the child's output pipes after the group is gone. */
const PIPE_CLOSE_WAIT_MS = 2_000;

/**
 * Supervises one command, as a ContainerSource's pod runs its container: the child leads its own
 * process group (spawned detached), gets the SinkBinding variables, has its output logged line
 * by line, and is restarted with exponential backoff when it exits. close() stops the whole group
 * (SIGTERM, then SIGKILL after the grace period) and waits until it is gone.
 */
class ProcessSource implements Source {
  readonly #resource: SourceResource<ProcessSpec>;
  #state: "new" | "running" | "closed" = "new";
  #ctx: SourceContext | undefined;
  #env: Record<string, string> = {};
  #child: ChildProcess | undefined;
  #spawning: Promise<void> | undefined;
  /** The latest child, running or not, whose pipes close() waits for. */
  #last: ChildProcess | undefined;
  #childClosed: Promise<void> | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #stableTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #healthy = true;
  #stopping: Promise<void> | undefined;
  /** The write of the latest group record, awaited before close() removes it. */
  #recording: Promise<void> = Promise.resolve();

  constructor(resource: SourceResource<ProcessSpec>) {
    this.#resource = resource;
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.#state === "closed") throw new SluiceError(CoreErrors.CLOSED, "the process source is closed");
    if (this.#state === "running") {
      throw new SluiceError(
        ProcessSourceErrors.ALREADY_STARTED,
        `ProcessSource ${this.#resource.id} is already started`,
      );
    }
    this.#state = "running";
    this.#ctx = ctx;
    this.#env = this.#environment();
    try {
      await this.#checkCwd();
      await this.#stopLeftover();
      await this.#spawn();
    } catch (error) {
      if (this.#state === "running") this.#state = "new";
      throw new SluiceError(
        ProcessSourceErrors.SPAWN_FAILED,
        `cannot start ${this.#resource.spec.command[0]}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (ctx.signal.aborted) return this.close();
    ctx.signal.addEventListener("abort", () => void this.close(), { once: true });
  }

  close(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    this.#state = "closed";
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#stableTimer);
    this.#stopping = this.#stopChild();
    return this.#stopping;
  }

  #environment(): Record<string, string> {
    const { inheritEnv, env } = this.#resource.spec;
    const out: Record<string, string> = {};
    if (inheritEnv) {
      for (const [name, value] of Object.entries(process.env)) if (value !== undefined) out[name] = value;
    }
    for (const entry of env)
      out[entry.name] = typeof entry.value === "string" ? entry.value : entry.value.reveal();
    return Object.assign(out, sinkBindingEnv(this.#resource));
  }

  /** Stops the group a previous run left behind when it was killed without a shutdown. */
  async #stopLeftover(): Promise<void> {
    const stateDir = this.#ctx?.stateDir;
    if (stateDir === undefined) return;
    const pgid = await leftoverGroup(stateDir);
    if (pgid === undefined) return;
    this.#logger().warn("stopping the process group a previous run left running", { pgid });
    await stopGroup(pgid, this.#resource.spec.stopGracePeriodMs);
  }

  async #checkCwd(): Promise<void> {
    const cwd = workingDirectory(this.#resource);
    const info = await stat(cwd).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) throw new Error(`working directory ${cwd} does not exist`);
  }

  /** Starts the child; resolves once it runs, rejects when it cannot be started. */
  #spawn(): Promise<void> {
    const [program = "", ...args] = this.#resource.spec.command;
    const child = spawn(program, args, {
      cwd: workingDirectory(this.#resource),
      env: this.#env,
      detached: true, // its own process group, so close() can stop grandchildren too
      stdio: ["ignore", "pipe", "pipe"],
    });
    const spawning = new Promise<void>((resolveSpawn, rejectSpawn) => {
      child.once("error", rejectSpawn);
      child.once("spawn", () => {
        child.off("error", rejectSpawn);
        child.on("error", (error) => this.#logger().error("process error", { error }));
        this.#watch(child);
        resolveSpawn();
      });
    });
    this.#spawning = spawning;
    return spawning.finally(() => {
      if (this.#spawning === spawning) this.#spawning = undefined;
    });
  }

  #logger(): Logger {
    return (this.#ctx as SourceContext).logger;
  }

  #watch(child: ChildProcess): void {
    const startedAt = Date.now();
    const logger = this.#logger().child({ pid: child.pid });
    this.#child = child;
    this.#last = child;
    this.#childClosed = new Promise((done) => child.once("close", () => done()));
    forwardLines(child.stdout!, (line) => logger.info(line, { stream: "stdout" }));
    forwardLines(child.stderr!, (line) => logger.warn(line, { stream: "stderr" }));
    child.once("exit", (code, signal) => this.#onExit(child, code, signal, startedAt));
    const { resetAfterMs } = this.#resource.spec.restart;
    if (this.#state === "running") this.#stableTimer = setTimeout(() => this.#stable(), resetAfterMs);
    logger.info("process started", { command: this.#resource.spec.command.join(" ") });
    const stateDir = this.#ctx?.stateDir;
    if (stateDir !== undefined && child.pid !== undefined) {
      const pid = child.pid;
      this.#recording = this.#recording
        .then(() => recordGroup(stateDir, pid))
        .catch((error: unknown) => logger.warn("could not record the process group", { error }));
    }
  }

  /** The child ran long enough: the backoff starts over and a crash loop is over. */
  #stable(): void {
    this.#stableTimer = undefined;
    this.#failures = 0;
    if (!this.#healthy) this.#setHealth(true);
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, startedAt: number): void {
    clearTimeout(this.#stableTimer);
    this.#stableTimer = undefined;
    if (this.#child === child) this.#child = undefined;
    if (this.#state !== "running") return;
    // Whatever the child left behind in its group goes with it, as in a container.
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    const { policy, minBackoffMs, maxBackoffMs, resetAfterMs } = this.#resource.spec.restart;
    if (Date.now() - startedAt >= resetAfterMs) this.#failures = 0;
    const failed = code !== 0;
    const how = signal === null ? `code ${code}` : `signal ${signal}`;
    const restart = policy === "Always" || (policy === "OnFailure" && failed);
    if (!restart) {
      this.#logger().info("process exited; not restarted", { exit: how, restartPolicy: policy });
      if (failed)
        this.#setHealth(
          false,
          `the process exited with ${how} and is not restarted (restart policy ${policy})`,
        );
      return;
    }
    this.#failures += 1;
    const delay = restartDelay(this.#failures, minBackoffMs, maxBackoffMs);
    this.#logger().warn("process exited; restarting", { exit: how, restartInMs: delay });
    this.#setHealth(false, `the process exited with ${how}; restarting in ${delay} ms`);
    this.#scheduleRestart(delay);
  }

  #scheduleRestart(delay: number): void {
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#state !== "running") return;
      this.#spawn().catch((error: unknown) => {
        const { minBackoffMs, maxBackoffMs } = this.#resource.spec.restart;
        this.#failures += 1;
        const next = restartDelay(this.#failures, minBackoffMs, maxBackoffMs);
        this.#logger().error("process could not be restarted", { error, restartInMs: next });
        this.#setHealth(
          false,
          `cannot start the process: ${(error as Error).message}; retrying in ${next} ms`,
        );
        if (this.#state === "running") this.#scheduleRestart(next);
      });
    }, delay);
  }

  #setHealth(healthy: boolean, reason?: string): void {
    this.#healthy = healthy;
    (this.#ctx as SourceContext).setHealth(healthy, reason);
  }

  async #stopChild(): Promise<void> {
    await this.#spawning?.catch(() => undefined); // a restart in progress: stop what it starts
    const child = this.#child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      await stopGroup(child.pid, this.#resource.spec.stopGracePeriodMs);
    }
    await this.#recording;
    const stateDir = this.#ctx?.stateDir;
    if (stateDir !== undefined)
      await forgetGroup(stateDir).catch((error: unknown) =>
        this.#logger().warn("could not remove the process group record", { error }),
      );
    const closed = this.#childClosed;
    if (closed === undefined) return;
    // The pipes close once every process holding them is gone; a process that left the group
    // (setsid) could hold them forever, so the wait is bounded and the pipes are then dropped.
    const timeout = new AbortController();
    const waited = await Promise.race([
      closed.then(() => true),
      sleep(PIPE_CLOSE_WAIT_MS, false, { signal: timeout.signal }).catch(() => false),
    ]);
    timeout.abort();
    if (!waited) {
      this.#last?.stdout?.destroy();
      this.#last?.stderr?.destroy();
    }
  }
}
