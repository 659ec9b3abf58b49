import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCloudEvent, type FilterSpec } from "@sluice/core";
import { explainFilter } from "@sluice/filters";

const event = createCloudEvent({
  specversion: "1.0",
  id: "1",
  source: "/orders",
  type: "org.x",
  priority: "high",
});

interface Case {
  readonly name: string;
  readonly filters?: readonly FilterSpec[];
  readonly attributes?: Readonly<Record<string, string>>;
  readonly matched: boolean;
  readonly clause: string;
  /** Lines that must appear among the details, in this order. */
  readonly details?: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: "no filter",
    matched: true,
    clause: "no filter: matches every event",
    details: ["no filter: matches every event"],
  },
  {
    name: "missing legacy attribute",
    attributes: { source: "", region: "eu" },
    matched: false,
    clause: "filter.attributes.region: attribute is missing",
    details: [
      'filter.attributes.source: present with "/orders"',
      "filter.attributes.region: attribute is missing",
    ],
  },
  {
    name: "legacy mismatch",
    attributes: { type: "com.acme.a" },
    matched: false,
    clause: 'filter.attributes.type: "org.x" is not "com.acme.a"',
  },
  {
    name: "legacy match",
    attributes: { type: "org.x", source: "/orders" },
    matched: true,
    clause: "filter.attributes: all 2 attributes match",
  },
  {
    name: "prefix inside any",
    filters: [{ exact: { source: "/orders" } }, { any: [{ prefix: { type: "com.acme." } }] }],
    matched: false,
    clause: 'filters[1].any[0].prefix.type: "com.acme." is not a prefix of "org.x"',
    details: [
      "filters: all of 2 (AND)",
      '  filters[0].exact.source: "/orders" equals "/orders"',
      "  filters[1].any: any of 1 (OR)",
      '    filters[1].any[0].prefix.type: "com.acme." is not a prefix of "org.x"',
    ],
  },
  {
    name: "any with several alternatives",
    filters: [{ any: [{ suffix: { type: ".y" } }, { exact: { region: "eu" } }] }],
    matched: false,
    clause: "filters[0].any: none of the 2 alternatives matches",
    details: [
      '  filters[0].any[0].suffix.type: ".y" is not a suffix of "org.x"',
      "  filters[0].any[1].exact.region: attribute is missing",
    ],
  },
  {
    name: "not of a match",
    filters: [{ not: { exact: { type: "org.x" } } }],
    matched: false,
    clause: 'filters[0].not: the negated filter matches (filters[0].not.exact.type: "org.x" equals "org.x")',
  },
  {
    name: "not of a missing attribute",
    filters: [{ not: { exact: { region: "eu" } } }],
    matched: true,
    clause:
      "filters[0].not: the negated filter does not match (filters[0].not.exact.region: attribute is missing)",
  },
  {
    name: "filters override the legacy filter",
    attributes: { type: "nope" },
    filters: [{ suffix: { type: ".x" } }],
    matched: true,
    clause: 'filters[0].suffix.type: ".x" is a suffix of "org.x"',
    details: [
      "filter.attributes: ignored, because filters is not empty",
      'filters[0].suffix.type: ".x" is a suffix of "org.x"',
    ],
  },
  {
    name: "cesql false, with its sub-expressions",
    filters: [{ cesql: "type LIKE 'com.acme.%' AND source = '/orders'" }],
    matched: false,
    clause: `filters[0].cesql: "type LIKE 'com.acme.%' AND source = '/orders'" is false`,
    details: [
      `filters[0].cesql: "type LIKE 'com.acme.%' AND source = '/orders'"`,
      "  type LIKE 'com.acme.%' AND source = '/orders' -> false",
      "    type LIKE 'com.acme.%' -> false",
    ],
  },
  {
    name: "cesql evaluation error",
    filters: [{ cesql: "INT(priority) > 3" }],
    matched: false,
    clause: "filters[0].cesql: evaluation error:",
  },
];

describe("explainFilter", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const explanation = explainFilter({ filterAttributes: c.attributes, filters: c.filters ?? [] }, event);
      assert.equal(explanation.matched, c.matched);
      assert.ok(
        explanation.clause.startsWith(c.clause),
        `clause ${JSON.stringify(explanation.clause)} should start with ${JSON.stringify(c.clause)}`,
      );
      let from = 0;
      for (const line of c.details ?? []) {
        const at = explanation.details.indexOf(line, from);
        assert.ok(at >= 0, `missing detail ${JSON.stringify(line)} in\n${explanation.details.join("\n")}`);
        from = at + 1;
      }
    });
  }

  it("shows CESQL evaluation errors among the details", () => {
    const explanation = explainFilter(
      { filterAttributes: undefined, filters: [{ cesql: "INT(priority) > 3" }] },
      event,
    );
    assert.ok(explanation.clause.includes("(cast)"), explanation.clause);
    assert.ok(
      explanation.details.some((line) => /^\s+error: .*\(cast\)$/.test(line)),
      explanation.details.join("\n"),
    );
    assert.ok(
      explanation.details.some((line) => line.trim() === "INT(priority) -> 0"),
      explanation.details.join("\n"),
    );
  });

  it("reports a missing attribute read by CESQL", () => {
    const explanation = explainFilter(
      { filterAttributes: undefined, filters: [{ cesql: "region = 'eu'" }] },
      event,
    );
    assert.equal(explanation.matched, false);
    assert.ok(explanation.clause.includes("(missingAttribute)"), explanation.clause);
  });
});
