// `sluice dead-letters`: the embedded brokers' durable dead-letter stores, read beside a running
// broker (no lock), as JSON lines a user can inspect and send again.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { appendFile, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createEmbeddedBackend } from "@sluice/broker-embedded";
import { eventually } from "@sluice/testing";
import { runSluice, SLUICE_BIN } from "./helpers/cli.js";
import type { Pipeline } from "./helpers/pipeline.js";
import { broker, ceHeaders, http, manifests, startPipeline, trigger } from "./helpers/pipeline.js";

describe("sluice dead-letters", () => {
  it("lists what the broker kept, while it runs, and stops cleanly at a torn tail", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sluice-dlq-"));
    // nothing listens on port 9; no retries and no dead-letter sink: every event is kept
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("lost", { subscriber: { uri: "http://127.0.0.1:9/fn" }, delivery: { retry: 0 } }),
      ),
      { backend: createEmbeddedBackend({ dataDir }) },
    );
    try {
      const ids = ["d1", "d2", "d3"];
      for (const id of ids) {
        const r = await http(p.brokerUrl(), {
          headers: ceHeaders({ "ce-id": id, "ce-type": "com.example.lost", "content-type": "text/plain" }),
          body: `body of ${id} é`,
        });
        assert.equal(r.status, 202);
      }
      await eventually(async () => {
        const metrics = (await http(`${p.url}/metrics`, { method: "GET" })).body.toString();
        return /sluice_broker_dead_letters\{broker="default\/default"\} 3\b/.test(metrics);
      }, "three dead letters kept");

      const listed = await runSluice(["dead-letters", "--data-dir", dataDir]);
      assert.equal(listed.code, 0, listed.stderr);
      const lines = listed.stdout
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        lines.map((l) => l.event.id),
        ids,
        "oldest first",
      );
      for (const line of lines) {
        assert.equal(line.broker, "default/default");
        assert.equal(line.trigger, "default/lost");
        assert.match(line.reason, /no dead-letter sink/);
        assert.ok(!Number.isNaN(Date.parse(line.at)));
        assert.equal(line.event.type, "com.example.lost");
        assert.equal(line.event.knativeerrordest, "http://127.0.0.1:9/fn");
        assert.equal(line.event.data, `body of ${line.event.id} é`, "data as received");
      }
      assert.match(listed.stderr, /3 dead letters/);

      // a record being written (or damaged) at the end: the complete ones are still listed
      await appendFile(
        join(dataDir, "brokers", "default", "default", "dead-letters"),
        Buffer.from([9, 0, 0]),
      );
      const torn = await runSluice(["dead-letters", "--data-dir", dataDir, "--broker", "default/default"]);
      assert.equal(torn.code, 0, torn.stderr);
      assert.equal(torn.stdout.split("\n").filter((l) => l !== "").length, 3);
      assert.match(
        torn.stderr,
        /broker default\/default: .*dead-letters: stopped at byte \d+ of \d+: torn frame/,
      );

      const unknown = await runSluice(["dead-letters", "--data-dir", dataDir, "--broker", "default/other"]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no embedded broker default\/other/);
    } finally {
      await p.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("--purge refuses while the broker runs; stopped, it prints what it removes; a torn store or a broken output removes nothing", {
    timeout: 120_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sluice-dlq-purge-"));
    const file = join(dataDir, "brokers", "default", "default", "dead-letters");
    const keptIds = async () => {
      const listed = await runSluice(["dead-letters", "--data-dir", dataDir]);
      assert.equal(listed.code, 0, listed.stderr);
      return lines(listed.stdout).map((l) => l.event.id);
    };
    // events go to a port nobody listens on, with no retries and no dead-letter sink: all kept
    const start = () =>
      startPipeline(
        manifests(
          broker(),
          trigger("lost", { subscriber: { uri: "http://127.0.0.1:9/fn" }, delivery: { retry: 0 } }),
        ),
        { backend: createEmbeddedBackend({ dataDir }) },
      );
    const send = async (p: Pipeline, ids: string[], body: string) => {
      for (const id of ids) {
        const r = await http(p.brokerUrl(), {
          headers: ceHeaders({ "ce-id": id, "content-type": "text/plain" }),
          body,
        });
        assert.equal(r.status, 202);
      }
    };
    const deadLetters = async (p: Pipeline, n: number) =>
      eventually(async () => {
        const metrics = (await http(`${p.url}/metrics`, { method: "GET" })).body.toString();
        return new RegExp(`sluice_broker_dead_letters\\{broker="default/default"\\} ${n}\\b`).test(metrics);
      }, `${n} dead letters kept`);
    try {
      let p = await start();
      try {
        await send(p, ["a1", "a2"], "small");
        await deadLetters(p, 2);
        const running = await runSluice(["dead-letters", "--data-dir", dataDir, "--purge"]);
        assert.equal(running.code, 1);
        assert.match(
          running.stderr,
          /is in use by process \d+.*stop "sluice run" first.*nothing was removed/,
        );
        assert.equal(running.stdout, "");
      } finally {
        await p.close();
      }
      assert.deepEqual(await keptIds(), ["a1", "a2"], "kept while the broker ran");

      const purged = await runSluice(["dead-letters", "--data-dir", dataDir, "--purge"]);
      assert.equal(purged.code, 0, purged.stderr);
      assert.deepEqual(
        lines(purged.stdout).map((l) => l.event.id),
        ["a1", "a2"],
        "printed before removal",
      );
      assert.match(purged.stderr, /removed 2 dead letters/);
      assert.deepEqual(await keptIds(), []);

      // the store opens again (lock released, header intact) and keeps new dead letters
      p = await start();
      try {
        await deadLetters(p, 0);
        // bodies large enough that the output outgrows a pipe's buffer
        await send(p, ["b1", "b2", "b3"], "x".repeat(100_000));
        await deadLetters(p, 3);
      } finally {
        await p.close();
      }
      assert.deepEqual(await keptIds(), ["b1", "b2", "b3"]);

      // a reader that stops reading (the output fills the pipe): the command still ends, in ~5 s
      const stalled = spawn(process.execPath, [SLUICE_BIN, "dead-letters", "--data-dir", dataDir], {
        stdio: ["ignore", "pipe", "ignore"],
      });
      stalled.stdout.pause();
      const [code] = (await once(stalled, "exit")) as [number | null];
      assert.equal(code, 0);
      stalled.stdout.destroy();

      // a reader that stops early: the output breaks before the store is emptied
      const broken = spawnSync(
        "bash",
        [
          "-c",
          `set -o pipefail; "${process.execPath}" "${SLUICE_BIN}" dead-letters --purge --data-dir "${dataDir}" | head -c 10 > /dev/null`,
        ],
        { encoding: "utf8" },
      );
      assert.equal(broken.status, 1, broken.stderr);
      assert.deepEqual(await keptIds(), ["b1", "b2", "b3"], "nothing removed when the output broke");

      // an output that cannot be written (a full disk)
      const full = spawnSync(
        "bash",
        [
          "-c",
          `"${process.execPath}" "${SLUICE_BIN}" dead-letters --purge --data-dir "${dataDir}" > /dev/full`,
        ],
        { encoding: "utf8" },
      );
      assert.equal(full.status, 1, full.stderr);
      assert.match(full.stderr, /could not write the output: ENOSPC/);
      assert.deepEqual(await keptIds(), ["b1", "b2", "b3"], "nothing removed when the output failed");

      // a torn tail: nothing removed, and the reason given
      const before = (await stat(file)).size;
      await appendFile(file, Buffer.from([9, 0, 0]));
      const torn = await runSluice([
        "dead-letters",
        "--data-dir",
        dataDir,
        "--purge",
        "--broker",
        "default/default",
      ]);
      assert.equal(torn.code, 1);
      assert.match(torn.stderr, /torn frame.*cuts a torn tail.*nothing was removed/);
      assert.equal((await stat(file)).size, before + 3);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("says where it looked when there is no data directory, and rejects a malformed --broker", async () => {
    const missing = await runSluice(["dead-letters", "--data-dir", join(tmpdir(), "sluice-no-such-dir")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no data directory at .*sluice-no-such-dir/);
    for (const broker of ["just-a-name", "../brokers", "default/..", "a/b/c"]) {
      const bad = await runSluice(["dead-letters", "--broker", broker, "--purge"]);
      assert.equal(bad.code, 2, broker);
      assert.match(bad.stderr, /--broker takes NAMESPACE\/NAME/);
    }
  });
});

function lines(stdout: string): { event: { id: string } }[] {
  return stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}
