import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ManifestErrors } from "@sluice/manifests";
import { semanticCases } from "./code-cases-semantics.js";
import { structureCases } from "./code-cases-structure.js";
import { brief, dump, load } from "./helpers.js";

const E = ManifestErrors;

// Each case: a manifest with one problem and the diagnostic it must produce, at the offending key
// or value.
const cases = [...structureCases, ...semanticCases];

describe("every diagnostic code, at the offending key or value", () => {
  for (const c of cases) {
    it(`${c.code}: ${c.name}`, () => {
      const result = load(c.yaml, c.options);
      const match = result.diagnostics.find((d) => brief(d) === c.expect);
      assert.ok(match, `expected "${c.expect}" in:\n${dump(result)}`);
      if (c.hint !== undefined) assert.match(match.hint ?? "", c.hint);
      if (c.expect.startsWith("error")) assert.equal(result.resources, undefined);
    });
  }

  // READ_FAILED and NO_MANIFESTS come from the file system: see files.test.ts.
  const fileCodes = new Set<string>([E.READ_FAILED, E.NO_MANIFESTS]);

  it("covers every code of ManifestErrors", () => {
    const covered = new Set(cases.map((c) => c.code));
    const missing = Object.values(E).filter((code) => !covered.has(code) && !fileCodes.has(code));
    assert.deepEqual(missing, []);
  });

  it("documents every code in the README and docs/manifests.md", () => {
    const root = process.env.SLUICE_REPO_ROOT ?? join(import.meta.dirname, "../../..");
    const readme = readFileSync(join(root, "packages/manifests/README.md"), "utf8");
    const reference = readFileSync(join(root, "docs/manifests.md"), "utf8");
    for (const code of Object.values(E)) {
      assert.ok(readme.includes(code), `${code} missing from packages/manifests/README.md`);
      assert.ok(reference.includes(code), `${code} missing from docs/manifests.md`);
    }
  });
});
