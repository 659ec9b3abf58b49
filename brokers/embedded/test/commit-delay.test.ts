import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { isSluiceError } from "@sluice/core";
import { createEmbeddedBackend, type EmbeddedBackendOptions, EmbeddedBrokerErrors } from "../src/index.js";
import { entry, KEY, takeAll, tempDir } from "./helpers.js";

/**
 * Appends two events 30 ms apart and counts the batches written (onCommit is told of each):
 * with a wait of 80 ms before a commit the second joins the first's batch; with none, the first
 * is written long before the second arrives.
 */
async function batchesOfTwoAppends(label: string, options: Omit<EmbeddedBackendOptions, "dataDir">) {
  const backend = createEmbeddedBackend({ dataDir: tempDir(label), ...options });
  const commits: number[] = [];
  try {
    const store = await backend.open(KEY, { onCommit: (seconds) => commits.push(seconds) });
    const started = performance.now();
    const first = store.append([entry("a", "x", "t1")]);
    await sleep(30);
    await Promise.all([first, store.append([entry("b", "x", "t1")])]);
    const elapsedMs = performance.now() - started;
    assert.equal((await takeAll(store, "t1", 2)).length, 2, "both delivered");
    return { commits: commits.length, elapsedMs };
  } finally {
    await backend.close();
  }
}

const busy = { busy: () => true };
const idle = { busy: () => false };

describe("the wait before a commit", () => {
  it("is busyCommitMs while the process is busy: appends arriving meanwhile share the commit", async () => {
    const { commits, elapsedMs } = await batchesOfTwoAppends("busy", { busyGauge: busy, busyCommitMs: 80 });
    assert.equal(commits, 1);
    assert.ok(elapsedMs >= 75, `the first append waited for the commit: ${elapsedMs} ms`);
  });

  it("is none while the process is idle: the first append is written at once", async () => {
    const { commits } = await batchesOfTwoAppends("idle", { busyGauge: idle, busyCommitMs: 80 });
    assert.equal(commits, 2);
  });

  it("is groupCommitMs, busy or not, when that is set", async () => {
    const waited = await batchesOfTwoAppends("fixed", { busyGauge: idle, groupCommitMs: 80 });
    assert.equal(waited.commits, 1);
    const none = await batchesOfTwoAppends("fixed-none", {
      busyGauge: busy,
      busyCommitMs: 80,
      groupCommitMs: 0,
    });
    assert.equal(none.commits, 2);
  });

  it("refuses a negative or non-numeric wait", () => {
    for (const options of [{ busyCommitMs: -1 }, { busyCommitMs: Number.NaN }, { groupCommitMs: -5 }]) {
      assert.throws(
        () => createEmbeddedBackend({ dataDir: tempDir("bad"), ...options }),
        (e) => isSluiceError(e) && e.code === EmbeddedBrokerErrors.INVALID_OPTIONS,
        JSON.stringify(options),
      );
    }
  });
});
