import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isSluiceError } from "@sluice/core";
import { latestTick, loadTimeZone, nextTick, PingErrors, parseCron, ticksBetween } from "../src/index.js";

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** The first `want.length` ticks after `from`, as UTC instants. */
function ticks(zone: string, expr: string, from: string, count: number): string[] {
  const start = Date.parse(from);
  return ticksBetween(parseCron(expr), loadTimeZone(zone), start, start + 10 * 366 * 86_400_000, count).map(
    iso,
  );
}

interface Case {
  readonly name: string;
  readonly zone: string;
  readonly expr: string;
  readonly from: string;
  readonly want: readonly string[];
}

const cases: Case[] = [
  // Plain UTC, seconds and descriptors.
  {
    name: "every minute",
    zone: "UTC",
    expr: "* * * * *",
    from: "2026-01-01T00:00:30Z",
    want: ["2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"],
  },
  {
    name: "strictly after a tick",
    zone: "UTC",
    expr: "* * * * *",
    from: "2026-01-01T00:01:00Z",
    want: ["2026-01-01T00:02:00Z"],
  },
  {
    name: "every 10 seconds",
    zone: "UTC",
    expr: "*/10 * * * * *",
    from: "2026-01-01T00:00:05.500Z",
    want: ["2026-01-01T00:00:10Z", "2026-01-01T00:00:20Z"],
  },
  {
    name: "@hourly",
    zone: "UTC",
    expr: "@hourly",
    from: "2026-01-01T10:59:59Z",
    want: ["2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"],
  },
  {
    name: "@weekly is Sunday midnight",
    zone: "UTC",
    expr: "@weekly",
    from: "2026-01-01T00:00:00Z",
    want: ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"],
  },
  {
    name: "@monthly",
    zone: "UTC",
    expr: "@monthly",
    from: "2026-01-15T00:00:00Z",
    want: ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"],
  },
  {
    name: "@yearly",
    zone: "UTC",
    expr: "@yearly",
    from: "2026-06-01T00:00:00Z",
    want: ["2027-01-01T00:00:00Z"],
  },
  {
    name: "31st skips short months",
    zone: "UTC",
    expr: "0 0 31 * *",
    from: "2026-01-31T00:00:00Z",
    want: ["2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"],
  },
  {
    name: "29 February waits for a leap year",
    zone: "UTC",
    expr: "0 0 29 2 *",
    from: "2026-01-01T00:00:00Z",
    want: ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"],
  },
  // robfig dayMatches: both day fields restricted → either matches (OR).
  {
    name: "day-of-month OR day-of-week",
    zone: "UTC",
    expr: "0 0 13 * 5",
    from: "2026-02-01T00:00:00Z",
    want: ["2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z"],
  },
  // A starred day field (even */1) makes it AND.
  {
    name: "*/1 day-of-month is a star: AND",
    zone: "UTC",
    expr: "0 0 */1 * 5",
    from: "2026-02-01T00:00:00Z",
    want: ["2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z"],
  },
  {
    name: "year rollover",
    zone: "UTC",
    expr: "59 23 31 12 *",
    from: "2026-12-31T23:59:00Z",
    want: ["2027-12-31T23:59:00Z"],
  },

  // Europe/Madrid: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
  {
    name: "Madrid, daily 09:00 across spring forward",
    zone: "Europe/Madrid",
    expr: "0 9 * * *",
    from: "2026-03-28T00:00:00Z",
    want: ["2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z"],
  },
  {
    name: "Madrid, 02:30 in the skipped hour runs at the change",
    zone: "Europe/Madrid",
    expr: "30 2 * * *",
    from: "2026-03-28T00:00:00Z",
    want: ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"],
  },
  {
    name: "Madrid, several times in the gap run once",
    zone: "Europe/Madrid",
    expr: "0,15,45 2 * * *",
    from: "2026-03-29T00:00:00Z",
    want: ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"],
  },
  {
    name: "Madrid, hourly skips the missing hour",
    zone: "Europe/Madrid",
    expr: "0 * * * *",
    from: "2026-03-28T23:30:00Z",
    want: ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"],
  },
  {
    name: "Madrid, every 30 min keeps real intervals",
    zone: "Europe/Madrid",
    expr: "*/30 * * * *",
    from: "2026-03-29T00:15:00Z",
    want: ["2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"],
  },
  {
    name: "Madrid, 02:30 in the repeated hour runs once",
    zone: "Europe/Madrid",
    expr: "30 2 * * *",
    from: "2026-10-24T00:00:00Z",
    want: ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
  },
  {
    name: "Madrid, hourly runs every real hour in fall back",
    zone: "Europe/Madrid",
    expr: "0 * * * *",
    from: "2026-10-24T23:30:00Z",
    want: ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"],
  },
  {
    name: "Madrid, every 20 min in hour 2 runs in both passes",
    zone: "Europe/Madrid",
    expr: "*/20 2 * * *",
    from: "2026-10-24T23:50:00Z",
    want: [
      "2026-10-25T00:00:00Z",
      "2026-10-25T00:20:00Z",
      "2026-10-25T00:40:00Z",
      "2026-10-25T01:00:00Z",
      "2026-10-25T01:20:00Z",
      "2026-10-25T01:40:00Z",
      "2026-10-26T01:00:00Z",
    ],
  },
  {
    name: "Madrid, fixed time from inside the second pass waits for tomorrow",
    zone: "Europe/Madrid",
    expr: "45 2 * * *",
    from: "2026-10-25T01:10:00Z",
    want: ["2026-10-26T01:45:00Z"],
  },
  {
    name: "Madrid, daily midnight in winter and summer",
    zone: "Europe/Madrid",
    expr: "@daily",
    from: "2026-03-28T12:00:00Z",
    want: ["2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"],
  },

  // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
  {
    name: "New York, 02:30 in the gap runs at 03:00 EDT",
    zone: "America/New_York",
    expr: "30 2 * * *",
    from: "2026-03-07T12:00:00Z",
    want: ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"],
  },
  {
    name: "New York, 01:30 in the repeated hour runs once (EDT)",
    zone: "America/New_York",
    expr: "30 1 * * *",
    from: "2026-10-31T12:00:00Z",
    want: ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"],
  },
  {
    name: "New York, every 30 min in fall back keeps real intervals",
    zone: "America/New_York",
    expr: "0,30 * * * *",
    from: "2026-11-01T04:50:00Z",
    want: [
      "2026-11-01T05:00:00Z",
      "2026-11-01T05:30:00Z",
      "2026-11-01T06:00:00Z",
      "2026-11-01T06:30:00Z",
      "2026-11-01T07:00:00Z",
    ],
  },
  {
    name: "New York, 09:00 weekdays across spring forward",
    zone: "America/New_York",
    expr: "0 9 * * MON-FRI",
    from: "2026-03-06T00:00:00Z",
    want: ["2026-03-06T14:00:00Z", "2026-03-09T13:00:00Z"],
  },
  {
    name: "New York, seconds field in the repeated hour",
    zone: "America/New_York",
    expr: "0 0 1 * * *",
    from: "2026-11-01T04:00:00Z",
    want: ["2026-11-01T05:00:00Z", "2026-11-02T06:00:00Z"],
  },

  // Southern hemisphere and a 30-minute shift.
  {
    name: "Sydney, 02:30 on the spring-forward day",
    zone: "Australia/Sydney",
    expr: "30 2 * * *",
    from: "2026-10-03T00:00:00Z",
    want: ["2026-10-03T16:00:00Z", "2026-10-04T15:30:00Z"],
  },
  {
    name: "Lord Howe, 30-minute gap",
    zone: "Australia/Lord_Howe",
    expr: "15 2 * * *",
    from: "2026-10-03T00:00:00Z",
    want: ["2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"],
  },
];

