// The ingress status table of PRODUCT.md §4, row by row, against a real runtime on loopback.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createMemoryBackend } from "@sluice/broker-memory";
import { CoreErrors, SluiceError } from "@sluice/core";
import { eventually, type RecordingSink, startRecordingSink } from "@sluice/testing";
import { request } from "undici";
import {
  broker,
  ceHeaders,
  http,
  manifests,
  type Pipeline,
  startPipeline,
  trigger,
} from "./helpers/pipeline.js";

describe("ingress status table", () => {
  let sink: RecordingSink;
  let p: Pipeline;

  before(async () => {
    sink = await startRecordingSink();
    p = await startPipeline(manifests(broker(), trigger("all", { subscriber: { uri: sink.url } })), {
      limits: { bodyLimit: 64 * 1024 },
    });
  });
  after(async () => {
    await p.close();
    await sink.close();
  });

  it("POST of a valid binary-mode CloudEvent 1.0 → 202", async () => {
    const r = await http(p.brokerUrl(), { headers: ceHeaders(), body: "{}" });
    assert.equal(r.status, 202);
  });

  it("POST of a structured-mode event → 202", async () => {
    const body = JSON.stringify({ specversion: "1.0", id: "s1", source: "/s", type: "t", data: { a: 1 } });
    const r = await http(p.brokerUrl(), {
      headers: { "content-type": "application/cloudevents+json" },
      body,
    });
    assert.equal(r.status, 202);
  });

  it("POST of a CloudEvents 0.3 event → 202", async () => {
    const r = await http(p.brokerUrl(), { headers: ceHeaders({ "ce-specversion": "0.3" }), body: "{}" });
    assert.equal(r.status, 202);
  });

  it("POST of a batch → 202 and every event is delivered", async () => {
    const ids = ["b1", "b2", "b3"];
    const body = JSON.stringify(
      ids.map((id) => ({ specversion: "1.0", id, source: "/batch", type: "t.batch" })),
    );
    const r = await http(p.brokerUrl(), {
      headers: { "content-type": "application/cloudevents-batch+json" },
      body,
    });
    assert.equal(r.status, 202);
    const got = await sink.waitFor(3, { predicate: (q) => q.headers["ce-source"] === "/batch" });
    assert.deepEqual(got.map((q) => q.headers["ce-id"]).sort(), ids);
  });

  it("POST of a batch with one invalid event → 400 and nothing stored", async () => {
    const body = JSON.stringify([
      { specversion: "1.0", id: "ok1", source: "/badbatch", type: "t" },
      { specversion: "1.0", id: "bad", type: "t" },
    ]);
    const r = await http(p.brokerUrl(), {
      headers: { "content-type": "application/cloudevents-batch+json" },
      body,
    });
    assert.equal(r.status, 400);
    // a later good event proves the pipeline is live; the bad batch's first event must not appear
    await http(p.brokerUrl(), { headers: ceHeaders({ "ce-source": "/badbatch-marker" }), body: "{}" });
    await sink.waitFor(1, { predicate: (q) => q.headers["ce-source"] === "/badbatch-marker" });
    assert.equal(sink.requests.filter((q) => q.headers["ce-source"] === "/badbatch").length, 0);
  });

  for (const attribute of ["id", "source", "type", "specversion"]) {
    it(`POST without ${attribute} → 400 naming it`, async () => {
      const r = await http(p.brokerUrl(), {
        headers: ceHeaders({ [`ce-${attribute}`]: undefined }),
        body: "{}",
      });
      assert.equal(r.status, 400);
      const error = (r.json() as { error: { code: string; message: string } }).error;
      assert.match(error.code, /^SLUICE_ERR_/);
      assert.match(error.message, new RegExp(attribute));
    });
  }

  it("POST with a ce- header given twice → 400 naming the attribute (node would join the values)", async () => {
    const r = await request(p.brokerUrl(), {
      method: "POST",
      // a flat list keeps both lines; node:http would otherwise read ce-id as "a, b"
      headers: ["ce-specversion", "1.0", "ce-id", "a", "CE-Id", "b", "ce-source", "/s", "ce-type", "t"],
      body: "{}",
    });
    assert.equal(r.statusCode, 400);
    const { error } = (await r.body.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, "SLUICE_ERR_CODEC_DUPLICATE_ATTRIBUTE");
    assert.match(error.message, /"id"/);
  });

  it("POST with another header given twice → 202, attributes untouched", async () => {
    const r = await request(p.brokerUrl(), {
      method: "POST",
      headers: [
        ...Object.entries(ceHeaders({ "ce-id": "repeat-ok" })).flat(),
        "x-forwarded-for",
        "10.0.0.1",
        "x-forwarded-for",
        "10.0.0.2",
      ],
      body: "{}",
    });
    assert.equal(r.statusCode, 202);
    await r.body.dump();
    const [got] = await sink.waitFor(1, { predicate: (q) => q.headers["ce-id"] === "repeat-ok" });
    assert.equal(got?.headers["ce-type"], "com.example.test");
  });

  it("POST with an unknown specversion → 400", async () => {
    const r = await http(p.brokerUrl(), { headers: ceHeaders({ "ce-specversion": "19.0" }), body: "{}" });
    assert.equal(r.status, 400);
    assert.match(r.body.toString(), /specversion/);
  });

  it("POST of something that is not a CloudEvent → 400 with a JSON error", async () => {
    const r = await http(p.brokerUrl(), { headers: { "content-type": "text/plain" }, body: "hello" });
    assert.equal(r.status, 400);
    const error = (r.json() as { error: { code: string; message: string } }).error;
    assert.equal(typeof error.code, "string");
    assert.equal(typeof error.message, "string");
  });

  it("unknown namespace/broker → 404", async () => {
    const r = await http(p.brokerUrl("default", "nope"), { headers: ceHeaders(), body: "{}" });
    assert.equal(r.status, 404);
    assert.equal((r.json() as { error: { code: string } }).error.code, "SLUICE_ERR_INGRESS_BROKER_NOT_FOUND");
  });

  for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
    it(`${method} on a broker path → 405 with Allow: POST, OPTIONS`, async () => {
      const r = await http(p.brokerUrl(), { method });
      assert.equal(r.status, 405);
      assert.equal(r.headers.allow, "POST, OPTIONS");
    });
  }

  it("OPTIONS (webhook handshake) → 200 with Allow and WebHook-Allowed-Origin", async () => {
    const r = await http(p.brokerUrl(), {
      method: "OPTIONS",
      headers: { "webhook-request-origin": "eventemitter.example.com" },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.allow, "POST, OPTIONS");
    assert.equal(r.headers["webhook-allowed-origin"], "eventemitter.example.com");
  });

  it("body over the limit → 413", async () => {
    const r = await http(p.brokerUrl(), { headers: ceHeaders(), body: Buffer.alloc(64 * 1024 + 1, 97) });
    assert.equal(r.status, 413);
    assert.equal((r.json() as { error: { code: string } }).error.code, "SLUICE_ERR_INGRESS_BODY_TOO_LARGE");
  });

  it("a body at the limit is accepted", async () => {
    const r = await http(p.brokerUrl(), {
      headers: ceHeaders({ "content-type": "application/octet-stream" }),
      body: Buffer.alloc(64 * 1024, 97),
    });
    assert.equal(r.status, 202);
  });

  it("/healthz and /readyz answer 200 when running; /metrics serves Prometheus text", async () => {
    assert.equal((await http(`${p.url}/healthz`, { method: "GET" })).status, 200);
    const ready = await http(`${p.url}/readyz`, { method: "GET" });
    assert.equal(ready.status, 200, ready.body.toString());
    const metrics = await http(`${p.url}/metrics`, { method: "GET" });
    assert.equal(metrics.status, 200);
    assert.match(metrics.body.toString(), /sluice_events_accepted_total\{broker="default\/default"\} \d+/);
    // memory storage makes no commits: no commit series, rather than one that reads zero
    assert.doesNotMatch(metrics.body.toString(), /sluice_broker_(commit|sync)_seconds_count/);
  });
});

