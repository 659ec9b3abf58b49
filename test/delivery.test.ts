// Delivery semantics end to end: retries, delivery precedence, dead-letter sinks and their
// extensions, and the durable dead-letter store (PRODUCT.md §5; Knative rekt dlq-test cases).
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import type { DeadLetterRecord } from "@sluice/core";
import { always, failTimes, type RecordingSink, startRecordingSink } from "@sluice/testing";
import {
  broker,
  ceHeaders,
  http,
  manifests,
  type Pipeline,
  startPipeline,
  trigger,
} from "./helpers/pipeline.js";

const fast = { backoffPolicy: "linear", backoffDelay: "PT0.01S" };

async function deadLetters(p: Pipeline): Promise<DeadLetterRecord[]> {
  const host = p.runtime.brokers()[0];
  assert.ok(host);
  const out: DeadLetterRecord[] = [];
  for await (const record of host.store.readDeadLetters()) out.push(record);
  return out;
}

async function withSinks<T>(count: number, fn: (sinks: RecordingSink[]) => Promise<T>): Promise<T> {
  const sinks = await Promise.all(Array.from({ length: count }, () => startRecordingSink()));
  try {
    return await fn(sinks);
  } finally {
    await Promise.all(sinks.map((s) => s.close()));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function send(p: Pipeline, id: string): Promise<void> {
  const r = await http(p.brokerUrl(), { headers: ceHeaders({ "ce-id": id }), body: '{"n":1}' });
  assert.equal(r.status, 202);
}

describe("retries", () => {
  for (const failures of [0, 1, 3]) {
    it(`a subscriber failing ${failures} time(s) gets ${failures + 1} attempt(s) and the event once`, () =>
      withSinks(1, async ([sink]) => {
        sink = sink as RecordingSink;
        sink.respond(failTimes(failures, 503));
        const p = await startPipeline(
          manifests(
            broker(),
            trigger("t", { subscriber: { uri: sink.url }, delivery: { retry: 3, ...fast } }),
          ),
        );
        try {
          await send(p, `retry-${failures}`);
          const got = await sink.waitFor(failures + 1);
          assert.deepEqual(
            got.map((r) => r.attempt),
            Array.from({ length: failures + 1 }, (_, i) => i + 1),
          );
        } finally {
          await p.close();
        }
      }));
  }

  it("does not retry a 400 and keeps the event in the dead-letter store (no DLS)", () =>
    withSinks(1, async ([sink]) => {
      sink = sink as RecordingSink;
      sink.respond(always(400));
      const p = await startPipeline(
        manifests(broker(), trigger("t", { subscriber: { uri: sink.url }, delivery: { retry: 3, ...fast } })),
      );
      try {
        await send(p, "no-retry-400");
        await sink.waitFor(1);
        let records: DeadLetterRecord[] = [];
        while (records.length === 0) {
          records = await deadLetters(p);
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(sink.requests.length, 1);
        assert.equal(records[0]?.subscription, "default/t");
        assert.equal(records[0]?.envelope.event.attributes.get("knativeerrorcode"), "400");
      } finally {
        await p.close();
      }
    }));
});

describe("delivery precedence (trigger delivery replaces broker delivery entirely)", () => {
  it("broker retry 3 + DLS, trigger without delivery: 3 failures succeed, 4 go to the broker DLS", () =>
    withSinks(3, async ([ok, bad, dls]) => {
      ok = ok as RecordingSink;
      bad = bad as RecordingSink;
      dls = dls as RecordingSink;
      ok.respond(failTimes(3, 500));
      bad.respond(failTimes(4, 500));
      const p = await startPipeline(
        manifests(
          broker("default", { delivery: { retry: 3, ...fast, deadLetterSink: { uri: dls.url } } }),
          trigger("t-ok", { subscriber: { uri: ok.url } }),
          trigger("t-bad", { subscriber: { uri: bad.url } }),
        ),
      );
      try {
        await send(p, "prec-1");
        await ok.waitFor(4);
        const [dead] = await dls.waitFor(1);
        assert.equal(bad.requests.length, 4);
        assert.equal(dead?.headers["ce-id"], "prec-1");
        assert.equal(dead?.headers["ce-knativeerrordest"], bad.url);
        assert.equal(dead?.headers["ce-knativeerrorcode"], "500");
      } finally {
        await p.close();
      }
    }));

  it("trigger with retries but no DLS goes to the durable dead-letter store, not the broker's DLS", () =>
    withSinks(2, async ([sub, brokerDls]) => {
      sub = sub as RecordingSink;
      brokerDls = brokerDls as RecordingSink;
      sub.respond(always(500));
      const p = await startPipeline(
        manifests(
          broker("default", { delivery: { retry: 1, ...fast, deadLetterSink: { uri: brokerDls.url } } }),
          trigger("t2", { subscriber: { uri: sub.url }, delivery: { retry: 1, ...fast } }),
        ),
      );
      try {
        await send(p, "prec-2");
        await sub.waitFor(2);
        let records: DeadLetterRecord[] = [];
        while (records.length === 0) {
          records = await deadLetters(p);
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(brokerDls.requests.length, 0);
        assert.equal(records.length, 1);
        assert.equal(records[0]?.envelope.event.attributes.get("id"), "prec-2");
        assert.equal(records[0]?.subscription, "default/t2");
      } finally {
        await p.close();
      }
    }));

  it("trigger DLS for the trigger with delivery, broker DLS for the one without", () =>
    withSinks(4, async ([t1, t2, trigDls, brokerDls]) => {
      t1 = t1 as RecordingSink;
      t2 = t2 as RecordingSink;
      trigDls = trigDls as RecordingSink;
      brokerDls = brokerDls as RecordingSink;
      t1.respond(failTimes(4, 500));
      t2.respond(failTimes(2, 500));
      const p = await startPipeline(
        manifests(
          broker("default", { delivery: { retry: 1, ...fast, deadLetterSink: { uri: brokerDls.url } } }),
          trigger("t1", {
            subscriber: { uri: t1.url },
            delivery: { retry: 3, ...fast, deadLetterSink: { uri: trigDls.url } },
          }),
          trigger("t2", { subscriber: { uri: t2.url } }),
        ),
      );
      try {
        await send(p, "prec-3");
        const [a] = await trigDls.waitFor(1);
        const [b] = await brokerDls.waitFor(1);
        assert.equal(a?.headers["ce-knativeerrordest"], t1.url);
        assert.equal(b?.headers["ce-knativeerrordest"], t2.url);
        assert.equal(t1.requests.length, 4);
        assert.equal(t2.requests.length, 2);
      } finally {
        await p.close();
      }
    }));
});

describe("dead-letter extensions", () => {
  it("a 422 with a body → knativeerrorcode 422 and knativeerrordata = base64(body)", () =>
    withSinks(2, async ([sub, dls]) => {
      sub = sub as RecordingSink;
      dls = dls as RecordingSink;
      const body = '{ "message": "catastrophic failure" }';
      sub.respond(always(422, body));
      const p = await startPipeline(
        manifests(
          broker(),
          trigger("t", {
            subscriber: { uri: sub.url },
            delivery: { retry: 2, ...fast, deadLetterSink: { uri: dls.url } },
          }),
        ),
      );
      try {
        await send(p, "dls-422");
        const [dead] = await dls.waitFor(1);
        assert.equal(sub.requests.length, 1, "422 is not retried");
        assert.equal(dead?.headers["ce-knativeerrorcode"], "422");
        assert.equal(dead?.headers["ce-knativeerrordata"], Buffer.from(body).toString("base64"));
        assert.equal(dead?.headers["ce-knativeerrordest"], sub.url);
        assert.equal(dead?.body.toString(), '{"n":1}', "the original event is dead-lettered");
      } finally {
        await p.close();
      }
    }));

  it("an unreachable subscriber → knativeerrordest is its URL and no knativeerrorcode", () =>
    withSinks(1, async ([dls]) => {
      dls = dls as RecordingSink;
      const url = `http://127.0.0.1:${await freePort()}/fn`;
      const p = await startPipeline(
        manifests(
          broker(),
          trigger("t", {
            subscriber: { uri: url },
            delivery: { retry: 1, ...fast, deadLetterSink: { uri: dls.url } },
          }),
        ),
      );
      try {
        await send(p, "dls-unreachable");
        const [dead] = await dls.waitFor(1);
        assert.equal(dead?.headers["ce-knativeerrordest"], url);
        assert.equal(dead?.headers["ce-knativeerrorcode"], undefined);
      } finally {
        await p.close();
      }
    }));

  it("a failing DLS too → the event is kept in the durable dead-letter store", () =>
    withSinks(2, async ([sub, dls]) => {
      sub = sub as RecordingSink;
      dls = dls as RecordingSink;
      sub.respond(always(500, "boom"));
      dls.respond(always(503));
      const p = await startPipeline(
        manifests(
          broker(),
          trigger("t", {
            subscriber: { uri: sub.url },
            delivery: { retry: 1, ...fast, deadLetterSink: { uri: dls.url } },
          }),
        ),
      );
      try {
        await send(p, "dls-fails");
        await dls.waitFor(2);
        let records: DeadLetterRecord[] = [];
        while (records.length === 0) {
          records = await deadLetters(p);
          await new Promise((r) => setTimeout(r, 20));
        }
        const attrs = records[0]?.envelope.event.attributes;
        assert.equal(attrs?.get("id"), "dls-fails");
        assert.equal(attrs?.get("knativeerrordest"), sub.url);
        assert.equal(attrs?.get("knativeerrordata"), Buffer.from("boom").toString("base64"));
      } finally {
        await p.close();
      }
    }));
});
