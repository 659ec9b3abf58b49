import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { decodeHttp } from "@sluice/codec";
import { CoreErrors, isSluiceError } from "@sluice/core";
import { createTestSourceContext, runSourceContract, startRecordingSink } from "@sluice/testing";
import { createProcessSource, ProcessSourceErrors, processSourcePlugin, restartDelay } from "../src/index.js";
import { alive, eventually, FIXTURES, NODE, processResource, run, stdout } from "./helpers.js";

runSourceContract("ProcessSource", {
  create: ({ sink, ceOverrides }) =>
    createProcessSource(
      processResource(
        {
          command: [NODE, "emitter.mjs"],
          env: [{ name: "EMIT_INTERVAL_MS", value: "50" }],
          stopGracePeriod: "PT2S",
        },
        { sink: sink.url, ceOverrides },
      ),
    ),
});

const CHILD = join(FIXTURES, "child.mjs");
const parseLine = (line: string | undefined) => JSON.parse(line ?? "null") as Record<string, unknown>;

describe("ProcessSource environment (SinkBinding contract)", () => {
  it("sets K_SINK and K_CE_OVERRIDES as JSON {extensions}", async (t) => {
    const { lines } = await run(
      t,
      {
        command: [NODE, CHILD, "env", "K_SINK", "K_CE_OVERRIDES", "GREETING", "DB_PASSWORD"],
        env: [
          { name: "GREETING", value: "hello" },
          { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
          { name: "K_SINK", value: "http://overridden.example" },
        ],
      },
      { sink: "http://127.0.0.1:8080/default/default", ceOverrides: { team: "platform", env: "dev" } },
    );
    await eventually(() => stdout(lines).length >= 1, "the child printed its env");
    assert.deepEqual(parseLine(stdout(lines)[0]), {
      K_SINK: "http://127.0.0.1:8080/default/default",
      K_CE_OVERRIDES: '{"extensions":{"team":"platform","env":"dev"}}',
      GREETING: "hello",
      DB_PASSWORD: "pa55word",
    });
    assert.ok(
      !JSON.stringify(lines.filter((l) => l.stream === undefined)).includes("pa55word"),
      "secrets are not logged",
    );
  });

  it("sets K_CE_OVERRIDES to the empty string when there are none", async (t) => {
    const { lines } = await run(t, { command: [NODE, CHILD, "env", "K_CE_OVERRIDES"] });
    await eventually(() => stdout(lines).length >= 1, "printed");
    assert.deepEqual(parseLine(stdout(lines)[0]), { K_CE_OVERRIDES: "" });
  });

  it("inherits Sluice's environment unless inheritEnv is false", async (t) => {
    process.env.SLUICE_PROCESS_TEST_PARENT = "inherited";
    t.after(() => {
      delete process.env.SLUICE_PROCESS_TEST_PARENT;
    });
    const inherit = await run(t, { command: [NODE, CHILD, "env", "SLUICE_PROCESS_TEST_PARENT"] });
    const isolated = await run(t, {
      command: [NODE, CHILD, "env", "SLUICE_PROCESS_TEST_PARENT", "K_SINK"],
      inheritEnv: false,
    });
    await eventually(
      () => stdout(inherit.lines).length >= 1 && stdout(isolated.lines).length >= 1,
      "printed",
    );
    assert.deepEqual(parseLine(stdout(inherit.lines)[0]), { SLUICE_PROCESS_TEST_PARENT: "inherited" });
    assert.deepEqual(parseLine(stdout(isolated.lines)[0]), {
      SLUICE_PROCESS_TEST_PARENT: null,
      K_SINK: "http://127.0.0.1:1/",
    });
  });

  it("runs in the manifest's folder by default, and cwd is relative to it", async (t) => {
    const byDefault = await run(t, { command: [NODE, "child.mjs", "env"] });
    const nested = await run(t, { command: [NODE, "fixtures/child.mjs", "env"], cwd: ".." });
    await eventually(
      () => stdout(byDefault.lines).length >= 2 && stdout(nested.lines).length >= 2,
      "printed",
    );
    assert.deepEqual(parseLine(stdout(byDefault.lines)[1]), { cwd: FIXTURES.replace(/\/$/, "") });
    assert.deepEqual(parseLine(stdout(nested.lines)[1]), { cwd: join(FIXTURES, "..") });
  });
});

describe("ProcessSource output", () => {
  it("forwards stdout and stderr line by line under the source's logger", async (t) => {
    const { lines } = await run(t, { command: [NODE, CHILD, "lines"] });
    await eventually(() => lines.some((l) => l.stream === "stderr"), "stderr line");
    await eventually(() => stdout(lines).length >= 3, "stdout lines");
    assert.deepEqual(stdout(lines), ["first line", "second half", "third"]);
    const err = lines.find((l) => l.stream === "stderr");
    assert.equal(err?.msg, "something went wrong");
    assert.equal(err?.level, "warn");
    assert.equal(typeof err?.pid, "number");
  });
});

describe("ProcessSource restarts", () => {
  it("restarts with exponential backoff and reports unhealthy while crash-looping", async (t) => {
    const { lines, ctx } = await run(t, {
      command: [NODE, CHILD, "exit", "3"],
      restart: { minBackoff: "PT0.02S", maxBackoff: "PT0.08S", resetAfter: "PT10S" },
    });
    await eventually(() => stdout(lines).filter((l) => l === "started").length >= 5, "five starts");
    const delays = lines.filter((l) => l.msg === "process exited; restarting").map((l) => l.restartInMs);
    assert.deepEqual(delays.slice(0, 4), [20, 40, 80, 80]);
    assert.equal(lines.find((l) => l.msg === "process exited; restarting")?.exit, "code 3");
    assert.equal(ctx.health[0]?.healthy, false);
    assert.match(ctx.health[0]?.reason ?? "", /exited with code 3; restarting in 20 ms/);
  });

  it("starts the backoff over and recovers health after a stable run", async (t) => {
    const { lines, ctx } = await run(t, {
      command: [NODE, CHILD, "run-then-exit", "150", "1"],
      restart: { minBackoff: "PT0.02S", maxBackoff: "PT1S", resetAfter: "PT0.1S" },
    });
    await eventually(
      () => lines.filter((l) => l.msg === "process exited; restarting").length >= 3,
      "three exits",
    );
    const delays = lines.filter((l) => l.msg === "process exited; restarting").map((l) => l.restartInMs);
    assert.deepEqual(delays.slice(0, 3), [20, 20, 20]);
    await eventually(() => ctx.health.some((h) => h.healthy), "healthy again after a stable run");
  });

  const policies: { policy: string; code: number; restarts: boolean; healthy: boolean }[] = [
    { policy: "OnFailure", code: 0, restarts: false, healthy: true },
    { policy: "OnFailure", code: 4, restarts: true, healthy: false },
    { policy: "Never", code: 0, restarts: false, healthy: true },
    { policy: "Never", code: 4, restarts: false, healthy: false },
  ];
  for (const c of policies) {
    it(`restart policy ${c.policy}, exit code ${c.code}: ${c.restarts ? "restarts" : "stays down"}`, async (t) => {
      const { lines, ctx } = await run(t, {
        command: [NODE, CHILD, "exit", String(c.code)],
        restart: { policy: c.policy, minBackoff: "PT0.01S" },
      });
      const exits = (msg: string) => lines.filter((l) => l.msg === msg).length;
      if (c.restarts)
        await eventually(() => stdout(lines).filter((l) => l === "started").length >= 2, "restarted");
      else {
        await eventually(() => exits("process exited; not restarted") === 1, "exited");
        assert.equal(stdout(lines).filter((l) => l === "started").length, 1);
      }
      assert.equal(ctx.health.length === 0 || ctx.health.at(-1)?.healthy === true, c.healthy);
    });
  }

  it("computes restart delays", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 10].map((n) => restartDelay(n, 1_000, 10_000)),
      [1_000, 2_000, 4_000, 8_000, 10_000, 10_000],
    );
  });
});

