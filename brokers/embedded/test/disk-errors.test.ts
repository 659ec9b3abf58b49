import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreErrors, isSluiceError } from "@sluice/core";
import { makeEnvelope, makeEvent } from "@sluice/testing";
import { createEmbeddedBackend } from "../src/index.js";
import { faultyFileSystem } from "./faulty-fs.js";
import { entry, eventually, guard, idOf, KEY, takeAll, tempDir } from "./helpers.js";

const unavailable = (error: unknown) => isSluiceError(error) && error.code === CoreErrors.BACKEND_UNAVAILABLE;

describe("disk errors", () => {
  it("rejects appends with BACKEND_UNAVAILABLE while writes fail, then heals by itself", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("enospc"), fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      faults.writes = true;
      await assert.rejects(store.append([entry("lost", "x", "t1")]), unavailable);
      assert.match(store.health() ?? "", /ENOSPC/);
      assert.equal(store.stats().pendingEvents, 0);
      assert.equal(store.subscription("t1").waiting, 0, "a failed append is never handed out");
      faults.writes = false;
      await eventually(() => store.health() === undefined, "health clears without traffic");
      await store.append([entry("kept", "y", "t1")]);
      assert.deepEqual((await takeAll(store, "t1", 1)).map(idOf), ["kept"]);
    } finally {
      await backend.close();
    }
  });

  it("tells onCommit how long every group commit took, failed ones included", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("on-commit"), fileSystem: fs });
    const commits: number[] = [];
    try {
      const store = await backend.open(KEY, { onCommit: (seconds) => commits.push(seconds) });
      await store.append([entry("a", "x", "t1")]);
      assert.equal(commits.length, 1, "one append, one commit");
      // concurrent appends share commits: never more commits than appends
      await Promise.all([1, 2, 3, 4].map((i) => store.append([entry(`b${i}`, "x", "t1")])));
      assert.ok(commits.length >= 2 && commits.length <= 5, `commits: ${commits.length}`);
      faults.syncs = true;
      const before = commits.length;
      await assert.rejects(store.append([entry("failed", "x", "t1")]), unavailable);
      assert.equal(commits.length, before + 1, "a failed commit is reported too");
      faults.syncs = false;
      for (const seconds of commits)
        assert.ok(seconds >= 0 && seconds < 10, `a duration in seconds: ${seconds}`);
    } finally {
      await backend.close();
    }
  });

  it("tells onCommit how long the fdatasync alone took, so a stalling disk is told from a slow commit", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("on-sync"), fileSystem: fs });
    const seen: { seconds: number; syncSeconds: number | undefined }[] = [];
    try {
      const store = await backend.open(KEY, {
        onCommit: (seconds, syncSeconds) => seen.push({ seconds, syncSeconds }),
      });
      await store.append([entry("fast", "x", "t1")]);
      faults.syncDelayMs = 120;
      await store.append([entry("stalled", "x", "t1")]);
      faults.syncDelayMs = 0;
      const [fast, stalled] = seen;
      assert.ok(fast?.syncSeconds !== undefined && fast.syncSeconds <= fast.seconds, JSON.stringify(fast));
      assert.ok(
        stalled?.syncSeconds !== undefined &&
          stalled.syncSeconds >= 0.11 &&
          stalled.syncSeconds <= stalled.seconds,
        `the stalled fdatasync is in the sync time: ${JSON.stringify(stalled)}`,
      );
      faults.writes = true;
      await assert.rejects(store.append([entry("unwritten", "x", "t1")]), unavailable);
      assert.equal(
        seen.at(-1)?.syncSeconds,
        undefined,
        "a commit that failed before syncing has no sync time",
      );
      faults.writes = false;
      faults.syncs = true;
      await assert.rejects(store.append([entry("unsynced", "x", "t1")]), unavailable);
      assert.equal(seen.at(-1)?.syncSeconds, undefined, "nor one whose fdatasync failed");
    } finally {
      faults.syncs = false;
      await backend.close();
    }
  });

  it("never acknowledges an append whose fsync failed, and leaves no phantom behind", async () => {
    const dataDir = tempDir("eio");
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir, fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      await store.append([entry("before", "a", "t1")]);
      faults.syncs = true;
      faults.truncates = true; // the garbage stays in the file: the next write must overwrite it
      await assert.rejects(store.append([entry("phantom", "p".repeat(2_000), "t1")]), unavailable);
      assert.match(store.health() ?? "", /EIO/);
      faults.syncs = false;
      faults.truncates = false;
      await store.append([entry("after", "b", "t1")]);
      assert.equal(store.health(), undefined, "a successful append clears health");
    } finally {
      await backend.close();
    }
    const reopened = createEmbeddedBackend({ dataDir });
    try {
      const store = await reopened.open(KEY);
      assert.deepEqual((await takeAll(store, "t1", 2)).map(idOf), ["before", "after"]);
      assert.equal(store.subscription("t1").waiting, 0);
    } finally {
      await reopened.close();
    }
  });

  it("keeps a take pending while reads fail and serves it once they work", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("eio-read"), fileSystem: fs, cacheBytes: 0 });
    try {
      const store = await backend.open(KEY);
      await store.append([entry("cold", "z", "t1")]);
      faults.reads = true;
      const pending = store.subscription("t1").take(1);
      await eventually(() => store.health() !== undefined, "health reports the read failure");
      faults.reads = false;
      assert.deepEqual((await guard(pending, "take after reads heal")).map(idOf), ["cold"]);
      assert.equal(store.health(), undefined);
    } finally {
      await backend.close();
    }
  });

  it("rejects dead letters with BACKEND_UNAVAILABLE while the disk fails", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("dlq"), fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      const record = { subscription: "t1", envelope: makeEnvelope(makeEvent()), reason: "sink down", at: 1 };
      faults.syncs = true;
      await assert.rejects(store.deadLetter(record), unavailable);
      assert.notEqual(store.health(), undefined);
      faults.syncs = false;
      await store.deadLetter(record);
      assert.equal(store.health(), undefined);
      assert.equal(store.stats().deadLetters, 1);
    } finally {
      await backend.close();
    }
  });

  it("refuses to open a store it cannot create, with BACKEND_UNAVAILABLE", async () => {
    const { fs, faults } = faultyFileSystem();
    faults.writes = true;
    const backend = createEmbeddedBackend({ dataDir: tempDir("open"), fileSystem: fs });
    await assert.rejects(backend.open(KEY), unavailable);
    faults.writes = false;
    const store = await backend.open(KEY);
    assert.equal(store.health(), undefined);
    await backend.close();
  });
});

