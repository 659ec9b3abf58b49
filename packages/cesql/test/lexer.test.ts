import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tokenize } from "../src/lexer.js";
import { cases, compileError, type Row } from "./helpers.js";

const raw = String.raw;
const BASE_EXT = { specversion: "1.0", id: "x", source: "s", type: "t", myext: "value" };

describe("lexer: string literals (§2.2)", () => {
  cases([
    ["'abc'", "abc"],
    ['"abc"', "abc"],
    ["''", ""],
    ['""', ""],
    ["'aBc'", "aBc"],
    ['"AbC"', "AbC"],
    // The other quote needs no escape.
    [`'a"b'`, 'a"b'],
    [`"a'b"`, "a'b"],
    // "in the former case, the ' character has to be escaped", "in the latter the \" has to be escaped"
    [raw`'a\'b'`, "a'b"],
    [raw`"a\"b"`, 'a"b'],
    [raw`'a"b\'c'`, `a"b'c`],
    [raw`"a'b\"c"`, `a'b"c`],
    [raw`'\'\''`, "''"],
    // No other escape is defined: backslashes before anything else stay as written.
    [raw`'a\"b'`, raw`a\"b`],
    [raw`"a\'b"`, raw`a\'b`],
    [raw`'a\nb'`, raw`a\nb`],
    [raw`'a\\b'`, raw`a\\b`],
    [raw`'ab\c'`, raw`ab\c`],
    // A backslash pairs with the next character, so this string ends at its last quote.
    [raw`'a\\'`, raw`a\\`],
    ["'line\nbreak'", "line\nbreak"],
    ["'tab\there'", "tab\there"],
    ["'é😀中'", "é😀中"],
    ["'  spaced  '", "  spaced  "],
  ]);

  const unterminated: readonly string[] = ["'abc", '"abc', raw`'abc\'`, raw`"abc\"`, "'", "'\\"];
  for (const text of unterminated) {
    it(`${text} is an unterminated string (parse error at 0)`, () => {
      const error = compileError(text, "parse");
      assert.equal(error.position, 0);
      assert.match(error.message, /unterminated/);
    });
  }

  it("two adjacent literals are not one string ('' is not an escape)", () => {
    assert.equal(compileError("'a''b'", "parse").position, 3);
  });
});

describe("lexer: integer literals (§2.2)", () => {
  cases([
    ["0", 0],
    ["1", 1],
    ["123", 123],
    ["007", 7],
    ["+5", 5],
    ["-5", -5],
    ["-0", 0],
    ["2147483647", 2147483647],
    ["-2147483648", -2147483648],
    ["- 2147483648", -2147483648],
    ["+2147483647", 2147483647],
  ]);

  // "Integer literals MUST be valid 32 bit signed integer values."
  for (const [text, position] of [
    ["2147483648", 0],
    ["-2147483649", 1],
    ["+2147483648", 1],
    ["99999999999999999999999", 0],
    ["1 + 2147483648", 4],
  ] as const) {
    it(`${text} is outside the 32-bit range (parse error at ${position})`, () => {
      const error = compileError(text, "parse");
      assert.equal(error.position, position);
      assert.match(error.message, /32-bit/);
    });
  }

  it("a sign is only part of a literal when it touches the digits: '+ 5' is not an expression", () => {
    compileError("+ 5", "parse");
    compileError("+'5'", "parse");
  });
});

describe("lexer: boolean literals are case-insensitive (§2.2)", () => {
  cases([
    ["TRUE", true],
    ["true", true],
    ["tRuE", true],
    ["FALSE", false],
    ["false", false],
    ["FaLsE", false],
  ]);
});

describe("lexer: keywords, function names and identifiers are case-insensitive (§2)", () => {
  const rows: Row[] = [
    ["true aNd false", false],
    ["false Or true", true],
    ["true XoR true", false],
    ["nOt false", true],
    ["'abc' LiKe 'a%'", true],
    ["'abc' not like 'b%'", true],
    ["1 In (1, 2)", true],
    ["1 nOt iN (1, 2)", false],
    ["ExIsTs subject", true],
    ["exists SUBJECT", true],
    ["lower('ABC')", "abc"],
    ["Lower('ABC')", "abc"],
    ["concat_ws('-', 'a', 'b')", "a-b"],
    ["Concat_Ws('-', 'a', 'b')", "a-b"],
    ["TYPE", "com.example.type"],
    ["Type = 'com.example.type'", true],
    ["SUBJECT = subject", true],
  ];
  cases(rows);
});

describe("lexer: identifiers (§2.2 value-identifier)", () => {
  const event = { ...BASE_EXT, "1st": "first", abc123: "mixed", averyveryverylongattributename: "long" };
  cases(
    [
      ["myext", "value"],
      ["MyExt", "value"],
      // Digits may lead: CloudEvents attribute names are [a-z0-9]+.
      ["1st", "first"],
      ["abc123", "mixed"],
      // "SHOULD NOT be greater than 20 characters": longer names are accepted.
      ["averyveryverylongattributename", "long"],
    ],
    event,
  );

  for (const [text, position] of [
    ["my_ext", 0],
    ["myext_", 0],
    ["a = b_c", 4],
  ] as const) {
    it(`${text}: an underscore is not allowed in an identifier (parse error at ${position})`, () => {
      assert.equal(compileError(text, "parse").position, position);
    });
  }
});

describe("lexer: whitespace and unexpected characters", () => {
  cases([
    ["\tTRUE\r\n", true],
    ["1\n+\n2", 3],
    ["  1+2  ", 3],
    ["1+2", 3],
    ["4 -1", 3],
    ["4-1", 3],
  ]);

  for (const [text, position] of [
    ["a # b", 2],
    ["a == b", 3],
    ["a ! b", 2],
    ["1\u00a0+ 1", 1],
    ["subject = 'x';", 13],
    ["é = 'x'", 0],
  ] as const) {
    it(`${JSON.stringify(text)} fails to parse at ${position}`, () => {
      assert.equal(compileError(text, "parse").position, position);
    });
  }

  it("tokenize: every token has its source span", () => {
    const tokens = tokenize("a <> 'x\\'y' AND f(1)");
    assert.deepEqual(
      tokens.map((token) => [token.kind, token.text, token.value, token.start, token.end]),
      [
        ["word", "a", "a", 0, 1],
        ["op", "<>", "<>", 2, 4],
        ["string", "'x\\'y'", "x'y", 5, 11],
        ["word", "AND", "AND", 12, 15],
        ["word", "f", "f", 16, 17],
        ["(", "(", "(", 17, 18],
        ["int", "1", "1", 18, 19],
        [")", ")", ")", 19, 20],
        ["eof", "", "", 20, 20],
      ],
    );
  });

  it("tokenize: every comparison operator", () => {
    const ops = tokenize("= != <> >= <= < > + - * / %").filter((token) => token.kind === "op");
    assert.deepEqual(
      ops.map((token) => token.text),
      ["=", "!=", "<>", ">=", "<=", "<", ">", "+", "-", "*", "/", "%"],
    );
  });
});
