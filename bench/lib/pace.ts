/**
 * Keeps a run within its wall-clock budget (`npm run bench` under 20 minutes). Each scenario has a
 * planned time; a scenario that starts behind schedule gets its planned time shrunk by the share
 * the run is behind, and its ramps and rounds (the parts whose length or count can give) share what
 * it has left, except the ramps a bar is read from. A run on time changes nothing: ramps keep the
 * profile's budget, rounds their count.
 */
export interface PacePlan {
  /** The whole run, from its start. */
  readonly budgetMs: number;
  /** Each scenario's time when the run is on schedule. */
  readonly scenarioMs: Readonly<Record<string, number>>;
}

/** One of a scenario's ramps, and what the scenario still runs after it. */
export interface Part {
  /** A bar of PRODUCT.md §9 is read from it: it is never shortened. */
  readonly forBar: boolean;
  readonly barAfter: number;
  readonly otherAfter: number;
}

/**
 * A scenario's ramps in the order it runs them, from whether a bar is read from each: each call
 * returns the next one's Part (a lone part once all were taken).
 */
export function parts(forBar: readonly boolean[]): () => Part {
  let next = 0;
  return () => {
    const bar = forBar[next] ?? false;
    const after = forBar.slice(++next);
    const barAfter = after.filter(Boolean).length;
    return { forBar: bar, barAfter, otherAfter: after.length - barAfter };
  };
}

/** A scenario is never squeezed below this share of its planned time… */
const MIN_SHARE = 0.4;
/** …and gets at most this much more when the run is ahead (its parts keep the profile's limits). */
const MAX_SHARE = 1.5;

export class Pace {
  readonly #plan: PacePlan;
  readonly #order: readonly string[];
  readonly #now: () => number;
  readonly #runDeadline: number;
  #deadline: number;
  readonly #cuts: string[] = [];

  constructor(plan: PacePlan, order: readonly string[], now: () => number = Date.now) {
    this.#plan = plan;
    this.#order = order;
    this.#now = now;
    this.#runDeadline = now() + plan.budgetMs;
    this.#deadline = this.#runDeadline;
  }

  get budgetMs(): number {
    return this.#plan.budgetMs;
  }

  /** The pace's clock (ms). */
  now(): number {
    return this.#now();
  }

  /**
   * Starts a scenario: its time is its plan, times what is left of the run's budget over what the
   * scenarios still to run planned (within MIN_SHARE and MAX_SHARE).
   */
  start(id: string): void {
    const index = this.#order.indexOf(id);
    const ahead = index < 0 ? [id] : this.#order.slice(index);
    const planned = ahead.reduce((sum, s) => sum + this.#planned(s), 0);
    const left = this.#runDeadline - this.#now();
    const share = planned > 0 ? Math.min(MAX_SHARE, Math.max(MIN_SHARE, left / planned)) : 1;
    this.#deadline = this.#now() + this.#planned(id) * share;
  }

  /** What the current scenario has left (negative once over). */
  leftMs(): number {
    return this.#deadline - this.#now();
  }

  /**
   * The time for a part of this scenario (a ramp): a part a bar is read from gets `maxMs`, the
   * profile's own budget, always; any other gets what is left after keeping half of `maxMs` for
   * each bar part after it (what such a ramp usually takes; when it takes more, the parts after it
   * give), `minMs` for each other part after it and `reserveMs` besides, but never less than
   * `minMs` (a part must still say something) nor more than `maxMs`.
   */
  partMs(part: Part, minMs: number, maxMs: number, reserveMs = 0): number {
    if (part.forBar) return maxMs;
    const kept = reserveMs + (part.barAfter * maxMs) / 2 + part.otherAfter * minMs;
    return Math.min(maxMs, Math.max(minMs, this.leftMs() - kept));
  }

  /**
   * Whether another round of about `roundMs` fits: always while fewer than `minRounds` have run (a
   * median or a pooled percentile needs them), then only while one more, and `reserveMs` for what
   * follows the rounds, ends within the scenario's time.
   */
  anotherRound(done: number, minRounds: number, roundMs: number, reserveMs = 0): boolean {
    return done < minRounds || this.leftMs() - reserveMs >= roundMs;
  }

  /** Records what the scenario gave up to keep the run's time (for its notes). */
  cut(what: string): void {
    this.#cuts.push(what);
  }

  /** What was cut in the current scenario since the last call. */
  takeCuts(): string[] {
    return this.#cuts.splice(0);
  }

  #planned(id: string): number {
    return this.#plan.scenarioMs[id] ?? 0;
  }
}
