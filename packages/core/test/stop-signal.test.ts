import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StopSignal } from "../src/index.js";

describe("StopSignal", () => {
  it("runs its listeners once, in the order added, on the first abort", () => {
    const signal = new StopSignal();
    const calls: string[] = [];
    signal.addEventListener("abort", () => calls.push("a"));
    signal.addEventListener("abort", () => calls.push("b"));
    assert.equal(signal.aborted, false);
    assert.equal(signal.listening, 2);
    signal.abort();
    signal.abort();
    assert.equal(signal.aborted, true);
    assert.deepEqual(calls, ["a", "b"]);
    assert.equal(signal.listening, 0, "nothing kept after the abort");
  });

  it("does not run a removed listener, and removing an unknown one changes nothing", () => {
    const signal = new StopSignal();
    const calls: string[] = [];
    const a = () => calls.push("a");
    const b = () => calls.push("b");
    signal.removeEventListener("abort", a);
    signal.addEventListener("abort", a);
    signal.addEventListener("abort", b);
    signal.removeEventListener("abort", a);
    signal.removeEventListener("abort", a);
    assert.equal(signal.listening, 1);
    signal.abort();
    assert.deepEqual(calls, ["b"]);
  });

  it("keeps the order of the rest whichever listener is removed", () => {
    for (const gone of ["a", "b", "c", "d"]) {
      const signal = new StopSignal();
      const calls: string[] = [];
      const fns = new Map(["a", "b", "c", "d"].map((name) => [name, () => void calls.push(name)]));
      for (const fn of fns.values()) signal.addEventListener("abort", fn);
      signal.removeEventListener("abort", fns.get(gone)!);
      assert.equal(signal.listening, 3);
      signal.addEventListener("abort", () => void calls.push("e"));
      signal.abort();
      assert.deepEqual(
        calls,
        ["a", "b", "c", "d", "e"].filter((name) => name !== gone),
        `without ${gone}`,
      );
    }
  });

  it("never runs a listener added after the abort, nor keeps it", () => {
    const signal = new StopSignal();
    signal.abort();
    let called = false;
    signal.addEventListener("abort", () => {
      called = true;
    });
    signal.abort();
    assert.equal(called, false);
    assert.equal(signal.listening, 0);
  });

  it("fits where an AbortSignal is expected by Sluice's interfaces (AbortSignalLike)", () => {
    const standard: import("../src/index.js").AbortSignalLike = new AbortController().signal;
    const ours: import("../src/index.js").AbortSignalLike = new StopSignal();
    assert.equal(standard.aborted, ours.aborted);
  });
});
