import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  always,
  failTimes,
  hang,
  makeEnvelope,
  makeEvent,
  type RecordingSink,
  startRecordingSink,
} from "@sluice/testing";
import { createDispatcher, DeliveryErrors, type DeliveryResult, type Dispatcher } from "../src/index.js";
import { attemptLog, closedPortUrl, header, policy } from "./helpers.js";

let sink: RecordingSink;
let dls: RecordingSink;
let dispatcher: Dispatcher;
const log = attemptLog();

before(async () => {
  sink = await startRecordingSink();
  dls = await startRecordingSink();
  dispatcher = createDispatcher({ onAttempt: log.onAttempt });
});
after(async () => {
  await dispatcher.close();
  await sink.close();
  await dls.close();
});

function requestsFor(s: RecordingSink, id: string) {
  return s.requests.filter((r) => r.headers["ce-id"] === id);
}

describe("retry counts", () => {
  // retry = 3: four attempts in all. Failing k times succeeds for k <= 3 and fails for k >= 4.
  for (const k of [0, 1, 2, 3, 4, 5]) {
    it(`fail ${k} times with retry 3 → ${k <= 3 ? "delivered" : "failed"} after ${Math.min(k + 1, 4)} attempts`, async () => {
      sink.respond(failTimes(k, 503));
      const event = makeEvent();
      const id = event.attributes.get("id") as string;
      const result = await dispatcher.deliver({
        envelope: makeEnvelope(event),
        url: sink.url,
        policy: policy({ retry: 3 }),
        namespace: "ns",
      });
      const attempts = requestsFor(sink, id);
      assert.equal(attempts.length, Math.min(k + 1, 4));
      assert.deepEqual(
        attempts.map((r) => r.attempt),
        attempts.map((_, i) => i + 1),
      );
      if (k <= 3) {
        assert.deepEqual(result, { outcome: "delivered", attempts: k + 1, status: 202, replied: false });
      } else {
        assert.equal(result.outcome, "failed");
        assert.equal(result.attempts, 4);
      }
    });
  }

  it("retry 0 makes exactly one attempt", async () => {
    sink.respond(always(500));
    const event = makeEvent();
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy({ retry: 0 }),
      namespace: "ns",
    });
    assert.equal(result.outcome, "failed");
    assert.equal(requestsFor(sink, event.attributes.get("id") as string).length, 1);
  });

  it("a dropped connection is retried", async () => {
    sink.respond(failTimes(2, "drop"));
    const event = makeEvent();
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy({ retry: 2 }),
      namespace: "ns",
    });
    assert.equal(result.outcome, "delivered");
    assert.equal(result.attempts, 3);
  });
});

describe("status table, row by row (retry 2, no dead-letter sink)", () => {
  const rows: Array<[status: number, expected: "delivered" | "retried" | "final"]> = [
    [200, "delivered"],
    [201, "delivered"],
    [202, "delivered"],
    [204, "delivered"],
    [299, "delivered"],
    [301, "final"],
    [302, "final"],
    [303, "final"],
    [307, "final"],
    [308, "final"],
    [400, "final"],
    [401, "final"],
    [403, "final"],
    [404, "retried"],
    [405, "final"],
    [406, "final"],
    [408, "retried"],
    [409, "retried"],
    [410, "final"],
    [413, "final"],
    [415, "final"],
    [422, "final"],
    [429, "retried"],
    [431, "final"],
    [500, "retried"],
    [501, "retried"],
    [502, "retried"],
    [503, "retried"],
    [504, "retried"],
    [507, "retried"],
  ];
  for (const [status, expected] of rows) {
    it(`${status} → ${expected}`, async () => {
      // 3xx carry a Location that a redirect-following client would fetch.
      sink.respond(
        always(status, "", status >= 300 && status < 400 ? { location: `${sink.url}elsewhere` } : {}),
      );
      const event = makeEvent();
      const id = event.attributes.get("id") as string;
      const result = await dispatcher.deliver({
        envelope: makeEnvelope(event),
        url: sink.url,
        policy: policy({ retry: 2 }),
        namespace: "ns",
      });
      assert.equal(requestsFor(sink, id).length, expected === "retried" ? 3 : 1);
      assert.equal(
        sink.requests.filter((r) => r.path === "/elsewhere").length,
        0,
        "redirects are never followed",
      );
      if (expected === "delivered") {
        assert.equal(result.outcome, "delivered");
        assert.equal(result.outcome === "delivered" && result.status, status);
      } else {
        assert.equal(result.outcome, "failed");
        assert.equal(
          result.outcome === "failed" && result.deadLetterEvent.attributes.get("knativeerrorcode"),
          String(status),
        );
      }
    });
  }
});

