import type { CronSchedule } from "./cron.js";

/** robfig/cron gives up after five years without a match (spec.go Next). */
const YEAR_LIMIT = 5;

/**
 * The first wall-clock time at or after `wall` that the schedule matches, or undefined when none
 * does within five years. Wall-clock times are local date-times encoded as if they were UTC
 * (`Date.UTC(year, month, day, ...)`), so this is pure calendar arithmetic with no time zone; the
 * caller maps wall times to instants (next-tick.ts). The search moves field by field as robfig's
 * SpecSchedule.Next does: month, day, hour, minute, second, resetting the smaller fields.
 */
export function nextWallMatch(schedule: CronSchedule, wall: number): number | undefined {
  const from = new Date(Math.ceil(wall / 1000) * 1000);
  let year = from.getUTCFullYear();
  let month = from.getUTCMonth() + 1;
  let day = from.getUTCDate();
  let hour = from.getUTCHours();
  let minute = from.getUTCMinutes();
  let second = from.getUTCSeconds();
  const lastYear = year + YEAR_LIMIT;

  const nextDay = (): void => {
    day += 1;
    hour = 0;
    minute = 0;
    second = 0;
  };

  while (year <= lastYear) {
    if (schedule.month[month] !== 1 || day > daysInMonth(year, month)) {
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
      day = 1;
      hour = 0;
      minute = 0;
      second = 0;
      continue;
    }
    if (!dayMatches(schedule, year, month, day)) {
      nextDay();
      continue;
    }
    const h = nextAllowed(schedule.hour, hour);
    if (h === -1) {
      nextDay();
      continue;
    }
    if (h !== hour) {
      hour = h;
      minute = 0;
      second = 0;
    }
    const m = nextAllowed(schedule.minute, minute);
    if (m === -1) {
      hour += 1;
      minute = 0;
      second = 0;
      if (hour > 23) nextDay();
      continue;
    }
    if (m !== minute) {
      minute = m;
      second = 0;
    }
    const s = nextAllowed(schedule.second, second);
    if (s === -1) {
      minute += 1;
      second = 0;
      if (minute > 59) {
        minute = 0;
        hour += 1;
        if (hour > 23) nextDay();
      }
      continue;
    }
    return Date.UTC(year, month - 1, day, hour, minute, s);
  }
  return undefined;
}

/** robfig dayMatches: AND when either day field is starred, OR otherwise (as cron(8)). */
function dayMatches(schedule: CronSchedule, year: number, month: number, day: number): boolean {
  const dom = schedule.dayOfMonth[day] === 1;
  const dow = schedule.dayOfWeek[new Date(Date.UTC(year, month - 1, day)).getUTCDay()] === 1;
  return schedule.dayOfMonthStar || schedule.dayOfWeekStar ? dom && dow : dom || dow;
}

function nextAllowed(table: Uint8Array, from: number): number {
  for (let v = from; v < table.length; v++) if (table[v] === 1) return v;
  return -1;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
