import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodecErrors, percentDecode, percentEncode } from "../src/index.js";
import { expectError } from "./helpers.js";

/** The latin1 string node:http gives for raw UTF-8 header bytes. */
function asWire(value: string): string {
  return Buffer.from(value, "utf8").toString("latin1");
}

describe("percentEncode (HTTP binding §3.1.3.2)", () => {
  const cases: [string, string, string][] = [
    ["spec test vector", "Euro € 😀", "Euro%20%E2%82%AC%20%F0%9F%98%80"],
    ["plain value untouched", "com.example.order-created_v1", "com.example.order-created_v1"],
    ["space", "a b", "a%20b"],
    ["double quote", 'say "hi"', "say%20%22hi%22"],
    ["percent", "100%", "100%25"],
    ["already-encoded text is encoded again", "%41", "%2541"],
    [
      "tilde and other printable ASCII stay",
      "!#$&'()*+,/:;<=>?@[\\]^_`{|}~",
      "!#$&'()*+,/:;<=>?@[\\]^_`{|}~",
    ],
    ["control character (tab)", "a\tb", "a%09b"],
    ["DEL", "a\u007fb", "a%7Fb"],
    ["two-byte UTF-8", "é", "%C3%A9"],
    ["C1 control", "\u0085", "%C2%85"],
    ["surrogate pair is one character", "😀", "%F0%9F%98%80"],
    ["upper-case hex", "\u00ff", "%C3%BF"],
    ["empty", "", ""],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(percentEncode(input), expected));
  }

  it("refuses a lone surrogate", () => {
    expectError(() => percentEncode("a\ud800b"), { code: CodecErrors.INVALID_ENCODING });
    expectError(() => percentEncode("\udc00"), { code: CodecErrors.INVALID_ENCODING });
  });
});

describe("percentDecode (HTTP binding §3.1.3.2)", () => {
  const cases: [string, string, string][] = [
    ["spec test vector", "Euro%20%E2%82%AC%20%F0%9F%98%80", "Euro € 😀"],
    ["plain value untouched", "com.example.test", "com.example.test"],
    ["lower-case hex accepted", "Euro%20%e2%82%ac", "Euro €"],
    ["needless encoding accepted", "%41%42%43", "ABC"],
    ["exactly one round", "%2541", "%41"],
    ["quoted string", '"hello world"', "hello world"],
    ["quoted string with escapes", '"say \\"hi\\" \\\\ back"', 'say "hi" \\ back'],
    ["quotes undone before percent-decoding", '"%22quoted%22"', '"quoted"'],
    ["quoted part inside a value", 'a "b c" d', "a b c d"],
    ["an unterminated quote is kept", 'size 5" screen', 'size 5" screen'],
    ["stray percent kept literally", "50% off", "50% off"],
    ["percent at the end kept", "100%", "100%"],
    ["percent with one hex digit kept", "%4", "%4"],
    ["raw UTF-8 bytes from a non-encoding sender", asWire("Grüße €"), "Grüße €"],
    ["mixed raw bytes and escapes", `${asWire("é")}%20x`, "é x"],
    ["characters above U+00FF are taken as themselves", "€ %E2%82%AC", "€ €"],
    ["empty", "", ""],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(percentDecode(input), expected));
  }

  const invalid: [string, string][] = [
    ["overlong encoding of space %C0%A0", "%C0%A0"],
    ["lone continuation byte", "%80"],
    ["truncated sequence", "%E2%82"],
    ["encoded surrogate (CESU-8)", "%ED%A0%80"],
    ["code point above U+10FFFF", "%F4%90%80%80"],
    ["invalid raw bytes", "\u00c0\u00a0"],
  ];
  for (const [name, input] of invalid) {
    it(`rejects ${name}`, () => {
      expectError(() => percentDecode(input), { code: CodecErrors.INVALID_ENCODING, message: "UTF-8" });
    });
  }

  it("round-trips every kind of character", () => {
    const samples = [
      "",
      "plain",
      "a b",
      '"q"',
      "100%",
      "€",
      "😀🎉",
      "\u0000\u001f\u007f",
      "日本語テキスト",
      "%41",
    ];
    for (const sample of samples) assert.equal(percentDecode(percentEncode(sample)), sample);
  });

  it("round-trips pseudo-random strings", () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const pool = [..."azAZ09 %\"\\'~!é€😀\u0000\u00a0\u2028"];
    for (let n = 0; n < 500; n++) {
      let value = "";
      const length = next() % 12;
      for (let i = 0; i < length; i++) value += pool[next() % pool.length];
      const encoded = percentEncode(value);
      assert.match(
        encoded,
        /^[\x21\x23-\x7e]*$/,
        `encoded value must be printable ASCII without quotes: ${encoded}`,
      );
      assert.equal(percentDecode(encoded), value);
    }
  });
});