describe("Retry-After", () => {
  async function waits(
    status: number,
    retryAfter: string,
    overrides: Parameters<typeof policy>[0],
    now?: () => number,
  ) {
    const local = attemptLog();
    const d = createDispatcher({ onAttempt: local.onAttempt, ...(now === undefined ? {} : { now }) });
    try {
      sink.respond((r) =>
        r.attempt === 1 ? { status, headers: { "retry-after": retryAfter } } : { status: 202 },
      );
      const result = await d.deliver({
        envelope: makeEnvelope(),
        url: sink.url,
        policy: policy({ retry: 1, ...overrides }),
        namespace: "ns",
      });
      assert.equal(result.outcome, "delivered");
      return local.attempts.map((a) => a.retryInMs);
    } finally {
      await d.close();
    }
  }

  it("a 429 Retry-After longer than the backoff is waited, capped by retryAfterMax", async () => {
    assert.deepEqual(await waits(429, "3", { backoffDelayMs: 2, retryAfterMaxMs: 40 }), [40, undefined]);
  });
  it("a 503 Retry-After shorter than its cap is waited exactly", async () => {
    const now = Date.parse("Sun, 01 Mar 2026 12:00:00 GMT") - 30;
    assert.deepEqual(
      await waits(
        503,
        "Sun, 01 Mar 2026 12:00:00 GMT",
        { backoffDelayMs: 2, retryAfterMaxMs: 5000 },
        () => now,
      ),
      [30, undefined],
    );
  });
  it("the backoff wins when it is longer", async () => {
    assert.deepEqual(await waits(429, "0", { backoffDelayMs: 25 }), [25, undefined]);
  });
  it("retryAfterMax 0 ignores Retry-After", async () => {
    assert.deepEqual(await waits(429, "3", { backoffDelayMs: 2, retryAfterMaxMs: 0 }), [2, undefined]);
  });
  it("Retry-After on a 500 is ignored", async () => {
    assert.deepEqual(await waits(500, "3", { backoffDelayMs: 2, retryAfterMaxMs: 5000 }), [2, undefined]);
  });
  it("reports the exponential backoff before each retry", async () => {
    const local = attemptLog();
    const d = createDispatcher({ onAttempt: local.onAttempt });
    sink.respond(always(500));
    await d.deliver({
      envelope: makeEnvelope(),
      url: sink.url,
      policy: policy({ retry: 3, backoffDelayMs: 3 }),
      namespace: "ns",
    });
    await d.close();
    assert.deepEqual(
      local.attempts.map((a) => a.retryInMs),
      [3, 6, 12, undefined],
    );
    assert.deepEqual(
      local.attempts.map((a) => a.attempt),
      [1, 2, 3, 4],
    );
  });
});

describe("timeouts and network errors", () => {
  it("a hanging sink times out each attempt and is retried", async () => {
    sink.respond(hang);
    const local = attemptLog();
    const d = createDispatcher({ onAttempt: local.onAttempt });
    const event = makeEvent();
    const result = await d.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy({ retry: 1, timeoutMs: 50 }),
      namespace: "ns",
    });
    await d.close();
    assert.equal(result.outcome, "failed");
    assert.equal(requestsFor(sink, event.attributes.get("id") as string).length, 2);
    assert.deepEqual(
      local.attempts.map((a) => a.code),
      [DeliveryErrors.TIMEOUT, DeliveryErrors.TIMEOUT],
    );
    assert.deepEqual(
      local.attempts.map((a) => a.status),
      [undefined, undefined],
    );
    if (result.outcome === "failed") {
      assert.equal(result.deadLetterEvent.attributes.get("knativeerrordest"), sink.url);
      assert.equal(result.deadLetterEvent.attributes.has("knativeerrorcode"), false);
      assert.match(result.reason, /SLUICE_ERR_DELIVERY_TIMEOUT/);
    }
  });

  it("a closed port → knativeerrordest is that URL, no knativeerrorcode, no knativeerrordata", async () => {
    const url = await closedPortUrl();
    dls.respond(always(202));
    const event = makeEvent();
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url,
      policy: policy({ retry: 1, deadLetterSink: { url: dls.url } }),
      namespace: "ns",
    });
    assert.equal(result.outcome, "dead-lettered");
    assert.equal(result.attempts, 2);
    const [received] = await dls.waitFor(1, {
      predicate: (r) => r.headers["ce-id"] === event.attributes.get("id"),
    });
    assert.ok(received);
    assert.equal(header(received.headers, "ce-knativeerrordest"), url);
    assert.equal(received.headers["ce-knativeerrorcode"], undefined);
    assert.equal(received.headers["ce-knativeerrordata"], undefined);
    const network = log.attempts.filter((a) => a.url === url);
    assert.equal(network.length, 2);
    assert.ok(network.every((a) => a.code === DeliveryErrors.NETWORK && a.status === undefined));
  });

  it("an invalid URL fails at once without retries", async () => {
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(),
      url: "ftp://x/",
      policy: policy({ retry: 5 }),
      namespace: "ns",
    });
    assert.equal(result.outcome, "failed");
    assert.equal(result.attempts, 1);
    assert.match(
      (result as Extract<DeliveryResult, { outcome: "failed" }>).reason,
      /SLUICE_ERR_DELIVERY_INVALID_URL/,
    );
  });
});