describe("group commit", () => {
  it("shares fsyncs between concurrent appends", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("group"), fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      const before = faults.syncCount;
      const appends = 200;
      await Promise.all(Array.from({ length: appends }, (_, i) => store.append([entry(`g${i}`, "x", "t1")])));
      const syncs = faults.syncCount - before;
      assert.ok(syncs <= 10, `${appends} concurrent appends took ${syncs} fsyncs`);
      assert.equal(store.stats().pendingEvents, appends);
    } finally {
      await backend.close();
    }
  });

  it("shares fsyncs between concurrent dead letters, and keeps every one", async () => {
    const dataDir = tempDir("dlq-group");
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir, fileSystem: fs });
    const ids = Array.from({ length: 200 }, (_, i) => `d${i}`);
    try {
      const store = await backend.open(KEY);
      const before = faults.syncCount;
      await Promise.all(ids.map((id) => store.deadLetter(letter(id))));
      const syncs = faults.syncCount - before;
      assert.ok(syncs <= 10, `${ids.length} concurrent dead letters took ${syncs} fsyncs`);
      assert.equal(store.stats().deadLetters, ids.length);
    } finally {
      await backend.close();
    }
    assert.deepEqual(await keptDeadLetters(dataDir), ids, "every dead letter kept, in order");
  });

  it("rejects every dead letter of a failed shared write, and keeps none of them", async () => {
    const dataDir = tempDir("dlq-group-fail");
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir, fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      faults.syncs = true;
      const results = await Promise.allSettled(["f1", "f2", "f3"].map((id) => store.deadLetter(letter(id))));
      assert.deepEqual(
        results.map((r) => r.status),
        ["rejected", "rejected", "rejected"],
      );
      faults.syncs = false;
      await store.deadLetter(letter("ok"));
      assert.equal(store.stats().deadLetters, 1);
    } finally {
      await backend.close();
    }
    assert.deepEqual(await keptDeadLetters(dataDir), ["ok"]);
  });
});

function letter(id: string) {
  return { subscription: "t1", envelope: makeEnvelope(makeEvent({ id })), reason: "x", at: 1 };
}

/** The ids in a store's dead-letter file, read back by a fresh backend. */
async function keptDeadLetters(dataDir: string): Promise<string[]> {
  const backend = createEmbeddedBackend({ dataDir });
  try {
    const store = await backend.open(KEY);
    const kept: string[] = [];
    for await (const record of store.readDeadLetters())
      kept.push(record.envelope.event.attributes.get("id") ?? "");
    return kept;
  } finally {
    await backend.close();
  }
}
