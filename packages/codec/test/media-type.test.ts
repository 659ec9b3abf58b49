import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodecErrors, isJsonMediaType, parseMediaType } from "../src/index.js";
import { expectError } from "./helpers.js";

describe("parseMediaType", () => {
  it("lower-cases the type and the parameter names, keeps parameter values", () => {
    const parsed = parseMediaType("TEXT/Plain; CharSet=UTF-8; Foo=Bar");
    assert.equal(parsed.type, "text/plain");
    assert.deepEqual(
      [...parsed.parameters],
      [
        ["charset", "UTF-8"],
        ["foo", "Bar"],
      ],
    );
  });

  it("unquotes quoted parameter values, with ; inside quotes", () => {
    const parsed = parseMediaType('multipart/mixed; boundary="a;b \\"c\\""');
    assert.equal(parsed.parameters.get("boundary"), 'a;b "c"');
  });

  it("tolerates whitespace and empty parameters", () => {
    const parsed = parseMediaType("  application/json ;charset=utf-8; ");
    assert.equal(parsed.type, "application/json");
    assert.equal(parsed.parameters.get("charset"), "utf-8");
  });

  for (const value of [
    "",
    "json",
    "application/",
    "/json",
    "application/json; charset",
    "a b/c",
    "text/plain; =x",
  ]) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      expectError(() => parseMediaType(value), { code: CodecErrors.INVALID_MEDIA_TYPE });
    });
  }
});

describe("isJsonMediaType (JSON format §3.1.1)", () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ["application/json", true],
    ["APPLICATION/JSON", true],
    ["application/json; charset=utf-8", true],
    ["text/json", true],
    ["application/cloudevents+json", true],
    ["application/vnd.api+JSON ; q=1", true],
    ["application/json-seq", false],
    ["application/jsonx", false],
    ["application/+json", false],
    ["json", false],
    ["text/plain", false],
    ["application/xml", false],
    ["application/octet-stream", false],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(isJsonMediaType(value), expected));
  }
});
