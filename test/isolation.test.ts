// A slow, failing or unreachable subscriber never delays deliveries to other triggers (§5).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { always, hang, startRecordingSink } from "@sluice/testing";
import { broker, ceHeaders, http, manifests, startPipeline, trigger } from "./helpers/pipeline.js";

describe("isolation", () => {
  for (const [name, responder] of [
    ["hangs", hang],
    ["fails with 500", always(500)],
  ] as const) {
    it(`one trigger's sink ${name} while another keeps receiving every event`, async () => {
      const bad = await startRecordingSink({ respond: responder });
      const good = await startRecordingSink();
      const p = await startPipeline(
        manifests(
          broker(),
          trigger("bad", {
            subscriber: { uri: bad.url },
            delivery: { retry: 100, backoffPolicy: "linear", backoffDelay: "PT0.05S", timeout: "PT60S" },
          }),
          trigger("good", { subscriber: { uri: good.url } }),
        ),
        { limits: { inFlightPerTrigger: 8, inFlightTotal: 16 } },
      );
      try {
        const total = 100;
        for (let i = 0; i < total; i++) {
          const r = await http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": `iso-${i}` }), body: "{}" });
          assert.equal(r.status, 202);
        }
        const got = await good.waitFor(total);
        assert.equal(new Set(got.map((g) => g.headers["ce-id"])).size, total);
        // the bad trigger never had more than its own in-flight bound outstanding
        const distinct = new Set(bad.requests.map((r) => r.headers["ce-id"]));
        assert.ok(distinct.size <= 8, `bad trigger had ${distinct.size} events in flight`);
      } finally {
        await p.close();
        await bad.close();
        await good.close();
      }
    });
  }
});
