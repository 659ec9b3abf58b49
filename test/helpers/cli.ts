import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export const REPO_ROOT = new URL("../../", import.meta.url).pathname;
export const SLUICE_BIN = join(REPO_ROOT, "packages", "cli", "bin", "sluice.js");

export interface SluiceProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line matching `pattern` (rejects if the process exits first). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the real `sluice` command (the built CLI, as a user runs it). */
export function spawnSluice(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SluiceProcess {
  const child = spawn(process.execPath, [SLUICE_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  let done = false;
  const collect = (into: string[]) => {
    let partial = "";
    return (chunk: Buffer) => {
      partial += chunk.toString("utf8");
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      into.push(...lines);
      for (const l of listeners) l();
    };
  };
  child.stdout?.on("data", collect(stdout));
  child.stderr?.on("data", collect(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // "close", not "exit": output can still be in flight when the process has exited
    child.on("close", (code, signal) => {
      done = true;
      for (const l of listeners) l();
      resolve({ code, signal });
    });
  });
  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = stdout.find((l) => pattern.test(l));
          if (line !== undefined) {
            finish();
            resolve(line);
          } else if (done) {
            finish();
            reject(
              new Error(
                `sluice exited before printing ${pattern}\nstdout:\n${stdout.join("\n")}\nstderr:\n${stderr.join("\n")}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(
              `timed out waiting for ${pattern}\nstdout:\n${stdout.join("\n")}\nstderr:\n${stderr.join("\n")}`,
            ),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs sluice to completion; returns exit code and output. */
export async function runSluice(
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnSluice(args, options);
  const { code } = await p.exited;
  return { code, stdout: p.stdout.join("\n"), stderr: p.stderr.join("\n") };
}
