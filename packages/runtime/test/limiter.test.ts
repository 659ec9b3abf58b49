import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Limiter } from "../src/limiter.js";

describe("Limiter", () => {
  it("grants immediately under capacity and without a promise", () => {
    const l = new Limiter(3);
    assert.equal(l.acquire(2), undefined);
    assert.equal(l.used, 2);
    assert.equal(l.acquire(1), undefined);
    assert.equal(l.used, 3);
  });

  it("serves waiters in FIFO order as slots free up", async () => {
    const l = new Limiter(2);
    l.acquire(2);
    const order: string[] = [];
    const a = l.acquire(1)?.then(() => order.push("a"));
    const b = l.acquire(2)?.then(() => order.push("b"));
    const c = l.acquire(1)?.then(() => order.push("c"));
    assert.ok(a && b && c);
    l.release(1);
    await a;
    assert.deepEqual(order, ["a"]);
    // b wants 2: one more release is not enough while a holds one
    l.release(1);
    await Promise.resolve();
    assert.deepEqual(order, ["a"], "c must not overtake b");
    l.release(1);
    await b;
    assert.deepEqual(order, ["a", "b"]);
    l.release(2);
    await c;
    assert.deepEqual(order, ["a", "b", "c"]);
    assert.equal(l.used, 1);
  });

  it("never lets a waiter ask for more than the capacity", async () => {
    const l = new Limiter(1);
    l.acquire(1);
    const p = l.acquire(5);
    l.release(1);
    await p;
    assert.equal(l.used, 1);
  });
});
