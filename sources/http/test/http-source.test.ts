import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { runSourceContract } from "@sluice/testing";
import { createHttpSource, HttpSourceErrors } from "../src/index.js";
import { errorCode, eventOf, httpResource, send, serve } from "./helpers.js";

runSourceContract("HttpSource", {
  http: true,
  create: ({ sink, ceOverrides }) =>
    createHttpSource(httpResource({ path: "/hook" }, { sink: sink.url, ceOverrides })),
  stimulate: async ({ router }) => {
    await send(`${router!.url}/hook`, { headers: { "content-type": "application/json" }, body: '{"n":1}' });
  },
});

describe("HttpSource: CloudEvents pass through unchanged", () => {
  it("binary mode: every attribute and the data bytes", async (t) => {
    const { url, sink } = await serve(t, {});
    const data = randomBytes(64);
    const answer = await send(url, {
      headers: {
        "ce-specversion": "1.0",
        "ce-id": "abc-1",
        "ce-source": "/my/source",
        "ce-type": "com.example.thing",
        "ce-subject": "s%C3%BCbject",
        "ce-time": "2026-01-01T10:00:00Z",
        "ce-myext": "value",
        "content-type": "application/octet-stream",
      },
      body: data,
    });
    assert.equal(answer.status, 202);
    const event = eventOf((await sink.waitFor(1))[0]!);
    assert.deepEqual(Object.fromEntries(event.attributes), {
      specversion: "1.0",
      id: "abc-1",
      source: "/my/source",
      type: "com.example.thing",
      subject: "sübject",
      time: "2026-01-01T10:00:00Z",
      myext: "value",
      datacontenttype: "application/octet-stream",
    });
    assert.deepEqual(Buffer.from(event.data!), data);
  });

  it("structured mode", async (t) => {
    const { url, sink } = await serve(t, {});
    const body = JSON.stringify({ specversion: "1.0", id: "s-1", source: "/s", type: "t", data: { a: 1 } });
    const answer = await send(url, { headers: { "content-type": "application/cloudevents+json" }, body });
    assert.equal(answer.status, 202);
    const event = eventOf((await sink.waitFor(1))[0]!);
    assert.equal(event.attributes.get("id"), "s-1");
    assert.deepEqual(JSON.parse(Buffer.from(event.data!).toString()), { a: 1 });
  });

  it("batch mode: each event, in order, then 202", async (t) => {
    const { url, sink } = await serve(t, {});
    const batch = [1, 2].map((n) => ({ specversion: "1.0", id: `b-${n}`, source: "/s", type: "t" }));
    const answer = await send(url, {
      headers: { "content-type": "application/cloudevents-batch+json" },
      body: JSON.stringify(batch),
    });
    assert.equal(answer.status, 202);
    assert.deepEqual(
      sink.requests.map((r) => r.headers["ce-id"]),
      ["b-1", "b-2"],
    );
  });

  const bad: { name: string; headers: Record<string, string>; body: string; status: number; code: string }[] =
    [
      {
        name: "a binary event without ce-source",
        headers: { "ce-specversion": "1.0", "ce-id": "x", "ce-type": "t" },
        body: "",
        status: 400,
        code: "SLUICE_ERR_CODEC_MISSING_ATTRIBUTE",
      },
      {
        name: "an unknown specversion",
        headers: { "ce-specversion": "9.9", "ce-id": "x", "ce-type": "t", "ce-source": "/s" },
        body: "",
        status: 400,
        code: "SLUICE_ERR_CODEC_UNKNOWN_SPECVERSION",
      },
      {
        name: "structured JSON that does not parse",
        headers: { "content-type": "application/cloudevents+json" },
        body: "{",
        status: 400,
        code: "SLUICE_ERR_CODEC_INVALID_JSON",
      },
      {
        name: "a format other than JSON",
        headers: { "content-type": "application/cloudevents+avro" },
        body: "x",
        status: 415,
        code: "SLUICE_ERR_CODEC_UNSUPPORTED_FORMAT",
      },
    ];
  for (const c of bad) {
    it(`rejects ${c.name} with ${c.status} and sends nothing`, async (t) => {
      const { url, sink } = await serve(t, {});
      const answer = await send(url, { headers: c.headers, body: c.body });
      assert.equal(answer.status, c.status);
      assert.equal(errorCode(answer), c.code);
      assert.equal(sink.requests.length, 0);
    });
  }
});

