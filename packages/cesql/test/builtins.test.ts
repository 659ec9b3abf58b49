import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BASE, cases, compileError } from "./helpers.js";

describe("§3.5.1 LENGTH(x): String -> Integer", () => {
  cases([
    ["LENGTH('abc')", 3],
    ["LENGTH('')", 0],
    ["LENGTH('2')", 1],
    ["LENGTH(TRUE)", 4],
    ["LENGTH(123)", 3],
    ["LENGTH(-5)", 2],
    // Characters are code points: an emoji outside the BMP is one character.
    ["LENGTH('😀a')", 2],
    ["LENGTH('é')", 1],
    ["LENGTH(subject)", 5],
    ["LENGTH(missing)", 0, ["missingAttribute"]],
  ]);
});

describe("§3.5.1 CONCAT(x1, x2, ...): String^n -> String, n >= 0", () => {
  cases([
    ["CONCAT()", ""],
    ["CONCAT('a')", "a"],
    ["CONCAT('a', 'b', 'c')", "abc"],
    ["CONCAT(1, TRUE, 'x', -2)", "1truex-2"],
    ["CONCAT(subject, '/', id)", "topic/evt-1"],
    ["CONCAT('a', missing)", "", ["missingAttribute"]],
  ]);
});

describe("§3.5.1 CONCAT_WS(delimiter, x1, x2, ...): String x String^n -> String, n >= 0", () => {
  cases([
    ["CONCAT_WS(',')", ""],
    ["CONCAT_WS(',', 'a')", "a"],
    ["CONCAT_WS(',', 'a', 'b', 'c')", "a,b,c"],
    ["CONCAT_WS('', 'a', 'b')", "ab"],
    ["CONCAT_WS(' - ', 1, 2)", "1 - 2"],
    ["CONCAT_WS(0, 'a', 'b')", "a0b"],
    ["CONCAT_WS(',', 'a', missing)", "", ["missingAttribute"]],
  ]);
  it("CONCAT_WS() has no definition: a MissingFunctionError at compile time", () => {
    compileError("CONCAT_WS()", "missingFunction");
  });
});

describe("§3.5.1 LOWER(x) and UPPER(x): String -> String", () => {
  cases([
    ["LOWER('ABC')", "abc"],
    ["LOWER('AbC')", "abc"],
    ["LOWER('abc')", "abc"],
    ["LOWER('ÉCOLE')", "école"],
    ["LOWER(TRUE)", "true"],
    ["UPPER('ABC')", "ABC"],
    ["UPPER('AbC')", "ABC"],
    ["UPPER('abc')", "ABC"],
    ["UPPER('straße')", "STRASSE"],
    ["UPPER(TRUE)", "TRUE"],
    ["UPPER(missing)", "", ["missingAttribute"]],
  ]);
});

describe("§3.5.1 TRIM(x): String -> String, Unicode whitespace only", () => {
  cases([
    ["TRIM('   a b c   ')", "a b c"],
    ["TRIM('   a b c')", "a b c"],
    ["TRIM('a b c   ')", "a b c"],
    ["TRIM('a b c')", "a b c"],
    ["TRIM('')", ""],
    ["TRIM('   ')", ""],
    ["TRIM('\t\n\r a \u000b\u000c')", "a"],
    // White_Space characters beyond ASCII: NEL, NBSP, ogham, em space, line separator, ideographic space.
    ["TRIM('\u0085\u00a0\u1680 a \u2003\u2028\u3000')", "a"],
    // "This does not remove any characters which are not unicode whitespace characters, such as
    // control characters": neither controls nor zero-width characters (ZWSP, BOM) are trimmed.
    ["TRIM('\u0001a\u0001')", "\u0001a\u0001"],
    ["TRIM('\u200ba\ufeff')", "\u200ba\ufeff"],
    ["TRIM(missing)", "", ["missingAttribute"]],
  ]);
});

