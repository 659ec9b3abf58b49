// Replies (PRODUCT.md §5): only a 200 with a valid CloudEvent is a reply; it is stored back into
// the broker and matched against every trigger; the knativebrokerttl guard stops loops.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type RecordingSink, type SinkReply, startRecordingSink } from "@sluice/testing";
import {
  broker,
  ceHeaders,
  http,
  manifests,
  type Pipeline,
  startPipeline,
  trigger,
} from "./helpers/pipeline.js";

const fast = { retry: 2, backoffPolicy: "linear", backoffDelay: "PT0.01S" };

function replyWith(type: string, data: string | Buffer, status = 200): () => SinkReply {
  let n = 0;
  return () => ({
    status,
    headers: {
      "ce-specversion": "1.0",
      "ce-id": `reply-${++n}-${Math.random().toString(36).slice(2)}`,
      "ce-source": "/replier",
      "ce-type": type,
      "content-type": "text/plain",
    },
    body: data,
  });
}

async function sinks(n: number): Promise<RecordingSink[]> {
  return Promise.all(Array.from({ length: n }, () => startRecordingSink()));
}

async function metric(p: Pipeline, pattern: RegExp): Promise<number> {
  const text = (await http(`${p.url}/metrics`, { method: "GET" })).body.toString();
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}

