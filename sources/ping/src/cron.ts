import { SluiceError } from "@sluice/core";
import { PingErrors } from "./errors.js";

/**
 * A parsed cron schedule, with robfig/cron v3's semantics as Knative configures it
 * (`SecondOptional | Minute | Hour | Dom | Month | Dow | Descriptor`, ping_validation.go).
 * Each field is a lookup table: `table[value] === 1` when the value matches.
 */
export interface CronSchedule {
  /** The expression as written (after a `CRON_TZ=`/`TZ=` prefix, when there was one). */
  readonly expression: string;
  readonly second: Uint8Array;
  readonly minute: Uint8Array;
  readonly hour: Uint8Array;
  /** Index 1..31. */
  readonly dayOfMonth: Uint8Array;
  /** Index 1..12. */
  readonly month: Uint8Array;
  /** Index 0..6, Sunday = 0. */
  readonly dayOfWeek: Uint8Array;
  /**
   * robfig's star bit: a day field written `*` or `?` (or `*​/1`). When either day field is starred
   * both must match (AND), otherwise either may (OR), as in cron(8).
   */
  readonly dayOfMonthStar: boolean;
  readonly dayOfWeekStar: boolean;
  /**
   * True when none of second (if written), minute or hour starts with `*` or `?`: the job runs at
   * particular times of day, so cron(8)'s daylight-saving rules apply (run once after a skipped
   * time, not again in a repeated hour). Wildcard jobs follow the new wall clock instead.
   */
  readonly fixedTime: boolean;
}

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DAYS_OF_MONTH: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
  },
};
const DAYS_OF_WEEK: Bounds = {
  min: 0,
  max: 6,
  names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 },
};

/** robfig's descriptors (parser.go parseDescriptor), as six-field expressions. `@every` is refused by Knative. */
export const CRON_DESCRIPTORS: Readonly<Record<string, string>> = Object.freeze({
  "@yearly": "0 0 0 1 1 *",
  "@annually": "0 0 0 1 1 *",
  "@monthly": "0 0 0 1 * *",
  "@weekly": "0 0 0 * * 0",
  "@daily": "0 0 0 * * *",
  "@midnight": "0 0 0 * * *",
  "@hourly": "0 0 * * * *",
});

const HINT =
  'write five fields "minute hour day-of-month month day-of-week" (e.g. "*/5 * * * *"), six with seconds first ("0 */5 * * * *"), or a descriptor (@hourly, @daily, @weekly, @monthly, @yearly)';

function invalid(message: string): SluiceError {
  return new SluiceError(PingErrors.INVALID_SCHEDULE, message, { details: { hint: HINT } });
}

/**
 * Splits robfig's optional time-zone prefix (`CRON_TZ=Europe/Madrid 0 9 * * *`, or `TZ=`) off a
 * schedule. Knative builds exactly this prefix from `spec.timezone`.
 */
export function splitTimeZonePrefix(text: string): { timezone: string | undefined; expression: string } {
  const trimmed = text.trim();
  const prefix = /^(?:CRON_TZ|TZ)=(\S*)(?:\s+|$)/.exec(trimmed);
  if (prefix === null) return { timezone: undefined, expression: trimmed };
  return { timezone: prefix[1] ?? "", expression: trimmed.slice(prefix[0].length) };
}

/**
 * Parses a cron expression (without a time-zone prefix): five fields, six with a leading seconds
 * field, or a descriptor. Throws SluiceError SLUICE_ERR_PING_INVALID_SCHEDULE with robfig's reasons.
 */
export function parseCron(text: string): CronSchedule {
  const expression = text.trim();
  if (expression === "") throw invalid("the schedule is empty");
  if (expression.startsWith("@")) {
    if (expression.startsWith("@every")) {
      throw invalid('"@every" is not supported by PingSource (Knative rejects it)');
    }
    const fields = CRON_DESCRIPTORS[expression];
    if (fields === undefined) throw invalid(`unrecognized descriptor "${expression}"`);
    return build(expression, fields.split(" "), true);
  }
  const fields = expression.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw invalid(`expected 5 or 6 fields, found ${fields.length}: "${expression}"`);
  }
  const explicitSeconds = fields.length === 6;
  return build(expression, explicitSeconds ? fields : ["0", ...fields], explicitSeconds);
}

