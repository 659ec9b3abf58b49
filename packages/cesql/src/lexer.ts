import { CesqlError, locate } from "./errors.js";

export type TokenKind = "int" | "word" | "string" | "op" | "(" | ")" | "," | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The source slice of the token. */
  readonly text: string;
  /** For a string: its value with escapes resolved. For the rest: `text`. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const SPACE = new Set([0x20, 0x09, 0x0d, 0x0a]);
const TWO_CHAR_OPS = new Set(["!=", "<>", "<=", ">="]);
const ONE_CHAR_OPS = new Set(["=", "<", ">", "+", "-", "*", "/", "%"]);

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function parseError(text: string, position: number, message: string): CesqlError {
  return new CesqlError("parse", message, { location: locate(text, position) });
}

/**
 * Reads a quoted string starting at `start` (§2.2). Inside `'...'` the sequence `\'` stands for
 * `'`, inside `"..."` the sequence `\"` for `"`. A backslash always pairs with the character after
 * it, so `'a\\'` ends at its last quote; pairs other than the escaped quote are kept as written
 * (the spec defines no other escape, and LIKE gives `\%` and `\_` their meaning, §3.4.3).
 */
function readString(text: string, start: number): Token {
  const quote = text.charCodeAt(start);
  let value = "";
  let chunk = start + 1;
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === quote) {
      value += text.slice(chunk, i);
      return { kind: "string", text: text.slice(start, i + 1), value, start, end: i + 1 };
    }
    if (c === 0x5c && i + 1 < text.length) {
      if (text.charCodeAt(i + 1) === quote) {
        value += text.slice(chunk, i);
        chunk = i + 1;
      }
      i += 2;
      continue;
    }
    i++;
  }
  throw parseError(text, start, "unterminated string literal");
}

function readWord(text: string, start: number): Token {
  let i = start;
  let digitsOnly = true;
  while (i < text.length && isWordChar(text.charCodeAt(i))) {
    if (!isDigit(text.charCodeAt(i))) digitsOnly = false;
    i++;
  }
  const slice = text.slice(start, i);
  // A digit run followed by letters is an identifier: CloudEvents names may start with a digit.
  return { kind: digitsOnly ? "int" : "word", text: slice, value: slice, start, end: i };
}

function readPunctuation(text: string, start: number): Token {
  const two = text.slice(start, start + 2);
  if (TWO_CHAR_OPS.has(two)) return { kind: "op", text: two, value: two, start, end: start + 2 };
  const one = text[start]!;
  if (ONE_CHAR_OPS.has(one)) return { kind: "op", text: one, value: one, start, end: start + 1 };
  if (one === "(" || one === ")" || one === ",") {
    return { kind: one, text: one, value: one, start, end: start + 1 };
  }
  const shown = String.fromCodePoint(text.codePointAt(start)!);
  throw parseError(text, start, `unexpected character '${shown}'`);
}

/** Splits an expression into tokens; whitespace is space, tab, CR and LF, as in the CESQL grammar. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (SPACE.has(c)) {
      i++;
      continue;
    }
    const token =
      c === 0x27 || c === 0x22
        ? readString(text, i)
        : isWordChar(c)
          ? readWord(text, i)
          : readPunctuation(text, i);
    tokens.push(token);
    i = token.end;
  }
  tokens.push({ kind: "eof", text: "", value: "", start: text.length, end: text.length });
  return tokens;
}
