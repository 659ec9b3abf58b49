import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import {
  type AppendEntry,
  type BrokerBackend,
  type BrokerStore,
  type BrokerStoreOptions,
  CoreErrors,
  type DeadLetterRecord,
  type Delivery,
  type EventEnvelope,
  isSluiceError,
  type ResourceKey,
  StopSignal,
} from "@sluice/core";
import { makeEnvelope, makeEvent } from "./builders.js";

/** How the contract suite gets backends. */
export interface BrokerContractFactory {
  /** A new backend over fresh, empty storage. */
  create(): Promise<BrokerBackend>;
  /**
   * Durable backends: a new backend over the storage of the last create(), after the previous
   * backend was closed. Enables the restart cases.
   */
  reopen?(): Promise<BrokerBackend>;
}

const KEY: ResourceKey = { namespace: "default", name: "contract" };
const HANG_GUARD_MS = 5_000;

/**
 * The behaviour every BrokerBackend must show (packages/core/src/broker-backend.ts), as node:test
 * cases. Each backend's test folder calls it with a factory, as bullmq runs one suite on every
 * adapter: `runBrokerContract("memory", { create: async () => createMemoryBackend() })`.
 */
export function runBrokerContract(name: string, factory: BrokerContractFactory): void {
  const open = async (t: TestContext, options?: BrokerStoreOptions): Promise<BrokerStore> => {
    const backend = await factory.create();
    t.after(() => backend.close());
    return backend.open(KEY, options);
  };

  describe(`broker contract: ${name}`, () => {
    defineDeliveryCases(open);
    defineWaitingCases(open);
    defineBoundsCases(open);
    defineStoreCases(open);
    const { reopen } = factory;
    if (reopen !== undefined) defineRestartCases(factory.create, reopen);
  });
}

type Open = (t: TestContext, options?: BrokerStoreOptions) => Promise<BrokerStore>;

function defineDeliveryCases(open: Open): void {
  it("hands each route its deliveries in append order", async (t) => {
    const store = await open(t);
    const envelopes = [envelope("a"), envelope("b"), envelope("c")];
    await store.append(envelopes.slice(0, 2).map((e) => entry(e, "t1", "t2")));
    await store.append([entry(envelopes[2]!, "t1", "t2")]);
    for (const id of ["t1", "t2"]) {
      const got = await take(store, id, 10);
      assert.deepEqual(ids(got), ["a", "b", "c"], `route ${id}`);
      assertIncreasing(got);
    }
  });

  it("does not store or hand out events with no routes", async (t) => {
    const store = await open(t);
    await store.append([entry(envelope("none")), entry(envelope("one"), "t1")]);
    assert.deepEqual(ids(await take(store, "t1", 10)), ["one"]);
    assert.equal(store.stats().pendingEvents, 1);
    assert.equal(store.stats().pendingDeliveries, 1);
  });

  it("queues exactly one delivery per route", async (t) => {
    const store = await open(t);
    await store.append([entry(envelope("x"), "t1", "t2", "t1")]);
    assert.equal(store.stats().pendingDeliveries, 2);
    assert.equal(store.subscription("t1").waiting, 1);
    assert.deepEqual(ids(await take(store, "t1", 10)), ["x"]);
    assert.equal(store.subscription("t1").waiting, 0);
    assert.deepEqual(ids(await take(store, "t2", 10)), ["x"]);
  });

  it("respects max and keeps the rest queued", async (t) => {
    const store = await open(t);
    await store.append(["a", "b", "c"].map((id) => entry(envelope(id), "t1")));
    assert.deepEqual(ids(await take(store, "t1", 2)), ["a", "b"]);
    assert.equal(store.subscription("t1").waiting, 1);
    assert.deepEqual(ids(await take(store, "t1", 2)), ["c"]);
  });

  it("finishes an event once every route acked it", async (t) => {
    const store = await open(t);
    await store.append([entry(envelope("x"), "t1", "t2")]);
    const [d1] = await take(store, "t1", 1);
    store.subscription("t1").ack(d1!);
    store.subscription("t1").ack(d1!); // a second ack changes nothing
    assert.equal(store.stats().pendingEvents, 1);
    assert.equal(store.stats().pendingDeliveries, 1);
    const [d2] = await take(store, "t2", 1);
    store.subscription("t2").ack(d2!);
    assert.deepEqual(pick(store.stats()), { pendingEvents: 0, pendingBytes: 0, pendingDeliveries: 0 });
    assert.deepEqual(store.subscriptionIds(), []);
  });

  it("hands released deliveries out again before newer ones", async (t) => {
    const store = await open(t);
    await store.append(["a", "b", "c", "d"].map((id) => entry(envelope(id), "t1")));
    const queue = store.subscription("t1");
    const first = await take(store, "t1", 3);
    queue.release(first[2]!);
    queue.release(first[1]!);
    queue.ack(first[0]!);
    assert.equal(queue.waiting, 3);
    const again = await take(store, "t1", 10);
    assert.deepEqual(ids(again), ["b", "c", "d"]);
    assert.deepEqual(
      again.map((d) => d.seq),
      [first[1]!.seq, first[2]!.seq, again[2]!.seq],
    );
  });

  it("gives every subscription the same queue object and lists those with work", async (t) => {
    const store = await open(t);
    assert.equal(store.subscription("t1"), store.subscription("t1"));
    await store.append([entry(envelope("x"), "t2", "t3")]);
    assert.deepEqual([...store.subscriptionIds()].sort(), ["t2", "t3"]);
    const [d] = await take(store, "t3", 1);
    assert.deepEqual([...store.subscriptionIds()].sort(), ["t2", "t3"], "taken but not acked still counts");
    store.subscription("t3").ack(d!);
    assert.deepEqual([...store.subscriptionIds()], ["t2"]);
  });
}

