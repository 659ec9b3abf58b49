import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { nodeFileSystem as fsys, INLINE_WRITE_MAX } from "../src/file-system.js";
import { tempDir } from "./helpers.js";

describe("nodeFileSystem.write", () => {
  for (const [name, size] of [
    ["a small write (made inline)", 1000],
    ["a write just above the inline bound (made in the thread pool)", INLINE_WRITE_MAX + 1],
  ] as const) {
    it(`${name}: lands at its position and resolves with its length`, async () => {
      const path = join(tempDir("fs-write"), "f");
      const fd = await fsys.open(path, "w+");
      try {
        const data = Buffer.alloc(size + 10);
        for (let i = 0; i < data.length; i++) data[i] = i % 251;
        await fsys.write(fd, new Uint8Array(3).fill(9), 0, 3, 0);
        const n = await fsys.write(fd, data, 10, size, 3);
        assert.equal(n, size);
        const back = readFileSync(path);
        assert.equal(back.length, size + 3);
        assert.deepEqual([...back.subarray(0, 3)], [9, 9, 9]);
        assert.ok(back.subarray(3).equals(data.subarray(10, 10 + size)));
      } finally {
        await fsys.close(fd);
      }
    });

    it(`${name}: a failure rejects the promise, it never throws`, async () => {
      const fd = await fsys.open(join(tempDir("fs-write-fail"), "f"), "w");
      await fsys.close(fd);
      let returned: Promise<number> | undefined;
      assert.doesNotThrow(() => {
        returned = fsys.write(fd, Buffer.alloc(size), 0, size, 0);
      });
      await assert.rejects(returned as Promise<number>, { code: "EBADF" });
    });
  }
});
