import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreErrors, isSluiceError } from "@sluice/core";
import { makeEnvelope, makeEvent } from "@sluice/testing";
import { createMemoryBackend, MemoryBrokerErrors } from "../src/index.js";

const KEY = { namespace: "default", name: "b" };
const entry = () => ({ envelope: makeEnvelope(makeEvent()), routes: ["t1"] });

describe("memory backend", () => {
  it("is not durable and names itself", () => {
    const backend = createMemoryBackend();
    assert.equal(backend.kind, "memory");
    assert.equal(backend.durable, false);
  });

  it("applies the backend's default bounds when open() sets none", async () => {
    const backend = createMemoryBackend({ maxPendingEvents: 1 });
    const store = await backend.open(KEY);
    await store.append([entry()]);
    await assert.rejects(
      store.append([entry()]),
      (e) => isSluiceError(e) && e.code === CoreErrors.BACKEND_FULL,
    );
    await backend.close();
  });

  it("refuses a second open of the same broker until the first store closes", async () => {
    const backend = createMemoryBackend();
    const store = await backend.open(KEY);
    await assert.rejects(
      backend.open(KEY),
      (e) => isSluiceError(e) && e.code === MemoryBrokerErrors.ALREADY_OPEN,
    );
    await store.close();
    const again = await backend.open(KEY);
    assert.equal(again.stats().pendingEvents, 0, "a new memory store starts empty");
    await backend.close();
    await backend.close();
  });

  it("hands out a large backlog in order", async () => {
    const backend = createMemoryBackend();
    const store = await backend.open(KEY);
    const total = 5_000;
    for (let i = 0; i < total; i++) await store.append([entry()]);
    const queue = store.subscription("t1");
    let last = 0;
    let count = 0;
    while (queue.waiting > 0) {
      for (const delivery of await queue.take(700)) {
        assert.ok(delivery.seq > last);
        last = delivery.seq;
        count += 1;
        queue.ack(delivery);
      }
    }
    assert.equal(count, total);
    assert.equal(store.stats().pendingEvents, 0);
    await backend.close();
  });
});
