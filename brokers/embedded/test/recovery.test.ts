import assert from "node:assert/strict";
import { appendFileSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { createEmbeddedBackend } from "../src/index.js";
import { entry, eventually, idOf, KEY, recordingLogger, segments, takeAll, tempDir } from "./helpers.js";

/** Stores events a, b, c for t1 and closes; returns the data dir. */
async function threeEvents(label: string): Promise<string> {
  const dataDir = tempDir(label);
  const backend = createEmbeddedBackend({ dataDir });
  const store = await backend.open(KEY);
  await store.append([entry("a", "first", "t1"), entry("b", "second", "t1")]);
  await store.append([entry("c", "third", "t1")]);
  await backend.close();
  return dataDir;
}

/** The segment holding the records (each open starts a new, empty active segment). */
function fullSegment(dataDir: string): string {
  const found = segments(dataDir).filter((path) => readFileSync(path).length > 16);
  assert.equal(found.length, 1);
  return found[0]!;
}

const damages: { name: string; damage: (path: string) => void }[] = [
  { name: "a torn last record", damage: (path) => truncateSync(path, readFileSync(path).length - 3) },
  {
    name: "a checksum mismatch in the last record",
    damage: (path) => {
      const bytes = readFileSync(path);
      bytes[bytes.length - 2] = (bytes[bytes.length - 2] as number) ^ 0xff;
      writeFileSync(path, bytes);
    },
  },
  { name: "a zero-filled tail", damage: (path) => appendFileSync(path, Buffer.alloc(100)) },
  { name: "a torn frame header", damage: (path) => appendFileSync(path, Buffer.from([9, 0, 0])) },
];

describe("recovery", () => {
  it("keeps what was stored after a restart that stored nothing (the empty segment it left is not reused)", async () => {
    const dataDir = tempDir("empty-run");
    const run = async (ids: string[]) => {
      const backend = createEmbeddedBackend({ dataDir });
      try {
        const store = await backend.open(KEY);
        if (ids.length > 0) await store.append(ids.map((id) => entry(id, id, "t1")));
        return store.subscription("t1").waiting;
      } finally {
        await backend.close();
      }
    };
    assert.equal(await run(["a"]), 1);
    assert.equal(await run([]), 1, "a run that stores nothing");
    assert.equal(await run(["b"]), 2);
    assert.equal(await run([]), 2, "b survived the restart");
    // a's segment, b's, and the last run's empty active one: no empty segment of an earlier run
    const sizes = segments(dataDir).map((path) => readFileSync(path).length);
    assert.equal(sizes.length, 3, sizes.join());
    assert.ok(sizes.slice(0, -1).every((size) => size > 16) && sizes.at(-1) === 16, sizes.join());
  });

  for (const { name, damage } of damages) {
    it(`cuts ${name} with a warning and keeps working`, async () => {
      const dataDir = await threeEvents("torn");
      const path = fullSegment(dataDir);
      damage(path);
      const { logger, lines } = recordingLogger();
      const backend = createEmbeddedBackend({ dataDir, logger });
      try {
        const store = await backend.open(KEY);
        const intact = name.includes("tail") || name.includes("header") ? ["a", "b", "c"] : ["a", "b"];
        assert.equal(store.subscription("t1").waiting, intact.length);
        assert.ok(
          lines.some((line) => line.startsWith("WARN") && line.includes("torn or corrupt tail")),
          lines.join(""),
        );
        await store.append([entry("d", "fourth", "t1")]);
        assert.deepEqual((await takeAll(store, "t1", intact.length + 1)).map(idOf), [...intact, "d"]);
      } finally {
        await backend.close();
      }
    });
  }

  it("deletes segments once every route finished their records, and only then", async () => {
    const dataDir = tempDir("reclaim");
    const backend = createEmbeddedBackend({ dataDir, segmentBytes: 4096 });
    try {
      const store = await backend.open(KEY);
      for (let i = 0; i < 40; i++) await store.append([entry(`e${i}`, "x".repeat(500), "t1", "t2")]);
      const full = segments(dataDir).length;
      assert.ok(full >= 5, `expected several segments, got ${full}`);
      await takeAll(store, "t1", 40, true);
      assert.equal(segments(dataDir).length, full, "t2 still owes every record: nothing is deleted");
      const t2 = await takeAll(store, "t2", 40);
      const queue = store.subscription("t2");
      for (const delivery of t2.slice(1)) queue.ack(delivery); // e0 stays unfinished
      await eventuallySegments(dataDir, (n) => n === 2, "all but the first and the active segment deleted");
      queue.ack(t2[0]!);
      await eventuallySegments(dataDir, (n) => n === 1, "only the active segment left");
      assert.deepEqual(store.stats(), {
        pendingEvents: 0,
        pendingBytes: 0,
        pendingDeliveries: 0,
        deadLetters: 0,
      });
    } finally {
      await backend.close();
    }
    const reopened = createEmbeddedBackend({ dataDir });
    const store = await reopened.open(KEY);
    assert.equal(store.stats().pendingEvents, 0, "acks survived the restart");
    await reopened.close();
  });

  it("compacts the ack journal so it follows the backlog, not the history", async () => {
    const dataDir = tempDir("journal");
    const backend = createEmbeddedBackend({ dataDir, ackJournalBytes: 1024 });
    const total = 3_000;
    try {
      const store = await backend.open(KEY);
      for (let i = 0; i < total; i += 100) {
        await store.append(Array.from({ length: 100 }, (_, j) => entry(`e${i + j}`, "x", "t1")));
      }
      const queue = store.subscription("t1");
      for (const delivery of await takeAll(store, "t1", total)) {
        queue.ack(delivery);
        if (delivery.seq % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // let flushes run
      }
      // Every ack is issued; wait until the journal has rotated, is small and has stopped
      // changing (the last buffered acks are flushed on a timer, later on a loaded machine).
      let last = { size: -1, since: 0 };
      await eventuallyJournal(
        dataDir,
        (files) => {
          if (files.length !== 1 || generation(files[0]!) < 4) return false;
          let size: number;
          try {
            size = readFileSync(files[0]!).length;
          } catch {
            return false; // rotated away between the listing and the read
          }
          if (size !== last.size) last = { size, since: Date.now() };
          return size < 3 * 1024 && Date.now() - last.since >= 200;
        },
        "rotations down to a journal that follows the backlog",
      );
    } finally {
      await backend.close();
    }
    const [journal] = journals(dataDir);
    const size = readFileSync(journal!).length;
    assert.ok(size < 3 * 1024, `journal is ${size} bytes after ${total} acks`);
    const reopened = createEmbeddedBackend({ dataDir });
    const store = await reopened.open(KEY);
    assert.equal(store.stats().pendingDeliveries, 0);
    await reopened.close();
  });

  it("reads events beyond the cache budget back from disk, exactly", async () => {
    const dataDir = tempDir("cache");
    const backend = createEmbeddedBackend({ dataDir, cacheBytes: 8 * 1024 });
    try {
      const store = await backend.open(KEY);
      const count = 300;
      const body = (i: number) => Buffer.from(Array.from({ length: 1000 }, (_, j) => (i * 7 + j) % 256));
      for (let i = 0; i < count; i += 50) {
        await store.append(Array.from({ length: 50 }, (_, j) => entry(`e${i + j}`, body(i + j), "t1", "t2")));
      }
      for (const route of ["t1", "t2"]) {
        const got = await takeAll(store, route, count, true);
        got.forEach((delivery, i) => {
          assert.equal(idOf(delivery), `e${i}`);
          assert.deepEqual(Buffer.from(delivery.envelope.event.data!), body(i), `data of e${i} via ${route}`);
        });
      }
    } finally {
      await backend.close();
    }
  });
});

function journals(dataDir: string): string[] {
  return readdirSorted(`${dataDir}/brokers/default/b`)
    .filter((name) => /^acks-\d+\.log$/.test(name))
    .map((n) => `${dataDir}/brokers/default/b/${n}`);
}

function generation(path: string): number {
  return Number(/acks-(\d+)\.log$/.exec(path)![1]);
}

function readdirSorted(dir: string): string[] {
  return readdirSync(dir).sort();
}

async function eventuallySegments(
  dataDir: string,
  check: (count: number) => boolean,
  what: string,
): Promise<void> {
  await eventually(() => check(segments(dataDir).length), what);
}

async function eventuallyJournal(
  dataDir: string,
  check: (files: string[]) => boolean,
  what: string,
): Promise<void> {
  await eventually(() => check(journals(dataDir)), what);
}