describe("HttpSource: other bodies become the event data", () => {
  const bodies: { name: string; contentType: string | undefined; body: Buffer }[] = [
    { name: "JSON", contentType: "application/json", body: Buffer.from('{"action":"opened","n":[1,2]}') },
    { name: "text", contentType: "text/plain; charset=utf-8", body: Buffer.from("héllo\nworld") },
    {
      name: "form",
      contentType: "application/x-www-form-urlencoded",
      body: Buffer.from("a=1&b=two%20words"),
    },
    { name: "binary", contentType: "application/octet-stream", body: randomBytes(300) },
    { name: "no content type", contentType: undefined, body: Buffer.from("raw") },
  ];
  for (const c of bodies) {
    it(c.name, async (t) => {
      const { url, sink } = await serve(t, {});
      const headers: Record<string, string> =
        c.contentType === undefined ? {} : { "content-type": c.contentType };
      const answer = await send(url, { headers, body: c.body });
      assert.equal(answer.status, 202);
      const [request] = await sink.waitFor(1);
      assert.deepEqual(request!.body, c.body, "data bytes untouched");
      const event = eventOf(request!);
      assert.equal(event.attributes.get("datacontenttype"), c.contentType);
      assert.equal(event.attributes.get("type"), "dev.sluice.sources.http");
      assert.equal(event.attributes.get("source"), "/apis/v1alpha1/namespaces/hooks/httpsources/github");
      assert.match(event.attributes.get("id")!, /^[0-9a-f-]{36}$/);
      assert.ok(!Number.isNaN(Date.parse(event.attributes.get("time")!)));
    });
  }

  it("an empty body makes an event without data", async (t) => {
    const { url, sink } = await serve(t, { methods: ["GET", "POST"] });
    assert.equal((await send(url, { method: "GET", headers: { "content-type": "text/plain" } })).status, 202);
    const [request] = await sink.waitFor(1);
    assert.equal(request!.body.length, 0);
    assert.equal(eventOf(request!).attributes.get("datacontenttype"), undefined);
  });

  it("gives every request its own id", async (t) => {
    const { url, sink } = await serve(t, {});
    await send(url, { body: "1" });
    await send(url, { body: "2" });
    const [a, b] = sink.requests.map((r) => r.headers["ce-id"]);
    assert.notEqual(a, b);
  });
});

describe("HttpSource: type, source, subject and id rules", () => {
  const github = {
    event: {
      type: { header: "X-GitHub-Event", prefix: "com.github." },
      source: "https://github.com/acme/shop",
      subject: { jsonPointer: "/repository/full_name" },
      id: { header: "X-GitHub-Delivery" },
    },
  };
  const push = JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "acme/shop", id: 42 } });

  it("builds GitHub's events from its headers and body", async (t) => {
    const { url, sink } = await serve(t, github);
    const answer = await send(url, {
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      },
      body: push,
    });
    assert.equal(answer.status, 202);
    const event = eventOf((await sink.waitFor(1))[0]!);
    const { time, ...rest } = Object.fromEntries(event.attributes);
    assert.deepEqual(rest, {
      specversion: "1.0",
      id: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      source: "https://github.com/acme/shop",
      type: "com.github.push",
      subject: "acme/shop",
      datacontenttype: "application/json",
    });
  });

  it("answers 400 naming the header when the type header is missing", async (t) => {
    const { url, sink } = await serve(t, github);
    const answer = await send(url, { headers: { "content-type": "application/json" }, body: push });
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), HttpSourceErrors.MISSING_VALUE);
    assert.match(answer.body, /x-github-event/);
    assert.equal(sink.requests.length, 0);
  });

  it("uses defaults, and leaves subject out when nothing gives one", async (t) => {
    const { url, sink } = await serve(t, {
      event: { type: { header: "x-kind", default: "com.example.unknown" }, subject: { header: "x-subject" } },
    });
    await send(url, { body: "x" });
    const event = eventOf((await sink.waitFor(1))[0]!);
    assert.equal(event.attributes.get("type"), "com.example.unknown");
    assert.equal(event.attributes.has("subject"), false);
  });

  const pointers: { pointer: string; body: string; contentType: string; subject: string | undefined }[] = [
    { pointer: "/repository/id", body: push, contentType: "application/json", subject: "42" },
    {
      pointer: "/items/1/name",
      body: '{"items":[{"name":"a"},{"name":"b"}]}',
      contentType: "application/json",
      subject: "b",
    },
    {
      pointer: "/a~1b/m~0n",
      body: '{"a/b":{"m~n":"escaped"}}',
      contentType: "application/vnd.api+json",
      subject: "escaped",
    },
    {
      pointer: "/flag",
      body: '{"flag":true}',
      contentType: "application/json; charset=utf-8",
      subject: "true",
    },
    { pointer: "/repository", body: push, contentType: "application/json", subject: undefined },
    { pointer: "/missing", body: push, contentType: "application/json", subject: undefined },
    {
      pointer: "/items/01",
      body: '{"items":["a","b"]}',
      contentType: "application/json",
      subject: undefined,
    },
    { pointer: "/repository/full_name", body: push, contentType: "text/plain", subject: undefined },
    { pointer: "/a", body: "{not json", contentType: "application/json", subject: undefined },
  ];
  for (const c of pointers) {
    it(`subject from ${c.pointer} in ${c.contentType} is ${c.subject}`, async (t) => {
      const { url, sink } = await serve(t, { event: { subject: { jsonPointer: c.pointer } } });
      assert.equal(
        (await send(url, { headers: { "content-type": c.contentType }, body: c.body })).status,
        202,
      );
      assert.equal(eventOf((await sink.waitFor(1))[0]!).attributes.get("subject"), c.subject);
    });
  }

  it("answers 400 when a header gives a value CloudEvents does not allow", async (t) => {
    const { url } = await serve(t, { event: { source: { header: "x-origin" } } });
    const answer = await send(url, { headers: { "x-origin": "has spaces in it" }, body: "x" });
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), "SLUICE_ERR_CODEC_INVALID_ATTRIBUTE");
  });
});
