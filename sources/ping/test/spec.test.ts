import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PingErrors, validatePingSpec } from "../src/index.js";
import { recordValidation } from "./helpers.js";

describe("validatePingSpec: valid specs", () => {
  it("defaults the schedule to every minute, UTC, no data", () => {
    const ctx = recordValidation();
    const spec = validatePingSpec({}, ctx);
    assert.deepEqual(ctx.diagnostics, []);
    assert.equal(spec?.schedule, "* * * * *");
    assert.equal(spec?.timezone, undefined);
    assert.equal(spec?.zone.name, "UTC");
    assert.equal(spec?.data, undefined);
    assert.ok(Object.isFrozen(spec));
  });

  const cases: { name: string; spec: Record<string, unknown>; data?: string; zone?: string }[] = [
    { name: "data as text", spec: { data: "hello", contentType: "text/plain" }, data: "hello" },
    {
      name: "JSON object data",
      spec: { data: '{"a": 1}', contentType: "application/json" },
      data: '{"a": 1}',
    },
    { name: "dataBase64", spec: { dataBase64: "aGVsbG8=" }, data: "hello" },
    {
      name: "dataBase64 JSON object",
      spec: { dataBase64: "eyJhIjoxfQ==", contentType: "application/json" },
      data: '{"a":1}',
    },
    {
      name: "dataBase64 with line breaks (Go skips them)",
      spec: { dataBase64: "aGVs\nbG8=" },
      data: "hello",
    },
    { name: "empty data is no data", spec: { data: "", dataBase64: "aGk=" }, data: "hi" },
    { name: "timezone", spec: { schedule: "0 9 * * *", timezone: "Europe/Madrid" }, zone: "Europe/Madrid" },
    {
      name: "CRON_TZ prefix",
      spec: { schedule: "CRON_TZ=America/New_York 0 9 * * *" },
      zone: "America/New_York",
    },
    { name: "seconds field", spec: { schedule: "*/10 * * * * *" } },
    { name: "descriptor", spec: { schedule: "@hourly" } },
    { name: "null fields read as absent", spec: { data: null, timezone: null } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ctx = recordValidation();
      const spec = validatePingSpec(c.spec, ctx);
      assert.deepEqual(ctx.diagnostics, []);
      assert.ok(spec !== undefined);
      if (c.data !== undefined) assert.equal(Buffer.from(spec.data!).toString("utf8"), c.data);
      if (c.zone !== undefined) assert.equal(spec.zone.name, c.zone);
    });
  }
});

