import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodecErrors, decodeHttp, encodeBinary, eventFromJson } from "../src/index.js";
import { bytes, expectError, jsonEvent, STRUCTURED, text } from "./helpers.js";

function decodeStructured(json: string, contentType = "application/cloudevents+json") {
  const { mode, events } = decodeHttp({ "content-type": contentType }, bytes(json));
  assert.equal(mode, "structured");
  assert.equal(events.length, 1);
  return events[0]!;
}

describe("decodeHttp: structured mode (HTTP binding §3.2, JSON format)", () => {
  it("reads every attribute from the body and ignores ce- headers", () => {
    const body = bytes(JSON.stringify(jsonEvent({ subject: "s", time: "2018-04-05T17:31:00Z" })));
    const event = decodeHttp({ ...STRUCTURED, "ce-id": "from-header", "ce-extra": "x" }, body).events[0]!;
    assert.equal(event.attributes.get("id"), "evt-1");
    assert.equal(event.attributes.has("extra"), false);
    assert.equal(event.attributes.get("subject"), "s");
  });

  for (const contentType of [
    "application/cloudevents+json",
    "Application/CloudEvents+JSON",
    "application/cloudevents+json; charset=UTF-8",
    "APPLICATION/CLOUDEVENTS+JSON ; Charset=utf-8",
    'application/cloudevents+json; charset="utf-8"; foo=bar',
  ]) {
    it(`accepts Content-Type ${contentType}`, () => {
      assert.equal(decodeStructured(JSON.stringify(jsonEvent()), contentType).attributes.get("id"), "evt-1");
    });
  }

  for (const contentType of [
    "application/cloudevents+avro",
    "application/cloudevents+protobuf",
    "application/cloudevents",
    "application/cloudevents+json; charset=iso-8859-1",
    "application/cloudevents-batch+avro",
    "application/cloudeventsfoo",
  ]) {
    it(`rejects unsupported format ${contentType}`, () => {
      expectError(() => decodeHttp({ "content-type": contentType }, bytes(JSON.stringify(jsonEvent()))), {
        code: CodecErrors.UNSUPPORTED_FORMAT,
      });
    });
  }

  it("keeps JSON data byte-for-byte (number formatting, escapes, whitespace)", () => {
    const raw = '{"a": 1.0,  "b":"\\u00e9"}';
    const event = decodeStructured(`{"specversion":"1.0","id":"1","source":"/s","type":"t","data":${raw}}`);
    assert.equal(text(event.data), raw);
    assert.equal(event.attributes.get("datacontenttype"), "application/json", "implied type made explicit");
    const { headers, body } = encodeBinary(event);
    assert.equal(headers["content-type"], "application/json");
    assert.deepEqual(Buffer.from(body!), Buffer.from(raw, "utf8"));
  });

  it("structured → binary round trip keeps the exact data bytes", () => {
    const raw = '[1e3, -0.50, {"k" : "\\ud83d\\ude00"}, null, true]';
    const event = decodeStructured(
      `{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/vnd.x+json","data":${raw}}`,
    );
    const { headers, body } = encodeBinary(event);
    assert.equal(headers["content-type"], "application/vnd.x+json");
    assert.equal(Buffer.from(body!).toString("utf8"), raw);
    assert.equal(text(decodeHttp(headers, body!).events[0]!.data), raw);
  });

  const dataCases: [string, Record<string, unknown> | string, string | undefined, string | undefined][] = [
    // [name, event members or raw JSON, expected data text, expected datacontenttype]
    [
      "JSON string data with no type stays a JSON string",
      { data: "I'm just a string" },
      '"I\'m just a string"',
      "application/json",
    ],
    [
      "JSON string data is never decoded twice",
      { datacontenttype: "application/json", data: '{"a":1}' },
      '"{\\"a\\":1}"',
      "application/json",
    ],
    [
      "text data becomes its UTF-8 bytes",
      { datacontenttype: "text/plain", data: "héllo\n" },
      "héllo\n",
      "text/plain",
    ],
    [
      "XML data as a string",
      { datacontenttype: "application/xml", data: '<much wow="xml"/>' },
      '<much wow="xml"/>',
      "application/xml",
    ],
    ["data null with JSON type is the JSON null payload", { data: null }, "null", "application/json"],
    [
      "data null with a non-JSON type means no data",
      { datacontenttype: "text/plain", data: null },
      undefined,
      "text/plain",
    ],
    ["no data at all", {}, undefined, undefined],
    ["datacontenttype without data", { datacontenttype: "text/plain" }, undefined, "text/plain"],
    ["data_base64 null counts as absent", { data_base64: null }, undefined, undefined],
    [
      "JSON number data",
      '{"specversion":"1.0","id":"1","source":"/s","type":"t","data":1.50}',
      "1.50",
      "application/json",
    ],
  ];
  for (const [name, members, expectedData, expectedType] of dataCases) {
    it(name, () => {
      const json = typeof members === "string" ? members : JSON.stringify(jsonEvent(members));
      const event = decodeStructured(json);
      assert.equal(text(event.data), expectedData);
      assert.equal(event.attributes.get("datacontenttype"), expectedType);
    });
  }

  it("decodes data_base64 to raw bytes and sets no datacontenttype", () => {
    const raw = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    const event = decodeStructured(JSON.stringify(jsonEvent({ data_base64: raw.toString("base64") })));
    assert.deepEqual(Buffer.from(event.data!), raw);
    assert.equal(event.attributes.has("datacontenttype"), false);
  });

  it("data_base64 arrives at a binary sink as the raw bytes", () => {
    const raw = Buffer.from('{ "xyz": 123 }');
    const event = decodeStructured(
      JSON.stringify(
        jsonEvent({ datacontenttype: "application/thrift", data_base64: raw.toString("base64") }),
      ),
    );
    const { headers, body } = encodeBinary(event);
    assert.equal(headers["content-type"], "application/thrift");
    assert.deepEqual(Buffer.from(body!), raw);
  });

  it("converts extension values to canonical strings", () => {
    const event = decodeStructured(
      '{"specversion":"1.0","id":"1","source":"/s","type":"t","n":42,"neg":-2147483648,"t":true,"f":false,"s":"x","u":null}',
    );
    assert.equal(event.attributes.get("n"), "42");
    assert.equal(event.attributes.get("neg"), "-2147483648");
    assert.equal(event.attributes.get("t"), "true");
    assert.equal(event.attributes.get("f"), "false");
    assert.equal(event.attributes.get("s"), "x");
    assert.equal(event.attributes.has("u"), false, "null means unset");
  });

  it("treats null optional attributes as absent", () => {
    const event = decodeStructured(
      JSON.stringify(jsonEvent({ subject: null, time: null, dataschema: null })),
    );
    assert.deepEqual([...event.attributes.keys()], ["specversion", "id", "source", "type"]);
  });

  it("decodes escaped member names and values", () => {
    const event = decodeStructured(
      '{"spec\\u0076ersion":"1.0","id":"\\u00e9x","source":"/s","type":"t","ext":"a\\"b"}',
    );
    assert.equal(event.attributes.get("specversion"), "1.0");
    assert.equal(event.attributes.get("id"), "éx");
    assert.equal(event.attributes.get("ext"), 'a"b');
  });

  it("decodes 0.3 events, with datacontentencoding: base64 meaning data is base64", () => {
    const raw = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const event = decodeStructured(
      JSON.stringify({
        specversion: "0.3",
        id: "1",
        source: "/s",
        type: "t",
        schemaurl: "schemas/order",
        datacontenttype: "application/octet-stream",
        datacontentencoding: "Base64",
        data: raw.toString("base64"),
      }),
    );
    assert.deepEqual(Buffer.from(event.data!), raw);
    assert.equal(event.attributes.has("datacontentencoding"), false, "it described the JSON encoding only");
    assert.equal(event.attributes.get("schemaurl"), "schemas/order");
  });

  it("decodes a 0.3 event with JSON data", () => {
    const event = decodeStructured('{"specversion":"0.3","id":"1","source":"/s","type":"t","data":{"x":1}}');
    assert.equal(text(event.data), '{"x":1}');
  });

  it("accepts a 64 KiB event", () => {
    const payload = "x".repeat(64 * 1024 - 200);
    const json = JSON.stringify(jsonEvent({ datacontenttype: "text/plain", data: payload }));
    assert.ok(json.length >= 64 * 1024 - 100);
    assert.equal(text(decodeStructured(json).data), payload);
    const jsonData = `{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"blob":"${payload}"}}`;
    assert.equal(text(decodeStructured(jsonData).data), `{"blob":"${payload}"}`);
  });

  it("skips a UTF-8 byte order mark and surrounding whitespace", () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      bytes(` \n${JSON.stringify(jsonEvent())}\r\n `),
    ]);
    assert.equal(decodeHttp(STRUCTURED, body).events[0]!.attributes.get("id"), "evt-1");
  });
});

