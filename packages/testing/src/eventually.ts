import { setTimeout as sleep } from "node:timers/promises";

export interface EventuallyOptions {
  /** Give up after this long; default 10 s. */
  readonly timeoutMs?: number;
  /** Pause between checks; default 10 ms. */
  readonly intervalMs?: number;
}

/**
 * Polls `check` (sync or async) until it holds, and throws `never happened: <what>` once the time
 * is up. A hang guard for tests that wait on another process or a timer, never a timing assertion.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  options: EventuallyOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const interval = options.intervalMs ?? 10;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await sleep(interval);
  }
}
