import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { isSluiceError } from "@sluice/core";
import { createEmbeddedBackend, EmbeddedBrokerErrors } from "../src/index.js";
import { KEY, storeDir, tempDir } from "./helpers.js";

const locked = (error: unknown) => isSluiceError(error) && error.code === EmbeddedBrokerErrors.LOCKED;

describe("single writer lock", () => {
  it("refuses a second open of the same store until the first closes", async () => {
    const dataDir = tempDir("lock");
    const first = createEmbeddedBackend({ dataDir });
    const second = createEmbeddedBackend({ dataDir });
    const store = await first.open(KEY);
    await assert.rejects(second.open(KEY), locked);
    await store.close();
    assert.equal(existsSync(join(storeDir(dataDir), "LOCK")), false, "close releases the lock");
    await second.open(KEY);
    await second.close();
    await first.close();
  });

  it("refuses a lock held by another live process", async () => {
    const dataDir = tempDir("lock-live");
    mkdirSync(storeDir(dataDir), { recursive: true });
    writeFileSync(join(storeDir(dataDir), "LOCK"), `${process.ppid}\n`);
    const backend = createEmbeddedBackend({ dataDir });
    await assert.rejects(backend.open(KEY), locked);
    await backend.close();
  });

  it("takes over a stale lock left by a dead process", async () => {
    const dataDir = tempDir("lock-stale");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    const pid = Number(dead.stdout.toString());
    mkdirSync(storeDir(dataDir), { recursive: true });
    writeFileSync(join(storeDir(dataDir), "LOCK"), `${pid}\n`);
    const backend = createEmbeddedBackend({ dataDir });
    const store = await backend.open(KEY);
    assert.equal(readFileSync(join(storeDir(dataDir), "LOCK"), "utf8").trim(), String(process.pid));
    await store.close();
    await backend.close();
  });

  it("refuses names that would leave the data directory", async () => {
    const backend = createEmbeddedBackend({ dataDir: tempDir("names") });
    for (const name of ["..", "a/b", ""]) {
      await assert.rejects(
        backend.open({ namespace: "default", name }),
        (e) => isSluiceError(e) && e.code === EmbeddedBrokerErrors.INVALID_OPTIONS,
      );
    }
    await backend.close();
  });
});
