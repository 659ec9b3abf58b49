import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isSluiceError } from "@sluice/core";
import { type CronSchedule, PingErrors, parseCron, splitTimeZonePrefix } from "../src/index.js";

function values(table: Uint8Array): number[] {
  const out: number[] = [];
  table.forEach((bit, value) => {
    if (bit === 1) out.push(value);
  });
  return out;
}

function range(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

type Fields = Partial<Record<"second" | "minute" | "hour" | "dayOfMonth" | "month" | "dayOfWeek", number[]>>;

function fields(schedule: CronSchedule): Required<Fields> {
  return {
    second: values(schedule.second),
    minute: values(schedule.minute),
    hour: values(schedule.hour),
    dayOfMonth: values(schedule.dayOfMonth),
    month: values(schedule.month),
    dayOfWeek: values(schedule.dayOfWeek),
  };
}

const ANY = {
  dayOfMonth: range(1, 31),
  month: range(1, 12),
  dayOfWeek: range(0, 6),
};

describe("parseCron accepts what robfig/cron (as Knative configures it) accepts", () => {
  const cases: { expr: string; want: Fields; fixed: boolean; domStar?: boolean; dowStar?: boolean }[] = [
    {
      expr: "* * * * *",
      want: { second: [0], minute: range(0, 59), hour: range(0, 23), ...ANY },
      fixed: false,
    },
    { expr: "*/2 * * * *", want: { second: [0], minute: range(0, 58, 2) }, fixed: false },
    {
      expr: "0 9 * * 1-5",
      want: { second: [0], minute: [0], hour: [9], dayOfWeek: [1, 2, 3, 4, 5] },
      fixed: true,
    },
    { expr: "*/10 * * * * *", want: { second: range(0, 50, 10), minute: range(0, 59) }, fixed: false },
    { expr: "30 0 9 * * *", want: { second: [30], minute: [0], hour: [9] }, fixed: true },
    { expr: "0 0 1,15 * *", want: { dayOfMonth: [1, 15] }, fixed: true, domStar: false, dowStar: true },
    { expr: "5/15 * * * *", want: { minute: [5, 20, 35, 50] }, fixed: false },
    { expr: "0 8-18/4 * * *", want: { hour: [8, 12, 16] }, fixed: true },
    { expr: "0 0 * JAN,jul Mon-fri", want: { month: [1, 7], dayOfWeek: [1, 2, 3, 4, 5] }, fixed: true },
    { expr: "0 0 ? * SUN", want: { dayOfWeek: [0] }, fixed: true, domStar: true, dowStar: false },
    { expr: "0 0 */1 * *", want: { dayOfMonth: range(1, 31) }, fixed: true, domStar: true },
    {
      expr: "0 0 */2 * 1",
      want: { dayOfMonth: range(1, 31, 2) },
      fixed: true,
      domStar: false,
      dowStar: false,
    },
    { expr: "  0   12  *  *  *  ", want: { hour: [12] }, fixed: true },
    { expr: "00 07 01 01 *", want: { minute: [0], hour: [7], dayOfMonth: [1], month: [1] }, fixed: true },
    { expr: "@hourly", want: { second: [0], minute: [0], hour: range(0, 23), ...ANY }, fixed: false },
    { expr: "@daily", want: { second: [0], minute: [0], hour: [0], ...ANY }, fixed: true },
    { expr: "@midnight", want: { hour: [0], ...ANY }, fixed: true },
    { expr: "@weekly", want: { hour: [0], dayOfMonth: range(1, 31), dayOfWeek: [0] }, fixed: true },
    { expr: "@monthly", want: { hour: [0], dayOfMonth: [1], month: range(1, 12) }, fixed: true },
    { expr: "@yearly", want: { dayOfMonth: [1], month: [1] }, fixed: true },
    { expr: "@annually", want: { dayOfMonth: [1], month: [1] }, fixed: true },
  ];
  for (const { expr, want, fixed, domStar, dowStar } of cases) {
    it(JSON.stringify(expr), () => {
      const schedule = parseCron(expr);
      const got = fields(schedule);
      for (const [name, expected] of Object.entries(want)) {
        assert.deepEqual(got[name as keyof Fields], expected, name);
      }
      assert.equal(schedule.fixedTime, fixed, "fixedTime");
      if (domStar !== undefined) assert.equal(schedule.dayOfMonthStar, domStar, "dayOfMonthStar");
      if (dowStar !== undefined) assert.equal(schedule.dayOfWeekStar, dowStar, "dayOfWeekStar");
    });
  }
});

describe("parseCron rejects, naming the reason", () => {
  const cases: { expr: string; says: RegExp }[] = [
    { expr: "", says: /empty/ },
    { expr: "* * * *", says: /expected 5 or 6 fields, found 4/ },
    { expr: "* * * * * * *", says: /found 7/ },
    { expr: "@every 1m", says: /@every/ },
    { expr: "@every", says: /@every/ },
    { expr: "@reboot", says: /unrecognized descriptor/ },
    { expr: "@Hourly", says: /unrecognized descriptor/ },
    { expr: "60 * * * *", says: /60 is out of range for the minute field \(0-59\)/ },
    { expr: "* 24 * * *", says: /out of range for the hour field/ },
    { expr: "* * 0 * *", says: /out of range for the day-of-month field/ },
    { expr: "* * 32 * *", says: /out of range for the day-of-month field/ },
    { expr: "* * * 13 *", says: /out of range for the month field/ },
    { expr: "* * * * 7", says: /out of range for the day-of-week field \(0-6\)/ },
    { expr: "60 * * * * *", says: /second field/ },
    { expr: "5-1 * * * *", says: /starts after it ends/ },
    { expr: "*/0 * * * *", says: /step .* must be positive/ },
    { expr: "*/x * * * *", says: /step "x"/ },
    { expr: "1/2/3 * * * *", says: /too many slashes/ },
    { expr: "1-2-3 * * * *", says: /too many hyphens/ },
    { expr: "1,,2 * * * *", says: /empty element/ },
    { expr: "* * * foo *", says: /"foo" .* is not a number or a name/ },
    { expr: "* * * * L", says: /not a number/ },
    { expr: "* * L * *", says: /not a number/ },
    { expr: "* * * * 1#2", says: /not a number/ },
    { expr: "-1 * * * *", says: /not a number/ },
    { expr: "*-5 * * * *", says: /not a number/ },
    { expr: "mon * * * *", says: /not a number/ },
  ];
  for (const { expr, says } of cases) {
    it(JSON.stringify(expr), () => {
      assert.throws(
        () => parseCron(expr),
        (error) =>
          isSluiceError(error) && error.code === PingErrors.INVALID_SCHEDULE && says.test(error.message),
      );
    });
  }
});

describe("splitTimeZonePrefix", () => {
  const cases: { text: string; timezone: string | undefined; expression: string }[] = [
    { text: "0 9 * * *", timezone: undefined, expression: "0 9 * * *" },
    { text: "CRON_TZ=Europe/Madrid 0 9 * * *", timezone: "Europe/Madrid", expression: "0 9 * * *" },
    { text: "TZ=America/New_York @daily", timezone: "America/New_York", expression: "@daily" },
    { text: "CRON_TZ=UTC", timezone: "UTC", expression: "" },
  ];
  for (const { text, timezone, expression } of cases) {
    it(text, () => assert.deepEqual(splitTimeZonePrefix(text), { timezone, expression }));
  }
});
