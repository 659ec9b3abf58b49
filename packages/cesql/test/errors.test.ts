import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CesqlError, CesqlErrorCodes, type CesqlErrorKind, compile } from "../src/index.js";
import { BASE, compileError } from "./helpers.js";

describe("§3.3 error types", () => {
  it("every kind the spec names has a stable code", () => {
    assert.deepEqual(CesqlErrorCodes, {
      parse: "SLUICE_ERR_CESQL_PARSE",
      math: "SLUICE_ERR_CESQL_MATH",
      cast: "SLUICE_ERR_CESQL_CAST",
      missingFunction: "SLUICE_ERR_CESQL_MISSING_FUNCTION",
      functionEvaluation: "SLUICE_ERR_CESQL_FUNCTION_EVALUATION",
      missingAttribute: "SLUICE_ERR_CESQL_MISSING_ATTRIBUTE",
      generic: "SLUICE_ERR_CESQL_GENERIC",
    });
    assert.ok(Object.isFrozen(CesqlErrorCodes));
  });

  it("CesqlError is an Error with kind, code, and the location when it has one", () => {
    const error = new CesqlError("math", "division by zero", {
      location: { position: 4, line: 1, column: 5 },
    });
    assert.ok(error instanceof Error);
    assert.equal(error.name, "CesqlError");
    assert.deepEqual(
      [error.kind, error.code, error.message, error.position, error.line, error.column],
      ["math", "SLUICE_ERR_CESQL_MATH", "division by zero", 4, 1, 5],
    );
    const bare = new CesqlError("generic", "x");
    assert.deepEqual(
      [bare.position, bare.line, bare.column, bare.cause],
      [undefined, undefined, undefined, undefined],
    );
  });

  // One expression raising each evaluation-time kind; parse and missingFunction are thrown by compile.
  const raising: readonly (readonly [CesqlErrorKind, string, number])[] = [
    ["math", "1 + 5 / 0", 4],
    ["cast", "1 + 'x'", 4],
    ["functionEvaluation", "LEFT('abc', -1)", 0],
    ["missingAttribute", "TRUE AND nosuch = 1", 9],
  ];
  for (const [kind, expression, position] of raising) {
    it(`${kind}: returned with a location, never thrown (${expression})`, () => {
      const { errors } = compile(expression).evaluate(BASE);
      assert.equal(errors.length, 1);
      const error = errors[0]!;
      assert.ok(error instanceof CesqlError);
      assert.deepEqual(
        [error.kind, error.code, error.position, error.line, error.column],
        [kind, CesqlErrorCodes[kind], position, 1, position + 1],
      );
    });
  }

  it("parse and missingFunction errors are thrown by compile with their location", () => {
    const parse = compileError("a AND\n  'x", "parse");
    assert.deepEqual(
      [parse.code, parse.position, parse.line, parse.column],
      ["SLUICE_ERR_CESQL_PARSE", 8, 2, 3],
    );
    const missing = compileError("a AND\n  nosuch(1)", "missingFunction");
    assert.deepEqual(
      [missing.code, missing.position, missing.line, missing.column],
      ["SLUICE_ERR_CESQL_MISSING_FUNCTION", 8, 2, 3],
    );
  });
});

describe("§3.3 evaluation always yields a value and the error list", () => {
  it("collects every error, in evaluation order", () => {
    const { value, errors } = compile("missing1 + nosuch2 + 'x'").evaluate(BASE);
    assert.equal(value, 0);
    assert.deepEqual(
      errors.map((error) => [error.kind, error.position]),
      [
        ["missingAttribute", 0],
        ["missingAttribute", 11],
        ["cast", 21],
      ],
    );
    assert.match(errors[0]!.message, /missing attribute 'missing1'/);
    assert.match(errors[2]!.message, /cannot cast String 'x' to Integer/);
  });

  it("an error-free evaluation returns the shared, frozen empty list", () => {
    const first = compile("1 = 1").evaluate(BASE);
    const second = compile("2 = 2").evaluate(BASE);
    assert.deepEqual(first.errors, []);
    assert.equal(first.errors, second.errors);
    assert.ok(Object.isFrozen(first.errors));
  });

  it("errors of one evaluation do not leak into the next", () => {
    const expr = compile("n / 1");
    assert.equal(expr.evaluate({ n: "x" }).errors.length, 1);
    assert.deepEqual(expr.evaluate({ n: "4" }), { value: 4, errors: [] });
    const first = expr.evaluate({});
    const second = expr.evaluate({});
    assert.notEqual(first.errors, second.errors);
    assert.equal(first.errors.length, 1);
  });

  it("errors found at compile time on constants are still reported on every evaluation", () => {
    const expr = compile("1 / 0 = 0 OR INT('x') = 0");
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(
        expr.evaluate(BASE).errors.map((error) => error.kind),
        ["math", "cast"],
      );
    }
  });

  it("a MissingAttributeError never varies, so one frozen instance per reference is reused", () => {
    const expr = compile("nosuch = 1");
    const first = expr.evaluate(BASE).errors[0]!;
    assert.ok(Object.isFrozen(first));
    assert.equal(expr.evaluate(BASE).errors[0], first);
  });

  it("evaluation errors carry no stack trace of the evaluator", () => {
    const { errors } = compile("nosuch = 1").evaluate(BASE);
    assert.equal(errors[0]!.stack?.includes("\n    at "), false);
  });

  it("never throws on any combination of operators, functions and missing or odd attributes", () => {
    const operands = ["a", "b", "c", "1", "'x'", "TRUE", "0", "-2147483648", "''"];
    const templates = [
      (x: string, y: string) => `${x} + ${y} * ${x}`,
      (x: string, y: string) => `${x} / ${y} % ${x}`,
      (x: string, y: string) => `${x} = ${y} OR ${x} <> ${y}`,
      (x: string, y: string) => `${x} < ${y} XOR NOT ${x}`,
      (x: string, y: string) => `${x} LIKE '%_' AND ${y} IN (${x}, ${y}, 3)`,
      (x: string, y: string) => `SUBSTRING(${x}, ${y}, ${x}) = LEFT(${y}, ${x})`,
      (x: string, y: string) => `ABS(${x}) - LENGTH(${y}) + INT(${x})`,
      (x: string, y: string) => `CONCAT_WS(${x}, ${y}, TRIM(${x}), BOOL(${y}))`,
    ];
    const events = [
      {},
      { a: "1", b: "x", c: "true" },
      new Map([["a", "-5"]]),
      { a: 2147483647, b: true, c: null },
    ];
    let evaluated = 0;
    for (const template of templates) {
      for (const x of operands) {
        for (const y of operands) {
          const expr = compile(template(x, y));
          for (const event of events) {
            const { value, errors } = expr.evaluate(event);
            assert.ok(["boolean", "number", "string"].includes(typeof value));
            assert.ok(errors.every((error) => error instanceof CesqlError));
            evaluated++;
          }
        }
      }
    }
    assert.equal(evaluated, templates.length * operands.length ** 2 * events.length);
  });
});
