import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseBoolean, parseInteger } from "../src/casts.js";
import { cases } from "./helpers.js";

describe("§3.7 the cast table: every MUST cast, through the casting functions", () => {
  cases([
    // Integer -> String: base 10, no leading 0s, '-' prepended when negative.
    ["STRING(42)", "42"],
    ["STRING(-42)", "-42"],
    ["STRING(000)", "0"],
    // Integer -> Boolean: false for 0, true otherwise.
    ["BOOL(0)", false],
    ["BOOL(7)", true],
    ["BOOL(-2147483648)", true],
    // String -> Integer: 32-bit base 10, optional leading sign; otherwise an error and 0.
    ["INT('42')", 42],
    ["INT('+42')", 42],
    ["INT('-42')", -42],
    ["INT('2147483647')", 2147483647],
    ["INT('2147483648')", 0, ["cast"]],
    ["INT('4x')", 0, ["cast"]],
    // String -> Boolean: the lower-case form is exactly "true" or "false"; otherwise an error and false.
    ["BOOL('True')", true],
    ["BOOL('FALSE')", false],
    ["BOOL('truex')", false, ["cast"]],
    ["BOOL('t')", false, ["cast"]],
    // Boolean -> Integer: 1 or 0.
    ["INT(TRUE)", 1],
    ["INT(FALSE)", 0],
    // Boolean -> String: "true" or "false".
    ["STRING(TRUE)", "true"],
    ["STRING(FALSE)", "false"],
  ]);
});

describe("§3.7 implicit casts: each operator casts its operands to its parameter types", () => {
  cases([
    // Unary, not ambiguous: cast x to the parameter type.
    ["NOT 'false'", true],
    ["-'5'", -5],
    // Binary, not ambiguous: cast x and y.
    ["'3' * TRUE", 3],
    ["'2' < '10'", true],
    ["'TRUE' AND 1", true],
    // Binary, ambiguous (=): the right operand's type decides the cast of the left.
    ["10 = '10'", true],
    ["'10' = 10", true],
    ["'1' = TRUE", false, ["cast"]],
    ["TRUE = '1'", false],
    // n-ary functions: every argument cast to its parameter type.
    ["SUBSTRING(12345, '2', TRUE)", "2"],
    ["CONCAT_WS(1, 2, FALSE)", "21false"],
    // "For the IN operator ... the left argument MUST be used as the target type"
    ["5 IN ('5')", true],
    ["'5' IN (5)", true],
    // LIKE casts its left operand to String.
    ["12 LIKE '1%'", true],
    // A cast result feeding a further operator.
    ["STRING(1 + 1) = '2'", true],
    ["INT('4') * INT('5')", 20],
  ]);
});

describe("cast helpers", () => {
  it("parseInteger accepts exactly an optional sign and ASCII digits within 32 bits", () => {
    const rows: readonly (readonly [string, number | undefined])[] = [
      ["0", 0],
      ["-0", 0],
      ["+0", 0],
      ["00012", 12],
      ["2147483647", 2147483647],
      ["-2147483648", -2147483648],
      ["000002147483647", 2147483647],
      ["2147483648", undefined],
      ["-2147483649", undefined],
      ["12345678901234567890", undefined],
      ["", undefined],
      ["+", undefined],
      ["-", undefined],
      ["+-1", undefined],
      ["1_000", undefined],
      ["1,000", undefined],
      ["١٢", undefined],
      ["１２", undefined],
      ["12 ", undefined],
      ["Infinity", undefined],
      ["NaN", undefined],
    ];
    for (const [text, expected] of rows) {
      const parsed = parseInteger(text);
      assert.equal(parsed, expected, JSON.stringify(text));
      if (parsed === 0) assert.ok(Object.is(parsed, 0), "no negative zero");
    }
  });

  it("parseBoolean accepts true and false in any case, nothing else", () => {
    for (const text of ["true", "TRUE", "True", "tRUE"]) assert.equal(parseBoolean(text), true, text);
    for (const text of ["false", "FALSE", "False", "fAlSe"]) assert.equal(parseBoolean(text), false, text);
    for (const text of ["", "t", "yes", "1", "0", " true", "true ", "truee", "faux"]) {
      assert.equal(parseBoolean(text), undefined, text);
    }
  });
});
