import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createCloudEvent,
  formatIsoDuration,
  isSluiceError,
  parseIsoDuration,
  SluiceError,
  withAttributes,
} from "@sluice/core";

describe("parseIsoDuration", () => {
  const valid: Array<[string, number]> = [
    ["PT0.2S", 200],
    ["PT1S", 1000],
    ["PT10S", 10_000],
    ["PT1M30S", 90_000],
    ["PT1H", 3_600_000],
    ["P1D", 86_400_000],
    ["P1W", 7 * 86_400_000],
    ["PT0,5S", 500],
    ["P1DT1S", 86_401_000],
    ["PT0S", 0],
  ];
  for (const [text, ms] of valid) {
    it(`parses ${text} as ${ms} ms`, () => assert.equal(parseIsoDuration(text), ms));
  }
  for (const text of ["", "P", "PT", "1S", "PT-1S", "PTS", "pt1s", "PT1.5", "P1DT", "10s"]) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseIsoDuration(text),
        (e: unknown) => isSluiceError(e) && e.code === "SLUICE_ERR_CORE_INVALID_DURATION",
      );
    });
  }
  it("formats ms as a duration", () => assert.equal(formatIsoDuration(1500), "PT1.5S"));
});

describe("SluiceError", () => {
  it("is branded and keeps code, details and cause", () => {
    const cause = new Error("disk");
    const err = new SluiceError("SLUICE_ERR_X_Y", "boom", { cause, details: { attribute: "id" } });
    assert.ok(err instanceof SluiceError);
    assert.ok(isSluiceError(err));
    assert.equal(err.code, "SLUICE_ERR_X_Y");
    assert.equal(err.cause, cause);
    assert.deepEqual(err.details, { attribute: "id" });
    assert.equal(isSluiceError(new Error("plain")), false);
    assert.equal(isSluiceError(Object.assign(new Error("x"), { code: "SLUICE_ERR_X" })), false);
  });
});

describe("CloudEvent helpers", () => {
  it("creates and changes events without touching the original", () => {
    const ev = createCloudEvent({ specversion: "1.0", id: "1", source: "/s", type: "t" }, "hi");
    const changed = withAttributes(ev, { subject: "x", id: undefined });
    assert.equal(ev.attributes.get("id"), "1");
    assert.equal(changed.attributes.has("id"), false);
    assert.equal(changed.attributes.get("subject"), "x");
    assert.equal(Buffer.from(changed.data ?? []).toString(), "hi");
  });
});
