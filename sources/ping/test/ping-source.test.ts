import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { decodeHttp } from "@sluice/codec";
import { type CloudEvent, isSluiceError } from "@sluice/core";
import {
  always,
  createTestSourceContext,
  type RecordingSink,
  runSourceContract,
  type SinkRequest,
  startRecordingSink,
  type TestSourceContext,
} from "@sluice/testing";
import {
  CATCH_UP_ANNOTATION,
  createPingSource,
  MAX_TIMER_MS,
  PING_EVENT_TYPE,
  PingErrors,
  pingSourcePlugin,
  STATE_FILE,
  writeLastTick,
} from "../src/index.js";
import { eventually, ManualClock, pingResource } from "./helpers.js";

const T0 = Date.parse("2026-01-01T00:00:30Z");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let contractClock = new ManualClock(T0);
runSourceContract("PingSource", {
  create: ({ sink, ceOverrides }) => {
    contractClock = new ManualClock(T0);
    return createPingSource(pingResource({ schedule: "* * * * *" }, { sink: sink.url, ceOverrides }), {
      clock: contractClock,
    });
  },
  stimulate: async () => {
    contractClock.fireNext();
  },
});

// The same contract on real timers: a tick every second, so close() must clear a real setTimeout.
runSourceContract("PingSource (system clock)", {
  create: ({ sink, ceOverrides }) =>
    createPingSource(pingResource({ schedule: "* * * * * *" }, { sink: sink.url, ceOverrides })),
});

function decode(request: SinkRequest): CloudEvent {
  const [event] = decodeHttp(request.headers, request.body).events;
  assert.ok(event !== undefined);
  return event;
}

interface Setup {
  readonly sink: RecordingSink;
  readonly clock: ManualClock;
  readonly ctx: TestSourceContext;
  readonly stateDir: string;
}

