import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DelayQueue } from "../src/delay-queue.js";

/** Resolves once `count` callbacks fired, with their labels in firing order. */
function collector(count: number): {
  fired: string[];
  done: Promise<string[]>;
  fire: (label: string) => () => void;
} {
  const fired: string[] = [];
  let resolve!: (v: string[]) => void;
  const done = new Promise<string[]>((r) => (resolve = r));
  return {
    fired,
    done,
    fire: (label) => () => {
      fired.push(label);
      if (fired.length === count) resolve(fired);
    },
  };
}

describe("DelayQueue", () => {
  it("fires callbacks in deadline order, whatever the insertion order", async () => {
    const queue = new DelayQueue();
    const hold = setTimeout(() => {}, 10_000); // keeps the loop alive: the queue's timer is unref'd
    const c = collector(5);
    for (const [label, ms] of [
      ["c", 30],
      ["a", 5],
      ["e", 50],
      ["b", 15],
      ["d", 40],
    ] as const) {
      queue.schedule(ms, c.fire(label));
    }
    assert.deepEqual(await c.done, ["a", "b", "c", "d", "e"]);
    assert.equal(queue.size, 0);
    clearTimeout(hold);
    queue.close();
  });

  it("fires entries with equal deadlines in insertion order", async () => {
    let clock = 0;
    const queue = new DelayQueue({ now: () => clock });
    const hold = setTimeout(() => {}, 10_000);
    const c = collector(3);
    for (const label of ["x", "y", "z"]) queue.schedule(1, c.fire(label));
    clock = 5;
    assert.deepEqual(await c.done, ["x", "y", "z"]);
    clearTimeout(hold);
    queue.close();
  });

  it("never fires a cancelled entry and keeps the heap consistent", async () => {
    // A clock that stands still while scheduling: on a busy machine the real one moves between
    // two schedule() calls, and deadlines 1 ms apart would then fire out of the order checked.
    let clock = 0;
    const queue = new DelayQueue({ now: () => clock });
    const hold = setTimeout(() => {}, 10_000);
    const labels = Array.from({ length: 200 }, (_, i) => i);
    // Deterministic shuffle of deadlines, then cancel every third entry.
    const deadlines = labels.map((i) => (i * 37) % 200);
    const kept = labels.filter((i) => i % 3 !== 0);
    const c = collector(kept.length);
    const handles = labels.map((i) => queue.schedule(deadlines[i] as number, c.fire(String(i))));
    for (const i of labels) if (i % 3 === 0) queue.cancel(handles[i] as ReturnType<typeof queue.schedule>);
    assert.equal(queue.size, kept.length);
    clock = 1000;
    const fired = (await c.done).map(Number);
    assert.deepEqual(new Set(fired), new Set(kept));
    const firedDeadlines = fired.map((i) => deadlines[i] as number);
    assert.deepEqual(
      firedDeadlines,
      [...firedDeadlines].sort((a, b) => a - b),
    );
    queue.cancel(handles[1] as ReturnType<typeof queue.schedule>); // already fired: a no-op
    clearTimeout(hold);
    queue.close();
  });

  it("close() drops pending entries and later schedules never fire", async () => {
    const queue = new DelayQueue();
    let fired = 0;
    queue.schedule(1, () => fired++);
    queue.close();
    queue.schedule(1, () => fired++);
    assert.equal(queue.size, 0);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fired, 0);
  });

  it("arms one timer however many later entries are pending, and clears it on close", () => {
    const real = { set: globalThis.setTimeout, clear: globalThis.clearTimeout };
    const live = new Set<unknown>();
    let armed = 0;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      armed++;
      const timer = real.set(fn, ms);
      live.add(timer);
      return timer;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((timer: NodeJS.Timeout) => {
      live.delete(timer);
      real.clear(timer);
    }) as typeof clearTimeout;
    try {
      const queue = new DelayQueue();
      for (let i = 0; i < 1000; i++) queue.schedule(60_000 + i, () => {});
      assert.equal(armed, 1, "later deadlines reuse the armed timer");
      assert.equal(live.size, 1);
      queue.schedule(1_000, () => {});
      assert.equal(live.size, 1, "an earlier deadline re-arms, it does not add a timer");
      queue.close();
      assert.equal(live.size, 0);
    } finally {
      globalThis.setTimeout = real.set;
      globalThis.clearTimeout = real.clear;
    }
  });
});
