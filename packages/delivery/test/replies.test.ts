import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CloudEvent } from "@sluice/core";
import {
  always,
  makeEnvelope,
  makeEvent,
  type RecordingSink,
  type SinkResponder,
  startRecordingSink,
} from "@sluice/testing";
import { createDispatcher, DeliveryErrors, type DeliveryResult, type Dispatcher } from "../src/index.js";
import { attemptLog, policy, startRawServer } from "./helpers.js";

let sink: RecordingSink;
let dispatcher: Dispatcher;
const log = attemptLog();

before(async () => {
  sink = await startRecordingSink();
  dispatcher = createDispatcher({ onAttempt: log.onAttempt, maxReplyBytes: 64 * 1024 });
});
after(async () => {
  await dispatcher.close();
  await sink.close();
});

const binaryReply = {
  "ce-specversion": "1.0",
  "ce-id": "reply-1",
  "ce-source": "/fn",
  "ce-type": "com.example.reply",
  "content-type": "application/json",
};

async function deliverWith(respond: SinkResponder, retry = 2, onReply?: (e: CloudEvent) => Promise<void>) {
  sink.respond(respond);
  const replies: CloudEvent[] = [];
  const event = makeEvent();
  const before = log.attempts.length;
  const result = await dispatcher.deliver({
    envelope: makeEnvelope(event),
    url: sink.url,
    policy: policy({ retry }),
    namespace: "ns",
    onReply:
      onReply ??
      (async (e) => {
        replies.push(e);
      }),
  });
  const requests = sink.requests.filter((r) => r.headers["ce-id"] === event.attributes.get("id"));
  return { result, replies, requests, attempts: log.attempts.slice(before) };
}

