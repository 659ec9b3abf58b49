import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AppendEntry, type BrokerStore, CoreErrors, type Delivery, isSluiceError } from "@sluice/core";
import { createEmbeddedBackend } from "../src/index.js";
import { faultyFileSystem } from "./faulty-fs.js";
import { entry, eventually, guard, idOf, KEY, segments, takeAll, tempDir } from "./helpers.js";

const unavailable = (error: unknown) => isSluiceError(error) && error.code === CoreErrors.BACKEND_UNAVAILABLE;

/** Stores one event per route and takes it, so the routes are registered (and synced) before a stall. */
async function warm(store: BrokerStore, ...routes: string[]): Promise<void> {
  await store.append([entry("warm", "w", ...routes)]);
  for (const route of routes) await takeAll(store, route, 1, true);
}

/** A stall of every fdatasync that the test ends with `open()`. */
function stall(faults: ReturnType<typeof faultyFileSystem>["faults"]): { open(): void } {
  let open!: () => void;
  faults.syncGate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open() {
      faults.syncGate = undefined;
      open();
    },
  };
}

/**
 * Stalls every fdatasync and appends `first`, resolving once its fdatasync has started (and hangs).
 * `syncs` is the fdatasync count before it.
 */
async function appendIntoStall(
  store: BrokerStore,
  faults: ReturnType<typeof faultyFileSystem>["faults"],
  first: AppendEntry,
): Promise<{ disk: { open(): void }; syncs: number; appended: Promise<void> }> {
  const disk = stall(faults);
  const syncs = faults.syncCount;
  const appended = store.append([first]);
  await eventually(() => faults.syncCount > syncs, "the first fdatasync starts (and stalls)");
  return { disk, syncs, appended };
}

const dataOf = (delivery: Delivery): string =>
  Buffer.from(delivery.envelope.event.data ?? new Uint8Array()).toString();