describe("§3.5.1 LEFT(x, y) and RIGHT(x, y): String x Integer -> String", () => {
  cases([
    ["LEFT('abc', 2)", "ab"],
    ["LEFT('abc', 3)", "abc"],
    ["LEFT('abc', 10)", "abc"],
    ["LEFT('abc', 0)", ""],
    ["LEFT('', 0)", ""],
    ["LEFT('😀😀x', 2)", "😀😀"],
    ["LEFT(12345, '2')", "12"],
    // "Returns x if y < 0 and a FunctionEvaluationError"
    ["LEFT('abc', -2)", "abc", ["functionEvaluation"]],
    ["LEFT('abc', 'x')", "", ["cast"]],
    ["LEFT(missing, 1)", "", ["missingAttribute"]],
    ["RIGHT('abc', 2)", "bc"],
    ["RIGHT('abc', 3)", "abc"],
    ["RIGHT('abc', 10)", "abc"],
    ["RIGHT('abc', 0)", ""],
    ["RIGHT('', 0)", ""],
    ["RIGHT('x😀', 1)", "😀"],
    ["RIGHT('abc', -2)", "abc", ["functionEvaluation"]],
    ["RIGHT('abc', -1) = 'abc'", false, ["functionEvaluation"]],
  ]);
});

describe("§3.5.1 SUBSTRING(x, pos) and SUBSTRING(x, pos, len)", () => {
  cases([
    ["SUBSTRING('abcdef', 1)", "abcdef"],
    ["SUBSTRING('abcdef', 2)", "bcdef"],
    ["SUBSTRING('Quadratically', 5)", "ratically"],
    ["SUBSTRING('abcdef', 6)", "f"],
    // "If pos is negative, the beginning of the substring is pos characters from the end"
    ["SUBSTRING('Sakila', -3)", "ila"],
    ["SUBSTRING('abcdef', -6)", "abcdef"],
    // "If pos is 0, then returns the empty string"
    ["SUBSTRING('Quadratically', 0)", ""],
    ["SUBSTRING('', 0)", ""],
    ["SUBSTRING('abcdef', 1, 6)", "abcdef"],
    ["SUBSTRING('abcdef', 2, 4)", "bcde"],
    ["SUBSTRING('Sakila', -5, 3)", "aki"],
    ["SUBSTRING('Quadratically', 0, 1)", ""],
    ["SUBSTRING('abcdef', 2, 0)", ""],
    // "If len is greater than the maximum substring starting at pos, then return the maximum substring"
    ["SUBSTRING('abcdef', 2, 100)", "bcdef"],
    ["SUBSTRING('abcdef', -2, 100)", "ef"],
    ["SUBSTRING('a😀b', 2, 1)", "😀"],
    ["SUBSTRING('a😀b', -1)", "b"],
    // "Returns the empty string and a FunctionEvaluationError if pos > LENGTH(x) OR pos < -LENGTH(x)"
    ["SUBSTRING('abcdef', 7)", "", ["functionEvaluation"]],
    ["SUBSTRING('abcdef', 10)", "", ["functionEvaluation"]],
    ["SUBSTRING('abcdef', -7)", "", ["functionEvaluation"]],
    ["SUBSTRING('abcdef', -10)", "", ["functionEvaluation"]],
    ["SUBSTRING('abcdef', 10, 10)", "", ["functionEvaluation"]],
    ["SUBSTRING('abcdef', -10, 10)", "", ["functionEvaluation"]],
    ["SUBSTRING('', 1)", "", ["functionEvaluation"]],
    // "... or if len is negative"
    ["SUBSTRING('abcdef', 2, -1)", "", ["functionEvaluation"]],
    ["SUBSTRING('abcdef', 0, -1)", "", ["functionEvaluation"]],
    ["SUBSTRING('abcdef', '2', '3')", "bcd"],
    ["SUBSTRING(missing, 1)", "", ["missingAttribute"]],
  ]);
});

describe("§3.5.2 ABS(x): Integer -> Integer", () => {
  cases([
    ["ABS(10)", 10],
    ["ABS(-10)", 10],
    ["ABS(0)", 0],
    ["ABS(2147483647)", 2147483647],
    ["ABS(-2147483647)", 2147483647],
    ["ABS('-5')", 5],
    ["ABS(TRUE)", 1],
    // "If the value of x is -2147483648 ... this returns 2147483647 as well as a MathError"
    ["ABS(-2147483648)", 2147483647, ["math"]],
    ["ABS('x')", 0, ["cast"]],
    ["ABS(missing)", 0, ["missingAttribute"]],
  ]);
});

