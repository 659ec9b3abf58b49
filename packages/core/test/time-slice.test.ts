import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSliced, runToEnd, type Steps, timeSlice } from "@sluice/core";

function* counted(steps: number, log: string[]): Steps<number> {
  for (let i = 0; i < steps; i++) {
    log.push(`step ${i}`);
    yield;
  }
  log.push("done");
  return steps;
}

/** Runs `work` with a setImmediate chain beside it; returns what ran, in order. */
async function beside(work: (log: string[]) => Promise<unknown> | unknown): Promise<string[]> {
  const log: string[] = [];
  let stop = false;
  const tick = () => {
    if (stop) return;
    log.push("loop");
    setImmediate(tick);
  };
  setImmediate(tick);
  await work(log);
  stop = true;
  return log;
}

describe("time slices", () => {
  it("runToEnd runs every step at once and returns the result", async () => {
    const log = await beside((l) => assert.equal(runToEnd(counted(3, l)), 3));
    assert.deepEqual(log, ["step 0", "step 1", "step 2", "done"]);
  });

  it("runSliced lets the event loop run between steps once a slice is used up", async () => {
    const log = await beside((l) => runSliced(counted(3, l), 0));
    const done = log.indexOf("done");
    const loopTurns = log.slice(0, done).filter((x) => x === "loop").length;
    assert.ok(loopTurns >= 3, `the loop ran ${loopTurns} times between the steps: ${log.join(", ")}`);
    assert.deepEqual(
      log.filter((x) => x !== "loop"),
      ["step 0", "step 1", "step 2", "done"],
    );
  });

  it("runSliced keeps going within a slice (no turn of the loop while the slice lasts)", async () => {
    const log = await beside((l) => runSliced(counted(50, l), 60_000));
    assert.equal(log.slice(0, log.indexOf("done")).includes("loop"), false, log.join(", "));
  });

  it("runSliced passes on a step's exception", async () => {
    function* failing(): Steps<void> {
      yield;
      throw new Error("bad step");
    }
    await assert.rejects(runSliced(failing(), 0), /bad step/);
  });

  it("timeSlice resolves at once within a slice and after a turn of the loop once it is used", async () => {
    const log = await beside(async (l) => {
      const within = timeSlice(60_000);
      await within();
      l.push("within");
      const used = timeSlice(0);
      await used();
      l.push("after");
    });
    assert.ok(log.indexOf("within") < log.indexOf("loop"), log.join(", "));
    assert.ok(log.indexOf("loop") < log.indexOf("after"), log.join(", "));
  });
});
