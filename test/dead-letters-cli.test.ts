// `sluice dead-letters`: the embedded brokers' durable dead-letter stores, read beside a running
// broker (no lock), as JSON lines a user can inspect and send again.
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createEmbeddedBackend } from "@sluice/broker-embedded";
import { eventually } from "@sluice/testing";
import { runSluice } from "./helpers/cli.js";
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

  it("says where it looked when there is no data directory, and rejects a malformed --broker", async () => {
    const missing = await runSluice(["dead-letters", "--data-dir", join(tmpdir(), "sluice-no-such-dir")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no data directory at .*sluice-no-such-dir/);
    const bad = await runSluice(["dead-letters", "--broker", "just-a-name"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--broker takes NAMESPACE\/NAME/);
  });
});
