import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { forgetGroup, leftoverGroup, recordGroup } from "../src/group-record.js";
import { readProcStat, stopGroup } from "../src/process-group.js";

const LINUX = readProcStat(process.pid) !== undefined;

async function stateDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-group-record-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A detached process leading its own group, stopped after the test. */
async function leader(t: TestContext): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
    detached: true,
    stdio: "ignore",
  });
  await new Promise((resolve) => child.once("spawn", resolve));
  const pid = child.pid as number;
  t.after(() => stopGroup(pid, 1000));
  return pid;
}

describe("the record of a ProcessSource's process group", {
  skip: LINUX ? false : "needs /proc (Linux)",
}, () => {
  it("finds nothing without a record, or with an unreadable one", async (t) => {
    const dir = await stateDir(t);
    assert.equal(await leftoverGroup(dir), undefined);
    await writeFile(join(dir, "process-group.json"), "{not json");
    assert.equal(await leftoverGroup(dir), undefined);
  });

  it("finds the recorded group while it runs, and not once it is gone", async (t) => {
    const dir = await stateDir(t);
    const pid = await leader(t);
    await recordGroup(dir, pid);
    assert.equal(await leftoverGroup(dir), pid);
    await stopGroup(pid, 1000);
    assert.equal(await leftoverGroup(dir), undefined);
  });

  it("does not take a later process with the same pid for the recorded leader", async (t) => {
    const dir = await stateDir(t);
    const pid = await leader(t);
    await recordGroup(dir, pid);
    const record = JSON.parse(await readFile(join(dir, "process-group.json"), "utf8"));
    await writeFile(
      join(dir, "process-group.json"),
      JSON.stringify({ ...record, startTime: record.startTime - 1 }),
    );
    assert.equal(await leftoverGroup(dir), undefined);
  });

  it("forgets a stopped group", async (t) => {
    const dir = await stateDir(t);
    const pid = await leader(t);
    await recordGroup(dir, pid);
    await forgetGroup(dir);
    assert.equal(await leftoverGroup(dir), undefined);
    await forgetGroup(dir);
  });
});
