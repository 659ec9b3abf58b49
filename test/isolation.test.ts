// A slow, failing or unreachable subscriber never delays deliveries to other triggers (§5).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { FAILING_AFTER } from "@sluice/runtime";
import { always, eventually, hang, type SinkAction, startRecordingSink } from "@sluice/testing";
import {
  broker,
  ceHeaders,
  http,
  manifests,
  type Pipeline,
  startPipeline,
  trigger,
} from "./helpers/pipeline.js";

describe("isolation", () => {
  for (const [name, responder] of [
    ["hangs", hang],
    ["fails with 500", always(500)],
  ] as const) {
    it(`one trigger's sink ${name} while another keeps receiving every event`, async () => {
      const bad = await startRecordingSink({ respond: responder });
      const good = await startRecordingSink();
      const p = await startPipeline(
        manifests(
          broker(),
          trigger("bad", {
            subscriber: { uri: bad.url },
            delivery: { retry: 100, backoffPolicy: "linear", backoffDelay: "PT0.05S", timeout: "PT60S" },
          }),
          trigger("good", { subscriber: { uri: good.url } }),
        ),
        { limits: { inFlightPerTrigger: 8, inFlightTotal: 16 } },
      );
      try {
        const total = 100;
        for (let i = 0; i < total; i++) {
          const r = await http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": `iso-${i}` }), body: "{}" });
          assert.equal(r.status, 202);
        }
        const got = await good.waitFor(total);
        assert.equal(new Set(got.map((g) => g.headers["ce-id"])).size, total);
        // the bad trigger never had more than its own in-flight bound outstanding
        const distinct = new Set(bad.requests.map((r) => r.headers["ce-id"]));
        assert.ok(distinct.size <= 8, `bad trigger had ${distinct.size} events in flight`);
      } finally {
        await p.close();
        await bad.close();
        await good.close();
      }
    });
  }

  /**
   * A sink whose answers take 40 ms (after `gate`, when given), recording how many requests were
   * open as each one arrived.
   */
  async function countingSink(status: () => number, gate?: Promise<void>) {
    let active = 0;
    const openAtStart: number[] = [];
    const sink = await startRecordingSink({
      respond: async (): Promise<SinkAction> => {
        active += 1;
        openAtStart.push(active);
        await gate;
        await sleep(40);
        active -= 1;
        return { status: status() };
      },
    });
    return { sink, openAtStart };
  }

  const WINDOW = 16;
  const FAILING_WINDOW = 2;
  /** Requests that may have started before the window narrowed: the first window, then one per failure. */
  const SETTLED = WINDOW + FAILING_AFTER;
  const LIMITS = { inFlightPerTrigger: WINDOW, inFlightPerFailingTrigger: FAILING_WINDOW, inFlightTotal: 64 };

  /** Posts events `${prefix}-${from}` to `${prefix}-${from + count - 1}` one by one, each accepted. */
  function sender(p: Pipeline, prefix: string) {
    return async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        const r = await http(p.brokerUrl(), {
          headers: ceHeaders({ "ce-id": `${prefix}-${i}` }),
          body: "{}",
        });
        assert.equal(r.status, 202);
      }
    };
  }

  /** The `down` trigger's sluice_trigger_window, read from /metrics. */
  async function windowGauge(p: Pipeline): Promise<number> {
    const metrics = (await http(`${p.url}/metrics`, { method: "GET" })).body.toString();
    const value = /^sluice_trigger_window\{trigger="default\/down"\} (\d+)$/m.exec(metrics)?.[1];
    assert.ok(value !== undefined, `no sluice_trigger_window for default/down in:\n${metrics}`);
    return Number(value);
  }

  async function pipelineFor(url: string) {
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("down", { subscriber: { uri: url }, delivery: { retry: 0, timeout: "PT10S" } }),
      ),
      { limits: LIMITS },
    );
    return { p, send: sender(p, "down") };
  }

  it("starts a trigger with the narrow window and widens it with each answer (slow start)", async () => {
    // The sink holds every answer until the whole backlog is in the broker: the requests it sees
    // meanwhile are what the trigger sends before any answer.
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { sink, openAtStart } = await countingSink(() => 202, gate);
    const { p, send } = await pipelineFor(sink.url);
    try {
      await send(0, 60);
      await sleep(300);
      assert.equal(openAtStart.length, FAILING_WINDOW, "before any answer, only the narrow window was sent");
      open();
      await eventually(() => openAtStart.length >= 60, "every event delivered");
      assert.ok(
        Math.max(...openAtStart) > FAILING_WINDOW,
        `the window grew with answers, saw at most ${Math.max(...openAtStart)} open`,
      );
      assert.ok(Math.max(...openAtStart) <= WINDOW, `never beyond the trigger's window (${WINDOW})`);
    } finally {
      open();
      await p.close();
      await sink.close();
    }
  });

  it("never gives a subscriber that fails from the start more than the narrow window", async () => {
    const { sink, openAtStart } = await countingSink(() => 503);
    const { p, send } = await pipelineFor(sink.url);
    try {
      await send(0, 40);
      await eventually(() => openAtStart.length >= 40, "every event attempted");
      assert.ok(
        openAtStart.every((open) => open <= FAILING_WINDOW),
        `at most ${FAILING_WINDOW} attempts open, saw ${Math.max(...openAtStart)}`,
      );
    } finally {
      await p.close();
      await sink.close();
    }
  });

  it("narrows a failing subscriber's window until it answers again, then widens it again", async () => {
    let failing = false;
    const { sink, openAtStart } = await countingSink(() => (failing ? 503 : 202));
    const { p, send } = await pipelineFor(sink.url);
    try {
      // Answering: the window grows to the trigger's full window.
      assert.equal(await windowGauge(p), FAILING_WINDOW, "sluice_trigger_window starts at the narrow window");
      await send(0, 60);
      await eventually(() => openAtStart.length >= 60, "every event delivered");
      assert.ok(Math.max(...openAtStart) > FAILING_WINDOW, "the window grew while the subscriber answered");
      await eventually(
        async () => (await windowGauge(p)) === WINDOW,
        "sluice_trigger_window at the full window",
      );
      // Failing: after FAILING_AFTER deliveries failed, at most the narrow window is open.
      failing = true;
      const failedFrom = openAtStart.length;
      await send(60, 60);
      await eventually(
        () => openAtStart.length >= failedFrom + SETTLED + 20,
        "attempts after the window narrowed",
      );
      const later = openAtStart.slice(failedFrom + SETTLED);
      assert.ok(
        later.every((open) => open <= FAILING_WINDOW),
        `at most ${FAILING_WINDOW} attempts open while failing, saw ${Math.max(...later)}`,
      );
      assert.equal(await windowGauge(p), FAILING_WINDOW, "sluice_trigger_window shows the narrowed window");
      // The subscriber recovers: answers widen the window again for the backlog.
      failing = false;
      const recovered = openAtStart.length;
      await send(120, 40);
      await eventually(() => openAtStart.length >= 160, "every event attempted");
      const after = openAtStart.slice(recovered);
      assert.ok(
        Math.max(...after) > FAILING_WINDOW,
        `window widened again, saw at most ${Math.max(...after)} open`,
      );
      assert.ok((await windowGauge(p)) > FAILING_WINDOW, "sluice_trigger_window widened again");
      assert.equal(sink.requests.length, 160, "each event attempted once (retry 0)");
    } finally {
      await p.close();
      await sink.close();
    }
  });

  /**
   * A subscriber that answers in 40 ms until hang(), then holds every request until the broker
   * gives up on it, behind a trigger with one retry 50 ms after a 200 ms timeout. Records how many
   * hung first tries were open as each arrived, and when each retry arrived.
   */
  async function stallingPipeline() {
    let hanging = false;
    let active = 0;
    const seen = new Set<string>();
    const firstTries: number[] = [];
    const retries: number[] = [];
    const server = createServer((req, res) => {
      req.resume();
      const id = String(req.headers["ce-id"]);
      if (!hanging) {
        seen.add(id);
        setTimeout(() => res.writeHead(202).end(), 40);
        return;
      }
      active += 1;
      if (seen.has(id)) retries.push(performance.now());
      else firstTries.push(active);
      seen.add(id);
      res.on("close", () => {
        active -= 1;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("stalls", {
          subscriber: { uri: url },
          delivery: { retry: 1, timeout: "PT0.2S", backoffPolicy: "linear", backoffDelay: "PT0.05S" },
        }),
      ),
      {
        // long enough for every waiting retry to get a slot, were they kept waiting at shutdown
        limits: { ...LIMITS, shutdownGraceMs: 5_000 },
      },
    );
    const send = sender(p, "stall");
    /** Earns the full window with answers, then hangs with WINDOW deliveries in flight. */
    const hangWithFullWindow = async () => {
      await send(0, 60);
      await eventually(() => seen.size >= 60, "every event delivered while the subscriber answered");
      hanging = true;
      await send(60, WINDOW);
      await eventually(() => firstTries.length >= WINDOW, "the full window in flight when the hang began");
      assert.ok(
        Math.max(...firstTries) > FAILING_WINDOW,
        `the hang began with more than the narrow window in flight (saw ${Math.max(...firstTries)})`,
      );
    };
    const close = async () => {
      await p.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { p, retries, hangWithFullWindow, close };
  }

  it("paces the retries of a subscriber that stops answering with its full window in flight", async () => {
    const { retries, hangWithFullWindow, close } = await stallingPipeline();
    try {
      await hangWithFullWindow();
      await eventually(() => retries.length >= WINDOW, "every hung delivery retried", { timeoutMs: 10_000 });
      // Each attempt lasts its whole 200 ms timeout, so with the narrow window no more than
      // FAILING_WINDOW retries can start within 150 ms (counting open requests instead would race
      // the sink seeing the previous attempt's connection close). Unpaced, all 16 start together.
      const gaps = retries.slice(FAILING_WINDOW).map((t, i) => t - (retries[i] as number));
      assert.ok(
        gaps.every((gap) => gap >= 150),
        `at most ${FAILING_WINDOW} retries within 150 ms; shortest span ${Math.round(Math.min(...gaps))} ms`,
      );
    } finally {
      await close();
    }
  });

  it("gives back the deliveries waiting for an attempt slot when it stops, instead of retrying them", async () => {
    const { p, retries, hangWithFullWindow, close } = await stallingPipeline();
    try {
      await hangWithFullWindow();
      await eventually(() => retries.length >= FAILING_WINDOW, "the first retries under way");
      const atStop = retries.length;
      await p.close();
      assert.ok(
        retries.length <= atStop + FAILING_WINDOW,
        `after stop, at most the attempts that had a slot: ${retries.length - atStop} more retries`,
      );
      assert.ok(
        retries.length < WINDOW,
        `the waiting deliveries were given back (${retries.length} retried)`,
      );
    } finally {
      await close();
    }
  });

  it("widens the window for a subscriber that answers but rejects events for good (400)", async () => {
    const { sink, openAtStart } = await countingSink(() => 400);
    const { p, send } = await pipelineFor(sink.url);
    try {
      await send(0, 80);
      await eventually(() => openAtStart.length >= 80, "every event attempted");
      const later = openAtStart.slice(SETTLED);
      assert.ok(
        Math.max(...later) > FAILING_WINDOW,
        `window widened, saw at most ${Math.max(...later)} open`,
      );
    } finally {
      await p.close();
      await sink.close();
    }
  });
});
