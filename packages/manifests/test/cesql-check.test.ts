import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCesqlCheck } from "../src/cesql-check.js";

// The contract with @sluice/cesql's compile, checked with a stand-in compiler; filters.test.ts
// runs the real one end to end.
describe("createCesqlCheck", () => {
  const fail = (position: number, line: number, column: number) => () => {
    throw Object.assign(new Error("unexpected token AND"), { kind: "parse", position, line, column });
  };

  it("accepts Boolean expressions only", () => {
    assert.equal(createCesqlCheck(() => ({ type: "Boolean" }))("a = 'b'"), undefined);
    assert.match(createCesqlCheck(() => ({ type: "Any" }))("myext")?.hint ?? "", /compare it/);
    assert.deepEqual(createCesqlCheck(() => ({ type: "Integer" }))("1 + 2"), {
      message: "CESQL expression is Integer; a filter needs a Boolean condition",
      hint: "write a condition, e.g. type = 'com.example.created'",
      offset: undefined,
    });
  });

  it("passes the error's message, column and offset on", () => {
    assert.deepEqual(createCesqlCheck(fail(15, 1, 16))("type = 'a' AND AND x"), {
      message: "invalid CESQL expression: unexpected token AND (expression column 16)",
      hint: "CESQL v1: https://github.com/cloudevents/spec/blob/main/cesql/spec.md",
      offset: 15,
    });
    assert.deepEqual(createCesqlCheck(fail(15, 2, 5))("type = 'a'\nAND AND x"), {
      message: "invalid CESQL expression: unexpected token AND (expression line 2, column 5)",
      hint: "CESQL v1: https://github.com/cloudevents/spec/blob/main/cesql/spec.md",
      offset: 15,
    });
  });
});
