import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCloudEvent } from "@sluice/core";
import {
  appendBinaryHeaders,
  CodecErrors,
  claimsCloudEvent,
  decodeHttp,
  encodeBinary,
} from "../src/index.js";
import { binaryHeaders, bytes, expectError, text } from "./helpers.js";

describe("decodeHttp: binary mode (HTTP binding §3.1)", () => {
  it("maps ce- headers to attributes, Content-Type to datacontenttype, the body to data", () => {
    const body = bytes('{"hello":"world"}');
    const { mode, events } = decodeHttp(
      binaryHeaders({
        "content-type": "application/json",
        "ce-time": "2018-04-05T17:31:00Z",
        "ce-myext": "v",
      }),
      body,
    );
    assert.equal(mode, "binary");
    assert.equal(events.length, 1);
    const event = events[0]!;
    assert.deepEqual(Object.fromEntries(event.attributes), {
      specversion: "1.0",
      id: "evt-1",
      source: "/tests/codec",
      type: "com.example.test",
      time: "2018-04-05T17:31:00Z",
      myext: "v",
      datacontenttype: "application/json",
    });
    assert.equal(event.data, body, "the body is the data, not a copy");
  });

  it("an empty body means no data; no Content-Type means no datacontenttype", () => {
    const event = decodeHttp(binaryHeaders(), new Uint8Array(0)).events[0]!;
    assert.equal(event.data, undefined);
    assert.equal(event.attributes.has("datacontenttype"), false);
  });

  it("keeps Content-Type exactly as sent (no normalisation)", () => {
    const contentType = 'Text/Plain; CharSet="UTF-8";  Foo=Bar';
    const event = decodeHttp(binaryHeaders({ "content-type": contentType }), bytes("x")).events[0]!;
    assert.equal(event.attributes.get("datacontenttype"), contentType);
  });

  it("does not touch the body bytes (invalid UTF-8, NUL bytes)", () => {
    const body = new Uint8Array([0xff, 0x00, 0xc0, 0xa0, 0x7b]);
    const event = decodeHttp(binaryHeaders({ "content-type": "application/octet-stream" }), body).events[0]!;
    assert.deepEqual([...event.data!], [0xff, 0x00, 0xc0, 0xa0, 0x7b]);
  });

  it("accepts mixed-case CE- header names (HTTP names are case-insensitive)", () => {
    const headers = {
      "CE-SpecVersion": "1.0",
      "Ce-Id": "evt-9",
      "cE-source": "/mixed",
      "CE-TYPE": "t",
      "CE-MyExt": "x",
      "Content-Type": "text/plain",
    };
    const event = decodeHttp(headers, bytes("hi")).events[0]!;
    assert.equal(event.attributes.get("id"), "evt-9");
    assert.equal(event.attributes.get("myext"), "x");
    assert.equal(event.attributes.get("datacontenttype"), "text/plain");
  });

  it("percent-decodes header values", () => {
    const event = decodeHttp(
      binaryHeaders({ "ce-subject": "Euro%20%E2%82%AC%20%F0%9F%98%80", "ce-quoted": '"a \\"b\\""' }),
      new Uint8Array(0),
    ).events[0]!;
    assert.equal(event.attributes.get("subject"), "Euro € 😀");
    assert.equal(event.attributes.get("quoted"), 'a "b"');
  });

  it("decodes 0.3 events", () => {
    const event = decodeHttp(
      binaryHeaders({ "ce-specversion": "0.3", "ce-schemaurl": "/schemas/v1", "content-type": "text/plain" }),
      bytes("hello"),
    ).events[0]!;
    assert.equal(event.attributes.get("specversion"), "0.3");
    assert.equal(event.attributes.get("schemaurl"), "/schemas/v1");
    assert.equal(text(event.data), "hello");
  });

  it("carries a 64 KiB event: a large body and a long percent-encoded header", () => {
    const body = Buffer.alloc(64 * 1024 - 1024, 0x61);
    const long = "é ".repeat(1000);
    const { headers } = encodeBinary(
      createCloudEvent({ specversion: "1.0", id: "1", source: "/s", type: "t", long }),
    );
    const event = decodeHttp({ ...headers, "content-type": "text/plain" }, body).events[0]!;
    assert.equal(event.attributes.get("long"), long);
    assert.equal(event.data!.length, body.length);
  });

  it("takes a one-element header array as the value", () => {
    const event = decodeHttp(binaryHeaders({ "ce-id": ["only"] }), new Uint8Array(0)).events[0]!;
    assert.equal(event.attributes.get("id"), "only");
  });

  it("ignores headers without the ce- prefix", () => {
    const event = decodeHttp(
      binaryHeaders({ cef: "x", "c-e-x": "y", traceparent: "00-a-b-01" }),
      new Uint8Array(0),
    ).events[0]!;
    assert.deepEqual([...event.attributes.keys()], ["specversion", "id", "source", "type"]);
  });

  const errors: [string, Record<string, string | string[] | undefined>, string, string | undefined][] = [
    [
      "no ce- headers at all",
      { "content-type": "application/json" },
      CodecErrors.NOT_A_CLOUDEVENT,
      undefined,
    ],
    [
      "missing ce-specversion",
      binaryHeaders({ "ce-specversion": undefined }),
      CodecErrors.MISSING_ATTRIBUTE,
      "specversion",
    ],
    ["missing ce-id", binaryHeaders({ "ce-id": undefined }), CodecErrors.MISSING_ATTRIBUTE, "id"],
    ["missing ce-source", binaryHeaders({ "ce-source": undefined }), CodecErrors.MISSING_ATTRIBUTE, "source"],
    ["missing ce-type", binaryHeaders({ "ce-type": undefined }), CodecErrors.MISSING_ATTRIBUTE, "type"],
    ["empty ce-id", binaryHeaders({ "ce-id": "" }), CodecErrors.INVALID_ATTRIBUTE, "id"],
    [
      "unknown specversion",
      binaryHeaders({ "ce-specversion": "0.2" }),
      CodecErrors.UNKNOWN_SPECVERSION,
      "specversion",
    ],
    ["a header given twice", binaryHeaders({ "ce-id": ["a", "b"] }), CodecErrors.DUPLICATE_ATTRIBUTE, "id"],
    [
      "the same header in two spellings",
      binaryHeaders({ "CE-ID": "other" }),
      CodecErrors.DUPLICATE_ATTRIBUTE,
      "id",
    ],
    [
      "an underscore in a name",
      binaryHeaders({ "ce-my_ext": "x" }),
      CodecErrors.INVALID_ATTRIBUTE_NAME,
      "my_ext",
    ],
    ["a dash in a name", binaryHeaders({ "ce-my-ext": "x" }), CodecErrors.INVALID_ATTRIBUTE_NAME, "my-ext"],
    ["the reserved name data", binaryHeaders({ "ce-data": "x" }), CodecErrors.INVALID_ATTRIBUTE_NAME, "data"],
    [
      "ce-datacontenttype",
      binaryHeaders({ "ce-datacontenttype": "text/plain" }),
      CodecErrors.INVALID_ATTRIBUTE,
      "datacontenttype",
    ],
    [
      "overlong UTF-8 in a value",
      binaryHeaders({ "ce-subject": "%C0%A0" }),
      CodecErrors.INVALID_ATTRIBUTE,
      "subject",
    ],
    [
      "a control character after decoding",
      binaryHeaders({ "ce-subject": "a%0Ab" }),
      CodecErrors.INVALID_ATTRIBUTE,
      "subject",
    ],
    ["an invalid time", binaryHeaders({ "ce-time": "yesterday" }), CodecErrors.INVALID_ATTRIBUTE, "time"],
    [
      "an invalid Content-Type",
      binaryHeaders({ "content-type": "json" }),
      CodecErrors.INVALID_ATTRIBUTE,
      "datacontenttype",
    ],
    [
      "two Content-Types",
      binaryHeaders({ "content-type": ["a/b", "c/d"] }),
      CodecErrors.DUPLICATE_ATTRIBUTE,
      "datacontenttype",
    ],
  ];
  for (const [name, headers, code, attribute] of errors) {
    it(`rejects ${name}`, () => {
      const error = expectError(() => decodeHttp(headers, bytes("x")), {
        code,
        ...(attribute === undefined ? {} : { attribute }),
      });
      if (code === CodecErrors.NOT_A_CLOUDEVENT)
        assert.match(error.message, /ce-specversion.*application\/cloudevents\+json/);
    });
  }

  it("lists the supported versions when specversion is unknown", () => {
    expectError(() => decodeHttp(binaryHeaders({ "ce-specversion": "2.0" }), bytes("")), {
      code: CodecErrors.UNKNOWN_SPECVERSION,
      message: "1.0, 0.3",
    });
  });
});

