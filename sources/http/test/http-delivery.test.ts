import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreErrors, isSluiceError } from "@sluice/core";
import { always, createTestSourceContext, startRecordingSink } from "@sluice/testing";
import { createHttpSource, HttpSourceErrors, httpSourcePlugin, RETRY_AFTER_SECONDS } from "../src/index.js";
import { errorCode, httpResource, send, serve } from "./helpers.js";

describe("HttpSource answers", () => {
  it("202 only once the sink has accepted the event", async (t) => {
    const { url, sink } = await serve(t, {});
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    sink.respond(async () => {
      await held;
      return { status: 202 };
    });
    let answered = false;
    const pending = send(url, { body: "x" }).then((answer) => {
      answered = true;
      return answer;
    });
    await sink.waitFor(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false, "no answer while the sink holds the event");
    release();
    assert.equal((await pending).status, 202);
  });

  it("503 with Retry-After, never 202, when the sink keeps failing", async (t) => {
    const { url, sink, ctx } = await serve(t, {});
    sink.respond(always(500));
    const answer = await send(url, { body: "x" });
    assert.equal(answer.status, 503);
    assert.equal(answer.headers["retry-after"], String(RETRY_AFTER_SECONDS));
    assert.equal(errorCode(answer), HttpSourceErrors.SINK_UNAVAILABLE);
    assert.doesNotMatch(answer.body, /127\.0\.0\.1/, "the sink's address is not disclosed");
    assert.equal(sink.requests.length, 2, "the context retried");
    assert.deepEqual(ctx.health, [], "a failed request is the sender's to retry, not a health problem");
  });

  it("413 from the router for bodies over maxBodySize; nothing sent", async (t) => {
    const { url, sink } = await serve(t, { maxBodySize: 16 });
    assert.equal((await send(url, { body: "x".repeat(16) })).status, 202);
    assert.equal((await send(url, { body: "x".repeat(17) })).status, 413);
    assert.equal(sink.requests.length, 1);
  });

  it("405 with Allow for other methods", async (t) => {
    const { url, sink } = await serve(t, { methods: ["POST", "PUT"] });
    const answer = await send(url, { method: "DELETE" });
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.allow, "POST, PUT, OPTIONS");
    assert.equal(errorCode(answer), HttpSourceErrors.METHOD_NOT_ALLOWED);
    assert.equal((await send(url, { method: "PUT", body: "x" })).status, 202);
    assert.equal(sink.requests.length, 1);
  });

  it("OPTIONS: the CloudEvents webhook handshake, without credentials", async (t) => {
    const { url } = await serve(t, { auth: { bearer: { token: { env: "WEBHOOK_TOKEN" } } } });
    const answer = await send(url, {
      method: "OPTIONS",
      headers: { "webhook-request-origin": "eventemitter.example.com", "webhook-request-rate": "120" },
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["webhook-allowed-origin"], "eventemitter.example.com");
    assert.equal(answer.headers["webhook-allowed-rate"], "*");
    assert.equal(answer.headers.allow, "POST, OPTIONS");
  });

  it("503 after close, while the route is still mounted", async (t) => {
    const { url, sink, source } = await serve(t, {});
    await source.close();
    const answer = await send(url, { body: "x" });
    assert.equal(answer.status, 503);
    assert.equal(sink.requests.length, 0);
  });

  it("an in-flight request answers 503 when the source closes", async (t) => {
    const { url, sink, source } = await serve(t, {});
    sink.respond(() => "hang");
    const pending = send(url, { body: "x" });
    await sink.waitFor(1);
    await source.close();
    assert.equal((await pending).status, 503);
  });
});

describe("HttpSource lifecycle", () => {
  it("refuses to start without an ingress router", async (t) => {
    const sink = await startRecordingSink();
    const ctx = createTestSourceContext({ sink: { url: sink.url }, ceOverrides: {} });
    t.after(async () => {
      await ctx.close();
      await sink.close();
    });
    const source = createHttpSource(httpResource({ path: "/hook" }));
    await assert.rejects(
      source.start(ctx),
      (e) => isSluiceError(e) && e.code === HttpSourceErrors.NO_INGRESS,
    );
    await source.close();
    await assert.rejects(source.start(ctx), (e) => isSluiceError(e) && e.code === CoreErrors.CLOSED);
  });

  it("is HttpSource of sources.sluice.dev/v1alpha1", () => {
    assert.equal(httpSourcePlugin.apiVersion, "sources.sluice.dev/v1alpha1");
    assert.equal(httpSourcePlugin.kind, "HttpSource");
  });
});
