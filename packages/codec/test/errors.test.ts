import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CodecErrors } from "../src/index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("CodecErrors", () => {
  it("is frozen and every code follows SLUICE_ERR_CODEC_<WHAT>", () => {
    assert.ok(Object.isFrozen(CodecErrors));
    for (const [key, code] of Object.entries(CodecErrors)) assert.equal(code, `SLUICE_ERR_CODEC_${key}`);
  });

  it("lists every code in the README, and no code that does not exist", () => {
    for (const code of Object.values(CodecErrors)) assert.ok(readme.includes(code), `README lacks ${code}`);
    const mentioned = new Set(readme.match(/SLUICE_ERR_CODEC_[A-Z_]+/g));
    const known = new Set<string>(Object.values(CodecErrors));
    for (const code of mentioned) assert.ok(known.has(code), `README names unknown code ${code}`);
  });
});
