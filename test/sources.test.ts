// Sources inside the runtime (issue: source runtime): they emit into a local broker without an
// HTTP hop, mount webhook routes on the ingress port, show failures in /readyz, and are stopped
// or restarted on reload.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { httpSourcePlugin } from "@sluice/source-http";
import { pingSourcePlugin } from "@sluice/source-ping";
import { eventually, startRecordingSink } from "@sluice/testing";
import { request } from "undici";
import { broker, http, manifests, startPipeline, trigger } from "./helpers/pipeline.js";

const plugins = [pingSourcePlugin, httpSourcePlugin];

function source(kind: string, apiVersion: string, name: string, spec: object): object {
  return { apiVersion, kind, metadata: { name, namespace: "default" }, spec };
}

const toBroker = { ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: "default" } };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("sources in the runtime", () => {
  it("a PingSource emits into the local broker (no HTTP hop) and its events reach a trigger", async () => {
    const sink = await startRecordingSink();
    const p = await startPipeline(
      manifests(
        broker(),
        source("PingSource", "sources.knative.dev/v1", "tick", {
          schedule: "* * * * * *",
          data: '{"n":1}',
          contentType: "application/json",
          ceOverrides: { extensions: { origin: "ping" } },
          sink: toBroker,
        }),
        trigger("t", {
          filters: [{ exact: { type: "dev.knative.sources.ping", origin: "ping" } }],
          subscriber: { uri: sink.url },
        }),
      ),
      { plugins },
    );
    try {
      const [got] = await sink.waitFor(1);
      assert.equal(got?.headers["ce-source"], "/apis/v1/namespaces/default/pingsources/tick");
      assert.equal(got?.body.toString(), '{"n":1}');
      const metrics = (await http(`${p.url}/metrics`, { method: "GET" })).body.toString();
      // in process: no ingress request was made for it
      assert.doesNotMatch(metrics, /sluice_ingress_requests_total\{broker="default\/default"/);
    } finally {
      await p.close();
      await sink.close();
    }
  });

  it("an HttpSource serves its path on the ingress port and answers 202 once the broker stored the event", async () => {
    const sink = await startRecordingSink();
    const p = await startPipeline(
      manifests(
        broker(),
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "hook", namespace: "default" },
          stringData: { key: "s3cret" },
        },
        source("HttpSource", "sources.sluice.dev/v1alpha1", "hook", {
          path: "/webhooks/test",
          event: { type: { header: "X-Kind", prefix: "com.test." }, source: "/hooks" },
          auth: { hmac: { secret: { secretKeyRef: { name: "hook", key: "key" } } } },
          sink: toBroker,
        }),
        trigger("t", { subscriber: { uri: sink.url } }),
      ),
      { plugins },
    );
    try {
      const body = '{"hello":"world"}';
      const signature = `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;
      const ok = await http(`${p.url}/webhooks/test`, {
        headers: { "content-type": "application/json", "x-kind": "thing", "x-hub-signature-256": signature },
        body,
      });
      assert.equal(ok.status, 202);
      const [got] = await sink.waitFor(1);
      assert.equal(got?.headers["ce-type"], "com.test.thing");
      assert.equal(got?.body.toString(), body);
      const bad = await http(`${p.url}/webhooks/test`, {
        headers: {
          "content-type": "application/json",
          "x-kind": "thing",
          "x-hub-signature-256": "sha256=00",
        },
        body,
      });
      assert.equal(bad.status, 403);
      // a CloudEvent passes through, but not one with a repeated attribute header
      const signed = {
        "x-hub-signature-256": `sha256=${createHmac("sha256", "s3cret").update("{}").digest("hex")}`,
      };
      const twice = await request(`${p.url}/webhooks/test`, {
        method: "POST",
        headers: [
          ...Object.entries(signed).flat(),
          ...["ce-specversion", "1.0", "ce-id", "x", "ce-source", "/s", "ce-type", "t", "ce-type", "u"],
        ],
        body: "{}",
      });
      assert.equal(twice.statusCode, 400);
      assert.match(await twice.body.text(), /DUPLICATE_ATTRIBUTE/);
    } finally {
      await p.close();
      await sink.close();
    }
  });

  it("a source failing to deliver makes /readyz fail with its reason", async () => {
    const deadPort = await freePort();
    const p = await startPipeline(
      manifests(
        broker(),
        source("PingSource", "sources.knative.dev/v1", "lost", {
          schedule: "* * * * * *",
          sink: { uri: `http://127.0.0.1:${deadPort}/` },
        }),
      ),
      { plugins },
    );
    try {
      await eventually(
        async () => (await http(`${p.url}/readyz`, { method: "GET" })).status === 503,
        "readyz 503",
      );
      const ready = await http(`${p.url}/readyz`, { method: "GET" });
      assert.match(ready.body.toString(), /source PingSource\/default\/lost/);
    } finally {
      await p.close();
    }
  });

  it("reload stops a removed source (its route goes away) and starts a new one", async () => {
    const sink = await startRecordingSink();
    const hook = (path: string) =>
      source("HttpSource", "sources.sluice.dev/v1alpha1", "hook", {
        path,
        event: { type: "t", source: "/s" },
        sink: toBroker,
      });
    const p = await startPipeline(
      manifests(broker(), hook("/a"), trigger("t", { subscriber: { uri: sink.url } })),
      { plugins },
    );
    try {
      assert.equal((await http(`${p.url}/a`, { body: "x" })).status, 202);
      await p.apply(manifests(broker(), hook("/b"), trigger("t", { subscriber: { uri: sink.url } })));
      assert.equal((await http(`${p.url}/a`, { body: "x" })).status, 404);
      assert.equal((await http(`${p.url}/b`, { body: "x" })).status, 202);
      await sink.waitFor(2);
    } finally {
      await p.close();
      await sink.close();
    }
  });
});