describe("encodeBinary (HTTP binding §3.1)", () => {
  it("writes ce- headers, Content-Type from datacontenttype, and the data untouched", () => {
    const data = new Uint8Array([1, 2, 3]);
    const event = createCloudEvent(
      {
        specversion: "1.0",
        id: "1",
        source: "/s",
        type: "t",
        datacontenttype: "Application/Octet-Stream",
        ext: "v",
      },
      data,
    );
    const { headers, body } = encodeBinary(event);
    assert.deepEqual(headers, {
      "ce-specversion": "1.0",
      "ce-id": "1",
      "ce-source": "/s",
      "ce-type": "t",
      "content-type": "Application/Octet-Stream",
      "ce-ext": "v",
    });
    assert.equal(body, data);
    assert.equal("ce-datacontenttype" in headers, false);
  });

  it("percent-encodes values", () => {
    const event = createCloudEvent({
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      subject: "Euro € 😀",
    });
    assert.equal(encodeBinary(event).headers["ce-subject"], "Euro%20%E2%82%AC%20%F0%9F%98%80");
  });

  it("sets no Content-Type without datacontenttype, and no body without data", () => {
    const { headers, body } = encodeBinary(
      createCloudEvent({ specversion: "1.0", id: "1", source: "/s", type: "t" }),
    );
    assert.equal("content-type" in headers, false);
    assert.equal(body, undefined);
  });

  it("leaves out the attributes named in omit", () => {
    const event = createCloudEvent({
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      knativebrokerttl: "255",
    });
    const { headers } = encodeBinary(event, { omit: new Set(["knativebrokerttl"]) });
    assert.equal("ce-knativebrokerttl" in headers, false);
    assert.equal(headers["ce-id"], "1");
  });

  it("appendBinaryHeaders gives the same headers as name/value pairs after what `out` holds, omit honoured", () => {
    const event = createCloudEvent(
      {
        specversion: "1.0",
        id: "1",
        source: "/s",
        type: "t",
        datacontenttype: "text/plain",
        subject: "Euro €",
        knativebrokerttl: "255",
      },
      new Uint8Array([1]),
    );
    const out = ["user-agent", "x"];
    appendBinaryHeaders(event, out, new Set(["knativebrokerttl"]));
    assert.deepEqual(out, [
      "user-agent",
      "x",
      "ce-specversion",
      "1.0",
      "ce-id",
      "1",
      "ce-source",
      "/s",
      "ce-type",
      "t",
      "content-type",
      "text/plain",
      "ce-subject",
      "Euro%20%E2%82%AC",
    ]);
    const pairs: string[] = [];
    appendBinaryHeaders(event, pairs);
    assert.deepEqual(
      Object.fromEntries(
        Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i], pairs[2 * i + 1]]),
      ),
      encodeBinary(event).headers,
    );
  });

  it("round-trips through decodeHttp with awkward values", () => {
    const values = ['quote " and %25', "  spaced  ", "日本語", "emoji 😀🎉", "tab-free\\backslash", "%", '"'];
    for (const value of values) {
      const event = createCloudEvent({ specversion: "1.0", id: "1", source: "/s", type: "t", ext: value });
      const { headers } = encodeBinary(event);
      const decoded = decodeHttp(headers, new Uint8Array(0)).events[0]!;
      assert.equal(decoded.attributes.get("ext"), value);
    }
  });
});

describe("claimsCloudEvent", () => {
  const cases: [string, Record<string, string | string[] | undefined>, boolean][] = [
    ["ce-specversion header", { "ce-specversion": "1.0" }, true],
    ["structured content type", { "content-type": "application/cloudevents+json" }, true],
    ["upper-case content type", { "content-type": "Application/CloudEvents+JSON; charset=utf-8" }, true],
    ["batch content type", { "content-type": "application/cloudevents-batch+json" }, true],
    ["unknown format still claims", { "content-type": "application/cloudevents+avro" }, true],
    ["mixed-case header name", { "CE-SpecVersion": "1.0" }, true],
    ["plain JSON", { "content-type": "application/json" }, false],
    ["other ce- headers only", { "ce-id": "1", "content-type": "text/plain" }, false],
    ["nothing", {}, false],
  ];
  for (const [name, headers, expected] of cases) {
    it(`${name} → ${expected}`, () => assert.equal(claimsCloudEvent(headers), expected));
  }
});
