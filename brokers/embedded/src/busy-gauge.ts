import { performance } from "node:perf_hooks";

/** Share of the last window the event loop spent working, above which the process counts as busy. */
export const BUSY_ABOVE = 0.6;
/** …and below which it counts as idle again (apart from BUSY_ABOVE, so it does not flap). */
export const IDLE_BELOW = 0.4;
/** How often the reading is refreshed; between refreshes the last verdict stands. */
export const BUSY_WINDOW_MS = 100;

/** Cumulative event-loop time, working and idle, in ms (`performance.eventLoopUtilization()`). */
export interface LoopTimes {
  readonly active: number;
  readonly idle: number;
}

/**
 * Whether this process's event loop has been busy lately, from its utilisation (the share of time
 * it spent running callbacks rather than waiting in the poll phase) over windows of
 * BUSY_WINDOW_MS. Asked on every commit, so a refresh is a subtraction most of the time; a long
 * quiet spell is one window that reads idle.
 */
export class BusyGauge {
  readonly #read: () => LoopTimes;
  readonly #now: () => number;
  #last: LoopTimes;
  #at: number;
  #busy = false;

  constructor(
    read: () => LoopTimes = () => performance.eventLoopUtilization(),
    now = () => performance.now(),
  ) {
    this.#read = read;
    this.#now = now;
    this.#last = read();
    this.#at = now();
  }

  busy(): boolean {
    const now = this.#now();
    if (now - this.#at < BUSY_WINDOW_MS) return this.#busy;
    const times = this.#read();
    const active = times.active - this.#last.active;
    const total = active + times.idle - this.#last.idle;
    this.#last = times;
    this.#at = now;
    if (total > 0) {
      const utilisation = active / total;
      this.#busy = this.#busy ? utilisation >= IDLE_BELOW : utilisation >= BUSY_ABOVE;
    }
    return this.#busy;
  }
}
