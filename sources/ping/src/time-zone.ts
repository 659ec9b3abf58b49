import { SluiceError } from "@sluice/core";
import { PingErrors } from "./errors.js";

/** An IANA time zone seen as its UTC offset over time. */
export interface TimeZone {
  /** The canonical name (`UTC`, `Europe/Madrid`). */
  readonly name: string;
  /** Offset from UTC in ms in effect at `instant` (whole seconds): wall time = instant + offset. */
  offsetAt(instant: number): number;
}

const UTC: TimeZone = Object.freeze({ name: "UTC", offsetAt: () => 0 });

/**
 * Resolves a time zone name as Go's time.LoadLocation does for Knative: an IANA name, "UTC", or
 * "Local" (the zone this process runs in). Offsets come from the runtime's tz database via Intl.
 * Throws SluiceError SLUICE_ERR_PING_INVALID_TIMEZONE.
 */
export function loadTimeZone(name: string): TimeZone {
  if (name === "UTC" || name === "") return UTC;
  const zone = name === "Local" ? new Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
  } catch (error) {
    throw new SluiceError(PingErrors.INVALID_TIMEZONE, `unknown time zone "${name}"`, {
      cause: error,
      details: { hint: "use an IANA name such as UTC, Europe/Madrid or America/New_York" },
    });
  }
  const canonical = format.resolvedOptions().timeZone;
  if (canonical === "UTC" || canonical === "Etc/UTC") return UTC;
  return Object.freeze({ name: canonical, offsetAt: (instant: number) => offsetOf(format, instant) });
}

function offsetOf(format: Intl.DateTimeFormat, instant: number): number {
  const at = Math.floor(instant / 1000) * 1000;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of format.formatToParts(at)) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value);
        break;
      case "minute":
        minute = Number(part.value);
        break;
      case "second":
        second = Number(part.value);
        break;
      case "era":
        bc = part.value.startsWith("B");
        break;
    }
  }
  const wall = new Date(0);
  wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  return wall.getTime() - at;
}

/** Largest real-world gap or overlap in tz data (double summer time) is 2 h; 3 h leaves room. */
export const MAX_TRANSITION_MS = 3 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The first instant in (from, to] whose offset differs from `offset` (the offset at `from`), at
 * one-second resolution, or undefined when the offset holds. Offsets are sampled a day apart and
 * the change found by bisection: zones never change twice within a day.
 */
export function firstOffsetChange(
  zone: TimeZone,
  from: number,
  to: number,
  offset: number,
): number | undefined {
  let low = from;
  while (low < to) {
    const high = Math.min(low + DAY_MS, to);
    if (zone.offsetAt(high) !== offset) return bisect(zone, low, high, offset);
    low = high;
  }
  return undefined;
}

/** `low` has `offset`, `high` does not; returns the first whole second after low that does not. */
function bisect(zone: TimeZone, low: number, high: number, offset: number): number {
  let lo = Math.floor(low / 1000);
  let hi = Math.ceil(high / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offsetAt(mid * 1000) === offset) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}