describe("deliveries while the fdatasync runs", () => {
  it("hands a written batch to its subscribers before its fdatasync ends; the append resolves only after", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("early"), fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      await warm(store, "t1");
      const disk = stall(faults);
      let stored = false;
      const appended = store.append([entry("a", "x", "t1")]).then(() => {
        stored = true;
      });
      const [delivery] = await takeAll(store, "t1", 1);
      assert.equal(idOf(delivery as Delivery), "a");
      assert.equal(stored, false, "the producer is not answered before the fdatasync ends");
      assert.ok(faults.syncCount >= 1, "the fdatasync had started");
      disk.open();
      await guard(appended, "append after the fdatasync");
      assert.equal(stored, true);
    } finally {
      await backend.close();
    }
  });

  it("holds a batch with a record beyond the cache budget until its fdatasync ends", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("late"), fileSystem: fs, cacheBytes: 0 });
    try {
      const store = await backend.open(KEY);
      await warm(store, "t1");
      const { disk, appended } = await appendIntoStall(store, faults, entry("a", "x", "t1"));
      assert.equal(
        store.subscription("t1").waiting,
        0,
        "nothing to read back from the file before it is durable",
      );
      disk.open();
      await guard(appended, "append");
      assert.deepEqual((await takeAll(store, "t1", 1)).map(idOf), ["a"]);
    } finally {
      await backend.close();
    }
  });

  it("delivers from memory what it handed out before a failed fdatasync, though the next batch overwrites its bytes", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("early-eio"), fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      // "slow" is far behind (256 waiting): a record queued for it now keeps its body only while
      // another route holds it, unless it is not durable yet
      const backlog = Array.from({ length: 256 }, (_, i) => entry(`old${i}`, "o", "fast", "slow"));
      await store.append(backlog);
      await takeAll(store, "fast", 256, true);
      const disk = stall(faults);
      const failed = store.append([entry("x", "payload-of-x", "fast", "slow")]);
      const rejected = assert.rejects(failed, unavailable);
      await takeAll(store, "fast", 1, true); // fast is done with x while its fdatasync runs
      faults.syncs = true;
      disk.open();
      await rejected;
      assert.match(store.health() ?? "", /EIO/);
      faults.syncs = false;
      await store.append([entry("y", "payload-of-y", "slow")]); // written over x's bytes
      const slow = await takeAll(store, "slow", 258, true);
      assert.deepEqual(slow.slice(-2).map(idOf), ["x", "y"]);
      assert.deepEqual(slow.slice(-2).map(dataOf), ["payload-of-x", "payload-of-y"]);
      assert.deepEqual(store.stats(), {
        pendingEvents: 0,
        pendingBytes: 0,
        pendingDeliveries: 0,
        deadLetters: 0,
      });
    } finally {
      await backend.close();
    }
  });

  it("owes nothing for a record of a failed fdatasync after a restart, and later events are owed in full", async () => {
    const { fs, faults } = faultyFileSystem();
    const dataDir = tempDir("early-restart");
    const backend = createEmbeddedBackend({ dataDir, fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      await store.append([entry("before", "a", "t1")]);
      faults.syncs = true;
      await assert.rejects(store.append([entry("x", "b", "t1")]), unavailable);
      faults.syncs = false;
      const taken = await takeAll(store, "t1", 2);
      assert.deepEqual(taken.map(idOf), ["before", "x"]);
      store.subscription("t1").ack(taken[1] as Delivery); // journaled, for a seq the log never kept
    } finally {
      await backend.close();
    }
    for (const id of ["z1", "z2"]) {
      // each restart: what was owed, plus one new event (the seq after the log's last one)
      const reopened = createEmbeddedBackend({ dataDir });
      try {
        const store = await reopened.open(KEY);
        await store.append([entry(id, "c", "t1")]);
      } finally {
        await reopened.close();
      }
    }
    const last = createEmbeddedBackend({ dataDir });
    try {
      const store = await last.open(KEY);
      assert.deepEqual((await takeAll(store, "t1", 3)).map(idOf), ["before", "z1", "z2"]);
      assert.equal(store.subscription("t1").waiting, 0);
    } finally {
      await last.close();
    }
  });

  it("writes the appends that arrive while an fdatasync stalls, and hands them out before it ends", async () => {
    const { fs, faults } = faultyFileSystem();
    const backend = createEmbeddedBackend({ dataDir: tempDir("stall-pipeline"), fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      await warm(store, "t1");
      const { disk, syncs, appended: first } = await appendIntoStall(store, faults, entry("a", "x", "t1"));
      const second = store.append([entry("b", "y", "t1")]);
      const third = store.append([entry("c", "z", "t1")]);
      assert.deepEqual((await takeAll(store, "t1", 3, true)).map(idOf), ["a", "b", "c"]);
      assert.equal(faults.syncCount, syncs + 1, "one fdatasync, still running");
      disk.open();
      await guard(Promise.all([first, second, third]), "appends once the fdatasync ends");
    } finally {
      await backend.close();
    }
  });

  it("gives up, with a failed fdatasync, every append written while it ran: all reject, none stays in the log", async () => {
    const { fs, faults } = faultyFileSystem();
    const dataDir = tempDir("stall-fail");
    const backend = createEmbeddedBackend({ dataDir, fileSystem: fs });
    try {
      const store = await backend.open(KEY);
      await warm(store, "t1");
      const { disk, appended } = await appendIntoStall(store, faults, entry("a", "x", "t1"));
      const first = assert.rejects(appended, unavailable);
      const second = assert.rejects(store.append([entry("b", "y", "t1")]), unavailable);
      assert.deepEqual((await takeAll(store, "t1", 2, true)).map(idOf), ["a", "b"]);
      faults.syncFailures = 1; // the stalled fdatasync fails; b's bytes, written after a's, go with them
      disk.open();
      await guard(Promise.all([first, second]), "both appends reject");
      await store.append([entry("c", "z", "t1")]);
      assert.deepEqual((await takeAll(store, "t1", 1)).map(idOf), ["c"]);
    } finally {
      await backend.close();
    }
    const reopened = createEmbeddedBackend({ dataDir });
    try {
      const store = await reopened.open(KEY);
      assert.deepEqual((await takeAll(store, "t1", 1)).map(idOf), ["c"], "c was not acked: owed again");
      assert.equal(store.subscription("t1").waiting, 0, "a and b are not in the log");
    } finally {
      await reopened.close();
    }
  });

  it("starts a new segment only once what the active one holds is durable", async () => {
    const { fs, faults } = faultyFileSystem();
    const dataDir = tempDir("stall-rotate");
    const backend = createEmbeddedBackend({ dataDir, fileSystem: fs, segmentBytes: 4_096 });
    try {
      const store = await backend.open(KEY);
      await warm(store, "t1");
      const { disk, appended: first } = await appendIntoStall(
        store,
        faults,
        entry("a", "x".repeat(3_000), "t1"),
      );
      const second = store.append([entry("b", "y".repeat(3_000), "t1")]); // does not fit: a new segment
      const [a] = await takeAll(store, "t1", 1); // not acked yet: a keeps its segment
      assert.equal(idOf(a as Delivery), "a");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(store.subscription("t1").waiting, 0, "b waits for a to be durable");
      assert.equal(segments(dataDir).length, 1);
      disk.open();
      await guard(Promise.all([first, second]), "both appends");
      assert.deepEqual((await takeAll(store, "t1", 1, true)).map(idOf), ["b"]);
      assert.equal(segments(dataDir).length, 2, "b went to a segment of its own");
      store.subscription("t1").ack(a as Delivery);
    } finally {
      await backend.close();
    }
    const reopened = createEmbeddedBackend({ dataDir });
    try {
      const store = await reopened.open(KEY);
      assert.equal(store.stats().pendingEvents, 0, "both were acked, both were durable");
    } finally {
      await reopened.close();
    }
  });
});
