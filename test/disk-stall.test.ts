// A disk whose flush stalls or fails, end to end: the producer's answer waits for the fdatasync,
// the subscriber's delivery does not (docs/delivery.md "Delivered before the 202").
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createEmbeddedBackend, type FileSystem, nodeFileSystem } from "@sluice/broker-embedded";
import { startRecordingSink } from "@sluice/testing";
import { broker, ceHeaders, http, manifests, startPipeline, trigger } from "./helpers/pipeline.js";

/** The real file system, whose fdatasync calls wait while `stalled` is set, then fail if `failing`. */
function flakyDisk(): { fs: FileSystem; stall(): void; end(fail?: boolean): void } {
  let stalled: { promise: Promise<void>; release: () => void } | undefined;
  let failing = false;
  const fs: FileSystem = {
    ...nodeFileSystem,
    fdatasync: async (fd) => {
      if (stalled !== undefined) await stalled.promise;
      if (failing) throw Object.assign(new Error("EIO: injected, fdatasync"), { code: "EIO" });
      return nodeFileSystem.fdatasync(fd);
    },
  };
  return {
    fs,
    stall() {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => {
        release = resolve;
      });
      stalled = { promise, release };
    },
    end(fail = false) {
      failing = fail;
      const current = stalled;
      stalled = undefined;
      current?.release();
      if (fail) setImmediate(() => (failing = false)); // fail what was stalled, not what comes after
    },
  };
}

describe("a stalling disk", () => {
  it("delays the producer's 202 until the fdatasync ends, not the subscriber's delivery", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sluice-stall-"));
    const disk = flakyDisk();
    const backend = createEmbeddedBackend({ dataDir, fileSystem: disk.fs });
    const sink = await startRecordingSink();
    const p = await startPipeline(manifests(broker(), trigger("t", { subscriber: { uri: sink.url } })), {
      backend,
    });
    const post = (id: string) =>
      http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": id }), body: '{"n":1}' }).then((r) => r.status);
    try {
      assert.equal(await post("warm"), 202); // the trigger's route is registered (and synced)
      await sink.waitFor(1);

      disk.stall();
      let answered: number | undefined;
      const stalled = post("during-stall").then((status) => {
        answered = status;
        return status;
      });
      const [, delivered] = await sink.waitFor(2, { timeoutMs: 10_000 });
      assert.equal(delivered?.headers["ce-id"], "during-stall");
      assert.equal(answered, undefined, "no answer to the producer while the flush stalls");
      disk.end();
      assert.equal(await stalled, 202);

      disk.stall();
      const failed = post("flush-fails");
      await sink.waitFor(3, { timeoutMs: 10_000 });
      disk.end(true);
      assert.equal(await failed, 503, "a failed flush is a 503, though the event was delivered");
      assert.equal(sink.requests[2]?.headers["ce-id"], "flush-fails");

      assert.equal(await post("after"), 202, "the store heals with the next write");
      const all = await sink.waitFor(4);
      assert.deepEqual(
        all.map((r) => r.headers["ce-id"]),
        ["warm", "during-stall", "flush-fails", "after"],
      );
    } finally {
      await p.close();
      await backend.close();
      await sink.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