describe("replies", () => {
  it("200 + binary CloudEvent → onReply gets it; delivered with replied", async () => {
    const { result, replies } = await deliverWith(always(200, '{"n":1}', binaryReply));
    assert.deepEqual(result, { outcome: "delivered", attempts: 1, status: 200, replied: true });
    assert.equal(replies.length, 1);
    assert.equal(replies[0]?.attributes.get("id"), "reply-1");
    assert.equal(replies[0]?.attributes.get("type"), "com.example.reply");
    assert.equal(Buffer.from(replies[0]?.data ?? []).toString(), '{"n":1}');
  });

  it("200 + structured CloudEvent → reply", async () => {
    const body = JSON.stringify({
      specversion: "1.0",
      id: "s-1",
      source: "/fn",
      type: "structured.reply",
      data: { ok: true },
    });
    const { result, replies } = await deliverWith(
      always(200, body, { "content-type": "application/cloudevents+json" }),
    );
    assert.equal(result.outcome === "delivered" && result.replied, true);
    assert.equal(replies[0]?.attributes.get("type"), "structured.reply");
  });

  it("a ~36 KB reply is taken whole", async () => {
    const data = JSON.stringify({ blob: "r".repeat(36 * 1024) });
    const { replies } = await deliverWith(always(200, data, binaryReply));
    assert.equal(Buffer.from(replies[0]?.data ?? []).toString(), data);
  });

  for (const status of [201, 202, 204]) {
    it(`${status} + CloudEvent body → delivered, never a reply`, async () => {
      const { result, replies, requests } = await deliverWith(
        always(status, status === 204 ? "" : "{}", binaryReply),
      );
      assert.deepEqual(result, { outcome: "delivered", attempts: 1, status, replied: false });
      assert.equal(replies.length, 0);
      assert.equal(requests.length, 1);
    });
  }

  it("200 + plain body that does not claim a CloudEvent → success without reply", async () => {
    const { result, replies } = await deliverWith(always(200, "hello", { "content-type": "text/plain" }));
    assert.deepEqual(result, { outcome: "delivered", attempts: 1, status: 200, replied: false });
    assert.equal(replies.length, 0);
  });

  it("200 with an empty body → success without reply", async () => {
    const { result } = await deliverWith(always(200));
    assert.deepEqual(result, { outcome: "delivered", attempts: 1, status: 200, replied: false });
  });

  const invalid: Array<[string, Record<string, string>, string]> = [
    ["ce- headers missing ce-id", { "ce-specversion": "1.0", "ce-source": "/fn", "ce-type": "t" }, "{}"],
    [
      "a cloudevents+json body that is not JSON",
      { "content-type": "application/cloudevents+json" },
      "{not json",
    ],
    [
      "a batch",
      { "content-type": "application/cloudevents-batch+json" },
      '[{"specversion":"1.0","id":"1","source":"/s","type":"t"}]',
    ],
  ];
  for (const [name, headers, body] of invalid) {
    it(`200 claiming a CloudEvent but invalid (${name}) → failed attempt, retried`, async () => {
      const { result, replies, requests, attempts } = await deliverWith(always(200, body, headers), 1);
      assert.equal(result.outcome, "failed");
      assert.equal(requests.length, 2);
      assert.equal(replies.length, 0);
      assert.deepEqual(
        attempts.map((a) => a.code),
        [DeliveryErrors.INVALID_REPLY, DeliveryErrors.INVALID_REPLY],
      );
      const failed = result as Extract<DeliveryResult, { outcome: "failed" }>;
      assert.equal(failed.deadLetterEvent.attributes.get("knativeerrorcode"), "200");
      assert.equal(
        failed.deadLetterEvent.attributes.get("knativeerrordata"),
        Buffer.from(body).toString("base64"),
      );
    });
  }

  it("an invalid reply then a valid one → delivered on the second attempt", async () => {
    const { result, replies } = await deliverWith((r) =>
      r.attempt === 1
        ? { status: 200, headers: { "ce-specversion": "1.0" }, body: "x" }
        : { status: 200, headers: binaryReply, body: "{}" },
    );
    assert.deepEqual(result, { outcome: "delivered", attempts: 2, status: 200, replied: true });
    assert.equal(replies.length, 1);
  });

  it("a reply larger than maxReplyBytes fails the attempt", async () => {
    const { result, attempts } = await deliverWith(always(200, "z".repeat(65 * 1024), binaryReply), 0);
    assert.equal(result.outcome, "failed");
    assert.equal(attempts[0]?.code, DeliveryErrors.REPLY_TOO_LARGE);
  });

  it("onReply rejecting fails the attempt; the retry stores the reply", async () => {
    let calls = 0;
    const { result, requests, attempts } = await deliverWith(always(200, "{}", binaryReply), 2, async () => {
      calls++;
      if (calls === 1) throw new Error("backlog full");
    });
    assert.deepEqual(result, { outcome: "delivered", attempts: 2, status: 200, replied: true });
    assert.equal(calls, 2);
    assert.equal(requests.length, 2);
    assert.equal(attempts[0]?.code, DeliveryErrors.REPLY_NOT_STORED);
    assert.match(attempts[0]?.error ?? "", /backlog full/);
  });

  it("onReply rejecting every time → failed after the retries", async () => {
    const { result, requests } = await deliverWith(always(200, "{}", binaryReply), 1, async () => {
      throw new Error("disk on fire");
    });
    assert.equal(result.outcome, "failed");
    assert.equal(requests.length, 2);
    assert.match(
      (result as Extract<DeliveryResult, { outcome: "failed" }>).reason,
      /REPLY_NOT_STORED.*disk on fire/,
    );
  });

  it("the delivery is done only after onReply resolves, even past the attempt timeout", async () => {
    // The reply must arrive within the attempt timeout, then onReply outlasts it. The timeout is
    // generous so a loaded machine still gets the reply in time (a 20 ms one once did not, and the
    // test then waited forever for an onReply that never came).
    const timeoutMs = 250;
    sink.respond(always(200, "{}", binaryReply));
    let release: (() => void) | undefined;
    let settled = false;
    let entered!: () => void;
    const inReply = new Promise<void>((r) => (entered = r));
    const pending = dispatcher
      .deliver({
        envelope: makeEnvelope(),
        url: sink.url,
        policy: policy({ retry: 0, timeoutMs }),
        namespace: "ns",
        onReply: () => {
          entered();
          return new Promise<void>((r) => (release = r));
        },
      })
      .then((result) => {
        settled = true;
        return result;
      });
    try {
      await Promise.race([
        inReply,
        pending.then((result) => {
          throw new Error(`the delivery ended before onReply was called: ${JSON.stringify(result)}`);
        }),
      ]);
      await new Promise((r) => setTimeout(r, timeoutMs + 100));
      assert.equal(settled, false);
    } finally {
      // Even when an assertion fails: a reply left pending would hold dispatcher.close() in after().
      release?.();
    }
    assert.deepEqual(await pending, { outcome: "delivered", attempts: 1, status: 200, replied: true });
  });

  it("a reply body that stalls mid-way times out and is retried", async (t) => {
    let requests = 0;
    const raw = await startRawServer((_req, res) => {
      requests++;
      res.writeHead(200, { ...binaryReply, "content-length": "100" });
      res.write("{");
    });
    t.after(() => raw.close());
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(),
      url: raw.url,
      policy: policy({ retry: 1, timeoutMs: 50 }),
      namespace: "ns",
      onReply: async () => {},
    });
    assert.equal(result.outcome, "failed");
    assert.equal(requests, 2);
  });
});
