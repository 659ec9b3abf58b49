// Attributes, extensions and data pass through byte for byte (PRODUCT.md §4), and deliveries
// carry Knative's headers (§5).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type RecordingSink, type SinkRequest, startRecordingSink } from "@sluice/testing";
import {
  broker,
  ceHeaders,
  http,
  manifests,
  type Pipeline,
  startPipeline,
  trigger,
} from "./helpers/pipeline.js";

function rawHeader(request: SinkRequest, name: string): string | undefined {
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]?.toLowerCase() === name) return request.rawHeaders[i + 1];
  }
  return undefined;
}

describe("pass-through", () => {
  let sink: RecordingSink;
  let p: Pipeline;

  before(async () => {
    sink = await startRecordingSink();
    p = await startPipeline(manifests(broker(), trigger("all", { subscriber: { uri: sink.url } })));
  });
  after(async () => {
    await p.close();
    await sink.close();
  });

  async function roundTrip(headers: Record<string, string>, body: string | Buffer): Promise<SinkRequest> {
    const id = headers["ce-id"] ?? "";
    const r = await http(p.brokerUrl(), { headers, body });
    assert.equal(r.status, 202, r.body.toString());
    const [got] = await sink.waitFor(1, { predicate: (q) => q.headers["ce-id"] === id });
    return got as SinkRequest;
  }

  it("keeps a percent-encoded non-ASCII extension value exactly", async () => {
    const got = await roundTrip(
      ceHeaders({ "ce-id": "pe-1", "ce-greeting": "Euro%20%E2%82%AC%20%F0%9F%98%80" }),
      "{}",
    );
    assert.equal(rawHeader(got, "ce-greeting"), "Euro%20%E2%82%AC%20%F0%9F%98%80");
  });

  it("keeps ce-time exactly as sent (no normalisation) and injects no time or id", async () => {
    const time = "2026-11-22T10:00:00.123456789+01:00";
    const got = await roundTrip(ceHeaders({ "ce-id": "time-1", "ce-time": time }), "{}");
    assert.equal(got.headers["ce-time"], time);
    const none = await roundTrip(ceHeaders({ "ce-id": "time-2" }), "{}");
    assert.equal(none.headers["ce-time"], undefined);
    assert.equal(none.headers["ce-id"], "time-2");
    assert.equal(none.headers["ce-specversion"], "1.0");
  });

  it("delivers a binary body byte for byte with its content type", async () => {
    const bytes = randomBytes(4096);
    const got = await roundTrip(
      ceHeaders({ "ce-id": "bin-1", "content-type": "application/octet-stream" }),
      bytes,
    );
    assert.deepEqual(got.body, bytes);
    assert.equal(got.headers["content-type"], "application/octet-stream");
  });

  it("does not upgrade a 0.3 event", async () => {
    const got = await roundTrip(
      ceHeaders({ "ce-id": "v03", "ce-specversion": "0.3", "ce-schemaurl": "https://x.example/s" }),
      "{}",
    );
    assert.equal(got.headers["ce-specversion"], "0.3");
    assert.equal(got.headers["ce-schemaurl"], "https://x.example/s");
  });

  it("delivers a structured event's JSON data exactly as written, in binary mode", async () => {
    const dataText = '{"a": 1.0,  "b":"\\u00e9", "c": [1,2,3]}';
    const body = `{"specversion":"1.0","id":"st-1","source":"/s","type":"t","datacontenttype":"application/json","myext":"x y","data":${dataText}}`;
    const r = await http(p.brokerUrl(), {
      headers: { "content-type": "application/cloudevents+json; charset=utf-8" },
      body,
    });
    assert.equal(r.status, 202);
    const [got] = await sink.waitFor(1, { predicate: (q) => q.headers["ce-id"] === "st-1" });
    assert.equal(got?.body.toString("utf8"), dataText);
    assert.equal(got?.headers["content-type"], "application/json");
    assert.equal(got?.headers["ce-myext"], "x%20y");
  });

  it("delivers data_base64 as raw bytes", async () => {
    const bytes = randomBytes(100);
    const body = JSON.stringify({
      specversion: "1.0",
      id: "b64-1",
      source: "/s",
      type: "t",
      datacontenttype: "application/octet-stream",
      data_base64: bytes.toString("base64"),
    });
    const r = await http(p.brokerUrl(), {
      headers: { "content-type": "application/cloudevents+json" },
      body,
    });
    assert.equal(r.status, 202);
    const [got] = await sink.waitFor(1, { predicate: (q) => q.headers["ce-id"] === "b64-1" });
    assert.deepEqual(got?.body, bytes);
  });

  it("sends Prefer: reply, Kn-Namespace and the trace context; never knativebrokerttl", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const got = await roundTrip(
      { ...ceHeaders({ "ce-id": "hdr-1" }), traceparent, tracestate: "congo=t61rcWkgMzE" },
      "{}",
    );
    assert.equal(got.headers.prefer, "reply");
    assert.equal(got.headers["kn-namespace"], "default");
    assert.equal(got.headers.traceparent, traceparent);
    assert.equal(got.headers.tracestate, "congo=t61rcWkgMzE");
    assert.equal(got.headers["ce-knativebrokerttl"], undefined);
    assert.equal(got.method, "POST");
  });
});
