import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createEmbeddedBackend } from "../src/index.js";
import { guard, idOf, KEY, takeAll, tempDir } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Runs the child until it reported `count` resolved appends, then kill -9s it. */
async function appendThenKill(dataDir: string, count: number, prefix = "crash-"): Promise<string[]> {
  const child = spawn(
    process.execPath,
    ["--conditions=development", "--import", "tsx", CHILD, dataDir, prefix],
    {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal)),
  );
  await guard(
    new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.split("\n").length > count) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("exit", () => reject(new Error(`child exited early: ${err}`)));
    }),
    "the child appending",
    60_000,
  );
  assert.equal(await exited, "SIGKILL");
  // Lines are written after their append resolved; a cut last line was not fully reported.
  return out.split("\n").slice(0, -1);
}

describe("crash safety (kill -9)", () => {
  it("delivers every append that resolved before the kill", async () => {
    const dataDir = tempDir("crash");
    const resolved = await appendThenKill(dataDir, 3_000);
    assert.ok(resolved.length >= 3_000);
    const backend = createEmbeddedBackend({ dataDir });
    try {
      const store = await backend.open(KEY);
      const pending = store.subscription("t2").waiting;
      assert.ok(pending >= resolved.length, `${pending} pending for t2, ${resolved.length} reported`);
      const delivered = new Set((await takeAll(store, "t2", pending)).map(idOf));
      const lost = resolved.filter((id) => !delivered.has(id));
      assert.deepEqual(lost, [], "no acknowledged append is lost");
      assert.equal(delivered.size, pending, "no duplicates within one route");
      // t1 was acked as it went: what comes back is at most what was not acked (redelivery allowed).
      assert.ok(store.subscription("t1").waiting <= pending);
    } finally {
      await backend.close();
    }
  });

  it("keeps every resolved append through kills and restarts in a row, including runs that store nothing", async () => {
    const dataDir = tempDir("crash-again");
    const resolved: string[] = [];
    for (let round = 0; round < 4; round++) {
      resolved.push(...(await appendThenKill(dataDir, 300, `r${round}-`)));
      // an open that stores nothing between two crashes (it leaves an empty active segment)
      const backend = createEmbeddedBackend({ dataDir });
      try {
        const store = await backend.open(KEY);
        const owed = new Set<string>();
        const queue = store.subscription("t2");
        const deliveries = await takeAll(store, "t2", queue.waiting);
        for (const delivery of deliveries) {
          owed.add(idOf(delivery));
          queue.release(delivery);
        }
        const lost = resolved.filter((id) => !owed.has(id));
        assert.deepEqual(lost, [], `round ${round}: no acknowledged append is lost`);
      } finally {
        await backend.close();
      }
    }
  });
});
