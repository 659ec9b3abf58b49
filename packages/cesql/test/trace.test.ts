import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CesqlTrace, compile } from "../src/index.js";
import { BASE } from "./helpers.js";

/** The tree as [text, value, error kinds, children], for compact assertions. */
type Shape = [string, CesqlTrace["value"], string[], Shape[]];
function shape(trace: CesqlTrace): Shape {
  return [trace.text, trace.value, trace.errors.map((error) => error.kind), trace.children.map(shape)];
}

function allErrors(trace: CesqlTrace): number {
  return trace.errors.length + trace.children.reduce((sum, child) => sum + allErrors(child), 0);
}

const event = new Map([
  ["type", "com.acme.order"],
  ["priority", "5"],
]);

describe("trace", () => {
  it("records every evaluated sub-expression with its source slice, span and value", () => {
    const trace = compile("type LIKE 'com.acme.%' AND INT(priority) > 3").trace(event);
    assert.deepEqual(shape(trace), [
      "type LIKE 'com.acme.%' AND INT(priority) > 3",
      true,
      [],
      [
        ["type LIKE 'com.acme.%'", true, [], [["type", "com.acme.order", [], []]]],
        [
          "INT(priority) > 3",
          true,
          [],
          [
            ["INT(priority)", 5, [], [["priority", "5", [], []]]],
            ["3", 3, [], []],
          ],
        ],
      ],
    ]);
    assert.deepEqual([trace.start, trace.end], [0, 44]);
    assert.deepEqual([trace.children[1]!.start, trace.children[1]!.end], [27, 44]);
  });

  it("keeps parentheses in the text of a parenthesized sub-expression", () => {
    const trace = compile("(TRUE OR FALSE) AND NOT (1 = 2)").trace(event);
    assert.deepEqual(
      trace.children.map((child) => child.text),
      ["(TRUE OR FALSE)", "NOT (1 = 2)"],
    );
    assert.equal(trace.children[1]!.children[0]!.text, "(1 = 2)");
  });

  it("omits operands that short-circuiting did not evaluate", () => {
    assert.deepEqual(shape(compile("FALSE AND nosuch = 1").trace(event)), [
      "FALSE AND nosuch = 1",
      false,
      [],
      [["FALSE", false, [], []]],
    ]);
    assert.equal(compile("TRUE OR nosuch").trace(event).children.length, 1);
  });

  it("puts each error on the node that raised it", () => {
    // The missing attribute is raised by the attribute node; + returns its zero value.
    assert.deepEqual(shape(compile("1 + nosuch").trace(event)), [
      "1 + nosuch",
      0,
      [],
      [
        ["1", 1, [], []],
        ["nosuch", false, ["missingAttribute"], []],
      ],
    ]);
    // A cast is made by the operator that needs it.
    assert.deepEqual(shape(compile("'abc' + 1").trace(event)), [
      "'abc' + 1",
      0,
      ["cast"],
      [
        ["'abc'", "abc", [], []],
        ["1", 1, [], []],
      ],
    ]);
    const division = compile("TRUE AND (1 != 1 / 0)").trace(event);
    assert.deepEqual(shape(division.children[1]!.children[1]!), [
      "1 / 0",
      0,
      ["math"],
      [
        ["1", 1, [], []],
        ["0", 0, [], []],
      ],
    ]);
    assert.deepEqual([division.value, division.children[1]!.value], [false, false]);
  });

  it("shows constant sub-expressions that evaluation folds away", () => {
    const trace = compile("1 + 2 = 3").trace(event);
    assert.deepEqual(
      trace.children[0]!.children.map((child) => child.text),
      ["1", "2"],
    );
  });

  it("shows IN elements and function arguments", () => {
    assert.deepEqual(
      compile("priority IN (1, 5)")
        .trace(event)
        .children.map((child) => [child.text, child.value]),
      [
        ["priority", "5"],
        ["1", 1],
        ["5", 5],
      ],
    );
    assert.deepEqual(
      compile("CONCAT('a', type)")
        .trace(event)
        .children.map((child) => child.text),
      ["'a'", "type"],
    );
  });

  it("agrees with evaluate on value and errors, for Map and object events", () => {
    const expressions = [
      "type LIKE 'com.%' AND INT(priority) > 3",
      "priority IN (1, 'x', 5)",
      "missing OR EXISTS type",
      "ABS(-2147483648)",
      "SUBSTRING(type, 50)",
      "NOT (priority = 'x' XOR TRUE)",
      "-(priority * 3) % 4",
      "LOWER(type) NOT LIKE '%ORDER'",
    ];
    for (const input of [event, Object.fromEntries(event), { ...BASE }]) {
      for (const text of expressions) {
        const expr = compile(text);
        const result = expr.evaluate(input);
        const trace = expr.trace(input);
        assert.equal(trace.value, result.value, text);
        assert.equal(trace.text, text);
        assert.equal(allErrors(trace), result.errors.length, text);
      }
    }
  });
});
