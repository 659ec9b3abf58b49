// A ProcessSource's command must not run twice after Sluice itself is killed with SIGKILL (no
// shutdown, so nobody stopped the child's process group): the next `sluice run` with the same
// --data-dir stops what the previous one left running before it starts the command again.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { eventually } from "@sluice/testing";
import { spawnSluice } from "./helpers/cli.js";

// Marks its pid in MARK_DIR and runs quietly (writing nothing, so a dead parent's closed pipes
// cannot end it), as a long-running adapter would.
const SCRIPT =
  "require('fs').writeFileSync(process.env.MARK_DIR + '/' + process.pid, ''); setInterval(() => {}, 1000);";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("ProcessSource after Sluice is killed with SIGKILL", () => {
  it("the restarted sluice stops the group left running, then starts the command once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-leftover-"));
    const marks = join(dir, "marks");
    await mkdir(marks);
    const manifest = join(dir, "pipeline.yaml");
    const docs = [
      { apiVersion: "eventing.knative.dev/v1", kind: "Broker", metadata: { name: "default" } },
      {
        apiVersion: "sources.sluice.dev/v1alpha1",
        kind: "ProcessSource",
        metadata: { name: "worker" },
        spec: {
          command: [process.execPath, "-e", SCRIPT],
          env: [{ name: "MARK_DIR", value: marks }],
          stopGracePeriod: "PT2S",
          sink: { ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: "default" } },
        },
      },
    ];
    await writeFile(manifest, docs.map((d) => JSON.stringify(d)).join("\n---\n"));
    const args = ["run", "-f", manifest, "--port", "0", "--data-dir", join(dir, "data")];
    const pids = async () => (await readdir(marks)).map(Number);
    let proc = spawnSluice(args);
    try {
      await proc.waitForLine(/^ready$/);
      await eventually(async () => (await pids()).length === 1, "the command started");
      const [first] = await pids();
      proc.child.kill("SIGKILL");
      await proc.exited;
      await sleep(200);
      assert.ok(alive(first as number), "the command outlives a sluice killed with SIGKILL");

      proc = spawnSluice(args);
      await proc.waitForLine(/^ready$/);
      await eventually(() => !alive(first as number), "the left-over command is stopped");
      await eventually(async () => (await pids()).length === 2, "the command started again");
      const second = (await pids()).find((pid) => pid !== first) as number;
      assert.ok(alive(second));
      assert.ok(
        proc.stdout.some((line) => /left running/.test(line)) ||
          proc.stderr.some((l) => /left running/.test(l)),
        "the restart says what it stopped",
      );
      proc.child.kill("SIGTERM");
      await proc.exited;
      assert.equal(alive(second), false, "a clean shutdown stops the command");
    } finally {
      proc.child.kill("SIGKILL");
      for (const pid of await pids().catch(() => [])) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});
