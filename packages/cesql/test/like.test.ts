import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileLike } from "../src/like.js";
import { cases } from "./helpers.js";

const raw = String.raw;

describe("§3.4.3 x LIKE pattern: String x String -> Boolean", () => {
  cases([
    ["'abc' LIKE 'abc'", true],
    ["'ABC' LIKE 'abc'", false],
    ["'' LIKE ''", true],
    ["'a' LIKE ''", false],
    ["'' LIKE 'abc'", false],
    ["'ac' LIKE 'abc'", false],
    // "% represents zero, one, or multiple characters"
    ["'' LIKE '%'", true],
    ["'abc' LIKE '%'", true],
    ["'abc' LIKE '%%'", true],
    ["'abc' LIKE 'a%'", true],
    ["'a' LIKE 'a%'", true],
    ["'abc' LIKE '%c'", true],
    ["'cba' LIKE '%b'", false],
    ["'xabcx' LIKE '%abc%'", true],
    ["'xabx' LIKE '%abc%'", false],
    ["'abc' LIKE 'a%b%c'", true],
    ["'azbc' LIKE 'a%b%c'", true],
    ["'azzzbzzzc' LIKE 'a%b%c'", true],
    ["'ac' LIKE 'a%b%c'", false],
    ["'abc' LIKE 'a%%c'", true],
    ["'abab' LIKE 'ab%ab'", true],
    ["'aba' LIKE 'ab%ab'", false],
    ["'.ab.cde.' LIKE '.%.%.'", true],
    ["'ab.cde' LIKE '.%.%.'", false],
    // "_ represents a single character"
    ["'' LIKE '_'", false],
    ["'a' LIKE '_'", true],
    ["'ab' LIKE '_'", false],
    ["'abc' LIKE 'a_c'", true],
    ["'abbc' LIKE 'a_c'", false],
    ["'azbzc' LIKE 'a_b_c'", true],
    ["'abc' LIKE 'a_b_c'", false],
    ["'abc' LIKE '_%'", true],
    ["'' LIKE '_%'", false],
    ["'abcd' LIKE '%_d'", true],
    // One character is one Unicode code point.
    ["'😀' LIKE '_'", true],
    ["'a😀c' LIKE 'a_c'", true],
    ["'é' LIKE '_'", true],
    ["'a\nb' LIKE 'a_b'", true],
    ["'x\ny' LIKE 'x%'", true],
    ["'x\ny' LIKE '%_y'", true],
    // The spec's example pattern is written `_b*`; `*` is no wildcard, so it is `_b%` that
    // "will accept values ab, abc, abcd1 but won't accept values b or acd or aBc".
    ["'ab' LIKE '_b%'", true],
    ["'abc' LIKE '_b%'", true],
    ["'abcd1' LIKE '_b%'", true],
    ["'b' LIKE '_b%'", false],
    ["'acd' LIKE '_b%'", false],
    ["'aBc' LIKE '_b%'", false],
    ["'ab' LIKE '_b*'", false],
    ["'ab*' LIKE '_b*'", true],
    // "Any other character, representing exactly that character": no regular-expression meaning.
    ["'a.c' LIKE 'a.c'", true],
    ["'abc' LIKE 'a.c'", false],
    ["'(x)' LIKE '(_)'", true],
    ["'[a]' LIKE '[_]'", true],
    ["'a^b|c$' LIKE 'a^_|c$'", true],
    ["'a+b?' LIKE '%+_?'", true],
    ["'a{2}' LIKE 'a{_}%'", true],
    ["'a/b-c' LIKE '_/_-_'", true],
  ]);
});