function build(expression: string, fields: readonly string[], explicitSeconds: boolean): CronSchedule {
  const [second, minute, hour, dom, month, dow] = fields as [string, string, string, string, string, string];
  const seconds = parseField(second, SECONDS, "second");
  const minutes = parseField(minute, MINUTES, "minute");
  const hours = parseField(hour, HOURS, "hour");
  const days = parseField(dom, DAYS_OF_MONTH, "day-of-month");
  const months = parseField(month, MONTHS, "month");
  const weekdays = parseField(dow, DAYS_OF_WEEK, "day-of-week");
  const wildcard = (explicitSeconds && seconds.wildcard) || minutes.wildcard || hours.wildcard;
  return Object.freeze({
    expression,
    second: seconds.table,
    minute: minutes.table,
    hour: hours.table,
    dayOfMonth: days.table,
    month: months.table,
    dayOfWeek: weekdays.table,
    dayOfMonthStar: days.star,
    dayOfWeekStar: weekdays.star,
    fixedTime: !wildcard,
  });
}

interface Field {
  readonly table: Uint8Array;
  /** robfig's star bit (`*`, `?`, or either with step 1). */
  readonly star: boolean;
  /** Any element starts with `*` or `?` (cron(8)'s wildcard job). */
  readonly wildcard: boolean;
}

/** A comma-separated list of `*`, `?`, `N`, `N-M`, each optionally `/step` (robfig getField/getRange). */
function parseField(text: string, bounds: Bounds, name: string): Field {
  const table = new Uint8Array(bounds.max + 1);
  let star = false;
  let wildcard = false;
  for (const element of text.split(",")) {
    if (element === "") throw invalid(`empty element in the ${name} field "${text}"`);
    const range = parseRange(element, bounds, name);
    for (let v = range.start; v <= range.end; v += range.step) table[v] = 1;
    star ||= range.star;
    wildcard ||= range.wildcard;
  }
  return { table, star, wildcard };
}

function parseRange(
  element: string,
  bounds: Bounds,
  name: string,
): { start: number; end: number; step: number; star: boolean; wildcard: boolean } {
  const parts = element.split("/");
  if (parts.length > 2) throw invalid(`too many slashes in the ${name} field: "${element}"`);
  const [span = "", stepText] = parts;
  const ends = span.split("-");
  if (ends.length > 2) throw invalid(`too many hyphens in the ${name} field: "${element}"`);
  const wildcard = span === "*" || span === "?";
  let start = bounds.min;
  let end = bounds.max;
  if (!wildcard) {
    start = parseValue(ends[0] ?? "", bounds, name, element);
    end = ends.length === 2 ? parseValue(ends[1] ?? "", bounds, name, element) : start;
  }
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) throw invalid(`the step "${stepText}" in the ${name} field is not a number`);
    step = Number(stepText);
    if (step === 0) throw invalid(`the step in the ${name} field must be positive: "${element}"`);
    // robfig: "N/step" means "N-max/step".
    if (!wildcard && ends.length === 1) end = bounds.max;
  }
  if (start > end) {
    throw invalid(`the ${name} range "${element}" starts after it ends (${start} > ${end})`);
  }
  return { start, end, step, star: wildcard && step === 1, wildcard };
}

function parseValue(text: string, bounds: Bounds, name: string, element: string): number {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) {
    const names = bounds.names === undefined ? "" : ` or a name (${Object.keys(bounds.names).join(", ")})`;
    throw invalid(`"${text}" in the ${name} field "${element}" is not a number${names}`);
  }
  const value = Number(text);
  if (value < bounds.min || value > bounds.max) {
    throw invalid(
      `${value} is out of range for the ${name} field (${bounds.min}-${bounds.max}): "${element}"`,
    );
  }
  return value;
}