describe("ProcessSource stop", () => {
  it("stops the whole process group, grandchildren included", async (t) => {
    const { lines, source } = await run(t, { command: [NODE, CHILD, "grandchild"] });
    await eventually(() => stdout(lines).length >= 1, "grandchild started");
    const pid = lines.find((l) => l.msg === "process started")?.pid as number;
    const grandchild = parseLine(stdout(lines)[0]).grandchild as number;
    assert.ok(alive(pid) && alive(grandchild));
    await source.close();
    assert.equal(alive(pid), false, "the child is gone");
    assert.equal(alive(grandchild), false, "the grandchild is gone");
  });

  it("kills what ignores SIGTERM after the grace period", async (t) => {
    const { lines, source } = await run(t, {
      command: [NODE, CHILD, "grandchild", "ignore-term"],
      stopGracePeriod: "PT0.2S",
    });
    await eventually(() => stdout(lines).length >= 1, "grandchild started");
    const grandchild = parseLine(stdout(lines)[0]).grandchild as number;
    await source.close();
    await source.close();
    assert.equal(alive(grandchild), false);
  });

  it("rejects a command that cannot start, with SPAWN_FAILED", async (t) => {
    const sink = await startRecordingSink();
    const ctx = createTestSourceContext({ sink: { url: sink.url }, ceOverrides: {} });
    t.after(async () => {
      await ctx.close();
      await sink.close();
    });
    for (const spec of [
      { command: ["/no/such/program"] },
      { command: [NODE, CHILD, "env"], cwd: "missing-dir" },
    ]) {
      const source = createProcessSource(processResource(spec));
      await assert.rejects(
        source.start(ctx),
        (e) => isSluiceError(e) && e.code === ProcessSourceErrors.SPAWN_FAILED,
      );
      await source.close();
      await assert.rejects(source.start(ctx), (e) => isSluiceError(e) && e.code === CoreErrors.CLOSED);
    }
  });

  it("is ProcessSource of sources.sluice.dev/v1alpha1", () => {
    assert.equal(processSourcePlugin.apiVersion, "sources.sluice.dev/v1alpha1");
    assert.equal(processSourcePlugin.kind, "ProcessSource");
  });
});

describe("ProcessSource end to end", () => {
  it("the child's events reach the sink with the overrides", async (t) => {
    const sink = await startRecordingSink();
    t.after(() => sink.close());
    await run(t, { command: [NODE, "emitter.mjs"] }, { sink: sink.url, ceOverrides: { team: "platform" } });
    const [request] = await sink.waitFor(1);
    const [event] = decodeHttp(request!.headers, request!.body).events;
    assert.equal(event?.attributes.get("team"), "platform");
    assert.equal(event?.attributes.get("type"), "dev.sluice.test.beat");
  });
});
