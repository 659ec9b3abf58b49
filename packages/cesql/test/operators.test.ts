import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CesqlFunction, compile } from "../src/index.js";
import { BASE, cases } from "./helpers.js";

describe("§3.4.1 NOT x: Boolean -> Boolean", () => {
  cases([
    ["NOT TRUE", false],
    ["NOT FALSE", true],
    ["NOT 'TRUE'", false],
    ["NOT 'false'", true],
    // §3.7 Integer -> Boolean: 0 is false, anything else true.
    ["NOT 10", false],
    ["NOT 0", true],
    ["NOT -1", false],
    // A failed cast, or a missing attribute, gives NOT's zero value: false, not the negation of false.
    ["NOT 'yes'", false, ["cast"]],
    ["NOT missing", false, ["missingAttribute"]],
  ]);
});

describe("§3.4.1 -x: Integer -> Integer", () => {
  cases([
    ["-10", -10],
    ["--10", 10],
    ["-'10'", -10],
    ["--'10'", 10],
    ["-TRUE", -1],
    ["-FALSE", 0],
    ["-0", 0],
    ["-'0'", 0],
    ["-(2147483647)", -2147483647],
    ["-'x'", 0, ["cast"]],
    ["-missing", 0, ["missingAttribute"]],
    // 2147483648 is no Integer (§3.1): an overflow is a MathError with the zero value.
    ["-(-2147483648)", 0, ["math"]],
    ["- -2147483648", 0, ["math"]],
  ]);
});

describe("§3.4.2 arithmetic: Integer x Integer -> Integer", () => {
  cases([
    ["1 + 2", 3],
    ["4 + -1", 3],
    ["-4 + -1", -5],
    ["4 - 6", -2],
    ["-4 - 1", -5],
    ["3 * -4", -12],
    ["0 * -1", 0],
    // "rounded towards 0"
    ["5 / 3", 1],
    ["7 / 2", 3],
    ["-7 / 2", -3],
    ["7 / -2", -3],
    ["-7 / -2", 3],
    ["-1 / 2", 0],
    // "the result has the same sign as x"
    ["5 % 2", 1],
    ["7 % 3", 1],
    ["-7 % 3", -1],
    ["7 % -3", 1],
    ["-7 % -3", -1],
    ["-1 % 1", 0],
    ["-2147483648 % -1", 0],
    // "Returns 0 and a MathError if y = 0"
    ["5 / 0", 0, ["math"]],
    ["5 % 0", 0, ["math"]],
    ["0 / 0", 0, ["math"]],
    ["-5 % 0", 0, ["math"]],
    // 32-bit range limits are reachable without error ...
    ["2147483646 + 1", 2147483647],
    ["-2147483647 - 1", -2147483648],
    ["46340 * 46340", 2147395600],
    ["2147483647 * -1", -2147483647],
    ["-2147483648 / 1", -2147483648],
    // ... and crossing them is a MathError with the zero value.
    ["2147483647 + 1", 0, ["math"]],
    ["-2147483648 - 1", 0, ["math"]],
    ["-2147483648 + -1", 0, ["math"]],
    ["65536 * 65536", 0, ["math"]],
    ["46341 * 46341", 0, ["math"]],
    ["-2147483648 * -1", 0, ["math"]],
    ["2147483647 * 2147483647", 0, ["math"]],
    ["-2147483648 / -1", 0, ["math"]],
  ]);
});

describe("§3.4 / §3.7 arithmetic casts its operands to Integer", () => {
  cases([
    ["'5' + 3", 8],
    ["5 + '3'", 8],
    ["'5' + '3'", 8],
    ["5 + TRUE", 6],
    ["FALSE - 1", -1],
    ["'+5' * '-2'", -10],
    ["'007' + 0", 7],
    ["'-2147483648' + 0", -2147483648],
    ["'10' / '3'", 3],
    ["'x' + 1", 0, ["cast"]],
    ["'1.5' + 1", 0, ["cast"]],
    ["' 1' + 1", 0, ["cast"]],
    ["'1 ' + 1", 0, ["cast"]],
    ["'' + 1", 0, ["cast"]],
    ["'2147483648' + 0", 0, ["cast"]],
    ["'x' * 'y'", 0, ["cast", "cast"]],
  ]);
});