describe("nextTick: cron semantics, time zones and daylight-saving changes", () => {
  for (const c of cases) {
    it(`${c.name}: ${c.expr}`, () => {
      assert.deepEqual(ticks(c.zone, c.expr, c.from, c.want.length), c.want);
    });
  }

  it("gives up after five years without a match (robfig)", () => {
    assert.equal(
      nextTick(parseCron("0 0 30 2 *"), loadTimeZone("UTC"), Date.parse("2026-01-01T00:00:00Z")),
      undefined,
    );
  });

  it("latestTick finds the last due tick without walking every one", () => {
    const cron = parseCron("*/5 * * * * *");
    const zone = loadTimeZone("UTC");
    const after = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(
      iso(latestTick(cron, zone, after, Date.parse("2026-01-03T10:00:07Z"))!),
      "2026-01-03T10:00:05Z",
    );
    assert.equal(latestTick(cron, zone, after, after + 4_000), undefined);
    const yearly = parseCron("@yearly");
    assert.equal(
      iso(latestTick(yearly, zone, after, Date.parse("2029-06-01T00:00:00Z"))!),
      "2029-01-01T00:00:00Z",
    );
  });
});

describe("loadTimeZone", () => {
  it("accepts IANA names, UTC and Local", () => {
    assert.equal(loadTimeZone("UTC").offsetAt(0), 0);
    assert.equal(loadTimeZone("Europe/Madrid").offsetAt(Date.parse("2026-07-01T00:00:00Z")), 2 * 3_600_000);
    assert.equal(loadTimeZone("Asia/Kolkata").offsetAt(Date.parse("2026-07-01T00:00:00Z")), 5.5 * 3_600_000);
    assert.ok(typeof loadTimeZone("Local").name === "string");
  });

  it("rejects unknown zones", () => {
    assert.throws(
      () => loadTimeZone("Mars/Olympus_Mons"),
      (error) => isSluiceError(error) && error.code === PingErrors.INVALID_TIMEZONE,
    );
  });
});
