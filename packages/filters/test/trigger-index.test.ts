import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCloudEvent, type FilterSpec } from "@sluice/core";
import { createTriggerIndex, type TriggerFilterInput } from "@sluice/filters";

const event = (attributes: Record<string, string>) =>
  createCloudEvent({ specversion: "1.0", id: "1", source: "/s", type: "com.acme.a", ...attributes });

function trigger(id: string, ...filters: FilterSpec[]): TriggerFilterInput {
  return { id, filterAttributes: undefined, filters };
}

function matchIds(
  index: ReturnType<typeof createTriggerIndex>,
  attributes: Record<string, string>,
): string[] {
  const out: string[] = [];
  index.match(event(attributes), out);
  return out.sort();
}

describe("trigger index", () => {
  it("routes by exact, prefix, suffix, presence, and evaluates residual triggers", () => {
    const index = createTriggerIndex([
      trigger("exact", { exact: { type: "com.acme.a" } }),
      trigger("exact-other", { exact: { type: "com.acme.b" } }),
      trigger("prefix", { prefix: { type: "com.acme." } }),
      trigger("prefix-short", { prefix: { type: "c" } }),
      trigger("prefix-other", { prefix: { type: "org." } }),
      trigger("suffix", { suffix: { type: ".a" } }),
      trigger("suffix-other", { suffix: { type: ".b" } }),
      { id: "present", filterAttributes: { region: "" }, filters: [] },
      trigger("cesql", { cesql: "type LIKE '%.a'" }),
      trigger("not", { not: { exact: { type: "com.acme.b" } } }),
      { id: "all-events", filterAttributes: undefined, filters: [] },
    ]);
    assert.equal(index.size, 11);
    assert.deepEqual(matchIds(index, {}), [
      "all-events",
      "cesql",
      "exact",
      "not",
      "prefix",
      "prefix-short",
      "suffix",
    ]);
    assert.deepEqual(matchIds(index, { type: "com.acme.b", region: "eu" }), [
      "all-events",
      "exact-other",
      "prefix",
      "prefix-short",
      "present",
      "suffix-other",
    ]);
    assert.deepEqual(matchIds(index, { region: "" }), [
      "all-events",
      "cesql",
      "exact",
      "not",
      "prefix",
      "prefix-short",
      "suffix",
    ]);
  });

  it("reports a trigger once even when several of its indexed conditions hold", () => {
    const index = createTriggerIndex([
      trigger("t", {
        any: [{ exact: { type: "com.acme.a" } }, { prefix: { type: "com." } }, { suffix: { type: "a" } }],
      }),
    ]);
    assert.deepEqual(matchIds(index, {}), ["t"]);
    assert.deepEqual(matchIds(index, { type: "org.a" }), ["t"]);
    assert.deepEqual(matchIds(index, { type: "org.b" }), []);
  });

  it("evaluates the whole filter of a candidate, not only its indexed condition", () => {
    const index = createTriggerIndex([
      trigger("t", { exact: { type: "com.acme.a" } }, { cesql: "INT(priority) > 3" }),
    ]);
    assert.deepEqual(matchIds(index, { priority: "5" }), ["t"]);
    assert.deepEqual(matchIds(index, { priority: "1" }), []);
    assert.deepEqual(matchIds(index, {}), []);
  });

  it("appends to out without clearing it", () => {
    const index = createTriggerIndex([trigger("t", { exact: { type: "com.acme.a" } })]);
    const out = ["earlier"];
    index.match(event({}), out);
    assert.deepEqual(out, ["earlier", "t"]);
  });

  it("removes triggers, and ignores unknown ids", () => {
    const index = createTriggerIndex([
      trigger("a", { exact: { type: "com.acme.a" } }),
      trigger("b", { exact: { type: "com.acme.a" } }),
      trigger("c", { exact: { type: "com.acme.a" } }),
      trigger("p", { prefix: { type: "com.acme" } }),
    ]);
    index.remove("a");
    index.remove("nope");
    assert.equal(index.size, 3);
    assert.deepEqual(matchIds(index, {}), ["b", "c", "p"]);
    index.remove("c");
    index.remove("p");
    assert.deepEqual(matchIds(index, {}), ["b"]);
    index.remove("b");
    assert.equal(index.size, 0);
    assert.deepEqual(matchIds(index, {}), []);
    // Buckets and trie nodes were released; the index works as new.
    index.add(trigger("p2", { prefix: { type: "com.acme.a" } }));
    assert.deepEqual(matchIds(index, {}), ["p2"]);
  });

  it("add with a known id replaces the trigger", () => {
    const index = createTriggerIndex([trigger("t", { exact: { type: "com.acme.a" } })]);
    index.add(trigger("t", { exact: { type: "com.acme.b" } }));
    assert.equal(index.size, 1);
    assert.deepEqual(matchIds(index, {}), []);
    assert.deepEqual(matchIds(index, { type: "com.acme.b" }), ["t"]);
  });

  it("prefers a selective condition over specversion", () => {
    // Both conditions are necessary; either way the result is the same, only the cost differs.
    const index = createTriggerIndex([
      trigger("t", { exact: { specversion: "1.0" } }, { exact: { type: "com.acme.a" } }),
    ]);
    assert.deepEqual(matchIds(index, {}), ["t"]);
    assert.deepEqual(matchIds(index, { type: "x" }), []);
  });

  it("handles more indexed attributes than the event has", () => {
    const names = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"];
    const index = createTriggerIndex(names.map((name) => trigger(name, { exact: { [name]: "v" } })));
    assert.deepEqual(matchIds(index, { a3: "v", a7: "w" }), ["a3"]);
  });

  it("matches many triggers on one bucket, each once", () => {
    const triggers = Array.from({ length: 500 }, (_, i) => trigger(`t${i}`, { prefix: { type: "com." } }));
    const index = createTriggerIndex(triggers);
    const ids = matchIds(index, {});
    assert.equal(ids.length, 500);
    assert.equal(new Set(ids).size, 500);
  });

  it("finds every one of thousands of exact triggers through reloads (the large-map key filter)", () => {
    const type = (i: number) => `com.acme.svc${i}.created`;
    const index = createTriggerIndex();
    for (let i = 0; i < 3_000; i++) {
      index.add(trigger(`t${i}`, { exact: { type: type(i) } }));
      // each size on the way: the filter starts, and grows, while triggers are added
      assert.deepEqual(matchIds(index, { type: type(i) }), [`t${i}`]);
    }
    for (let i = 0; i < 3_000; i += 7) assert.deepEqual(matchIds(index, { type: type(i) }), [`t${i}`]);
    assert.deepEqual(matchIds(index, { type: "com.acme.svc3000.created" }), []);
    // a reload that renames most types, then one that removes most triggers
    for (let i = 0; i < 3_000; i++)
      if (i % 10 !== 0) index.add(trigger(`t${i}`, { exact: { type: `${type(i)}.v2` } }));
    for (let i = 0; i < 3_000; i += 9) {
      const expected = i % 10 === 0 ? type(i) : `${type(i)}.v2`;
      assert.deepEqual(matchIds(index, { type: expected }), [`t${i}`]);
      if (i % 10 !== 0) assert.deepEqual(matchIds(index, { type: type(i) }), []);
    }
    for (let i = 0; i < 3_000; i++) if (i % 100 !== 0) index.remove(`t${i}`);
    assert.equal(index.size, 30);
    for (let i = 0; i < 3_000; i += 100) assert.deepEqual(matchIds(index, { type: type(i) }), [`t${i}`]);
  });
});
