// At-least-once across kill -9, end to end with the real CLI process (PRODUCT.md §5, §9):
// events accepted (202) while the subscriber is down, kill -9, restart, subscriber up →
// every accepted event delivered.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { startRecordingSink } from "@sluice/testing";
import { spawnSluice } from "./helpers/cli.js";
import { ceHeaders, http } from "./helpers/pipeline.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const pipeline = (sinkPort: number) => `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: default }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: durable }
spec:
  broker: default
  subscriber: { uri: "http://127.0.0.1:${sinkPort}/" }
  delivery: { retry: 30, backoffPolicy: exponential, backoffDelay: PT0.05S }
`;

/** Writes the pipeline into `dir` with a free port for its subscriber; the `sluice run` arguments. */
async function setUp(dir: string): Promise<{ sinkPort: number; args: string[] }> {
  const sinkPort = await freePort();
  const manifest = join(dir, "pipeline.yaml");
  await writeFile(manifest, pipeline(sinkPort));
  return { sinkPort, args: ["run", "-f", manifest, "--port", "0", "--data-dir", join(dir, "data")] };
}

async function startAndUrl(args: string[]) {
  const proc = spawnSluice(args);
  const brokerLine = await proc.waitForLine(/^broker\s/);
  await proc.waitForLine(/^ready$/);
  return { proc, url: /(http:\/\/\S+)/.exec(brokerLine)?.[1] as string };
}

describe("durability with kill -9", () => {
  it("delivers every accepted event after a crash and restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-durable-"));
    const { sinkPort, args } = await setUp(dir);
    let first = spawnSluice(args);
    try {
      const brokerLine = await first.waitForLine(/^broker\s/);
      await first.waitForLine(/^ready$/);
      const url = /(http:\/\/\S+)/.exec(brokerLine)?.[1] as string;
      const accepted: string[] = [];
      for (let i = 0; i < 200; i++) {
        const id = `durable-${i}`;
        const r = await http(url, { headers: ceHeaders({ "ce-id": id }), body: JSON.stringify({ i }) });
        if (r.status === 202) accepted.push(id);
      }
      assert.equal(accepted.length, 200);
      first.child.kill("SIGKILL");
      const { signal } = await first.exited;
      assert.equal(signal, "SIGKILL");

      first = spawnSluice(args);
      await first.waitForLine(/^ready$/);
      const sink = await startRecordingSink({ port: sinkPort });
      try {
        const got = await sink.waitFor(200, {
          timeoutMs: 60_000,
          predicate: (r) => String(r.headers["ce-id"]).startsWith("durable-"),
        });
        const ids = new Set(got.map((r) => String(r.headers["ce-id"])));
        for (const id of accepted) assert.ok(ids.has(id), `event ${id} was accepted but never delivered`);
      } finally {
        first.child.kill("SIGTERM");
        const { code } = await first.exited;
        assert.equal(code, 0, "SIGTERM exits 0");
        await sink.close();
      }
    } finally {
      first.child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("durability with kill -9 in the middle of a stream", () => {
  it("every event answered 202 before the kill is delivered after the restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-midstream-"));
    const { sinkPort, args } = await setUp(dir);
    let { proc, url } = await startAndUrl(args);
    try {
      const accepted: string[] = [];
      let next = 0;
      let killed = false;
      // 16 producers in parallel; the process is killed while requests are in flight.
      const producer = async () => {
        while (!killed && next < 5000) {
          const id = `mid-${next++}`;
          try {
            const r = await http(url, { headers: ceHeaders({ "ce-id": id }), body: "{}" });
            if (r.status === 202) accepted.push(id);
          } catch {
            // connection reset by the kill: not accepted
          }
          if (accepted.length >= 300 && !killed) {
            killed = true;
            proc.child.kill("SIGKILL");
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, producer));
      await proc.exited;
      assert.ok(accepted.length >= 300);

      ({ proc, url } = await startAndUrl(args));
      const sink = await startRecordingSink({ port: sinkPort });
      try {
        const wanted = new Set(accepted);
        await sink.waitFor(wanted.size, {
          timeoutMs: 60_000,
          predicate: (r) => wanted.has(String(r.headers["ce-id"])),
        });
      } finally {
        proc.child.kill("SIGTERM");
        await proc.exited;
        await sink.close();
      }
    } finally {
      proc.child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("durability across restarts", () => {
  it("delivers what a run accepted after a run that accepted nothing (stopped with SIGTERM each time)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-restarts-"));
    const { sinkPort, args } = await setUp(dir);
    const stop = async (proc: ReturnType<typeof spawnSluice>) => {
      proc.child.kill("SIGTERM");
      assert.equal((await proc.exited).code, 0);
    };
    try {
      // run 1 accepts nothing
      await stop((await startAndUrl(args)).proc);
      // run 2 accepts events while the subscriber is down
      const second = await startAndUrl(args);
      const accepted: string[] = [];
      for (let i = 0; i < 50; i++) {
        const id = `kept-${i}`;
        const r = await http(second.url, { headers: ceHeaders({ "ce-id": id }), body: "{}" });
        if (r.status === 202) accepted.push(id);
      }
      assert.equal(accepted.length, 50);
      await stop(second.proc);
      // run 3, subscriber up: every event run 2 accepted arrives
      const sink = await startRecordingSink({ port: sinkPort });
      const third = await startAndUrl(args);
      try {
        const got = await sink.waitFor(50, {
          timeoutMs: 60_000,
          predicate: (r) => String(r.headers["ce-id"]).startsWith("kept-"),
        });
        const ids = new Set(got.map((r) => String(r.headers["ce-id"])));
        assert.deepEqual(
          accepted.filter((id) => !ids.has(id)),
          [],
          "accepted but never delivered",
        );
      } finally {
        await stop(third.proc);
        await sink.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