function defineWaitingCases(open: Open): void {
  it("take waits for an append and wakes up", async (t) => {
    const store = await open(t);
    const pending = store.subscription("t1").take(10);
    await store.append([entry(envelope("late"), "t1")]);
    assert.deepEqual(ids(await guard(pending)), ["late"]);
  });

  it("a take that waited and got deliveries leaves no abort listener on its signal", async (t) => {
    // A trigger worker passes one signal with every take for its lifetime: a listener left per
    // take would be a leak that grows with every delivery.
    const store = await open(t);
    const stop = new StopSignal();
    for (const id of ["a", "b", "c"]) {
      const pending = store.subscription("t1").take(1, stop);
      assert.equal(stop.listening, 1, "the waiting take listens");
      await store.append([entry(envelope(id), "t1")]);
      const [d] = await guard(pending);
      assert.equal(stop.listening, 0, `after take ${id}`);
      store.subscription("t1").ack(d!);
    }
    await store.append([entry(envelope("ready"), "t1")]);
    assert.deepEqual(ids(await guard(store.subscription("t1").take(1, stop))), ["ready"]);
    assert.equal(stop.listening, 0, "a take served at once listens to nothing");
  });

  it("take waits for a release and wakes up", async (t) => {
    const store = await open(t);
    await store.append([entry(envelope("x"), "t1")]);
    const [d] = await take(store, "t1", 1);
    const pending = store.subscription("t1").take(1);
    store.subscription("t1").release(d!);
    assert.deepEqual(ids(await guard(pending)), ["x"]);
  });

  it("take resolves [] on abort, on an aborted signal and on close", async (t) => {
    const store = await open(t);
    const controller = new AbortController();
    const aborted = store.subscription("t1").take(1, controller.signal);
    controller.abort();
    assert.deepEqual(await guard(aborted), []);
    assert.deepEqual(await guard(store.subscription("t1").take(1, controller.signal)), []);
    // A StopSignal (what a trigger worker passes) works the same.
    const stop = new StopSignal();
    const stopped = store.subscription("t2").take(1, stop);
    stop.abort();
    assert.deepEqual(await guard(stopped), []);
    assert.deepEqual(await guard(store.subscription("t2").take(1, stop)), []);
    assert.equal(stop.listening, 0, "an aborted StopSignal keeps no listener");
    const closing = store.subscription("t1").take(1);
    await store.close();
    assert.deepEqual(await guard(closing), []);
    assert.deepEqual(await guard(store.subscription("t1").take(1)), []);
    await store.close(); // idempotent
  });

  it("rejects a second take while one is pending", async (t) => {
    const store = await open(t);
    const controller = new AbortController();
    const first = store.subscription("t1").take(1, controller.signal);
    await assert.rejects(store.subscription("t1").take(1), (error) => isSluiceError(error));
    controller.abort();
    assert.deepEqual(await guard(first), []);
  });

  it("rejects appends after close", async (t) => {
    const store = await open(t);
    await store.close();
    await assert.rejects(store.append([entry(envelope("x"), "t1")]), code(CoreErrors.CLOSED));
  });
}

