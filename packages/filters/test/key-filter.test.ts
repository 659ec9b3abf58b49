// The trigger index reads a KeyFilter before each large exact-match Map: a false negative there
// would silently drop a matching trigger, so it is checked against a Set through growth, removal
// and rebuilds; a filter that lets everything through would cost nothing in correctness, so its
// false-positive rate is checked too.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { prng } from "@sluice/testing";
import { KeyFilter, MIN_KEYS } from "../src/key-filter.js";

function harness() {
  const keys = new Set<string>();
  const filter = new KeyFilter(() => keys.keys());
  return {
    filter,
    keys,
    add(key: string) {
      if (keys.has(key)) return;
      keys.add(key);
      filter.added(key);
    },
    remove(key: string) {
      if (!keys.delete(key)) return;
      filter.removed();
    },
    assertNoFalseNegative(step: string) {
      for (const key of keys) assert.ok(filter.mayHave(key), `${step}: lost key ${JSON.stringify(key)}`);
    },
    falsePositiveRate(probes: readonly string[]) {
      const absent = probes.filter((p) => !keys.has(p));
      return absent.filter((p) => filter.mayHave(p)).length / absent.length;
    },
  };
}

const probes = Array.from({ length: 20_000 }, (_, i) => `com.acme.absent${i}.created`);

describe("key filter", () => {
  it("answers maybe for everything while the set is small enough to stay cached", () => {
    const h = harness();
    for (let i = 0; i < MIN_KEYS - 1; i++) h.add(`k${i}`);
    assert.equal(h.falsePositiveRate(probes), 1);
  });

  it("never loses a key through growth, removals and rebuilds, and rules out most non-keys", () => {
    const random = prng(7);
    const h = harness();
    const key = (i: number) => `com.acme.svc${i}.created`;
    for (let i = 0; i < 8_000; i++) h.add(key(i));
    h.assertNoFalseNegative("after 8,000 adds");
    const full = h.falsePositiveRate(probes);
    assert.ok(full < 0.15, `false positives at 8,000 keys: ${full}`);
    // remove most keys in random order (each removal leaves a stale bit until a rebuild)
    for (let n = 0; n < 7_700; n++) h.remove(key(Math.floor(random() * 8_000)));
    h.assertNoFalseNegative("after random removals");
    for (let i = 0; i < 8_000; i += 3) h.remove(key(i));
    h.assertNoFalseNegative("after removing every third");
    const thinned = h.falsePositiveRate(probes);
    assert.ok(thinned < 0.15, `false positives after removals: ${thinned} with ${h.keys.size} keys`);
    for (let i = 8_000; i < 12_000; i++) h.add(key(i));
    h.assertNoFalseNegative("after growing again");
    for (let i = 0; i < 12_000; i++) h.remove(key(i));
    assert.equal(h.keys.size, 0);
    h.add("last");
    assert.ok(h.filter.mayHave("last"));
  });

  it("keeps ruling out non-keys while keys come and go (triggers renamed on every reload)", () => {
    const h = harness();
    const key = (i: number) => `com.acme.gen${i}.created`;
    for (let i = 0; i < 1_000; i++) h.add(key(i));
    for (let i = 1_000; i < 60_000; i++) {
      h.add(key(i));
      h.remove(key(i - 1_000));
    }
    h.assertNoFalseNegative("after churn");
    const rate = h.falsePositiveRate(probes);
    assert.ok(rate < 0.15, `false positives after 59,000 replaced keys: ${rate}`);
  });

  it("tells apart long values that differ near their ends, and never loses one that differs only in the middle", () => {
    const h = harness();
    const head = "x".repeat(40);
    const tail = "y".repeat(40);
    for (let i = 0; i < 2_000; i++) h.add(`${head}${i}${tail}`);
    for (let i = 0; i < 2_000; i++) h.add(`${head}${tail}${i}`);
    h.assertNoFalseNegative("long keys");
    const endProbes = Array.from({ length: 5_000 }, (_, i) => `${head}${tail}absent${i}`);
    assert.ok(h.falsePositiveRate(endProbes) < 0.15);
    // same length, differing only in the middle: the same hash, so both are kept by one bit
    h.add(`${head}middle-a${tail}`);
    h.add(`${head}middle-b${tail}`);
    h.remove(`${head}middle-a${tail}`);
    h.assertNoFalseNegative("after removing a key that shares its hash");
  });

  it("hashes code units, so non-Latin-1 keys and keys with lone surrogates are kept", () => {
    const h = harness();
    for (let i = 0; i < 1_000; i++) h.add(`événement.${i}.💡${String.fromCharCode(0xd800 + (i % 64))}`);
    h.assertNoFalseNegative("non-ASCII keys");
  });
});