describe("validatePingSpec: every problem reported at its field", () => {
  const cases: { name: string; spec: Record<string, unknown>; want: [string, string][] }[] = [
    {
      name: "bad schedule",
      spec: { schedule: "* * *" },
      want: [["/spec/schedule", PingErrors.INVALID_SCHEDULE]],
    },
    {
      name: "@every",
      spec: { schedule: "@every 1m" },
      want: [["/spec/schedule", PingErrors.INVALID_SCHEDULE]],
    },
    {
      name: "bad timezone",
      spec: { timezone: "Europe/Atlantis" },
      want: [["/spec/timezone", PingErrors.INVALID_TIMEZONE]],
    },
    {
      name: "bad CRON_TZ prefix",
      spec: { schedule: "CRON_TZ=Nowhere * * * * *" },
      want: [["/spec/schedule", PingErrors.INVALID_TIMEZONE]],
    },
    {
      name: "prefix and timezone both",
      spec: { schedule: "CRON_TZ=UTC * * * * *", timezone: "UTC" },
      want: [["/spec/schedule", PingErrors.INVALID_SCHEDULE]],
    },
    {
      name: "schedule and timezone both wrong",
      spec: { schedule: "99 * * * *", timezone: "Nowhere" },
      want: [
        ["/spec/timezone", PingErrors.INVALID_TIMEZONE],
        ["/spec/schedule", PingErrors.INVALID_SCHEDULE],
      ],
    },
    {
      name: "data and dataBase64",
      spec: { data: "a", dataBase64: "YQ==" },
      want: [["/spec/dataBase64", PingErrors.DATA_CONFLICT]],
    },
    {
      name: "bad base64",
      spec: { dataBase64: "not base64!" },
      want: [["/spec/dataBase64", PingErrors.INVALID_BASE64]],
    },
    {
      name: "base64url",
      spec: { dataBase64: "-_-_" },
      want: [["/spec/dataBase64", PingErrors.INVALID_BASE64]],
    },
    {
      name: "unpadded base64",
      spec: { dataBase64: "YQ" },
      want: [["/spec/dataBase64", PingErrors.INVALID_BASE64]],
    },
    {
      name: "application/json data that does not parse",
      spec: { data: "{oops", contentType: "application/json" },
      want: [["/spec/data", PingErrors.INVALID_DATA]],
    },
    {
      name: "application/json data that is not an object (Knative unmarshals into a map)",
      spec: { data: "[1, 2]", contentType: "application/json" },
      want: [["/spec/data", PingErrors.INVALID_DATA]],
    },
    {
      name: "application/json dataBase64 that is not JSON",
      spec: { dataBase64: "aGVsbG8=", contentType: "application/json" },
      want: [["/spec/dataBase64", PingErrors.INVALID_DATA]],
    },
    {
      name: "schedule of the wrong type",
      spec: { schedule: 5 },
      want: [["/spec/schedule", PingErrors.INVALID_TYPE]],
    },
    {
      name: "data of the wrong type",
      spec: { data: { a: 1 } },
      want: [["/spec/data", PingErrors.INVALID_TYPE]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ctx = recordValidation();
      const spec = validatePingSpec(c.spec, ctx);
      const errors = ctx.diagnostics.filter((d) => d.severity === "error").map((d) => [d.pointer, d.code]);
      assert.deepEqual(errors, c.want);
      assert.equal(spec, undefined);
    });
  }
});

describe("validatePingSpec: warnings keep Knative-valid manifests loading", () => {
  const cases: { name: string; spec: Record<string, unknown>; want: [string, string] }[] = [
    {
      name: "unknown field",
      spec: { scheduel: "* * * * *" },
      want: ["/spec/scheduel", PingErrors.UNKNOWN_FIELD],
    },
    {
      name: "never fires",
      spec: { schedule: "0 0 30 2 *" },
      want: ["/spec/schedule", PingErrors.NEVER_FIRES],
    },
    {
      name: "+json data that does not parse",
      spec: { data: "{oops", contentType: "application/cloudevents+json" },
      want: ["/spec/data", PingErrors.INVALID_DATA],
    },
    {
      name: "application/json with parameters is not checked strictly",
      spec: { data: "{oops", contentType: "application/json; charset=utf-8" },
      want: ["/spec/data", PingErrors.INVALID_DATA],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ctx = recordValidation();
      const spec = validatePingSpec(c.spec, ctx);
      assert.ok(spec !== undefined, "still valid");
      assert.deepEqual(
        ctx.diagnostics.map((d) => [d.severity, d.pointer, d.code]),
        [["warning", ...c.want]],
      );
    });
  }
});

describe("validatePingSpec: the catch-up annotation is checked at load", () => {
  const pointer = "/metadata/annotations/sources.sluice.dev~1catch-up";
  for (const [value, ok] of [
    ["PT1H", true],
    ["P1D", true],
    ["an hour", false],
    ["PT0S", false],
  ] as const) {
    it(`${value} → ${ok ? "accepted" : "error"}`, () => {
      const ctx = recordValidation({ "sources.sluice.dev/catch-up": value });
      validatePingSpec({ schedule: "* * * * *" }, ctx);
      const errors = ctx.diagnostics.filter((d) => d.severity === "error");
      if (ok) assert.deepEqual(errors, []);
      else {
        assert.equal(errors.length, 1);
        assert.equal(errors[0]?.pointer, pointer);
        assert.equal(errors[0]?.code, "SLUICE_ERR_PING_INVALID_CATCH_UP");
      }
    });
  }
});