describe("replies", () => {
  it("a 200 + CloudEvent reply is routed to another trigger", async () => {
    const [fn, notifier] = (await sinks(2)) as [RecordingSink, RecordingSink];
    fn.respond(replyWith("com.example.reply", "pong"));
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("fn", {
          filters: [{ exact: { type: "com.example.request" } }],
          subscriber: { uri: fn.url },
          delivery: fast,
        }),
        trigger("notify", {
          filters: [{ exact: { type: "com.example.reply" } }],
          subscriber: { uri: notifier.url },
        }),
      ),
    );
    try {
      const r = await http(p.brokerUrl(), {
        headers: ceHeaders({ "ce-type": "com.example.request", "ce-id": "req-1" }),
        body: "ping",
      });
      assert.equal(r.status, 202);
      const [reply] = await notifier.waitFor(1);
      assert.equal(reply?.headers["ce-type"], "com.example.reply");
      assert.equal(reply?.headers["ce-source"], "/replier");
      assert.equal(reply?.body.toString(), "pong");
      assert.equal(fn.requests.length, 1);
    } finally {
      await p.close();
      await fn.close();
      await notifier.close();
    }
  });

  it("a reply is evaluated against the trigger that produced it too", async () => {
    const [fn] = (await sinks(1)) as [RecordingSink];
    let first = true;
    fn.respond((req) => {
      if (first && req.headers["ce-type"] === "a") {
        first = false;
        return replyWith("b", "x")();
      }
      return { status: 202 };
    });
    const p = await startPipeline(
      manifests(broker(), trigger("all", { subscriber: { uri: fn.url }, delivery: fast })),
    );
    try {
      await http(p.brokerUrl(), { headers: ceHeaders({ "ce-type": "a" }), body: "{}" });
      const got = await fn.waitFor(2);
      assert.deepEqual(
        got.map((g) => g.headers["ce-type"]),
        ["a", "b"],
      );
    } finally {
      await p.close();
      await fn.close();
    }
  });

  it("a 202 with an event body is not a reply", async () => {
    const [fn, notifier] = (await sinks(2)) as [RecordingSink, RecordingSink];
    fn.respond(replyWith("com.example.reply", "ignored", 202));
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("fn", { filters: [{ exact: { type: "com.example.request" } }], subscriber: { uri: fn.url } }),
        trigger("notify", {
          filters: [{ exact: { type: "com.example.reply" } }],
          subscriber: { uri: notifier.url },
        }),
        trigger("marker", { filters: [{ exact: { type: "marker" } }], subscriber: { uri: notifier.url } }),
      ),
    );
    try {
      await http(p.brokerUrl(), { headers: ceHeaders({ "ce-type": "com.example.request" }), body: "{}" });
      await fn.waitFor(1);
      await http(p.brokerUrl(), { headers: ceHeaders({ "ce-type": "marker" }), body: "{}" });
      await notifier.waitFor(1);
      assert.equal(await metric(p, /sluice_replies_total\{broker="default\/default"\} (\d+)/), 0);
      assert.deepEqual(
        notifier.requests.map((r) => r.headers["ce-type"]),
        ["marker"],
      );
    } finally {
      await p.close();
      await fn.close();
      await notifier.close();
    }
  });

  it("a 200 with a plain body is a success without reply; an invalid CloudEvent reply is a failed delivery", async () => {
    const [plain, broken] = (await sinks(2)) as [RecordingSink, RecordingSink];
    plain.respond(() => ({ status: 200, headers: { "content-type": "text/plain" }, body: "thanks" }));
    broken.respond(() => ({
      status: 200,
      headers: { "ce-specversion": "1.0", "ce-type": "x" },
      body: "no id or source",
    }));
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("plain", { subscriber: { uri: plain.url }, delivery: fast }),
        trigger("broken", { subscriber: { uri: broken.url }, delivery: fast }),
      ),
    );
    try {
      await http(p.brokerUrl(), { headers: ceHeaders(), body: "{}" });
      await broken.waitFor(3);
      assert.equal(plain.requests.length, 1);
      assert.deepEqual(
        broken.requests.map((r) => r.attempt),
        [1, 2, 3],
      );
    } finally {
      await p.close();
      await plain.close();
      await broken.close();
    }
  });

  it("a reply loop stops when knativebrokerttl runs out", async () => {
    const [echo] = (await sinks(1)) as [RecordingSink];
    echo.respond(replyWith("loop.ping", "again"));
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("echo", { filters: [{ exact: { type: "loop.ping" } }], subscriber: { uri: echo.url } }),
      ),
    );
    try {
      // Arrives with ttl 6: stored with 5, then replies with 4, 3, 2, 1; the next one is dropped.
      const r = await http(p.brokerUrl(), {
        headers: ceHeaders({ "ce-type": "loop.ping", "ce-knativebrokerttl": "6" }),
        body: "{}",
      });
      assert.equal(r.status, 202);
      while (
        (await metric(p, /sluice_events_dropped_total\{broker="default\/default",reason="ttl"\} (\d+)/)) < 1
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(echo.requests.length, 5);
      for (const req of echo.requests) assert.equal(req.headers["ce-knativebrokerttl"], undefined);
    } finally {
      await p.close();
      await echo.close();
    }
  });

  it("an event arriving with knativebrokerttl 1 is refused as a loop (400)", async () => {
    const p = await startPipeline(manifests(broker()));
    try {
      const r = await http(p.brokerUrl(), { headers: ceHeaders({ "ce-knativebrokerttl": "1" }), body: "{}" });
      assert.equal(r.status, 400);
      assert.equal((r.json() as { error: { code: string } }).error.code, "SLUICE_ERR_INGRESS_TTL_EXHAUSTED");
    } finally {
      await p.close();
    }
  });

  it("a 36 KiB event and a 36 KiB reply are each delivered exactly once", async () => {
    const [fn, sink2] = (await sinks(2)) as [RecordingSink, RecordingSink];
    const big = Buffer.alloc(36 * 1024, "r");
    fn.respond((req) =>
      req.headers["ce-type"] === "big.request" ? replyWith("big.reply", big)() : { status: 202 },
    );
    const p = await startPipeline(
      manifests(
        broker(),
        trigger("t1", {
          filters: [{ prefix: { type: "big.request" } }],
          subscriber: { uri: fn.url },
          delivery: fast,
        }),
        trigger("t2", {
          filters: [{ any: [{ exact: { type: "big.reply" } }, { exact: { type: "marker" } }] }],
          subscriber: { uri: sink2.url },
        }),
      ),
    );
    try {
      const body = Buffer.alloc(36 * 1024, "q");
      const r = await http(p.brokerUrl(), {
        headers: ceHeaders({ "ce-type": "big.request", "content-type": "text/plain" }),
        body,
      });
      assert.equal(r.status, 202);
      await sink2.waitFor(1, { predicate: (q) => q.headers["ce-type"] === "big.reply" });
      await http(p.brokerUrl(), { headers: ceHeaders({ "ce-type": "marker" }), body: "{}" });
      await sink2.waitFor(2);
      assert.equal(fn.requests.length, 1);
      assert.deepEqual(fn.requests[0]?.body, body);
      const replies = sink2.requests.filter((q) => q.headers["ce-type"] === "big.reply");
      assert.equal(replies.length, 1);
      assert.deepEqual(replies[0]?.body, big);
    } finally {
      await p.close();
      await fn.close();
      await sink2.close();
    }
  });
});
