// The runtime pins one of Node's nextTick queue entries so their V8 map survives major GCs (see
// src/tick-shape.ts; the CPU it saves is measured in bench/, not here). These check that the pin
// is taken when a runtime is created, that it is a real queue entry, and, in a child process with
// V8's natives syntax, that an entry made after several major GCs still has the pinned map.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { createRuntime } from "@sluice/runtime";
import { pinnedTickObject } from "../src/tick-shape.js";

const SOURCE = new URL("../src/tick-shape.ts", import.meta.url).href;

const CHILD = `
import { createHook } from "node:async_hooks";
const { pinTickObjectShape, pinnedTickObject } = await import(${JSON.stringify(SOURCE)});
pinTickObjectShape();
pinTickObjectShape();
const sameMap = new Function("a", "b", "return %HaveSameMap(a, b)");
for (let i = 0; i < 6; i++) {
  process.nextTick(() => {});
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc();
}
let fresh;
const hook = createHook({ init(_id, type, _trigger, resource) { if (type === "TickObject") fresh ??= resource; } });
hook.enable();
process.nextTick(() => {});
hook.disable();
// read only now: nothing but the module held the entry through the GCs
const pinned = pinnedTickObject();
console.log(JSON.stringify({ same: sameMap(pinned, fresh), distinct: pinned !== fresh }));
`;

describe("nextTick entry shape pin", () => {
  it("is taken when a runtime is created, and is one of nextTick's queue entries", async () => {
    const runtime = createRuntime({
      backendFor: () => {
        throw new Error("this test applies no brokers");
      },
    });
    try {
      const pinned = pinnedTickObject() as Record<string | symbol, unknown> | undefined;
      assert.ok(pinned !== undefined, "createRuntime did not pin a nextTick entry");
      assert.equal(Object.getOwnPropertySymbols(pinned).length, 2); // async id, trigger async id
      assert.equal(typeof pinned.callback, "function");
      assert.ok("args" in pinned);
    } finally {
      await runtime.close();
    }
  });

  it("keeps the entries' map through major GCs that run while no entry is alive", () => {
    const child = spawnSync(
      process.execPath,
      [
        "--allow-natives-syntax",
        "--expose-gc",
        "--conditions=development",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        CHILD,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.trim()), { same: true, distinct: true });
  });
});
