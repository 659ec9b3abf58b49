import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BEHIND_QUEUE_LENGTH as BEHIND } from "../src/embedded-store.js";
import { createEmbeddedBackend } from "../src/index.js";
import { faultyFileSystem } from "./faulty-fs.js";
import { entry, idOf, KEY, takeAll, tempDir } from "./helpers.js";

/**
 * A store holding `total` events routed to "fast" and "slow"; "slow" exists but has taken
 * nothing. Reads are counted through the file system, so a body kept in memory shows up as a read
 * not made.
 */
async function filled(label: string, total: number) {
  const { fs, faults } = faultyFileSystem();
  const backend = createEmbeddedBackend({ dataDir: tempDir(label), fileSystem: fs });
  const store = await backend.open(KEY);
  store.subscription("slow");
  const appends = [];
  for (let i = 0; i < total; i++) appends.push(store.append([entry(`e${i}`, `body ${i}`, "fast", "slow")]));
  await Promise.all(appends);
  return { backend, store, faults };
}

/**
 * A trigger that falls far behind must not keep the envelopes of its backlog on the heap once
 * every other trigger is done with them: they are read back from disk when it gets there.
 */
describe("backlog memory", () => {
  it("drops the bodies only a far-behind route still owes, and reads them back in order", async () => {
    const total = BEHIND + 150;
    const { backend, store, faults } = await filled("behind", total);
    try {
      const readsBefore = faults.readCount;
      const fast = await takeAll(store, "fast", total, true);
      assert.equal(fast.length, total);
      assert.equal(faults.readCount, readsBefore, "a route that keeps up is served from memory");

      const slow = await takeAll(store, "slow", total, true);
      assert.deepEqual(
        slow.map(idOf),
        Array.from({ length: total }, (_, i) => `e${i}`),
        "every event, in log order",
      );
      const last = slow[total - 1]!;
      assert.equal(new TextDecoder().decode(last.envelope.event.data), `body ${total - 1}`);
      assert.equal(
        faults.readCount - readsBefore,
        total - BEHIND,
        "exactly the records queued while the slow route was far behind were dropped and read back",
      );
      assert.equal(store.stats().pendingEvents, 0);
    } finally {
      await backend.close();
    }
  });

  it("keeps the body of a record a far-behind route has taken and not yet acked", async () => {
    const total = BEHIND + 5;
    const { backend, store, faults } = await filled("held", total);
    try {
      const readsBefore = faults.readCount;
      const held = await takeAll(store, "slow", total); // taken, not acked
      await takeAll(store, "fast", total, true);
      assert.equal(faults.readCount, readsBefore, "nothing was read back");
      for (const [i, delivery] of held.entries()) {
        assert.ok(delivery.envelope !== undefined, `delivery ${i} still has its envelope`);
        assert.equal(idOf(delivery), `e${i}`);
      }
      // Released (a delivery abandoned at shutdown), they go out again in order.
      const queue = store.subscription("slow");
      for (const delivery of held) queue.release(delivery);
      const again = await takeAll(store, "slow", total, true);
      assert.deepEqual(again.map(idOf), held.map(idOf));
      assert.equal(store.stats().pendingEvents, 0);
    } finally {
      await backend.close();
    }
  });
});
