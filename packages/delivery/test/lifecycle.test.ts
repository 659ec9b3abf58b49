import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { isSluiceError, StopSignal } from "@sluice/core";
import {
  always,
  hang,
  makeEnvelope,
  makeEvent,
  type SinkResponder,
  startRecordingSink,
} from "@sluice/testing";
import { createDispatcher, DeliveryErrors, type DispatcherOptions } from "../src/index.js";
import { policy, startRawServer } from "./helpers.js";

/** A sink and a dispatcher, both closed after the test whatever happens. */
async function setup(t: TestContext, respond: SinkResponder, options: DispatcherOptions = {}) {
  const sink = await startRecordingSink({ respond });
  const dispatcher = createDispatcher(options);
  t.after(async () => {
    await dispatcher.close();
    await sink.close();
  });
  return { sink, dispatcher };
}

/** The signals a caller may pass: the standard one, and the StopSignal a trigger worker keeps. */
const STOPPERS = [
  [
    "AbortSignal",
    () => {
      const c = new AbortController();
      return { signal: c.signal, abort: () => c.abort() };
    },
  ],
  [
    "StopSignal",
    () => {
      const signal = new StopSignal();
      return { signal, abort: () => signal.abort() };
    },
  ],
] as const;

describe("abort and close", () => {
  it("an abort during a hanging attempt resolves aborted at once", async (t) => {
    const { sink, dispatcher } = await setup(t, hang);
    const controller = new AbortController();
    const pending = dispatcher.deliver({
      envelope: makeEnvelope(),
      url: sink.url,
      policy: policy({ retry: 5, timeoutMs: 60_000 }),
      namespace: "ns",
      signal: controller.signal,
    });
    await sink.waitFor(1);
    controller.abort();
    assert.deepEqual(await pending, { outcome: "aborted", attempts: 1 });
  });

  it("an abort during a backoff wait resolves aborted without another attempt", async (t) => {
    let waiting!: () => void;
    const inBackoff = new Promise<void>((r) => (waiting = r));
    // The attempt report comes right before the wait starts.
    const { sink, dispatcher } = await setup(t, always(500), {
      onAttempt: (a) => a.retryInMs !== undefined && waiting(),
    });
    const controller = new AbortController();
    const pending = dispatcher.deliver({
      envelope: makeEnvelope(),
      url: sink.url,
      policy: policy({ retry: 5, backoffDelayMs: 600_000 }),
      namespace: "ns",
      signal: controller.signal,
    });
    await inBackoff;
    controller.abort();
    assert.deepEqual(await pending, { outcome: "aborted", attempts: 1 });
    assert.equal(sink.requests.length, 1, "no retry after the abort");
  });

  for (const [kind, stopper] of STOPPERS) {
    it(`one ${kind} shared by many deliveries aborts those in progress, not those already done`, async (t) => {
      let answer: "ok" | "hang" = "ok";
      const { sink, dispatcher } = await setup(t, () => (answer === "ok" ? { status: 202 } : "hang"));
      const controller = stopper();
      const request = () => ({
        envelope: makeEnvelope(),
        url: sink.url,
        policy: policy({ retry: 0, timeoutMs: 60_000 }),
        namespace: "ns",
        signal: controller.signal,
      });
      assert.equal((await dispatcher.deliver(request())).outcome, "delivered");
      answer = "hang";
      const pending = [
        dispatcher.deliver(request()),
        dispatcher.deliver(request()),
        dispatcher.deliver(request()),
      ];
      await sink.waitFor(4);
      controller.abort();
      assert.deepEqual(
        (await Promise.all(pending)).map((r) => r.outcome),
        ["aborted", "aborted", "aborted"],
      );
      assert.equal(
        (await dispatcher.deliver(request())).outcome,
        "aborted",
        "a later delivery sees the aborted signal",
      );
    });
  }

  it("an aborted signal makes no attempt", async (t) => {
    const { sink, dispatcher } = await setup(t, always(202));
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(),
      url: sink.url,
      policy: policy(),
      namespace: "ns",
      signal: AbortSignal.abort(),
    });
    assert.deepEqual(result, { outcome: "aborted", attempts: 0 });
    assert.equal(sink.requests.length, 0);
  });

  it("close() aborts deliveries in progress, is idempotent, and deliver() afterwards throws CLOSED", async (t) => {
    const { sink, dispatcher } = await setup(t, hang);
    const pending = dispatcher.deliver({
      envelope: makeEnvelope(),
      url: sink.url,
      policy: policy({ retry: 3 }),
      namespace: "ns",
    });
    await sink.waitFor(1);
    await Promise.all([dispatcher.close(), dispatcher.close()]);
    assert.deepEqual(await pending, { outcome: "aborted", attempts: 1 });
    await assert.rejects(
      dispatcher.deliver({ envelope: makeEnvelope(), url: sink.url, policy: policy(), namespace: "ns" }),
      (error: unknown) => isSluiceError(error) && error.code === DeliveryErrors.CLOSED,
    );
  });

  it("reuses keep-alive connections for sequential deliveries, unneeded bodies included", async (t) => {
    let n = 0;
    const raw = await startRawServer((_req, res) => {
      n++;
      if (n % 3 === 0) res.writeHead(500).end("error body ".repeat(200));
      else if (n % 3 === 1) res.writeHead(200, { "content-type": "text/plain" }).end("plain body");
      else res.writeHead(202).end("accepted body");
    });
    const dispatcher = createDispatcher();
    t.after(async () => {
      await dispatcher.close();
      await raw.close();
    });
    for (let i = 0; i < 12; i++) {
      await dispatcher.deliver({
        envelope: makeEnvelope(makeEvent()),
        url: raw.url,
        policy: policy({ retry: 0 }),
        namespace: "ns",
        onReply: async () => {},
      });
    }
    assert.equal(n, 12);
    // Undici may open a second connection when the next request comes in the same tick the
    // previous one completes; an undrained body would cost one connection per delivery instead.
    assert.ok(raw.connections <= 2, `${raw.connections} connections for 12 sequential deliveries`);
  });
});
