import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CloudEvent, createCloudEvent } from "@sluice/core";
import { decodeHttp, encodeStructured, eventFromJson, eventToJson } from "../src/index.js";
import { text } from "./helpers.js";

const HEAD = '{"specversion":"1.0","id":"1","source":"/s","type":"t"';

function make(extra: Record<string, string>, data?: Uint8Array | string, specversion = "1.0"): CloudEvent {
  return createCloudEvent({ specversion, id: "1", source: "/s", type: "t", ...extra }, data);
}

describe("eventToJson (JSON format §3.1.1)", () => {
  const cases: [string, CloudEvent, string][] = [
    ["no data", make({}), `${HEAD}}`],
    [
      "JSON data spliced in verbatim",
      make({ datacontenttype: "application/json" }, '{"a": 1.0,  "b":"\\u00e9"}'),
      `${HEAD},"datacontenttype":"application/json","data":{"a": 1.0,  "b":"\\u00e9"}}`,
    ],
    [
      "+json data with surrounding whitespace",
      make({ datacontenttype: "application/vnd.x+json; charset=utf-8" }, " [1, 2] \n"),
      `${HEAD},"datacontenttype":"application/vnd.x+json; charset=utf-8","data": [1, 2] \n}`,
    ],
    [
      "text data as a string",
      make({ datacontenttype: "text/plain" }, 'line "1"\n€'),
      `${HEAD},"datacontenttype":"text/plain","data":"line \\"1\\"\\n€"}`,
    ],
    [
      "XML as a string",
      make({ datacontenttype: "application/xml" }, "<a/>"),
      `${HEAD},"datacontenttype":"application/xml","data":"<a/>"}`,
    ],
    [
      "binary as data_base64",
      make({ datacontenttype: "application/octet-stream" }, new Uint8Array([0, 1, 255])),
      `${HEAD},"datacontenttype":"application/octet-stream","data_base64":"AAH/"}`,
    ],
    [
      "bytes without datacontenttype as data_base64, and no type invented",
      make({}, '{"xyz":123}'),
      `${HEAD},"data_base64":"eyJ4eXoiOjEyM30="}`,
    ],
    [
      "JSON type with bytes that are not JSON falls back to base64",
      make({ datacontenttype: "application/json" }, "not json"),
      `${HEAD},"datacontenttype":"application/json","data_base64":"bm90IGpzb24="}`,
    ],
    [
      "text type with invalid UTF-8 falls back to base64",
      make({ datacontenttype: "text/plain" }, new Uint8Array([0xc0, 0xa0])),
      `${HEAD},"datacontenttype":"text/plain","data_base64":"wKA="}`,
    ],
    [
      "extensions as JSON strings",
      make({ n: "5", flag: "true", s: 'q"' }),
      `${HEAD},"n":"5","flag":"true","s":"q\\""}`,
    ],
  ];
  for (const [name, event, expected] of cases) {
    it(name, () => {
      assert.equal(eventToJson(event), expected);
      assert.equal(encodeStructured(event).body.toString("utf8"), expected);
    });
  }

  it("0.3 binary data goes to data with datacontentencoding: base64", () => {
    const event = make({ datacontenttype: "image/png" }, new Uint8Array([137, 80, 78, 71]), "0.3");
    const json = eventToJson(event);
    assert.equal(
      json,
      '{"specversion":"0.3","id":"1","source":"/s","type":"t","datacontenttype":"image/png","datacontentencoding":"base64","data":"iVBORw=="}',
    );
    const back = eventFromJson(json);
    assert.deepEqual([...back.data!], [137, 80, 78, 71]);
    assert.equal(back.attributes.has("datacontentencoding"), false);
  });

  it("0.3 with datacontentencoding: base64 already set is always base64, without repeating the member", () => {
    const event = make({ datacontenttype: "application/json", datacontentencoding: "base64" }, "{}", "0.3");
    const json = eventToJson(event);
    assert.equal(json.match(/datacontentencoding/g)?.length, 1);
    assert.match(json, /"data":"e30="/);
  });

  it("encodeStructured sets the JSON format media type", () => {
    assert.deepEqual(encodeStructured(make({})).headers, {
      "content-type": "application/cloudevents+json; charset=utf-8",
    });
  });
});

describe("structured round trips", () => {
  const inputs = [
    `${HEAD},"datacontenttype":"application/json","data":{"a": 1.0,  "b":"\\u00e9"}}`,
    `${HEAD},"data":"I'm just a string"}`,
    `${HEAD},"datacontenttype":"text/plain","data":"héllo"}`,
    `${HEAD},"datacontenttype":"application/octet-stream","data_base64":"AAH/"}`,
    `${HEAD},"data_base64":"eyAieHl6IjogMTIzIH0="}`,
    `${HEAD},"subject":"Euro € 😀","n":7,"time":"2018-04-05T17:31:00Z"}`,
    `${HEAD},"data":null}`,
  ];
  for (const input of inputs) {
    it(`decode → encode → decode is stable: ${input.slice(HEAD.length, HEAD.length + 50)}`, () => {
      const first = eventFromJson(input);
      const { headers, body } = encodeStructured(first);
      const second = decodeHttp(headers, body).events[0]!;
      assert.deepEqual(second.attributes, first.attributes);
      assert.deepEqual(text(second.data), text(first.data));
      assert.equal(eventToJson(second), eventToJson(first));
    });
  }
});