describe("§3.2 missing attributes in arithmetic", () => {
  cases([
    ["missing * 5", 0, ["missingAttribute"]],
    // "1 / missingAttribute does not raise a MathError due to the division by zero"
    ["1 / missing", 0, ["missingAttribute"]],
    ["missing / 0", 0, ["missingAttribute"]],
    ["missing % 0", 0, ["missingAttribute"]],
    ["missing + nosuch", 0, ["missingAttribute", "missingAttribute"]],
  ]);
});

describe("§3.3 an operator whose operand raised an error returns its zero value", () => {
  cases([
    ["(5 / 0) + 1", 0, ["math"]],
    ["1 != 1 / 0", false, ["math"]],
    ["(1 / 0) = 0", false, ["math"]],
    // The node raising the error returns the value the spec names for it ...
    ["ABS(-2147483648)", 2147483647, ["math"]],
    // ... every node above it the zero value of its own type.
    ["ABS(-2147483648) + 0", 0, ["math"]],
    ["ABS(-2147483648) = 2147483647", false, ["math"]],
    ["NOT (1 / 0 = 1)", false, ["math"]],
    ["-(1 / 0)", 0, ["math"]],
  ]);
});

describe("§3.4.2 <, <=, >, >=: Integer x Integer -> Boolean", () => {
  cases([
    ["1 < 2", true],
    ["2 < 2", false],
    ["2 <= 2", true],
    ["3 <= 2", false],
    ["2 > 1", true],
    ["2 > 2", false],
    ["2 >= 2", true],
    ["2 >= 3", false],
    ["-1 < 0", true],
    // Both operands are cast to Integer: '10' > '9' compares numbers, not text.
    ["'10' > 9", true],
    ["'10' > '9'", true],
    ["TRUE > FALSE", true],
    ["'abc' < 1", false, ["cast"]],
    ["1 >= 'abc'", false, ["cast"]],
    ["missing < 1", false, ["missingAttribute"]],
    ["missing <= 2", false, ["missingAttribute"]],
  ]);
});

describe("§3.4.2 =, !=, <> on Boolean, Integer and String", () => {
  cases([
    ["1 = 1", true],
    ["1 = 2", false],
    ["'a' = 'a'", true],
    // "(case sensitive)"
    ["'a' = 'A'", false],
    ["TRUE = TRUE", true],
    ["TRUE = FALSE", false],
    ["1 != 2", true],
    ["1 != 1", false],
    ["1 <> 2", true],
    ["1 <> 1", false],
    ["'a' != 'A'", true],
    ["'a' <> 'a'", false],
    ["TRUE != FALSE", true],
    ["FALSE <> FALSE", false],
  ]);
});

