import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isMap, isScalar, LineCounter, parseDocument, type Scalar } from "yaml";
import { createDocumentLocator, mapScalarOffset } from "../src/yaml-locator.js";

function scalarOf(text: string): Scalar {
  const doc = parseDocument(text);
  const contents = doc.contents;
  assert.ok(isMap(contents));
  const value = contents.items[0]?.value;
  assert.ok(isScalar(value));
  return value;
}

/** The source character that the value's "X" maps to (undefined when it cannot be mapped). */
function xAt(text: string): string | undefined {
  const scalar = scalarOf(text);
  const offset = String(scalar.value).indexOf("X");
  assert.ok(offset >= 0);
  const at = mapScalarOffset(scalar, text, offset);
  return at === undefined ? undefined : text[at];
}

describe("mapScalarOffset", () => {
  it("maps plain, quoted and block-literal values exactly", () => {
    for (const text of [
      "k: type = 'X'\n",
      "k: \"type = 'X'\"\n",
      "k: 'a = ''b'' X'\n",
      'k: "a \\"b\\" \\t X"\n',
      "k: |\n  line one\n  an X here\n",
      "k: |-\n\n    first\n      indented X\n",
    ]) {
      assert.equal(xAt(text), "X", text);
    }
  });

  it("gives up where the mapping is not exact", () => {
    for (const text of ["k: >\n  folded\n  X\n", 'k: "\\u0041 X"\n', "k: plain\n  continued X\n"]) {
      assert.equal(xAt(text), undefined, text);
    }
  });
});

describe("createDocumentLocator", () => {
  const text = "a:\n  b: [1, {c: x}]\n  d:\n    - e\n";
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  let trees = 0;
  const locator = createDocumentLocator(
    "f.yaml",
    text,
    () => {
      trees += 1;
      return doc;
    },
    lines,
    doc.contents?.range?.[0] ?? 0,
  );

  it("places the document itself without its syntax tree (the loader drops trees after conversion)", () => {
    const before = trees;
    assert.deepEqual(locator.position(""), { line: 1, column: 1 });
    assert.deepEqual(locator.position("", "key"), { line: 1, column: 1 });
    assert.equal(trees, before);
    locator.position("/a/b");
    assert.equal(trees, before + 1, "a position inside the document asks for the tree");
  });

  it("points at values, at keys, and at the deepest existing node for missing ones", () => {
    assert.deepEqual(locator.position("/a/b/1/c"), { line: 2, column: 14 });
    assert.deepEqual(locator.position("/a/b/1/c", "key"), { line: 2, column: 11 });
    assert.deepEqual(locator.position("/a/d"), { line: 3, column: 3 }, "a block list: its key");
    assert.deepEqual(locator.position("/a/d/0"), { line: 4, column: 7 });
    assert.deepEqual(locator.position("/a/missing/deeper"), { line: 1, column: 1 });
    assert.equal(locator.raw("/a/b/0"), "1");
  });
});