function defineBoundsCases(open: Open): void {
  it("counts pending events, bytes and deliveries", async (t) => {
    const store = await open(t);
    await store.append([entry(envelope("a", "x".repeat(100)), "t1", "t2"), entry(envelope("b"), "t1")]);
    const stats = store.stats();
    assert.equal(stats.pendingEvents, 2);
    assert.equal(stats.pendingDeliveries, 3);
    assert.ok(stats.pendingBytes >= 100, `pendingBytes ${stats.pendingBytes} counts the data`);
    assert.equal(stats.deadLetters, 0);
  });

  it("rejects appends over maxPendingEvents with BACKEND_FULL, all or nothing", async (t) => {
    const store = await open(t, { maxPendingEvents: 2 });
    await store.append([entry(envelope("a"), "t1")]);
    await assert.rejects(
      store.append([entry(envelope("b"), "t1"), entry(envelope("c"), "t1")]),
      code(CoreErrors.BACKEND_FULL),
    );
    assert.equal(store.stats().pendingEvents, 1, "nothing of the rejected call was stored");
    await store.append([entry(envelope("b"), "t1")]);
    await assert.rejects(store.append([entry(envelope("c"), "t1")]), code(CoreErrors.BACKEND_FULL));
    const taken = await take(store, "t1", 10);
    assert.deepEqual(ids(taken), ["a", "b"]);
    store.subscription("t1").ack(taken[0]!);
    await store.append([entry(envelope("c"), "t1")]);
    assert.equal(store.stats().pendingEvents, 2);
  });

  it("rejects appends over maxPendingBytes with BACKEND_FULL until acks free room", async (t) => {
    const store = await open(t, { maxPendingBytes: 2_500 });
    const data = "d".repeat(1_000);
    await store.append([entry(envelope("a", data), "t1")]);
    await store.append([entry(envelope("b", data), "t1")]);
    await assert.rejects(store.append([entry(envelope("c", data), "t1")]), code(CoreErrors.BACKEND_FULL));
    const [first] = await take(store, "t1", 1);
    store.subscription("t1").ack(first!);
    await store.append([entry(envelope("c", data), "t1")]);
    assert.equal(store.stats().pendingEvents, 2);
  });

  it("dropSubscription discards its deliveries and ends its pending take", async (t) => {
    const store = await open(t, { maxPendingEvents: 3 });
    await store.append([entry(envelope("a"), "t1", "t2"), entry(envelope("b"), "t1")]);
    const [taken] = await take(store, "t1", 1);
    const dropped = store.subscription("t1");
    await store.dropSubscription("t1");
    assert.deepEqual(await guard(dropped.take(1)), []);
    dropped.ack(taken!); // late ack of a dropped delivery is harmless
    assert.deepEqual(store.subscriptionIds(), ["t2"]);
    assert.deepEqual(pick(store.stats()), {
      pendingEvents: 1,
      pendingBytes: store.stats().pendingBytes,
      pendingDeliveries: 1,
    });
    await store.append([entry(envelope("c"), "t1"), entry(envelope("d"), "t1")]);
    assert.deepEqual(ids(await take(store, "t1", 10)), ["c", "d"], "a re-added trigger gets new events");
  });
}

