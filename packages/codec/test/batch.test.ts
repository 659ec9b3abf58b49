import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCloudEvent } from "@sluice/core";
import { CodecErrors, decodeHttp, encodeBatch } from "../src/index.js";
import { BATCH, bytes, expectError, jsonEvent, text } from "./helpers.js";

describe("decodeHttp: batched mode (HTTP binding §3.3, JSON format §4)", () => {
  it("decodes every event of the array, in order", () => {
    const body = JSON.stringify([
      jsonEvent({ id: "a", datacontenttype: "application/octet-stream", data_base64: "AAE=" }),
      jsonEvent({ id: "b", data: { appinfoA: "abc", appinfoB: 123 } }),
      jsonEvent({ id: "c" }),
    ]);
    const { mode, events } = decodeHttp(BATCH, bytes(body));
    assert.equal(mode, "batch");
    assert.deepEqual(
      events.map((event) => event.attributes.get("id")),
      ["a", "b", "c"],
    );
    assert.deepEqual([...events[0]!.data!], [0, 1]);
    assert.equal(text(events[1]!.data), '{"appinfoA":"abc","appinfoB":123}');
    assert.equal(events[2]!.data, undefined);
  });

  it("accepts an empty batch", () => {
    for (const body of ["[]", " [ ] ", "\n[\n]\n"]) {
      const { mode, events } = decodeHttp(BATCH, bytes(body));
      assert.equal(mode, "batch");
      assert.equal(events.length, 0);
    }
  });

  it("detects the batch prefix before the structured one, case-insensitively", () => {
    const body = bytes(JSON.stringify([jsonEvent()]));
    for (const contentType of [
      "application/cloudevents-batch+json",
      "Application/CloudEvents-Batch+JSON; charset=utf-8",
    ]) {
      assert.equal(decodeHttp({ "content-type": contentType }, body).mode, "batch");
    }
  });

  it("accepts 0.3 batches", () => {
    const body = JSON.stringify([
      jsonEvent({ specversion: "0.3" }),
      jsonEvent({ specversion: "0.3", id: "2" }),
    ]);
    assert.equal(decodeHttp(BATCH, bytes(body)).events.length, 2);
  });

  const errors: [string, string, string, number | undefined, string | undefined][] = [
    ["not an array", JSON.stringify(jsonEvent()), CodecErrors.INVALID_BATCH, undefined, undefined],
    [
      "an element that is not an object",
      JSON.stringify([jsonEvent(), "x"]),
      CodecErrors.INVALID_BATCH,
      1,
      undefined,
    ],
    [
      "an element without type",
      JSON.stringify([jsonEvent(), jsonEvent(), jsonEvent({ type: undefined })]),
      CodecErrors.MISSING_ATTRIBUTE,
      2,
      "type",
    ],
    [
      "an element with a bad name",
      JSON.stringify([jsonEvent({ Bad: 1 })]),
      CodecErrors.INVALID_ATTRIBUTE_NAME,
      0,
      "Bad",
    ],
    [
      "an element with an unknown specversion",
      JSON.stringify([jsonEvent({ specversion: "9" })]),
      CodecErrors.UNKNOWN_SPECVERSION,
      0,
      "specversion",
    ],
    [
      "mixed specversions",
      JSON.stringify([jsonEvent(), jsonEvent({ specversion: "0.3" })]),
      CodecErrors.INVALID_BATCH,
      1,
      "specversion",
    ],
    ["a trailing comma", `[${JSON.stringify(jsonEvent())},]`, CodecErrors.INVALID_BATCH, 1, undefined],
    [
      "broken JSON in an element",
      `[${JSON.stringify(jsonEvent())},{"id":}]`,
      CodecErrors.INVALID_JSON,
      1,
      undefined,
    ],
    ["an unclosed array", `[${JSON.stringify(jsonEvent())}`, CodecErrors.INVALID_JSON, undefined, undefined],
    ["an empty body", "", CodecErrors.INVALID_JSON, undefined, undefined],
  ];
  for (const [name, body, code, index, attribute] of errors) {
    it(`rejects ${name}`, () => {
      const error = expectError(() => decodeHttp(BATCH, bytes(body)), {
        code,
        ...(index === undefined ? {} : { index }),
        ...(attribute === undefined ? {} : { attribute }),
      });
      if (index !== undefined) assert.match(error.message, new RegExp(`\\[${index}\\]`));
    });
  }

  it("rejects a batch in another format", () => {
    expectError(() => decodeHttp({ "content-type": "application/cloudevents-batch+avro" }, bytes("[]")), {
      code: CodecErrors.UNSUPPORTED_FORMAT,
    });
  });
});

describe("encodeBatch", () => {
  const make = (id: string, specversion = "1.0", data?: string) =>
    createCloudEvent({ specversion, id, source: "/s", type: "t", datacontenttype: "application/json" }, data);

  it("writes a JSON array with the batch media type, data kept verbatim", () => {
    const { headers, body } = encodeBatch([make("1", "1.0", '{"n": 1.0}'), make("2")]);
    assert.equal(headers["content-type"], "application/cloudevents-batch+json; charset=utf-8");
    assert.equal(
      body.toString(),
      '[{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/json","data":{"n": 1.0}},' +
        '{"specversion":"1.0","id":"2","source":"/s","type":"t","datacontenttype":"application/json"}]',
    );
    const decoded = decodeHttp(headers, body).events;
    assert.equal(text(decoded[0]!.data), '{"n": 1.0}');
  });

  it("writes [] for no events", () => {
    assert.equal(encodeBatch([]).body.toString(), "[]");
  });

  it("refuses mixed specversions", () => {
    expectError(() => encodeBatch([make("1"), make("2", "0.3")]), {
      code: CodecErrors.INVALID_BATCH,
      index: 1,
      attribute: "specversion",
    });
  });
});
