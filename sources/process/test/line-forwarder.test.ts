import assert from "node:assert/strict";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { it } from "node:test";
import { forwardLines, MAX_LINE_LENGTH } from "../src/index.js";

async function linesOf(chunks: (string | Buffer)[]): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  forwardLines(stream, (line) => lines.push(line));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await once(stream, "end");
  return lines;
}

it("splits on newlines across chunks, drops empty lines and \\r, keeps a last partial line", async () => {
  assert.deepEqual(await linesOf(["a\nb", "c\r\n\n", "d"]), ["a", "bc", "d"]);
});

it("keeps multi-byte characters split across chunks whole", async () => {
  const bytes = Buffer.from("héllo 東京\n");
  assert.deepEqual(await linesOf([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]), [
    "héllo 東京",
  ]);
});

it("cuts lines longer than the limit into pieces without holding them", async () => {
  const long = "x".repeat(MAX_LINE_LENGTH * 2 + 5);
  const lines = await linesOf([long.slice(0, 20_000), long.slice(20_000), "\nend\n"]);
  assert.deepEqual(
    lines.map((l) => l.length),
    [MAX_LINE_LENGTH, MAX_LINE_LENGTH, 5, 3],
  );
});