function defineStoreCases(open: Open): void {
  it("keeps dead letters in order, exactly", async (t) => {
    const store = await open(t);
    const records = [deadLetter("t1", "one"), deadLetter("t2", "two")];
    for (const record of records) await store.deadLetter(record);
    assert.equal(store.stats().deadLetters, 2);
    const read = await collect(store.readDeadLetters());
    assert.equal(read.length, 2);
    read.forEach((record, i) => {
      assertDeadLetter(record, records[i]!);
    });
  });

  it("round-trips envelopes exactly", async (t) => {
    const store = await open(t);
    const originals = exactnessEnvelopes();
    await store.append(originals.map((e) => entry(e, "t1")));
    const got = await take(store, "t1", 100);
    assert.equal(got.length, originals.length);
    got.forEach((d, i) => {
      assertEnvelope(d.envelope, originals[i]!);
    });
  });

  it("reports healthy while it works", async (t) => {
    const store = await open(t);
    await store.append([entry(envelope("x"), "t1")]);
    assert.equal(store.health(), undefined);
  });
}

function defineRestartCases(
  create: () => Promise<BrokerBackend>,
  reopen: () => Promise<BrokerBackend>,
): void {
  const restart = async (t: TestContext, before: BrokerBackend): Promise<BrokerStore> => {
    await before.close();
    const after = await reopen();
    t.after(() => after.close());
    return after.open(KEY);
  };

  it("hands pending deliveries out again after a restart, but not acked ones", async (t) => {
    const backend = await create();
    const store = await backend.open(KEY);
    const originals = exactnessEnvelopes();
    await store.append(originals.map((e) => entry(e, "t1", "t2")));
    await store.append([entry(envelope("last"), "t1")]);
    const taken = await take(store, "t1", 3);
    store.subscription("t1").ack(taken[0]!);
    store.subscription("t1").ack(taken[2]!); // taken[1] stays taken: it must come back
    const lastSeq = Math.max(...(await take(store, "t2", 100)).map((d) => d.seq));
    const reopened = await restart(t, backend);
    assert.deepEqual([...reopened.subscriptionIds()].sort(), ["t1", "t2"]);
    const t1 = await take(reopened, "t1", 100);
    const expected = [originals[1]!, originals[3]!].map((e) => e.event.attributes.get("id"));
    assert.deepEqual(ids(t1), [...expected, "last"], "the taken-not-acked one comes back, in log order");
    assert.equal(t1[0]!.seq, taken[1]!.seq);
    assertEnvelope(t1[0]!.envelope, originals[1]!);
    const t2 = await take(reopened, "t2", 100);
    assert.equal(t2.length, originals.length);
    t2.forEach((d, i) => {
      assertEnvelope(d.envelope, originals[i]!);
    });
    await reopened.append([entry(envelope("new"), "t1")]);
    const [fresh] = await take(reopened, "t1", 1);
    assert.ok(fresh!.seq > lastSeq, "sequence numbers keep increasing across restarts");
  });

  it("keeps dropped subscriptions dropped after a restart", async (t) => {
    const backend = await create();
    const store = await backend.open(KEY);
    await store.append([entry(envelope("a"), "t1", "t2")]);
    await store.dropSubscription("t1");
    await store.append([entry(envelope("b"), "t1")]);
    const reopened = await restart(t, backend);
    assert.deepEqual(ids(await take(reopened, "t1", 10)), ["b"]);
    assert.deepEqual(ids(await take(reopened, "t2", 10)), ["a"]);
    assert.equal(reopened.stats().pendingDeliveries, 2);
  });

  it("keeps dead letters and finished events finished across a restart", async (t) => {
    const backend = await create();
    const store = await backend.open(KEY);
    const record = deadLetter("t1", "kept");
    await store.deadLetter(record);
    await store.append([entry(envelope("done"), "t1")]);
    const [d] = await take(store, "t1", 1);
    store.subscription("t1").ack(d!);
    const reopened = await restart(t, backend);
    assert.equal(reopened.stats().deadLetters, 1);
    const [read] = await collect(reopened.readDeadLetters());
    assertDeadLetter(read!, record);
    assert.deepEqual(reopened.subscriptionIds(), []);
    assert.equal(reopened.stats().pendingEvents, 0);
  });
}

