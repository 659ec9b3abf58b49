// Many clean restarts in a row, with random appends, acks, removed triggers, dead letters and empty
// runs, against a model of what each subscription is owed: after every restart the store hands out
// exactly that, in log order, and counts the dead letters kept.
// Small segments and a small ack journal make segment and journal rotations frequent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { prng } from "@sluice/testing";
import { createEmbeddedBackend } from "../src/index.js";
import { entry, idOf, KEY, takeAll, tempDir } from "./helpers.js";

const ROUTES = ["t1", "t2"] as const;

describe("restarts", () => {
  for (const [seed, cacheBytes] of [
    [1, undefined],
    [2, undefined],
    [3, 0], // every body read back from disk
  ] as const) {
    it(`hands out exactly what is owed after each of 40 restarts (seed ${seed}${cacheBytes === 0 ? ", no cache" : ""})`, async () => {
      const random = prng(seed);
      const dataDir = tempDir(`restarts-${seed}`);
      const owed = new Map<string, string[]>(ROUTES.map((route) => [route, []]));
      let next = 0;
      let deadLetters = 0;
      for (let run = 0; run < 40; run++) {
        const backend = createEmbeddedBackend({
          dataDir,
          segmentBytes: 4096,
          ackJournalBytes: 1024,
          ...(cacheBytes === undefined ? {} : { cacheBytes }),
        });
        try {
          const store = await backend.open(KEY);
          assert.deepEqual(
            [...store.subscriptionIds()].sort(),
            ROUTES.filter((route) => owed.get(route)!.length > 0),
            `run ${run}: subscriptions with deliveries pending`,
          );
          assert.equal(store.stats().deadLetters, deadLetters, `run ${run}: dead letters`);
          for (const route of ROUTES) {
            const expected = owed.get(route)!;
            const queue = store.subscription(route);
            assert.equal(queue.waiting, expected.length, `run ${run}, ${route}: waiting`);
            const taken = await takeAll(store, route, expected.length);
            assert.deepEqual(taken.map(idOf), expected, `run ${run}, ${route}: handed out`);
            // ack some of them; the others stay taken and come back after the restart
            const kept: string[] = [];
            for (const delivery of taken) {
              if (random() < 0.5) queue.ack(delivery);
              else kept.push(idOf(delivery));
            }
            owed.set(route, kept);
          }
          // now and then a trigger is removed (and may come back later with new events)
          if (random() < 0.1) {
            await store.dropSubscription("t2");
            owed.set("t2", []);
          }
          if (random() < 0.3) {
            await store.deadLetter({
              subscription: "default/t1",
              reason: "gave up",
              at: Date.now(),
              envelope: entry(`dl${deadLetters}`, "x").envelope,
            });
            deadLetters += 1;
          }
          // a third of the runs store nothing; the others a few events, some large
          const count = random() < 0.33 ? 0 : 1 + Math.floor(random() * 4);
          for (let i = 0; i < count; i++) {
            const id = `e${next++}`;
            const routes = ROUTES.filter(() => random() < 0.7);
            const body = random() < 0.2 ? "x".repeat(3000) : id;
            await store.append([entry(id, body, ...routes)]);
            for (const route of routes) owed.get(route)!.push(id);
          }
        } finally {
          await backend.close();
        }
      }
    });
  }
});
