import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BUSY_WINDOW_MS, BusyGauge, type LoopTimes } from "../src/busy-gauge.js";

/** A gauge over a scripted event loop: `work(active, idle)` advances both clocks. */
function scripted() {
  let now = 0;
  let times: LoopTimes = { active: 0, idle: 0 };
  let reads = 0;
  const gauge = new BusyGauge(
    () => {
      reads += 1;
      return times;
    },
    () => now,
  );
  return {
    gauge,
    reads: () => reads,
    work(active: number, idle: number) {
      times = { active: times.active + active, idle: times.idle + idle };
      now += active + idle;
    },
  };
}

describe("BusyGauge", () => {
  it("reads busy from 60% of a window's loop time and idle again only below 40%", () => {
    const loop = scripted();
    assert.equal(loop.gauge.busy(), false, "a new gauge starts idle");
    loop.work(55, 45);
    assert.equal(loop.gauge.busy(), false, "55% is not busy yet");
    loop.work(65, 35);
    assert.equal(loop.gauge.busy(), true, "65% is");
    loop.work(45, 55);
    assert.equal(loop.gauge.busy(), true, "45% keeps a busy loop busy");
    loop.work(35, 65);
    assert.equal(loop.gauge.busy(), false, "35% is idle again");
    loop.work(50, 50);
    assert.equal(loop.gauge.busy(), false, "50% keeps an idle loop idle");
  });

  it("keeps its verdict within a window and reads the loop again once one has passed", () => {
    const loop = scripted();
    const atStart = loop.reads();
    loop.work(90, 0);
    assert.equal(loop.gauge.busy(), false, "90 ms is less than a window: not read yet");
    assert.equal(loop.reads(), atStart);
    loop.work(BUSY_WINDOW_MS - 90, 0);
    assert.equal(loop.gauge.busy(), true);
    assert.equal(loop.reads(), atStart + 1);
    loop.work(0, 50);
    assert.equal(loop.gauge.busy(), true, "still the last window's verdict");
    assert.equal(loop.reads(), atStart + 1);
  });

  it("reads a long quiet spell after busy work as idle", () => {
    const loop = scripted();
    loop.work(100, 0);
    assert.equal(loop.gauge.busy(), true);
    loop.work(200, 9_800);
    assert.equal(loop.gauge.busy(), false);
  });

  it("reads this process's own event loop by default", () => {
    const gauge = new BusyGauge();
    assert.equal(gauge.busy(), false, "nothing has run since it was made");
    const until = performance.now() + BUSY_WINDOW_MS + 20;
    while (performance.now() < until); // the loop is blocked: all of it is active time
    assert.equal(gauge.busy(), true);
  });
});