// ---- helpers -------------------------------------------------------------------------------

function envelope(id: string, data?: string): EventEnvelope {
  return makeEnvelope(makeEvent({ id }, data));
}

function entry(envelope: EventEnvelope, ...routes: string[]): AppendEntry {
  return { envelope, routes };
}

/** Envelopes that catch lossy storage: binary data, empty vs no data, unicode, ttl, trace context. */
function exactnessEnvelopes(): EventEnvelope[] {
  const binary = new Uint8Array(256).map((_, i) => i);
  return [
    makeEnvelope(makeEvent({ id: "binary", datacontenttype: "application/octet-stream" }, binary), {
      ttl: 7,
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
      acceptedAt: 1_700_000_000_123,
    }),
    makeEnvelope(makeEvent({ id: "empty" }, new Uint8Array(0)), { ttl: 0 }),
    makeEnvelope(makeEvent({ id: "none", subject: "" }), { ttl: 255, tracestate: "" }),
    makeEnvelope(
      makeEvent({ id: "unicode-ß-東京-🚀", source: "/ünï/cødé", zextension: "a\u0000b\n\"'\\" }, '{"k":"✓"}'),
      { ttl: 1 },
    ),
  ];
}

function deadLetter(subscription: string, reason: string): DeadLetterRecord {
  const original = exactnessEnvelopes()[0]!;
  return { subscription, envelope: original, reason: `${reason}: sink said 500 ✗`, at: 1_700_000_123_456 };
}

function assertEnvelope(actual: EventEnvelope, expected: EventEnvelope): void {
  const id = expected.event.attributes.get("id");
  assert.deepEqual([...actual.event.attributes], [...expected.event.attributes], `attributes of ${id}`);
  if (expected.event.data === undefined) assert.equal(actual.event.data, undefined, `data of ${id}`);
  else {
    assert.ok(actual.event.data instanceof Uint8Array, `data of ${id} is bytes`);
    assert.deepEqual(Buffer.from(actual.event.data), Buffer.from(expected.event.data), `data of ${id}`);
  }
  assert.equal(actual.ttl, expected.ttl, `ttl of ${id}`);
  assert.equal(actual.traceparent, expected.traceparent, `traceparent of ${id}`);
  assert.equal(actual.tracestate, expected.tracestate, `tracestate of ${id}`);
  assert.equal(actual.acceptedAt, expected.acceptedAt, `acceptedAt of ${id}`);
}

function assertDeadLetter(actual: DeadLetterRecord, expected: DeadLetterRecord): void {
  assert.equal(actual.subscription, expected.subscription);
  assert.equal(actual.reason, expected.reason);
  assert.equal(actual.at, expected.at);
  assertEnvelope(actual.envelope, expected.envelope);
}

async function take(store: BrokerStore, id: string, max: number): Promise<readonly Delivery[]> {
  return guard(store.subscription(id).take(max));
}

function ids(deliveries: readonly Delivery[]): (string | undefined)[] {
  return deliveries.map((d) => d.envelope.event.attributes.get("id"));
}

function assertIncreasing(deliveries: readonly Delivery[]): void {
  for (let i = 1; i < deliveries.length; i++) {
    assert.ok(deliveries[i]!.seq > deliveries[i - 1]!.seq, "seq increases in append order");
  }
}

function pick(stats: ReturnType<BrokerStore["stats"]>) {
  return {
    pendingEvents: stats.pendingEvents,
    pendingBytes: stats.pendingBytes,
    pendingDeliveries: stats.pendingDeliveries,
  };
}

function code(expected: string): (error: unknown) => boolean {
  return (error) => isSluiceError(error) && error.code === expected;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A hang guard, not a timing assertion: a broken take() fails the test instead of stalling it. */
async function guard<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}
