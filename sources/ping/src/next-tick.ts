import type { CronSchedule } from "./cron.js";
import { firstOffsetChange, MAX_TRANSITION_MS, type TimeZone } from "./time-zone.js";
import { nextWallMatch } from "./wall-match.js";

/**
 * The first tick strictly after `after` (ms since the epoch), or undefined when the schedule
 * matches nothing within five years. Ticks fall on whole seconds.
 *
 * Daylight-saving changes follow cron(8) (Vixie cron, "special considerations"), which is what
 * people expect of "run at 02:30":
 * - spring forward: a fixed-time job whose time falls in the skipped wall-clock hour runs once, at
 *   the instant of the change; wildcard jobs (`*` in the second, minute or hour field) just follow
 *   the new wall clock.
 * - fall back: a fixed-time job does not run again in the repeated wall-clock hour; wildcard jobs
 *   run in both passes (an hourly job still fires every real hour).
 * robfig/cron (Knative) differs on both: it skips the job in the gap and runs fixed-time jobs
 * twice in the repeated hour. docs/sources.md lists this.
 */
export function nextTick(schedule: CronSchedule, zone: TimeZone, after: number): number | undefined {
  let t = Math.floor(after / 1000) * 1000 + 1000;
  if (schedule.fixedTime) t = skipRepeatedPass(zone, t);
  // Each round crosses one offset change; a handful suffices even across five years of changes.
  for (let round = 0; round < 32; round++) {
    const offset = zone.offsetAt(t);
    const wall = nextWallMatch(schedule, t + offset);
    if (wall === undefined) return undefined;
    const candidate = wall - offset;
    const change = firstOffsetChange(zone, t, candidate, offset);
    if (change === undefined) return candidate;
    const next = zone.offsetAt(change);
    if (next > offset) {
      // Spring forward: wall times [change + offset, change + next) never happen.
      if (schedule.fixedTime && wall < change + next) return change;
      t = change;
    } else {
      // Fall back: wall times [change + next, change + offset) happen a second time.
      t = schedule.fixedTime ? change + (offset - next) : change;
    }
  }
  return undefined;
}

/**
 * When `t` lies in the second pass of a repeated wall-clock hour, a fixed-time job already had its
 * chance in the first pass: move to the end of the repeated range.
 */
function skipRepeatedPass(zone: TimeZone, t: number): number {
  const before = t - MAX_TRANSITION_MS;
  const earlier = zone.offsetAt(before);
  const offset = zone.offsetAt(t);
  if (earlier <= offset) return t;
  const change = firstOffsetChange(zone, before, t, earlier);
  if (change === undefined) return t;
  const end = change + (earlier - offset);
  return Math.max(t, end);
}

/**
 * Every tick in (after, until], oldest first, stopping after `max` ticks (a guard against a
 * catch-up window that holds more ticks than anyone wants replayed at once).
 */
export function ticksBetween(
  schedule: CronSchedule,
  zone: TimeZone,
  after: number,
  until: number,
  max: number,
): number[] {
  const ticks: number[] = [];
  let cursor = after;
  while (ticks.length < max) {
    const tick = nextTick(schedule, zone, cursor);
    if (tick === undefined || tick > until) break;
    ticks.push(tick);
    cursor = tick;
  }
  return ticks;
}

/**
 * The latest tick in (after, until], or undefined. Searches windows that double in size back
 * from `until`, so a long pause costs a few steps instead of one per missed tick.
 */
export function latestTick(
  schedule: CronSchedule,
  zone: TimeZone,
  after: number,
  until: number,
): number | undefined {
  let width = 1000;
  for (;;) {
    const from = Math.max(after, until - width);
    let tick = nextTick(schedule, zone, from);
    if (tick !== undefined && tick <= until) {
      for (let next = nextTick(schedule, zone, tick); next !== undefined && next <= until; ) {
        tick = next;
        next = nextTick(schedule, zone, tick);
      }
      return tick;
    }
    if (from === after) return undefined;
    width *= 2;
  }
}
