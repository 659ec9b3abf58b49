import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  always,
  eventually,
  failTimes,
  hang,
  makeEnvelope,
  makeEvent,
  type RecordingSink,
  startRecordingSink,
} from "@sluice/testing";
import {
  type AttemptEnd,
  type AttemptPacer,
  createDispatcher,
  type DeliveryRequest,
  type Dispatcher,
} from "../src/index.js";
import { closedPortUrl, policy } from "./helpers.js";

let sink: RecordingSink;
let dls: RecordingSink;
let dispatcher: Dispatcher;

before(async () => {
  sink = await startRecordingSink();
  dls = await startRecordingSink();
  dispatcher = createDispatcher();
});
after(async () => {
  await dispatcher.close();
  await sink.close();
  await dls.close();
});

/** Lets every attempt go at once and records the calls in order. */
function recordingPacer(): AttemptPacer & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    attemptStarting() {
      calls.push("start");
      return undefined;
    },
    attemptEnded(end: AttemptEnd) {
      calls.push(end);
    },
  };
}

/** Holds every attempt until released by hand. */
function gatePacer(): AttemptPacer & {
  readonly ended: AttemptEnd[];
  readonly waiting: number;
  release(go: boolean): void;
} {
  const waiting: ((go: boolean) => void)[] = [];
  const ended: AttemptEnd[] = [];
  return {
    ended,
    get waiting() {
      return waiting.length;
    },
    release(go) {
      waiting.shift()?.(go);
    },
    attemptStarting() {
      return new Promise<boolean>((resolve) => waiting.push(resolve));
    },
    attemptEnded(end) {
      ended.push(end);
    },
  };
}

/** One fresh event to `url` (the recording sink by default) under `pacer`. */
function deliver(pacer: AttemptPacer, overrides: Partial<DeliveryRequest> = {}) {
  return dispatcher.deliver({
    envelope: makeEnvelope(makeEvent()),
    url: sink.url,
    policy: policy({ retry: 3 }),
    namespace: "ns",
    pacer,
    ...overrides,
  });
}

describe("attempt pacer", () => {
  it("is asked before and told after every attempt to the subscriber, never the dead-letter sink", async () => {
    sink.respond(failTimes(1, 503));
    dls.respond(always(202));
    const pacer = recordingPacer();
    const result = await deliver(pacer, { policy: policy({ retry: 2 }) });
    assert.equal(result.outcome, "delivered");
    assert.deepEqual(pacer.calls, ["start", "answered", "start", "answered"]);

    sink.respond(always(500));
    const toDls = recordingPacer();
    const dead = await deliver(toDls, { policy: policy({ retry: 1, deadLetterSink: { url: dls.url } }) });
    assert.equal(dead.outcome, "dead-lettered");
    assert.deepEqual(
      toDls.calls,
      ["start", "answered", "start", "answered"],
      "the dead-letter attempt is not paced",
    );
  });

  it("reports timed-out and refused attempts as unanswered", async () => {
    sink.respond(hang);
    const pacer = recordingPacer();
    const result = await deliver(pacer, { policy: policy({ retry: 1, timeoutMs: 50 }) });
    assert.equal(result.outcome, "failed");
    assert.deepEqual(pacer.calls, ["start", "unanswered", "start", "unanswered"]);
    const refused = recordingPacer();
    await deliver(refused, { url: await closedPortUrl(), policy: policy({ retry: 0 }) });
    assert.deepEqual(refused.calls, ["start", "unanswered"]);
  });

  it("holds an attempt until the pacer lets it go, and gives the delivery up when it says no", async () => {
    sink.respond(failTimes(1, 503));
    const pacer = gatePacer();
    const before = sink.requests.length;
    const delivery = deliver(pacer);
    await eventually(() => pacer.waiting === 1, "the pacer's state");
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(sink.requests.length, before, "nothing sent while the pacer holds the first attempt");
    pacer.release(true);
    await eventually(() => pacer.waiting === 1 && sink.requests.length === before + 1, "the pacer's state");
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(sink.requests.length, before + 1, "the retry waits for the pacer too");
    pacer.release(false);
    const result = await delivery;
    assert.deepEqual(result, { outcome: "aborted", attempts: 1 });
    assert.deepEqual(pacer.ended, ["answered"]);
  });

  it("ends the wait on abort, and ends at once an attempt the pacer lets go after that", async () => {
    const pacer = gatePacer();
    const controller = new AbortController();
    const delivery = deliver(pacer, { signal: controller.signal });
    await eventually(() => pacer.waiting === 1, "the pacer's state");
    controller.abort();
    assert.deepEqual(await delivery, { outcome: "aborted", attempts: 0 });
    pacer.release(true);
    await eventually(() => pacer.ended.length === 1, "the pacer's state");
    assert.deepEqual(pacer.ended, ["aborted"], "the slot given after the abort is handed back");
  });
});
