// Ordered delivery (PRODUCT.md §5): a trigger annotated kafka.eventing.knative.dev/delivery.order:
// ordered delivers events with the same partitionkey one at a time, in order; retries block
// that key only.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type SinkRequest, startRecordingSink } from "@sluice/testing";
import { broker, ceHeaders, http, manifests, startPipeline, trigger } from "./helpers/pipeline.js";

describe("ordered delivery", () => {
  it("keeps per-key order through retries while other keys proceed", async () => {
    // every event fails its first attempt; key "slow" fails its first event 3 times
    const sink = await startRecordingSink({
      respond: (r: SinkRequest) => {
        const limit = r.headers["ce-id"] === "slow-0" ? 3 : 1;
        return r.attempt <= limit ? { status: 503 } : { status: 202 };
      },
    });
    const p = await startPipeline(
      manifests(
        broker(),
        trigger(
          "ordered",
          {
            subscriber: { uri: sink.url },
            delivery: { retry: 5, backoffPolicy: "linear", backoffDelay: "PT0.02S" },
          },
          { "kafka.eventing.knative.dev/delivery.order": "ordered" },
        ),
      ),
    );
    try {
      for (let i = 0; i < 5; i++) {
        for (const key of ["a", "b", "slow"]) {
          const r = await http(p.brokerUrl(), {
            headers: ceHeaders({ "ce-id": `${key}-${i}`, "ce-partitionkey": key }),
            body: "{}",
          });
          assert.equal(r.status, 202);
        }
      }
      await sink.waitFor(15, { predicate: (r) => r.attempt > (r.headers["ce-id"] === "slow-0" ? 3 : 1) });
      for (const key of ["a", "b", "slow"]) {
        const attempts = sink.requests
          .filter((r) => r.headers["ce-partitionkey"] === key)
          .map((r) => String(r.headers["ce-id"]));
        // with one at a time per key, an event's attempts all come before the next event's first attempt
        const firstSeen = [...new Set(attempts)];
        assert.deepEqual(
          firstSeen,
          [0, 1, 2, 3, 4].map((i) => `${key}-${i}`),
          `order of key ${key}`,
        );
        for (let i = 1; i < attempts.length; i++) {
          const prev = Number(attempts[i - 1]?.split("-")[1]);
          const cur = Number(attempts[i]?.split("-")[1]);
          assert.ok(cur >= prev, `key ${key}: ${attempts.join(",")}`);
        }
      }
      // the slow key's retries did not hold the other keys back: they finished before slow-0 succeeded
      const slowDone = sink.requests.findIndex((r) => r.headers["ce-id"] === "slow-0" && r.attempt === 4);
      const aDone = sink.requests.findIndex((r) => r.headers["ce-id"] === "a-0" && r.attempt === 2);
      assert.ok(aDone < slowDone);
    } finally {
      await p.close();
      await sink.close();
    }
  });
});
