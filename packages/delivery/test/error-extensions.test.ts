import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCloudEvent } from "@sluice/core";
import { deadLetterEvent, ERROR_DATA_MAX_BYTES, errorData } from "../src/error-extensions.js";

describe("knativeerrordata", () => {
  it("is the base64 of the body", () => {
    const body = Buffer.from('{ "message": "catastrophic failure" }');
    assert.equal(errorData(body), body.toString("base64"));
  });
  it("is absent for an empty or missing body", () => {
    assert.equal(errorData(undefined), undefined);
    assert.equal(errorData(new Uint8Array(0)), undefined);
  });
  for (const size of [767, 768, 769, 770, 2000, 36 * 1024]) {
    it(`a ${size}-byte body gives at most 1024 base64 characters, the prefix of the full encoding`, () => {
      const body = Buffer.alloc(size, 0).map((_, i) => (i * 7 + 3) % 256);
      const data = errorData(body) as string;
      const full = Buffer.from(body).toString("base64");
      assert.ok(data.length <= 1024, `length ${data.length}`);
      assert.equal(data, full.slice(0, 1024));
      assert.deepEqual(Buffer.from(data, "base64"), Buffer.from(body.subarray(0, ERROR_DATA_MAX_BYTES)));
    });
  }
});

describe("deadLetterEvent", () => {
  const original = createCloudEvent(
    {
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      knativebrokerttl: "12",
      knativeerrorcode: "500",
      knativeerrordata: "c3RhbGU=",
      custom: "kept",
    },
    "payload",
  );

  it("adds dest, code and data, keeps the original attributes and data", () => {
    const event = deadLetterEvent(original, {
      destination: "http://sub/x",
      status: 422,
      body: Buffer.from("no"),
    });
    assert.equal(event.attributes.get("knativeerrordest"), "http://sub/x");
    assert.equal(event.attributes.get("knativeerrorcode"), "422");
    assert.equal(event.attributes.get("knativeerrordata"), Buffer.from("no").toString("base64"));
    assert.equal(event.attributes.get("custom"), "kept");
    assert.equal(event.attributes.get("id"), "1");
    assert.equal(event.data, original.data);
  });

  it("drops stale code and data when the last attempt had none, and never carries knativebrokerttl", () => {
    const event = deadLetterEvent(original, {
      destination: "http://sub/x",
      status: undefined,
      body: undefined,
    });
    assert.equal(event.attributes.has("knativeerrorcode"), false);
    assert.equal(event.attributes.has("knativeerrordata"), false);
    assert.equal(event.attributes.has("knativebrokerttl"), false);
    assert.equal(original.attributes.get("knativebrokerttl"), "12", "the original is not modified");
  });
});
