import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../src/index.js";
import { BASE, cases, run } from "./helpers.js";

describe("§3.2 every context attribute and extension is addressable by its identifier", () => {
  cases([
    ["id", "evt-1"],
    ["source", "http://localhost/source"],
    ["specversion", "1.0"],
    ["type", "com.example.type"],
    ["subject", "topic"],
  ]);

  describe("a missing attribute: zero value of the enclosing operator, and a MissingAttributeError", () => {
    cases([
      // A bare reference has no return type to go by: Boolean is assumed.
      ["time", false, ["missingAttribute"]],
      ["(time)", false, ["missingAttribute"]],
      ["time = ''", false, ["missingAttribute"]],
      ["LENGTH(time)", 0, ["missingAttribute"]],
      ["CONCAT(time)", "", ["missingAttribute"]],
    ]);
  });
});

describe("§3.2 attribute types in a plain object", () => {
  const event = {
    ...BASE,
    myint: 10,
    mybool: true,
    half: 1.5,
    big: 2 ** 31,
    small: -(2 ** 31),
    bigint: 5n,
    hugebigint: 2n ** 40n,
    time: new Date("2018-04-26T12:48:09Z"),
    bytes: new Uint8Array([0, 1, 2, 253]),
    url: new URL("http://example.com/a"),
    nothing: null,
    undef: undefined,
  };
  cases(
    [
      // Integer -> Integer, Boolean -> Boolean.
      ["myint", 10],
      ["myint + 1", 11],
      ["myint = '10'", true],
      ["mybool", true],
      ["NOT mybool", false],
      ["small", -2147483648],
      ["bigint", 5],
      // "If the value ... is not one of the primitive CESQL types, it MUST be represented by the String type"
      ["half", "1.5"],
      ["half + 1", 0, ["cast"]],
      ["big", "2147483648"],
      ["hugebigint", "1099511627776"],
      ["time", "2018-04-26T12:48:09.000Z"],
      ["time LIKE '2018-%'", true],
      ["bytes", "AAEC/Q=="],
      ["url", "http://example.com/a"],
      ["nothing", false, ["missingAttribute"]],
      ["undef", false, ["missingAttribute"]],
      // §1: the data field is not handled by CESQL.
      ["data", false, ["missingAttribute"]],
      // Inherited properties of a plain object are not attributes.
      ["constructor", false, ["missingAttribute"]],
    ],
    { ...event, data: "payload" },
  );
});

describe("§3.2 attribute types in a Map (Sluice keeps canonical strings)", () => {
  const event = new Map<string, string | number | boolean>([
    ["id", "1"],
    ["sequence", "10"],
    ["flag", "true"],
    ["typedint", 10],
    ["typedbool", true],
    ["data", "payload"],
  ]);
  cases(
    [
      ["sequence", "10"],
      ["sequence = 10", true],
      ["sequence + 1", 11],
      ["sequence > 9", true],
      // A String stays a String: a bare Boolean extension carried as "true" is the String "true".
      ["flag", "true"],
      ["flag = TRUE", true],
      ["BOOL(flag)", true],
      ["typedint", 10],
      ["typedbool", true],
      ["data", false, ["missingAttribute"]],
      ["EXISTS data", false],
      ["constructor", false, ["missingAttribute"]],
    ],
    event,
  );

  it("any object with get and has is read as a Map", () => {
    const attributes = new Map([["type", "x"]]);
    const mapLike = {
      get: (name: string) => attributes.get(name),
      has: (name: string) => attributes.has(name),
    };
    assert.deepEqual(run("type = 'x'", mapLike), { value: true, errors: [] });
    // A plain object whose attributes merely include "get" is still a plain object.
    assert.deepEqual(run("get = 'x'", { get: "x" }), { value: true, errors: [] });
  });
});

describe("§1 an expression MUST NOT mutate its input", () => {
  it("leaves a frozen object and a Map as they were", () => {
    const object = Object.freeze({ ...BASE, n: "5" });
    const map = new Map(Object.entries(object));
    const snapshot = [...map];
    const expr = compile("n + 1 > 5 AND CONCAT(id, subject) LIKE '%' AND EXISTS time AND UPPER(type) = type");
    expr.evaluate(object);
    expr.evaluate(map);
    assert.deepEqual([...map], snapshot);
    assert.deepEqual(object, { ...BASE, n: "5" });
  });
});

describe("§1 referential transparency: a sub-expression can be replaced by its value", () => {
  const rows: readonly (readonly [string, string])[] = [
    ["INT(n) + 1 > 5", "6 > 5"],
    ["CONCAT(id, '/', subject) = 'evt-1/topic'", "'evt-1/topic' = 'evt-1/topic'"],
    ["(n = '5') AND (type LIKE 'com.%')", "TRUE AND TRUE"],
  ];
  for (const [expression, replaced] of rows) {
    it(`${expression} ≡ ${replaced}`, () => {
      const event = { ...BASE, n: "5" };
      assert.deepEqual(run(expression, event), run(replaced, event));
    });
  }
});
