import type { Readable } from "node:stream";

/** Lines longer than this are logged in pieces, so a child without newlines cannot grow memory. */
export const MAX_LINE_LENGTH = 16_384;

/**
 * Reads `stream` as UTF-8 text and calls `line` once per non-empty line (without the newline; "\r\n" is
 * one), in pieces of at most MAX_LINE_LENGTH characters; a last line without a newline is given at
 * the end of the stream.
 */
export function forwardLines(stream: Readable, line: (text: string) => void): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      emit(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
    while (pending.length >= MAX_LINE_LENGTH) {
      line(pending.slice(0, MAX_LINE_LENGTH));
      pending = pending.slice(MAX_LINE_LENGTH);
    }
  });
  stream.on("end", () => {
    if (pending !== "") emit(pending);
    pending = "";
  });

  function emit(text: string): void {
    const trimmed = text.endsWith("\r") ? text.slice(0, -1) : text;
    for (let i = 0; i < trimmed.length; i += MAX_LINE_LENGTH) line(trimmed.slice(i, i + MAX_LINE_LENGTH));
  }
}