describe("§3.7 = is ambiguous: the left operand is cast to the type of the right one", () => {
  cases([
    ["'5' = 5", true],
    ["5 = '5'", true],
    ["'05' = 5", true],
    ["5 = '05'", false],
    ["TRUE = 'true'", true],
    ["'TRUE' = TRUE", true],
    ["TRUE = 'TRUE'", false],
    ["1 = TRUE", true],
    ["2 = TRUE", true],
    ["TRUE = 2", false],
    ["FALSE = 'no'", false],
    // A failed cast of the left operand: CastError and false, for = and for != alike.
    ["'abc' = 0", false, ["cast"]],
    ["'abc' != 0", false, ["cast"]],
    ["'no' = FALSE", false, ["cast"]],
    // §3.7 example: TRUE = "true" AND FALSE = "false" is true, TRUE = "TRUE" OR FALSE = "FALSE" false.
    ['TRUE = "true" AND FALSE = "false"', true],
    ['TRUE = "TRUE" OR FALSE = "FALSE"', false],
    ["missing = 2", false, ["missingAttribute"]],
    ["missing != 2", false, ["missingAttribute"]],
    ["missing <> 2", false, ["missingAttribute"]],
    ["2 = missing", false, ["missingAttribute"]],
    ["missing = nosuch", false, ["missingAttribute", "missingAttribute"]],
  ]);

  describe("with attributes, the right operand's run-time type decides", () => {
    const event = { ...BASE, seq: "10", n: 10, flag: true };
    cases(
      [
        ["seq = 10", true],
        ["10 = seq", true],
        ["n = '10'", true],
        ["'10' = n", true],
        ["'010' = n", true],
        ["n = '010'", false],
        ["'x' = n", false, ["cast"]],
        ["flag = 'TRUE'", false],
        ["'TRUE' = flag", true],
        ["flag = 1", true],
        ["seq = n", true],
        ["n = seq", true],
      ],
      event,
    );
  });
});

describe("§3.4.2 AND, OR, XOR: Boolean x Boolean -> Boolean", () => {
  cases([
    ["FALSE AND FALSE", false],
    ["FALSE AND TRUE", false],
    ["TRUE AND FALSE", false],
    ["TRUE AND TRUE", true],
    ["FALSE OR FALSE", false],
    ["FALSE OR TRUE", true],
    ["TRUE OR FALSE", true],
    ["TRUE OR TRUE", true],
    ["FALSE XOR FALSE", false],
    ["FALSE XOR TRUE", true],
    ["TRUE XOR FALSE", true],
    ["TRUE XOR TRUE", false],
    // Operands are cast to Boolean.
    ["'true' AND 'TRUE'", true],
    ["1 AND 0", false],
    ["5 OR 'false'", true],
    ["1 XOR 'false'", true],
    ["'yes' AND TRUE", false, ["cast"]],
    ["'yes' OR TRUE", false, ["cast"]],
    ["TRUE XOR 'yes'", false, ["cast"]],
    ["missing AND TRUE", false, ["missingAttribute"]],
    ["TRUE AND missing", false, ["missingAttribute"]],
    ["missing OR TRUE", false, ["missingAttribute"]],
    ["FALSE OR missing", false, ["missingAttribute"]],
    ["missing XOR TRUE", false, ["missingAttribute"]],
    // §3.2 example
    ['true AND (missing = "")', false, ["missingAttribute"]],
  ]);
});

describe("§3.4.2 / §3.6 AND and OR MUST be short-circuit evaluated", () => {
  cases([
    ["FALSE AND (1 / 0 = 0)", false],
    ["FALSE AND missing", false],
    ["TRUE OR (1 / 0 = 0)", true],
    ["TRUE OR missing", true],
    // When the left operand does not decide, the right one is evaluated and its error reported.
    ["TRUE AND (1 != 1 / 0)", false, ["math"]],
    ["FALSE OR (1 != 1 / 0)", false, ["math"]],
    // XOR always needs both operands.
    ["FALSE XOR (1 / 0 = 0)", false, ["math"]],
  ]);

  it("the right operand is not evaluated at all (observed through a function with a side effect)", () => {
    let calls = 0;
    const counted: CesqlFunction = {
      name: "COUNTED",
      parameters: [],
      returns: "Boolean",
      call: () => {
        calls++;
        return true;
      },
    };
    const options = { functions: [counted] };
    for (const [text, expected] of [
      ["FALSE AND COUNTED()", 0],
      ["TRUE OR COUNTED()", 0],
      ["missing AND COUNTED()", 0],
      ["TRUE AND COUNTED()", 1],
      ["FALSE OR COUNTED()", 1],
      ["FALSE XOR COUNTED()", 1],
    ] as const) {
      calls = 0;
      compile(text, options).evaluate(BASE);
      assert.equal(calls, expected, text);
    }
  });
});
