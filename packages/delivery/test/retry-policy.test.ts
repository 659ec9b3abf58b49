import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  backoffDelay,
  isRetryableStatus,
  isSuccessStatus,
  parseRetryAfter,
  retryWait,
} from "../src/retry-policy.js";
import { policy } from "./helpers.js";

describe("backoffDelay", () => {
  const rows: Array<[policy: "exponential" | "linear", delay: number, retry: number, wait: number]> = [
    ["exponential", 200, 1, 200],
    ["exponential", 200, 2, 400],
    ["exponential", 200, 3, 800],
    ["exponential", 200, 4, 1600],
    ["exponential", 500, 10, 256_000],
    ["linear", 200, 1, 200],
    ["linear", 200, 2, 400],
    ["linear", 200, 3, 600],
    ["linear", 1000, 7, 7000],
    ["exponential", 200, 0, 0],
    ["linear", 200, 0, 0],
    ["exponential", 0, 3, 0],
    ["linear", 0, 3, 0],
  ];
  for (const [backoffPolicy, backoffDelayMs, retry, wait] of rows) {
    it(`${backoffPolicy} delay ${backoffDelayMs} ms, retry ${retry} → ${wait} ms`, () => {
      assert.equal(backoffDelay(policy({ backoffPolicy, backoffDelayMs }), retry), wait);
    });
  }
  it("caps huge exponential waits at the longest timer Node allows", () => {
    assert.equal(
      backoffDelay(policy({ backoffDelayMs: 1000, backoffPolicy: "exponential" }), 60),
      2 ** 31 - 1,
    );
    assert.equal(
      backoffDelay(policy({ backoffDelayMs: 1000, backoffPolicy: "exponential" }), 5000),
      2 ** 31 - 1,
    );
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const rows: Array<[string | undefined, number | undefined]> = [
    [undefined, undefined],
    ["", undefined],
    ["0", 0],
    ["5", 5000],
    [" 120 ", 120_000],
    ["-3", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["Sun, 01 Mar 2026 12:00:30 GMT", 30_000],
    ["Sun, 01 Mar 2026 11:59:00 GMT", 0],
    ["Sunday, 01-Mar-26 12:01:00 GMT", 60_000],
    ["Sun Mar  1 12:00:10 2026", 10_000],
    ["5 Mar", undefined],
    ["Sun, 99 Foo 2026 12:00:30 GMT", undefined],
  ];
  for (const [value, expected] of rows) {
    it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(parseRetryAfter(value, now), expected));
  }
});

describe("status table (Knative data plane)", () => {
  const retryable = [404, 408, 409, 429, 500, 502, 503, 504, 599];
  const final = [100, 101, 200, 202, 204, 301, 302, 304, 307, 400, 401, 403, 405, 410, 413, 415, 422, 451];
  for (const status of retryable)
    it(`${status} is retried`, () => assert.equal(isRetryableStatus(status), true));
  for (const status of final)
    it(`${status} is not retried`, () => assert.equal(isRetryableStatus(status), false));
  for (const status of [200, 201, 202, 203, 204, 299]) {
    it(`${status} is success`, () => assert.equal(isSuccessStatus(status), true));
  }
  for (const status of [100, 199, 300, 304, 400, 500]) {
    it(`${status} is not success`, () => assert.equal(isSuccessStatus(status), false));
  }
});

describe("retryWait", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const base = { backoffPolicy: "exponential" as const, backoffDelayMs: 100, retryAfterMaxMs: 10_000 };
  const rows: Array<
    [
      name: string,
      overrides: object,
      retry: number,
      status: number | undefined,
      ra: string | undefined,
      wait: number,
    ]
  > = [
    ["plain backoff without Retry-After", {}, 2, 500, undefined, 200],
    ["Retry-After on 429 longer than backoff", {}, 1, 429, "3", 3000],
    ["Retry-After on 503 longer than backoff", {}, 1, 503, "3", 3000],
    ["Retry-After shorter than backoff: backoff wins", {}, 4, 429, "0", 800],
    ["Retry-After capped by retryAfterMax", { retryAfterMaxMs: 1500 }, 1, 429, "60", 1500],
    ["retryAfterMax 0 ignores Retry-After", { retryAfterMaxMs: 0 }, 1, 429, "60", 100],
    ["Retry-After ignored on 500", {}, 1, 500, "60", 100],
    ["Retry-After ignored on 404", {}, 1, 404, "60", 100],
    ["Retry-After ignored after a network error", {}, 1, undefined, "60", 100],
    ["HTTP-date Retry-After", {}, 1, 503, "Sun, 01 Mar 2026 12:00:05 GMT", 5000],
    [
      "HTTP-date Retry-After capped",
      { retryAfterMaxMs: 2000 },
      1,
      503,
      "Sun, 01 Mar 2026 12:00:05 GMT",
      2000,
    ],
    ["malformed Retry-After: backoff", {}, 1, 429, "later", 100],
  ];
  for (const [name, overrides, retry, status, retryAfter, wait] of rows) {
    it(name, () => {
      assert.equal(retryWait(policy({ ...base, ...overrides }), retry, { status, retryAfter }, now), wait);
    });
  }
});
