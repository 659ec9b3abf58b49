// Applying a new configuration to a running runtime (what --watch does).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hang, startRecordingSink } from "@sluice/testing";
import { broker, ceHeaders, http, manifests, startPipeline, trigger } from "./helpers/pipeline.js";

describe("reload", () => {
  it("a changed subscriber receives the deliveries still pending for its trigger", async () => {
    const old = await startRecordingSink({ respond: hang });
    const next = await startRecordingSink();
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("t", { subscriber: { uri: old.url }, delivery: { retry: 0, timeout: "PT0.3S" } }),
      ),
      { limits: { inFlightPerTrigger: 1 } },
    );
    try {
      for (let i = 0; i < 5; i++)
        await http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": `r-${i}` }), body: "{}" });
      await old.waitFor(1);
      await p.apply(
        manifests(
          broker(),
          trigger("t", { subscriber: { uri: next.url }, delivery: { retry: 3, backoffDelay: "PT0.05S" } }),
        ),
      );
      // the one stuck on the old subscriber times out and ends in the dead-letter store; the rest go to the new one
      const got = await next.waitFor(4);
      assert.deepEqual(got.map((r) => r.headers["ce-id"]).sort(), ["r-1", "r-2", "r-3", "r-4"]);
    } finally {
      await p.close();
      await old.close();
      await next.close();
    }
  });

  it("a removed trigger stops receiving; an added one starts", async () => {
    const a = await startRecordingSink();
    const b = await startRecordingSink();
    const p = await startPipeline(manifests(broker(), trigger("a", { subscriber: { uri: a.url } })));
    try {
      await http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": "before" }), body: "{}" });
      await a.waitFor(1);
      await p.apply(manifests(broker(), trigger("b", { subscriber: { uri: b.url } })));
      await http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": "after" }), body: "{}" });
      const [got] = await b.waitFor(1);
      assert.equal(got?.headers["ce-id"], "after");
      assert.equal(a.requests.length, 1);
      // the removed trigger's series are gone from /metrics; the added one's are there
      const metrics = (await http(`${p.url}/metrics`, { method: "GET" })).body.toString();
      assert.doesNotMatch(metrics, /trigger="default\/a"/);
      for (const name of [
        "sluice_trigger_window",
        "sluice_trigger_pending_deliveries",
        "sluice_trigger_inflight",
      ]) {
        assert.match(metrics, new RegExp(`^${name}\\{trigger="default/b"\\} \\d+$`, "m"));
      }
    } finally {
      await p.close();
      await a.close();
      await b.close();
    }
  });

  it("a reload of 5,000 triggers lets ingress in while it runs (it is applied in slices)", async () => {
    const sink = await startRecordingSink();
    const p = await startPipeline(manifests(broker(), trigger("first", { subscriber: { uri: sink.url } })));
    try {
      const many = Array.from({ length: 5000 }, (_, i) =>
        trigger(`t${i}`, {
          filter: { attributes: { type: `com.example.t${i}` } },
          subscriber: { uri: `${sink.url}/t${i}` },
        }),
      );
      const text = manifests(broker(), trigger("first", { subscriber: { uri: sink.url } }), ...many);
      let applied = false;
      let turns = 0;
      const tick = () => {
        if (applied) return;
        turns += 1;
        setImmediate(tick);
      };
      const reload = p.apply(text).then(() => {
        applied = true;
      });
      setImmediate(tick);
      // Sent once the reload is under way; answered while it still is.
      const answered = http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": "during" }), body: "{}" }).then(
        (r) => ({ status: r.status, beforeReloadEnded: !applied }),
      );
      await reload;
      assert.ok(turns >= 3, `the event loop turned ${turns} time(s) while 5,000 triggers were added`);
      assert.deepEqual(await answered, { status: 202, beforeReloadEnded: true });
      assert.equal(p.runtime.brokers()[0]?.triggers.length, 5001);
      const [got] = await sink.waitFor(1);
      assert.equal(got?.headers["ce-id"], "during");
    } finally {
      await p.close();
      await sink.close();
    }
  });

  it("rejects a broker class change and keeps running", async () => {
    const p = await startPipeline(manifests(broker()));
    try {
      const changed = manifests(broker("default", {}, { "eventing.knative.dev/broker.class": "Kafka" }));
      await assert.rejects(p.apply(changed));
      assert.equal((await http(p.brokerUrl(), { headers: ceHeaders(), body: "{}" })).status, 202);
    } finally {
      await p.close();
    }
  });

  it("a removed broker answers 404; re-adding it serves again", async () => {
    const p = await startPipeline(manifests(broker(), broker("other")));
    try {
      await p.apply(manifests(broker()));
      assert.equal(
        (await http(p.brokerUrl("default", "other"), { headers: ceHeaders(), body: "{}" })).status,
        404,
      );
      await p.apply(manifests(broker(), broker("other")));
      assert.equal(
        (await http(p.brokerUrl("default", "other"), { headers: ceHeaders(), body: "{}" })).status,
        202,
      );
    } finally {
      await p.close();
    }
  });
});
