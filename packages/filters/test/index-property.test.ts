// Property: for random trigger sets (every dialect, nesting, legacy filters, missing attributes)
// and random events, the index returns exactly the triggers whose compiled filter matches when
// evaluated one by one, and explainFilter agrees with both. Seeded, so a failure replays.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CloudEvent, FilterSpec } from "@sluice/core";
import { compileFilter, createTriggerIndex, explainFilter, type TriggerFilterInput } from "@sluice/filters";
import { prng } from "@sluice/testing";

class Gen {
  readonly #random: () => number;
  constructor(seed: number) {
    this.#random = prng(seed);
  }
  chance(p: number): boolean {
    return this.#random() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  /** Short strings over a tiny alphabet, so prefixes, suffixes and equalities collide often. */
  text(min: number, max: number): string {
    let s = "";
    for (let n = this.int(min, max); n > 0; n--) s += this.pick(["a", "b", ".", "é", "_", "%"]);
    return s;
  }
}

const NAMES = ["type", "source", "subject", "region", "tier", "specversion"];

function attributeMap(g: Gen, allowEmpty: boolean): Record<string, string> {
  const map: Record<string, string> = {};
  for (let n = g.int(1, 2); n > 0; n--) map[g.pick(NAMES)] = allowEmpty && g.chance(0.3) ? "" : g.text(1, 3);
  return map;
}

function cesql(g: Gen, depth = 0): string {
  const name = g.pick(NAMES);
  const value = g.text(0, 2);
  const other = g.text(1, 2);
  const simple = [
    `${name} = '${value}'`,
    `'${value}' = ${name}`,
    `${name} <> '${value}'`,
    `${name} LIKE '${value}%'`,
    `${name} LIKE '%${value}'`,
    `${name} LIKE '${value}'`,
    `${name} LIKE '${value}_${other}'`,
    `${name} LIKE '${value}%${other}'`,
    `${name} LIKE '${value}\\%${other}%'`,
    `${name} NOT LIKE '${value}%'`,
    `${name} IN ('${value}', '${other}')`,
    `${name} NOT IN ('${value}')`,
    `${name} IN ('${value}', 1)`,
    `${name} = 1`,
    `LOWER(${name}) = '${value}'`,
    `EXISTS ${name}`,
    `NOT EXISTS ${name}`,
    `NOT (${name} = '${value}')`,
    "TRUE",
    "FALSE",
  ];
  if (depth >= 2 || g.chance(0.5)) return g.pick(simple);
  const op = g.pick(["AND", "OR", "XOR", "AND NOT"]);
  return `(${cesql(g, depth + 1)}) ${op} (${cesql(g, depth + 1)})`;
}

function spec(g: Gen, depth: number): FilterSpec {
  const kind =
    depth >= 3
      ? g.pick(["exact", "prefix", "suffix", "cesql"])
      : g.pick(["exact", "exact", "prefix", "suffix", "cesql", "all", "any", "not"]);
  switch (kind) {
    case "exact":
      return { exact: attributeMap(g, false) };
    case "prefix":
      return { prefix: attributeMap(g, false) };
    case "suffix":
      return { suffix: attributeMap(g, false) };
    case "cesql":
      return { cesql: cesql(g) };
    case "not":
      return { not: spec(g, depth + 1) };
    default: {
      const children = Array.from({ length: g.int(1, 3) }, () => spec(g, depth + 1));
      return kind === "all" ? { all: children } : { any: children };
    }
  }
}

function trigger(g: Gen, id: string): TriggerFilterInput {
  const shape = g.int(0, 9);
  const legacy = shape <= 3 || shape === 9 ? attributeMap(g, true) : shape === 4 ? {} : undefined;
  const filters = shape >= 5 ? Array.from({ length: g.int(1, 3) }, () => spec(g, 1)) : [];
  return { id, filterAttributes: legacy, filters };
}

function event(g: Gen): CloudEvent {
  const attributes = new Map<string, string>([["id", "x"]]);
  for (const name of NAMES) {
    // Required attributes are usually present; any attribute may be missing or empty.
    if (g.chance(name === "type" || name === "source" || name === "specversion" ? 0.9 : 0.5)) {
      attributes.set(name, g.chance(0.1) ? "" : g.text(1, 5));
    }
  }
  return { attributes, data: undefined };
}

function expected(triggers: ReadonlyMap<string, TriggerFilterInput>, e: CloudEvent): string[] {
  const ids: string[] = [];
  for (const [id, t] of triggers) if (compileFilter(t).matches(e)) ids.push(id);
  return ids.sort();
}

describe("index property: same result as evaluating every trigger", () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`seed ${seed}`, () => {
      const g = new Gen(seed);
      const live = new Map<string, TriggerFilterInput>();
      for (let i = 0; i < 40; i++) live.set(`t${i}`, trigger(g, `t${i}`));
      const index = createTriggerIndex([...live.values()]);
      let next = live.size;
      let matched = 0;
      for (let round = 0; round < 120; round++) {
        // Reloads between events: add, replace or remove a trigger.
        if (g.chance(0.3)) {
          const action = g.int(0, 2);
          const known = [...live.keys()];
          if (action === 0 || known.length === 0) {
            const t = trigger(g, `t${next++}`);
            live.set(t.id, t);
            index.add(t);
          } else if (action === 1) {
            const t = trigger(g, g.pick(known));
            live.set(t.id, t);
            index.add(t);
          } else {
            const id = g.pick(known);
            live.delete(id);
            index.remove(id);
          }
        }
        const e = event(g);
        const out: string[] = [];
        index.match(e, out);
        const want = expected(live, e);
        assert.deepEqual(
          out.slice().sort(),
          want,
          `seed ${seed} round ${round}: ${JSON.stringify([...e.attributes])}`,
        );
        assert.equal(index.size, live.size);
        matched += want.length;
        if (round % 10 === 0) {
          for (const t of live.values()) {
            assert.equal(explainFilter(t, e).matched, want.includes(t.id), `explain of ${JSON.stringify(t)}`);
          }
        }
      }
      // The generator must produce matches, or the property would hold vacuously.
      assert.ok(matched > 0, "some events matched some triggers");
    });
  }
});