describe("metrics of a durable broker", () => {
  it("/metrics has the embedded store's group commits by duration", async () => {
    const sink = await startRecordingSink();
    const p = await startPipeline(manifests(broker(), trigger("all", { subscriber: { uri: sink.url } })), {
      storage: "embedded",
    });
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal(
          (await http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": `c${i}` }), body: "{}" })).status,
          202,
        );
      }
      const text = (await http(`${p.url}/metrics`, { method: "GET" })).body.toString();
      assert.match(text, /# TYPE sluice_broker_commit_seconds histogram/);
      const count = Number(
        /sluice_broker_commit_seconds_count\{broker="default\/default"\} (\d+)/.exec(text)?.[1],
      );
      assert.ok(count >= 1 && count <= 3, `commits counted: ${count}`);
      assert.match(text, /sluice_broker_commit_seconds_bucket\{broker="default\/default",le="\+Inf"\} \d+/);
      assert.match(text, /# TYPE sluice_broker_sync_seconds histogram/);
      const syncs = Number(
        /sluice_broker_sync_seconds_count\{broker="default\/default"\} (\d+)/.exec(text)?.[1],
      );
      assert.equal(syncs, count, "one fdatasync timed per commit");
    } finally {
      await p.close();
      await sink.close();
    }
  });
});

describe("ingress under backlog and outage", () => {
  it("backlog over its bound → 429 with Retry-After, and accepting again once drained", async () => {
    const sink = await startRecordingSink({ respond: () => "hang" });
    const p = await startPipeline(manifests(broker(), trigger("slow", { subscriber: { uri: sink.url } })), {
      limits: { maxPendingEvents: 3, inFlightPerTrigger: 1 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await http(p.brokerUrl(), { headers: ceHeaders(), body: "{}" })).status);
      assert.deepEqual(statuses.slice(0, 3), [202, 202, 202]);
      const r = await http(p.brokerUrl(), { headers: ceHeaders(), body: "{}" });
      assert.equal(r.status, 429);
      assert.ok(Number(r.headers["retry-after"]) >= 1);
      sink.respond(() => ({ status: 202 }));
    } finally {
      await p.close();
      await sink.close();
    }
  });

  it("one trigger's backlog over its own bound → 429 only for events routed to it; other triggers' events still accepted", async () => {
    const slowSink = await startRecordingSink({ respond: () => "hang" });
    const fastSink = await startRecordingSink();
    const delivery = { retry: 20, backoffPolicy: "linear", backoffDelay: "PT0.1S", timeout: "PT0.3S" };
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("slow", {
          filter: { attributes: { type: "t.slow" } },
          subscriber: { uri: slowSink.url },
          delivery,
        }),
        trigger("fast", { filters: [{ prefix: { type: "t." } }], subscriber: { uri: fastSink.url } }),
      ),
      { limits: { maxPendingPerTrigger: 3, inFlightPerTrigger: 1, inFlightPerFailingTrigger: 1 } },
    );
    const post = (type: string) =>
      http(p.brokerUrl(), { headers: ceHeaders({ "ce-type": type }), body: "{}" });
    try {
      // one delivery in flight (hanging) plus 3 waiting: the next event for "slow" is refused
      const statuses: number[] = [];
      for (let i = 0; i < 10 && !statuses.includes(429); i++) statuses.push((await post("t.slow")).status);
      const accepted = statuses.filter((s) => s === 202).length;
      assert.equal(statuses.at(-1), 429, `statuses ${statuses.join(",")}`);
      assert.ok(
        accepted >= 3 && accepted <= 4,
        `accepted ${accepted}: the bound (3) plus at most the one in flight`,
      );
      const refused = await post("t.slow");
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers["retry-after"]) >= 1);
      assert.match(refused.body.toString(), /trigger default\/slow is over its backlog bound/);
      // events only "fast" matches are still accepted and delivered while "slow" is full
      for (let i = 0; i < 5; i++) assert.equal((await post("t.fast")).status, 202);
      await fastSink.waitFor(accepted + 5);
      const slowTypes = fastSink.requests.filter((r) => r.headers["ce-type"] === "t.slow").length;
      assert.equal(slowTypes, accepted, "a refused event is stored for no trigger: all or nothing");
      // a batch with one event for the full trigger is refused whole
      const batch = await http(p.brokerUrl(), {
        headers: { "content-type": "application/cloudevents-batch+json" },
        body: JSON.stringify([
          { specversion: "1.0", id: "batch-fast", source: "/s", type: "t.fast" },
          { specversion: "1.0", id: "batch-slow", source: "/s", type: "t.slow" },
        ]),
      });
      assert.equal(batch.status, 429);
      const metrics = (await http(`${p.url}/metrics`, { method: "GET" })).body.toString();
      assert.match(metrics, /sluice_trigger_pending_deliveries\{trigger="default\/slow"\} [34]/);
      // once the subscriber answers again, the backlog drains and "slow" events are accepted again
      slowSink.respond(() => ({ status: 202 }));
      await eventually(async () => (await post("t.slow")).status === 202, "slow accepting again", {
        timeoutMs: 15_000,
        intervalMs: 100,
      });
      // by now anything stored for "fast" has long been delivered
      await fastSink.waitFor(accepted + 6);
      assert.ok(
        !fastSink.requests.some((r) => r.headers["ce-id"] === "batch-fast"),
        "nothing of the refused batch was stored",
      );
    } finally {
      await p.close();
      await slowSink.close();
      await fastSink.close();
    }
  });

  it("storage unavailable → 503 with Retry-After, and /readyz says why", async () => {
    const real = createMemoryBackend();
    let down = true;
    const flaky = {
      kind: "flaky",
      durable: false,
      async open(...args: Parameters<typeof real.open>) {
        const store = await real.open(...args);
        return new Proxy(store, {
          get(target, prop, receiver) {
            if (prop === "append" && down) {
              return () => Promise.reject(new SluiceError(CoreErrors.BACKEND_UNAVAILABLE, "disk on fire"));
            }
            if (prop === "health") return () => (down ? "disk on fire" : undefined);
            const value = Reflect.get(target, prop, receiver);
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
      },
      close: () => real.close(),
    };
    const sink = await startRecordingSink();
    const p = await startPipeline(manifests(broker(), trigger("t", { subscriber: { uri: sink.url } })), {
      backend: flaky,
    });
    try {
      const r = await http(p.brokerUrl(), { headers: ceHeaders(), body: "{}" });
      assert.equal(r.status, 503);
      assert.ok(Number(r.headers["retry-after"]) >= 1);
      const ready = await http(`${p.url}/readyz`, { method: "GET" });
      assert.equal(ready.status, 503);
      assert.match(ready.body.toString(), /disk on fire/);
      down = false;
      assert.equal((await http(p.brokerUrl(), { headers: ceHeaders(), body: "{}" })).status, 202);
    } finally {
      await p.close();
      await real.close();
      await sink.close();
    }
  });
});