describe("structured-mode errors", () => {
  const cases: [string, string, string, string | undefined][] = [
    ["empty body", "", CodecErrors.INVALID_JSON, undefined],
    ["not JSON", "hello", CodecErrors.INVALID_JSON, undefined],
    ["truncated", '{"specversion":"1.0"', CodecErrors.INVALID_JSON, undefined],
    ["trailing garbage", `${JSON.stringify(jsonEvent())} x`, CodecErrors.INVALID_JSON, undefined],
    ["an array", "[]", CodecErrors.INVALID_JSON, undefined],
    [
      "invalid JSON inside data",
      '{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"a":01}}',
      CodecErrors.INVALID_JSON,
      undefined,
    ],
    ["missing id", JSON.stringify(jsonEvent({ id: undefined })), CodecErrors.MISSING_ATTRIBUTE, "id"],
    ["null source", JSON.stringify(jsonEvent({ source: null })), CodecErrors.MISSING_ATTRIBUTE, "source"],
    ["missing type", JSON.stringify(jsonEvent({ type: undefined })), CodecErrors.MISSING_ATTRIBUTE, "type"],
    [
      "missing specversion",
      JSON.stringify(jsonEvent({ specversion: undefined })),
      CodecErrors.MISSING_ATTRIBUTE,
      "specversion",
    ],
    [
      "unknown specversion",
      JSON.stringify(jsonEvent({ specversion: "1.1" })),
      CodecErrors.UNKNOWN_SPECVERSION,
      "specversion",
    ],
    ["numeric id", JSON.stringify(jsonEvent({ id: 5 })), CodecErrors.INVALID_ATTRIBUTE, "id"],
    ["boolean type", JSON.stringify(jsonEvent({ type: true })), CodecErrors.INVALID_ATTRIBUTE, "type"],
    [
      "numeric specversion",
      '{"specversion":1.0,"id":"1","source":"/s","type":"t"}',
      CodecErrors.INVALID_ATTRIBUTE,
      "specversion",
    ],
    [
      "numeric dataschema (1.0)",
      JSON.stringify(jsonEvent({ dataschema: 1 })),
      CodecErrors.INVALID_ATTRIBUTE,
      "dataschema",
    ],
    ["float extension", JSON.stringify(jsonEvent({ ratio: 1.5 })), CodecErrors.INVALID_ATTRIBUTE, "ratio"],
    [
      "integer written with a fraction",
      '{"specversion":"1.0","id":"1","source":"/s","type":"t","n":1.0}',
      CodecErrors.INVALID_ATTRIBUTE,
      "n",
    ],
    [
      "integer out of 32-bit range",
      JSON.stringify(jsonEvent({ big: 2147483648 })),
      CodecErrors.INVALID_ATTRIBUTE,
      "big",
    ],
    ["object extension", JSON.stringify(jsonEvent({ obj: { a: 1 } })), CodecErrors.INVALID_ATTRIBUTE, "obj"],
    ["array extension", JSON.stringify(jsonEvent({ arr: [1] })), CodecErrors.INVALID_ATTRIBUTE, "arr"],
    [
      "upper-case member name",
      JSON.stringify(jsonEvent({ myExt: "x" })),
      CodecErrors.INVALID_ATTRIBUTE_NAME,
      "myExt",
    ],
    [
      "underscore in a member name",
      JSON.stringify(jsonEvent({ my_ext: "x" })),
      CodecErrors.INVALID_ATTRIBUTE_NAME,
      "my_ext",
    ],
    [
      "empty member name",
      '{"specversion":"1.0","id":"1","source":"/s","type":"t","":"x"}',
      CodecErrors.INVALID_ATTRIBUTE_NAME,
      undefined,
    ],
    [
      "duplicate member",
      '{"specversion":"1.0","id":"1","id":"2","source":"/s","type":"t"}',
      CodecErrors.DUPLICATE_ATTRIBUTE,
      "id",
    ],
    [
      "data and data_base64",
      JSON.stringify(jsonEvent({ data: 1, data_base64: "AQ==" })),
      CodecErrors.INVALID_DATA,
      "data_base64",
    ],
    [
      "invalid base64",
      JSON.stringify(jsonEvent({ data_base64: "not base64!" })),
      CodecErrors.INVALID_DATA,
      "data_base64",
    ],
    [
      "URL-safe base64",
      JSON.stringify(jsonEvent({ data_base64: "-_-_" })),
      CodecErrors.INVALID_DATA,
      "data_base64",
    ],
    [
      "non-string data_base64",
      JSON.stringify(jsonEvent({ data_base64: 12 })),
      CodecErrors.INVALID_DATA,
      "data_base64",
    ],
    [
      "object data for a text type",
      JSON.stringify(jsonEvent({ datacontenttype: "text/plain", data: { a: 1 } })),
      CodecErrors.INVALID_DATA,
      "data",
    ],
    [
      "0.3 unknown datacontentencoding",
      '{"specversion":"0.3","id":"1","source":"/s","type":"t","datacontentencoding":"quoted-printable","data":"x"}',
      CodecErrors.INVALID_ATTRIBUTE,
      "datacontentencoding",
    ],
    [
      "0.3 bad base64 data",
      '{"specversion":"0.3","id":"1","source":"/s","type":"t","datacontentencoding":"base64","data":"%%%"}',
      CodecErrors.INVALID_DATA,
      "data",
    ],
    [
      "control character in a string",
      JSON.stringify(jsonEvent({ subject: "a\u0007b" })),
      CodecErrors.INVALID_ATTRIBUTE,
      "subject",
    ],
    ["invalid UTF-8 body", "", CodecErrors.INVALID_JSON, undefined],
  ];
  for (const [name, json, code, attribute] of cases) {
    it(`rejects ${name}`, () => {
      const body = name === "invalid UTF-8 body" ? Buffer.from([0x7b, 0xc0, 0xa0, 0x7d]) : bytes(json);
      expectError(() => decodeHttp(STRUCTURED, body), {
        code,
        ...(attribute === undefined ? {} : { attribute }),
      });
    });
  }

  it("says where the JSON breaks", () => {
    const error = expectError(() => eventFromJson('{"id" "x"}'), { code: CodecErrors.INVALID_JSON });
    assert.equal(error.details.offset, 6);
    assert.match(error.message, /byte 6/);
  });

  it("refuses absurd nesting instead of overflowing the stack", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expectError(
      () => eventFromJson(`{"specversion":"1.0","id":"1","source":"/s","type":"t","data":${deep}}`),
      {
        code: CodecErrors.INVALID_JSON,
        message: "nested",
      },
    );
  });
});

describe("eventFromJson", () => {
  it("accepts a string or bytes", () => {
    const json = JSON.stringify(jsonEvent({ data: { a: 1 } }));
    assert.equal(text(eventFromJson(json).data), '{"a":1}');
    assert.equal(text(eventFromJson(bytes(json)).data), '{"a":1}');
    assert.equal(text(eventFromJson(new Uint8Array(bytes(json))).data), '{"a":1}');
  });

  it("copies data out of the input", () => {
    const input = bytes(JSON.stringify(jsonEvent({ data: "abc" })));
    const event = eventFromJson(input);
    input.fill(0x20);
    assert.equal(text(event.data), '"abc"');
  });
});
