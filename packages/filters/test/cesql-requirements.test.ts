// What the index learns from a CESQL expression's syntax: each row is an expression and the
// requirements (a conjunction of disjunctions of atoms) it yields. Soundness on random expressions
// is the index property test's job; this table pins down which shapes are indexed at all.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "@sluice/cesql";
import { cesqlRequirements } from "../src/cesql-requirements.js";

const exact = (attribute: string, value: string) => `${attribute}=${value}`;
const prefix = (attribute: string, value: string) => `${attribute}^=${value}`;
const suffix = (attribute: string, value: string) => `${attribute}$=${value}`;

const CASES: readonly [string, readonly (readonly string[])[]][] = [
  ["type = 'com.acme.a'", [[exact("type", "com.acme.a")]]],
  ["'com.acme.a' = TYPE", [[exact("type", "com.acme.a")]]],
  ["type = ''", [[exact("type", "")]]],
  ["type IN ('a', 'b')", [[exact("type", "a"), exact("type", "b")]]],
  ["type LIKE 'com.acme.%'", [[prefix("type", "com.acme.")]]],
  ["type LIKE '%.created'", [[suffix("type", ".created")]]],
  ["type LIKE 'com.%.created'", [[prefix("type", "com.")], [suffix("type", ".created")]]],
  ["type LIKE 'com._'", [[prefix("type", "com.")]]],
  ["type LIKE 'exactly'", [[exact("type", "exactly")]]],
  ["type LIKE 'a\\%b%'", [[prefix("type", "a%b")]]],
  ["type LIKE 'com.acme.%' AND INT(priority) > 3", [[prefix("type", "com.acme.")]]],
  ["type = 'a' AND source = 'b'", [[exact("type", "a")], [exact("source", "b")]]],
  ["type = 'a' OR source LIKE '/x/%'", [[exact("type", "a"), prefix("source", "/x/")]]],
  ["type = 'a' XOR type = 'b'", [[exact("type", "a"), exact("type", "b")]]],
  // Not indexable: each passes for events no lookup could name.
  ["type = 'a' OR INT(priority) > 3", []],
  ["NOT (type = 'a')", []],
  ["type <> 'a'", []],
  ["type != 'a'", []],
  ["type NOT LIKE 'a%'", []],
  ["type NOT IN ('a')", []],
  ["type IN ('a', 1)", []],
  ["priority = 5", []],
  ["LOWER(type) = 'a'", []],
  ["type LIKE '%'", []],
  ["type LIKE '%a%'", []],
  ["EXISTS region", []],
  ["TRUE", []],
];

function show(requirements: ReturnType<typeof cesqlRequirements>): string[][] {
  return requirements.map((r) =>
    r.map((a) =>
      a.kind === "exact"
        ? exact(a.attribute, a.value)
        : a.kind === "prefix"
          ? prefix(a.attribute, a.value)
          : a.kind === "suffix"
            ? suffix(a.attribute, a.value)
            : `${a.attribute}?`,
    ),
  );
}

describe("CESQL requirements for the trigger index", () => {
  for (const [text, expected] of CASES) {
    it(text, () => {
      assert.deepEqual(show(cesqlRequirements(compile(text).ast)), expected);
    });
  }
});