async function setup(t: TestContext, start = T0): Promise<Setup> {
  const sink = await startRecordingSink();
  const stateDir = await mkdtemp(join(tmpdir(), "sluice-ping-"));
  const ctx = createTestSourceContext({
    sink: { url: sink.url },
    ceOverrides: {},
    stateDir,
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
  });
  t.after(async () => {
    await ctx.close();
    await sink.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  return { sink, clock: new ManualClock(start), ctx, stateDir };
}

const times = (sink: RecordingSink) => sink.requests.map((r) => r.headers["ce-time"]);

describe("PingSource events", () => {
  it("carries Knative's attributes, a fresh id and the tick's time", async (t) => {
    const { sink, clock, ctx } = await setup(t);
    const resource = pingResource(
      { schedule: "* * * * *", data: '{"hello":"world"}', contentType: "application/json" },
      { sink: sink.url, namespace: "team-a", name: "heartbeat" },
    );
    const source = createPingSource(resource, { clock });
    t.after(() => source.close());
    await source.start(ctx);
    clock.fireNext();
    await sink.waitFor(1);
    await eventually(() => clock.pending === 1, "re-armed");
    clock.fireNext();
    const [first, second] = (await sink.waitFor(2)).map(decode);
    const expected = {
      specversion: "1.0",
      source: "/apis/v1/namespaces/team-a/pingsources/heartbeat",
      type: PING_EVENT_TYPE,
      datacontenttype: "application/json",
    };
    for (const [event, time] of [
      [first!, "2026-01-01T00:01:00.000Z"],
      [second!, "2026-01-01T00:02:00.000Z"],
    ] as const) {
      const { id, ...rest } = Object.fromEntries(event.attributes);
      assert.deepEqual(rest, { ...expected, time });
      assert.match(id!, UUID);
      assert.equal(Buffer.from(event.data!).toString(), '{"hello":"world"}');
    }
    assert.notEqual(first!.attributes.get("id"), second!.attributes.get("id"));
  });

  const bodies: {
    name: string;
    spec: Record<string, unknown>;
    body: Buffer;
    contentType: string | undefined;
  }[] = [
    { name: "no data: no body, no content type", spec: {}, body: Buffer.alloc(0), contentType: undefined },
    {
      name: "contentType without data is dropped",
      spec: { contentType: "text/plain" },
      body: Buffer.alloc(0),
      contentType: undefined,
    },
    {
      name: "text data without contentType",
      spec: { data: "tick" },
      body: Buffer.from("tick"),
      contentType: undefined,
    },
    {
      name: "dataBase64 as raw bytes",
      spec: { dataBase64: "AAECA/8=", contentType: "application/octet-stream" },
      body: Buffer.from([0, 1, 2, 3, 255]),
      contentType: "application/octet-stream",
    },
  ];
  for (const c of bodies) {
    it(c.name, async (t) => {
      const { sink, clock, ctx } = await setup(t);
      const source = createPingSource(pingResource(c.spec, { sink: sink.url }), { clock });
      t.after(() => source.close());
      await source.start(ctx);
      clock.fireNext();
      const [request] = await sink.waitFor(1);
      assert.deepEqual(request!.body, c.body);
      assert.equal(request!.headers["content-type"], c.contentType);
    });
  }
});

describe("PingSource timing", () => {
  it("coalesces ticks missed while the process slept into the latest one", async (t) => {
    const { sink, clock, ctx } = await setup(t);
    const source = createPingSource(pingResource({}, { sink: sink.url }), { clock });
    t.after(() => source.close());
    await source.start(ctx);
    clock.set(Date.parse("2026-01-01T03:00:10Z"));
    clock.fireNext();
    await sink.waitFor(1);
    await eventually(() => clock.pending === 1, "re-armed");
    assert.deepEqual(times(sink), ["2026-01-01T03:00:00.000Z"]);
    assert.equal(clock.nextAt, Date.parse("2026-01-01T03:01:00Z"));
  });

  it("waits in steps setTimeout can hold for far-away ticks", async (t) => {
    const { sink, clock, ctx } = await setup(t);
    const source = createPingSource(pingResource({ schedule: "@yearly" }, { sink: sink.url }), { clock });
    t.after(() => source.close());
    await source.start(ctx);
    assert.equal(clock.nextAt, T0 + MAX_TIMER_MS);
    clock.fireNext();
    await eventually(() => clock.pending === 1, "re-armed");
    assert.equal(sink.requests.length, 0, "an early wake-up sends nothing");
    assert.equal(clock.nextAt, T0 + 2 * MAX_TIMER_MS);
  });

  it("reports unhealthy when a tick cannot be delivered, healthy again after the next", async (t) => {
    const { sink, clock, ctx } = await setup(t);
    sink.respond(always(500));
    const source = createPingSource(pingResource({}, { sink: sink.url }), { clock });
    t.after(() => source.close());
    await source.start(ctx);
    clock.fireNext();
    await eventually(() => ctx.health.length === 1 && clock.pending === 1, "reported and re-armed");
    assert.equal(ctx.health[0]!.healthy, false);
    assert.match(ctx.health[0]!.reason!, /2026-01-01T00:01:00.000Z could not be delivered/);
    sink.respond(always(202));
    clock.fireNext();
    await eventually(() => ctx.health.length === 2, "healthy again");
    assert.deepEqual(ctx.health[1], { healthy: true, reason: undefined });
  });
});

describe("PingSource catch-up", () => {
  const catchUp = (sink: RecordingSink, duration = "PT5M") =>
    pingResource({}, { sink: sink.url, annotations: { [CATCH_UP_ANNOTATION]: duration } });

  it("replays ticks missed while down, oldest first, bounded by the window", async (t) => {
    const { sink, clock, ctx, stateDir } = await setup(t, Date.parse("2026-01-01T00:10:30Z"));
    await writeLastTick(stateDir, Date.parse("2026-01-01T00:01:00Z"));
    const source = createPingSource(catchUp(sink), { clock });
    t.after(() => source.close());
    await source.start(ctx);
    await sink.waitFor(5);
    await eventually(() => clock.pending === 1, "armed for the next tick");
    assert.deepEqual(times(sink), [
      "2026-01-01T00:06:00.000Z",
      "2026-01-01T00:07:00.000Z",
      "2026-01-01T00:08:00.000Z",
      "2026-01-01T00:09:00.000Z",
      "2026-01-01T00:10:00.000Z",
    ]);
    const state = JSON.parse(await readFile(join(stateDir, STATE_FILE), "utf8"));
    assert.deepEqual(state, { lastTick: "2026-01-01T00:10:00.000Z" });
  });

  it("replays only what came after the last tick sent", async (t) => {
    const { sink, clock, ctx, stateDir } = await setup(t, Date.parse("2026-01-01T00:10:30Z"));
    await writeLastTick(stateDir, Date.parse("2026-01-01T00:09:00Z"));
    const source = createPingSource(catchUp(sink), { clock });
    t.after(() => source.close());
    await source.start(ctx);
    await eventually(() => clock.pending === 1, "armed");
    assert.deepEqual(times(sink), ["2026-01-01T00:10:00.000Z"]);
  });

  it("replays nothing without a recorded tick, and records each tick sent", async (t) => {
    const { sink, clock, ctx, stateDir } = await setup(t);
    const source = createPingSource(catchUp(sink), { clock });
    t.after(() => source.close());
    await source.start(ctx);
    assert.equal(sink.requests.length, 0);
    clock.fireNext();
    await sink.waitFor(1);
    await eventually(() => clock.pending === 1, "armed");
    const state = JSON.parse(await readFile(join(stateDir, STATE_FILE), "utf8"));
    assert.deepEqual(state, { lastTick: "2026-01-01T00:01:00.000Z" });
  });

  it("replays nothing without the annotation", async (t) => {
    const { sink, clock, ctx, stateDir } = await setup(t, Date.parse("2026-01-01T00:10:30Z"));
    await writeLastTick(stateDir, Date.parse("2026-01-01T00:01:00Z"));
    const source = createPingSource(pingResource({}, { sink: sink.url }), { clock });
    t.after(() => source.close());
    await source.start(ctx);
    await eventually(() => clock.pending === 1, "armed");
    assert.equal(sink.requests.length, 0);
    assert.equal(clock.nextAt, Date.parse("2026-01-01T00:11:00Z"));
  });

  it("replays ticks missed while asleep when catch-up is on", async (t) => {
    const { sink, clock, ctx } = await setup(t);
    const source = createPingSource(catchUp(sink, "PT2M"), { clock });
    t.after(() => source.close());
    await source.start(ctx);
    clock.set(Date.parse("2026-01-01T01:00:10Z"));
    clock.fireNext();
    await sink.waitFor(2);
    await eventually(() => clock.pending === 1, "armed");
    // 00:58:00 is older than two minutes before 01:00:10.
    assert.deepEqual(times(sink), ["2026-01-01T00:59:00.000Z", "2026-01-01T01:00:00.000Z"]);
  });

  const invalid = ["soon", "PT0S", "-PT1M"];
  for (const value of invalid) {
    it(`refuses the annotation ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => createPingSource(pingResource({}, { annotations: { [CATCH_UP_ANNOTATION]: value } })),
        (error) => isSluiceError(error) && error.code === PingErrors.INVALID_CATCH_UP,
      );
    });
  }
});

describe("pingSourcePlugin", () => {
  it("is PingSource of sources.knative.dev/v1", () => {
    assert.equal(pingSourcePlugin.apiVersion, "sources.knative.dev/v1");
    assert.equal(pingSourcePlugin.kind, "PingSource");
  });
});