describe("index property: prefix and suffix trees under churn", () => {
  // Long keys over two letters share heads and tails, so edges split and re-join all the time.
  const key = (g: Gen, min: number, max: number) => {
    let s = "";
    for (let n = g.int(min, max); n > 0; n--) s += g.pick(["a", "b"]);
    return s;
  };
  for (let seed = 100; seed < 110; seed++) {
    it(`seed ${seed}`, () => {
      const g = new Gen(seed);
      const live = new Map<string, TriggerFilterInput>();
      const index = createTriggerIndex();
      let matched = 0;
      for (let step = 0; step < 600; step++) {
        const id = `t${g.int(0, 60)}`;
        if (g.chance(0.35)) {
          live.delete(id);
          index.remove(id);
        } else {
          const dialect = g.pick(["prefix", "suffix", "prefix", "suffix", "exact"] as const);
          const t: TriggerFilterInput = {
            id,
            filterAttributes: undefined,
            filters: [{ [dialect]: { subject: key(g, 1, 7) } } as unknown as FilterSpec],
          };
          live.set(id, t);
          index.add(t);
        }
        const e: CloudEvent = { attributes: new Map([["subject", key(g, 0, 9)]]), data: undefined };
        const out: string[] = [];
        index.match(e, out);
        const want = expected(live, e);
        assert.deepEqual(
          out.slice().sort(),
          want,
          `seed ${seed} step ${step}: ${e.attributes.get("subject")}`,
        );
        matched += want.length;
      }
      assert.ok(matched > 0);
    });
  }
});