describe("casting functions INT, BOOL, STRING (§2, §3.7)", () => {
  cases([
    ["INT('1')", 1],
    ["INT('-1')", -1],
    ["INT('+1')", 1],
    ["INT('007')", 7],
    ["INT('-2147483648')", -2147483648],
    ["INT(1)", 1],
    ["INT(-1)", -1],
    ["INT(TRUE)", 1],
    ["INT(FALSE)", 0],
    ["INT('ABC')", 0, ["cast"]],
    ["INT('')", 0, ["cast"]],
    ["INT('+')", 0, ["cast"]],
    ["INT('1e3')", 0, ["cast"]],
    ["INT('0x10')", 0, ["cast"]],
    ["INT(' 1')", 0, ["cast"]],
    ["INT('1.0')", 0, ["cast"]],
    ["INT('٣')", 0, ["cast"]],
    ["INT('2147483648')", 0, ["cast"]],
    ["INT('-2147483649')", 0, ["cast"]],
    ["INT('99999999999999999999')", 0, ["cast"]],
    ["INT(missing)", 0, ["missingAttribute"]],
    ["BOOL('TRUE')", true],
    ["BOOL('true')", true],
    ["BOOL('TrUe')", true],
    ['BOOL("false")', false],
    ["BOOL('FALSE')", false],
    ["BOOL(TRUE)", true],
    ["BOOL(FALSE)", false],
    ["BOOL(1)", true],
    ["BOOL(0)", false],
    ["BOOL(100)", true],
    ["BOOL(-50)", true],
    ["BOOL('ABC')", false, ["cast"]],
    ["BOOL('1')", false, ["cast"]],
    ["BOOL(' true')", false, ["cast"]],
    ["BOOL('')", false, ["cast"]],
    ["BOOL(missing)", false, ["missingAttribute"]],
    ["STRING(TRUE)", "true"],
    ["STRING(FALSE)", "false"],
    ["STRING(1)", "1"],
    ["STRING(-1)", "-1"],
    ["STRING(0)", "0"],
    ["STRING(007)", "7"],
    ["STRING(-2147483648)", "-2147483648"],
    ["STRING('abc')", "abc"],
    ["STRING(missing)", "", ["missingAttribute"]],
  ]);
});

describe("IS_INT and IS_BOOL (extension: test before casting)", () => {
  cases([
    ["IS_INT('12')", true],
    ["IS_INT('-12')", true],
    ["IS_INT('x')", false],
    ["IS_INT('')", false],
    ["IS_INT('2147483648')", false],
    ["IS_INT(5)", true],
    ["IS_INT(TRUE)", true],
    ["IS_BOOL('TRUE')", true],
    ["IS_BOOL('x')", false],
    ["IS_BOOL(1)", true],
    ["IS_BOOL(FALSE)", true],
    ["IS_INT(missing)", false, ["missingAttribute"]],
  ]);
  cases([["IS_INT(priority) AND INT(priority) > 3", false]], { ...BASE, priority: "high" });
  cases([["IS_INT(priority) AND INT(priority) > 3", true]], { ...BASE, priority: "5" });
});

describe("§3.5 calls that cannot be dispatched are MissingFunctionErrors at compile time", () => {
  for (const [text, position, message] of [
    ["FOO()", 0, /unknown function FOO/],
    ["foo(1, 2)", 0, /unknown function FOO/],
    ["ABS()", 0, /no ABS takes 0 arguments/],
    ["ABS(1, 2)", 0, /no ABS takes 2 arguments/],
    ["LENGTH('a', 'b')", 0, /takes 1\)/],
    ["SUBSTRING('a')", 0, /takes 2 or 3/],
    ["SUBSTRING('a', 1, 2, 3)", 0, /SUBSTRING/],
    ["LEFT('a')", 0, /LEFT/],
    ["CONCAT_WS()", 0, /takes 1\+/],
    ["subject = NOSUCH()", 10, /NOSUCH/],
    ["IS_STRING('a')", 0, /unknown/],
  ] as const) {
    it(`${text}`, () => {
      const error = compileError(text, "missingFunction");
      assert.equal(error.position, position);
      assert.equal(error.column, position + 1);
      assert.match(error.message, message);
    });
  }
});
