import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createLogger } from "@sluice/core";
import { always, makeEnvelope, makeEvent, type RecordingSink, startRecordingSink } from "@sluice/testing";
import { createDispatcher, type Dispatcher } from "../src/index.js";
import { closedPortUrl, policy } from "./helpers.js";

let sink: RecordingSink;
let dispatcher: Dispatcher;

before(async () => {
  sink = await startRecordingSink();
  dispatcher = createDispatcher({ userAgent: "sluice-test" });
});
after(async () => {
  await dispatcher.close();
  await sink.close();
});

describe("what a subscriber receives", () => {
  it("a binary-mode POST with Prefer, Kn-Namespace, trace context and percent-encoded ce- values", async () => {
    const event = makeEvent(
      {
        subject: "Euro € 😀",
        datacontenttype: "application/json",
        knativebrokerttl: "254",
        partitionkey: "k 1",
      },
      '{"a":1}',
    );
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event, {
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        tracestate: "congo=t61rcWkgMzE",
      }),
      url: `${sink.url}hooks/fn?x=1`,
      policy: policy(),
      namespace: "team-a",
    });
    assert.equal(result.outcome, "delivered");
    const [request] = sink.requests.filter((r) => r.headers["ce-id"] === event.attributes.get("id"));
    assert.ok(request);
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/hooks/fn?x=1");
    const h = request.headers;
    assert.equal(h.prefer, "reply");
    assert.equal(h["kn-namespace"], "team-a");
    assert.equal(h.traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert.equal(h.tracestate, "congo=t61rcWkgMzE");
    assert.equal(h["user-agent"], "sluice-test");
    assert.equal(h["ce-specversion"], "1.0");
    assert.equal(h["ce-type"], "com.example.test");
    assert.equal(h["ce-source"], "/sluice/test");
    assert.equal(h["ce-subject"], "Euro%20%E2%82%AC%20%F0%9F%98%80");
    assert.equal(h["ce-partitionkey"], "k%201");
    assert.equal(h["content-type"], "application/json");
    assert.equal(h["ce-datacontenttype"], undefined);
    assert.equal(h["ce-knativebrokerttl"], undefined, "the loop guard never reaches subscribers");
    assert.equal(request.body.toString(), '{"a":1}');
  });

  it("sends no trace headers when the envelope has none, and drops ones undici would refuse", async () => {
    const a = makeEvent();
    const b = makeEvent();
    await dispatcher.deliver({ envelope: makeEnvelope(a), url: sink.url, policy: policy(), namespace: "ns" });
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(b, { traceparent: "00-bad\r\nx-injected: 1" }),
      url: sink.url,
      policy: policy(),
      namespace: "ns",
    });
    assert.equal(result.outcome, "delivered");
    const ra = sink.requests.find((r) => r.headers["ce-id"] === a.attributes.get("id"));
    const rb = sink.requests.find((r) => r.headers["ce-id"] === b.attributes.get("id"));
    assert.equal(ra?.headers.traceparent, undefined);
    assert.equal(ra?.headers.tracestate, undefined);
    assert.equal(rb?.headers.traceparent, undefined);
    assert.equal(rb?.headers["x-injected"], undefined);
  });

  it("a 36 KiB binary body arrives exactly once, byte for byte", async () => {
    sink.respond(always(202));
    const data = randomBytes(36 * 1024);
    const event = makeEvent({ datacontenttype: "application/octet-stream" }, data);
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy({ retry: 3 }),
      namespace: "ns",
    });
    assert.deepEqual(result, { outcome: "delivered", attempts: 1, status: 202, replied: false });
    const received = sink.requests.filter((r) => r.headers["ce-id"] === event.attributes.get("id"));
    assert.equal(received.length, 1);
    assert.ok(received[0]?.body.equals(data));
    assert.equal(received[0]?.headers["content-length"], String(36 * 1024));
  });

  it("a 1 MiB body passes through unchanged", async () => {
    const data = randomBytes(1024 * 1024);
    const event = makeEvent({ datacontenttype: "application/octet-stream" }, data);
    await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy(),
      namespace: "ns",
    });
    const received = sink.requests.find((r) => r.headers["ce-id"] === event.attributes.get("id"));
    assert.ok(received?.body.equals(data));
  });

  it("logs neither event data, nor header values, nor URL query strings", async () => {
    const lines: string[] = [];
    const d = createDispatcher({ logger: createLogger({ level: "debug", write: (l) => lines.push(l) }) });
    sink.respond(always(500, "server-said-secret"));
    const url = await closedPortUrl();
    const event = makeEvent({ secretext: "ext-secret" }, "data-secret");
    await d.deliver({
      envelope: makeEnvelope(event, {
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      }),
      url: `${sink.url}?token=query-secret`,
      policy: policy({ retry: 1, deadLetterSink: { url } }),
      namespace: "ns",
    });
    await d.close();
    const text = lines.join("");
    assert.ok(lines.length >= 2, "attempt failures are logged at debug");
    for (const secret of [
      "query-secret",
      "token=",
      "data-secret",
      "ext-secret",
      "server-said-secret",
      "4bf92f35",
    ]) {
      assert.equal(text.includes(secret), false, `log contains ${secret}: ${text}`);
    }
  });
});