describe("§3.4.3 escapes: \\% and \\_ match literally", () => {
  cases([
    // "the pattern abc\% will match abc% but won't match abcd"
    [raw`'abc%' LIKE 'abc\%'`, true],
    [raw`'abcd' LIKE 'abc\%'`, false],
    [raw`'a_b_c' LIKE 'a\_b\_c'`, true],
    [raw`'azbzc' LIKE 'a\_b\_c'`, false],
    [raw`'a%b%c' LIKE 'a\%b\%c'`, true],
    [raw`'abc' LIKE 'a\%b\%c'`, false],
    [raw`'100%' LIKE '%\%'`, true],
    [raw`'100' LIKE '%\%'`, false],
    [raw`'_x' LIKE '\_%'`, true],
    [raw`'ax' LIKE '\_%'`, false],
    [raw`'abc123123%456_dzf' LIKE 'abc%123\%456\_d_f'`, true],
    // A backslash before anything else is an ordinary character, so a pattern without wildcards
    // matches its own text.
    [raw`'ab\c' LIKE 'ab\c'`, true],
    [raw`'abc' LIKE 'ab\c'`, false],
    [raw`'a\\b' LIKE 'a\\b'`, true],
    // In a double-quoted pattern \" is the string escape, not a LIKE one.
    [raw`'a"b' LIKE "a\"b"`, true],
  ]);
});

describe("§3.4.3 NOT LIKE, casts and missing operands", () => {
  cases([
    ["'abc' NOT LIKE 'a%'", false],
    ["'abc' NOT LIKE 'b%'", true],
    [raw`'a_b_c' NOT LIKE 'a\_b\_c'`, false],
    // "In cases where the left operand is not a String, it MUST be cast to a String"
    ["234 LIKE '23_'", true],
    ["2344 LIKE '23%'", true],
    ["2344 LIKE '23_'", false],
    ["-5 LIKE '-_'", true],
    ["TRUE LIKE 'tr%'", true],
    ["TRUE LIKE '%ue'", true],
    ["FALSE LIKE 'tr%'", false],
    ["FALSE LIKE 'fal%'", true],
    ["TRUE LIKE 'TRUE'", false],
    ["missing LIKE '%'", false, ["missingAttribute"]],
    ["missing NOT LIKE 'x'", false, ["missingAttribute"]],
    ["(1 / 0) LIKE '0'", false, ["math"]],
  ]);
});

/** A plain recursive matcher, to cross-check the compiled fast paths. */
function reference(value: string, pattern: string): boolean {
  const chars = Array.from(value);
  const tokens: { kind: "lit" | "one" | "any"; char?: string }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && (pattern[i + 1] === "%" || pattern[i + 1] === "_"))
      tokens.push({ kind: "lit", char: pattern[++i]! });
    else if (c === "%") tokens.push({ kind: "any" });
    else if (c === "_") tokens.push({ kind: "one" });
    else tokens.push({ kind: "lit", char: c });
  }
  const match = (v: number, t: number): boolean => {
    if (t === tokens.length) return v === chars.length;
    const token = tokens[t]!;
    if (token.kind === "any") return match(v, t + 1) || (v < chars.length && match(v + 1, t));
    if (v === chars.length) return false;
    return (token.kind === "one" || token.char === chars[v]) && match(v + 1, t + 1);
  };
  return match(0, 0);
}

describe("LIKE matcher: every compiled shape agrees with a reference matcher", () => {
  it("on generated patterns and values", () => {
    // A small deterministic generator keeps the test repeatable.
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = (alphabet: string[], max: number) =>
      Array.from({ length: next(max + 1) }, () => alphabet[next(alphabet.length)]).join("");
    let checked = 0;
    for (let p = 0; p < 400; p++) {
      const pattern = pick(["a", "b", "%", "_", "\\%", "\\_", "\\", "."], 6);
      const matches = compileLike(pattern);
      for (let v = 0; v < 40; v++) {
        const value = pick(["a", "b", "%", "_", "\\", "."], 7);
        assert.equal(
          matches(value),
          reference(value, pattern),
          `${JSON.stringify(value)} LIKE ${JSON.stringify(pattern)}`,
        );
        checked++;
      }
    }
    assert.equal(checked, 16000);
  });
});
