// The index's defining property, counted rather than timed: the work match() does for an event
// (attribute reads on the event, filters evaluated) depends on the event and on the triggers it
// is a candidate for, not on how many other triggers the broker has. Timings vary with machines
// and CPU caches (bench/micro/matcher.ts measures them); these counts do not.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CloudEvent, FilterSpec } from "@sluice/core";
import { createTriggerIndex, type TriggerFilterInput } from "@sluice/filters";

/** An attributes map that counts every read made through it. */
class CountingAttributes extends Map<string, string> {
  reads = 0;
  override get(name: string): string | undefined {
    this.reads += 1;
    return super.get(name);
  }
  override has(name: string): boolean {
    this.reads += 1;
    return super.has(name);
  }
  override forEach(visit: (value: string, name: string, map: Map<string, string>) => void): void {
    super.forEach((value, name, map) => {
      this.reads += 1;
      visit(value, name, map);
    });
  }
  override entries(): MapIterator<[string, string]> {
    this.reads += this.size;
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

/** The matcher benchmark's mix: exact type, prefix source, exact type+subject, CESQL. */
function filterOf(i: number): FilterSpec {
  switch (i % 10) {
    case 6:
    case 7:
      return { prefix: { source: `/acme/svc${i}/` } };
    case 8:
      return { exact: { type: `com.acme.svc${i}.updated`, subject: `item-${i}` } };
    case 9:
      return { cesql: `type LIKE 'com.acme.svc${i}.%' AND INT(priority) > 3` };
    default:
      return { exact: { type: `com.acme.svc${i}.created` } };
  }
}

const triggers = (n: number): TriggerFilterInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${i}`, filterAttributes: undefined, filters: [filterOf(i)] }));

function event(overrides: Record<string, string>): CountingAttributes {
  return new CountingAttributes(
    Object.entries({
      specversion: "1.0",
      id: "e1",
      source: "/acme/noise/42",
      type: "com.acme.noise42.created",
      subject: "item-noise",
      priority: "5",
      ...overrides,
    }),
  );
}

/** Events that look like the triggers' (same names, same heads) and match none, or match trigger 3 (of every kind). */
const probes: Record<string, () => CountingAttributes> = {
  "look-alike": () => event({}),
  "near prefix": () => event({ source: "/acme/svc7x/orders" }),
  "exact t3": () => event({ type: "com.acme.svc3.created" }),
  "prefix t6": () => event({ source: "/acme/svc6/orders/1" }),
  "multi t8": () => event({ type: "com.acme.svc8.updated", subject: "item-8" }),
  "cesql t9": () => event({ type: "com.acme.svc9.shipped" }),
};

/** Attribute reads and matches of one match() call. */
function work(index: ReturnType<typeof createTriggerIndex>, attributes: CountingAttributes) {
  const out: string[] = [];
  index.match({ attributes, data: undefined } satisfies CloudEvent, out);
  return { reads: attributes.reads, matched: out.sort() };
}

describe("trigger index work per event", () => {
  it("reads the same attributes whether the broker has 10 or 10,000 triggers", () => {
    const small = createTriggerIndex(triggers(10));
    const large = createTriggerIndex(triggers(10_000));
    for (const [name, probe] of Object.entries(probes)) {
      const a = work(small, probe());
      const b = work(large, probe());
      assert.deepEqual(b.matched, a.matched, name);
      assert.equal(
        b.reads,
        a.reads,
        `${name}: ${a.reads} attribute reads with 10 triggers, ${b.reads} with 10,000`,
      );
      assert.ok(a.reads <= 8, `${name}: ${a.reads} reads`);
    }
    assert.deepEqual(work(large, probes["cesql t9"]!()).matched, ["t9"]);
    assert.deepEqual(work(large, probes["look-alike"]!()).matched, []);
  });

  it("counts the reads a one-by-one evaluation makes (so the counter would see a scan)", () => {
    // The same 10,000 triggers, each in an index of its own: a broker without an index.
    const alone = triggers(10_000).map((t) => createTriggerIndex([t]));
    const attributes = probes["look-alike"]!();
    for (const index of alone) index.match({ attributes, data: undefined }, []);
    assert.ok(attributes.reads >= 10_000, `${attributes.reads} reads`);
  });
});
