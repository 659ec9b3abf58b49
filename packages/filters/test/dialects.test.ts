import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCloudEvent, type FilterSpec } from "@sluice/core";
import { compileFilter, createTriggerIndex, explainFilter } from "@sluice/filters";

interface Case {
  readonly name: string;
  readonly filters?: readonly FilterSpec[];
  readonly attributes?: Readonly<Record<string, string>>;
  /** Event attributes beyond the required ones; a value of null removes a required one. */
  readonly event: Readonly<Record<string, string | null>>;
  readonly matches: boolean;
}

const BASE = { specversion: "1.0", id: "e-1", source: "/orders", type: "com.acme.order.created" };

function event(changes: Readonly<Record<string, string | null>>) {
  const attributes: Record<string, string> = { ...BASE };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete attributes[name];
    else attributes[name] = value;
  }
  return createCloudEvent(attributes);
}

/** Every case is checked three ways: compileFilter, explainFilter and a one-trigger index. */
function check(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const input = { filterAttributes: c.attributes, filters: c.filters ?? [] };
      const e = event(c.event);
      assert.equal(compileFilter(input).matches(e), c.matches, "compileFilter");
      assert.equal(explainFilter(input, e).matched, c.matches, "explainFilter");
      const out: string[] = [];
      createTriggerIndex([{ id: "t", ...input }]).match(e, out);
      assert.deepEqual(out, c.matches ? ["t"] : [], "index");
    });
  }
}

describe("legacy filter.attributes", () => {
  check([
    { name: "no filter at all matches everything", event: {}, matches: true },
    { name: "empty map matches everything", attributes: {}, event: {}, matches: true },
    { name: "exact equal", attributes: { type: "com.acme.order.created" }, event: {}, matches: true },
    { name: "exact differs", attributes: { type: "com.acme.order.deleted" }, event: {}, matches: false },
    { name: "case-sensitive", attributes: { type: "COM.acme.order.created" }, event: {}, matches: false },
    { name: "no prefix semantics", attributes: { type: "com.acme" }, event: {}, matches: false },
    {
      name: "AND over keys, all equal",
      attributes: { type: "com.acme.order.created", source: "/orders" },
      event: {},
      matches: true,
    },
    {
      name: "AND over keys, one differs",
      attributes: { type: "com.acme.order.created", source: "/other" },
      event: {},
      matches: false,
    },
    { name: "extension equal", attributes: { region: "eu" }, event: { region: "eu" }, matches: true },
    { name: "missing extension fails", attributes: { region: "eu" }, event: {}, matches: false },
    {
      name: '"" with a non-empty value passes',
      attributes: { region: "" },
      event: { region: "eu" },
      matches: true,
    },
    {
      name: '"" with an empty value fails',
      attributes: { region: "" },
      event: { region: "" },
      matches: false,
    },
    { name: '"" with a missing attribute fails', attributes: { region: "" }, event: {}, matches: false },
    { name: '"" on a required attribute passes', attributes: { source: "" }, event: {}, matches: true },
    {
      name: '"" mixed with exact',
      attributes: { region: "", type: "com.acme.order.created" },
      event: { region: "us" },
      matches: true,
    },
  ]);
});

describe("exact", () => {
  check([
    { name: "equal", filters: [{ exact: { type: "com.acme.order.created" } }], event: {}, matches: true },
    { name: "differs", filters: [{ exact: { type: "com.acme.order" } }], event: {}, matches: false },
    { name: "case-sensitive", filters: [{ exact: { source: "/Orders" } }], event: {}, matches: false },
    { name: "missing attribute fails", filters: [{ exact: { region: "eu" } }], event: {}, matches: false },
    {
      name: "several keys all equal",
      filters: [{ exact: { type: "com.acme.order.created", region: "eu" } }],
      event: { region: "eu" },
      matches: true,
    },
    {
      name: "several keys, one differs",
      filters: [{ exact: { type: "com.acme.order.created", region: "eu" } }],
      event: { region: "us" },
      matches: false,
    },
    {
      name: "several keys, one missing",
      filters: [{ exact: { type: "com.acme.order.created", region: "eu" } }],
      event: {},
      matches: false,
    },
  ]);
});

describe("prefix", () => {
  check([
    { name: "is a prefix", filters: [{ prefix: { type: "com.acme." } }], event: {}, matches: true },
    {
      name: "whole value",
      filters: [{ prefix: { type: "com.acme.order.created" } }],
      event: {},
      matches: true,
    },
    {
      name: "longer than the value",
      filters: [{ prefix: { type: "com.acme.order.created.x" } }],
      event: {},
      matches: false,
    },
    { name: "not a prefix", filters: [{ prefix: { type: "org." } }], event: {}, matches: false },
    { name: "case-sensitive", filters: [{ prefix: { type: "COM." } }], event: {}, matches: false },
    { name: "missing attribute fails", filters: [{ prefix: { subject: "a" } }], event: {}, matches: false },
    {
      name: "several keys",
      filters: [{ prefix: { type: "com.", source: "/ord" } }],
      event: {},
      matches: true,
    },
    {
      name: "several keys, one fails",
      filters: [{ prefix: { type: "com.", source: "/x" } }],
      event: {},
      matches: false,
    },
    {
      name: "non-ASCII prefix",
      filters: [{ prefix: { subject: "é" } }],
      event: { subject: "été" },
      matches: true,
    },
    {
      name: "astral prefix",
      filters: [{ prefix: { subject: "😀a" } }],
      event: { subject: "😀ab" },
      matches: true,
    },
  ]);
});

describe("suffix", () => {
  check([
    { name: "is a suffix", filters: [{ suffix: { type: ".created" } }], event: {}, matches: true },
    { name: "whole value", filters: [{ suffix: { source: "/orders" } }], event: {}, matches: true },
    { name: "not a suffix", filters: [{ suffix: { type: ".deleted" } }], event: {}, matches: false },
    {
      name: "longer than the value",
      filters: [{ suffix: { source: "x/orders" } }],
      event: {},
      matches: false,
    },
    {
      name: "missing attribute fails",
      filters: [{ suffix: { subject: ".json" } }],
      event: {},
      matches: false,
    },
    {
      name: "several keys",
      filters: [{ suffix: { type: "created", subject: ".json" } }],
      event: { subject: "a.json" },
      matches: true,
    },
    {
      name: "astral suffix",
      filters: [{ suffix: { subject: "b😀" } }],
      event: { subject: "ab😀" },
      matches: true,
    },
  ]);
});

describe("all, any, not", () => {
  const created: FilterSpec = { suffix: { type: ".created" } };
  const deleted: FilterSpec = { suffix: { type: ".deleted" } };
  check([
    {
      name: "all: every child passes",
      filters: [{ all: [created, { prefix: { type: "com." } }] }],
      event: {},
      matches: true,
    },
    { name: "all: one child fails", filters: [{ all: [created, deleted] }], event: {}, matches: false },
    { name: "all: single child", filters: [{ all: [created] }], event: {}, matches: true },
    { name: "any: one child passes", filters: [{ any: [deleted, created] }], event: {}, matches: true },
    {
      name: "any: no child passes",
      filters: [{ any: [deleted, { exact: { type: "x" } }] }],
      event: {},
      matches: false,
    },
    {
      name: "any: a missing attribute fails that branch only",
      filters: [{ any: [{ exact: { region: "eu" } }, created] }],
      event: {},
      matches: true,
    },
    { name: "not: inverts a pass", filters: [{ not: created }], event: {}, matches: false },
    { name: "not: inverts a fail", filters: [{ not: deleted }], event: {}, matches: true },
    {
      name: "not: of a missing attribute passes (as Knative's notFilter)",
      filters: [{ not: { exact: { region: "eu" } } }],
      event: {},
      matches: true,
    },
    { name: "not not", filters: [{ not: { not: created } }], event: {}, matches: true },
    {
      name: "all inside any inside all",
      filters: [
        { all: [{ any: [{ all: [created, { exact: { source: "/orders" } }] }, deleted] }, { not: deleted }] },
      ],
      event: {},
      matches: true,
    },
    {
      name: "any of nots",
      filters: [{ any: [{ not: created }, { not: { prefix: { type: "com." } } }] }],
      event: {},
      matches: false,
    },
    {
      name: "the Knative example: all of prefix and not exact",
      filters: [{ all: [{ prefix: { type: "com." } }, { not: { exact: { source: "/test" } } }] }],
      event: {},
      matches: true,
    },
  ]);
});

describe("top-level filters and the legacy filter", () => {
  check([
    {
      name: "several top-level filters are ANDed (all pass)",
      filters: [{ prefix: { type: "com." } }, { exact: { source: "/orders" } }],
      event: {},
      matches: true,
    },
    {
      name: "several top-level filters are ANDed (one fails)",
      filters: [{ prefix: { type: "com." } }, { exact: { source: "/other" } }],
      event: {},
      matches: false,
    },
    {
      name: "filters override filter.attributes (filters pass, attributes would fail)",
      attributes: { type: "filter.check.event.type" },
      filters: [{ exact: { type: "com.acme.order.created" } }],
      event: {},
      matches: true,
    },
    {
      name: "filters override filter.attributes (filters fail, attributes would pass)",
      attributes: { type: "com.acme.order.created" },
      filters: [{ exact: { type: "other" } }],
      event: {},
      matches: false,
    },
    {
      name: "filters: [] falls back to filter.attributes (pass)",
      attributes: { type: "com.acme.order.created" },
      filters: [],
      event: {},
      matches: true,
    },
    {
      name: "filters: [] falls back to filter.attributes (fail)",
      attributes: { type: "some.other.type" },
      filters: [],
      event: {},
      matches: false,
    },
  ]);
});

describe("a missing attribute fails every dialect (Knative MissingAttributesFeature)", () => {
  const filters: FilterSpec[] = [
    {
      all: [
        { exact: { extensionattribute: "extensionvalue" } },
        { prefix: { extensionattribute: "extension" } },
        { suffix: { extensionattribute: "value" } },
        { cesql: "extensionattribute LIKE '%value'" },
      ],
    },
  ];
  check([
    { name: "without the extension", filters, event: {}, matches: false },
    { name: "with the extension", filters, event: { extensionattribute: "extensionvalue" }, matches: true },
    ...(["exact", "prefix", "suffix"] as const).map((dialect) => ({
      name: `${dialect} alone`,
      filters: [{ [dialect]: { extensionattribute: "extension" } } as unknown as FilterSpec],
      event: {},
      matches: false,
    })),
    { name: "legacy alone", attributes: { extensionattribute: "x" }, event: {}, matches: false },
    { name: "cesql alone", filters: [{ cesql: "extensionattribute = 'x'" }], event: {}, matches: false },
    {
      name: "cesql NOT of a missing attribute still fails (evaluation error)",
      filters: [{ cesql: "NOT (extensionattribute = 'x')" }],
      event: {},
      matches: false,
    },
    {
      name: "cesql error inside OR with a true side still fails",
      filters: [{ cesql: "extensionattribute = 'x' OR true" }],
      event: {},
      matches: false,
    },
  ]);
});

describe("cesql", () => {
  check([
    { name: "true expression", filters: [{ cesql: "type LIKE 'com.acme.%'" }], event: {}, matches: true },
    { name: "false expression", filters: [{ cesql: "type LIKE 'org.%'" }], event: {}, matches: false },
    {
      name: "the typical expression, matching",
      filters: [{ cesql: "type LIKE 'com.acme.%' AND INT(priority) > 3" }],
      event: { priority: "5" },
      matches: true,
    },
    {
      name: "the typical expression, low priority",
      filters: [{ cesql: "type LIKE 'com.acme.%' AND INT(priority) > 3" }],
      event: { priority: "2" },
      matches: false,
    },
    {
      name: "cast error fails the match",
      filters: [{ cesql: "INT(priority) > 3" }],
      event: { priority: "high" },
      matches: false,
    },
    {
      name: "EXISTS of a missing attribute is false",
      filters: [{ cesql: "EXISTS region" }],
      event: {},
      matches: false,
    },
    {
      name: "NOT EXISTS of a missing attribute is true",
      filters: [{ cesql: "NOT EXISTS region" }],
      event: {},
      matches: true,
    },
    { name: "math error fails", filters: [{ cesql: "1 / 0 = 0" }], event: {}, matches: false },
    {
      name: "not of an erroring cesql passes (the inner filter failed)",
      filters: [{ not: { cesql: "region = 'eu'" } }],
      event: {},
      matches: true,
    },
    {
      name: "combined with exact",
      filters: [{ exact: { source: "/orders" } }, { cesql: "source = '/orders'" }],
      event: {},
      matches: true,
    },
    {
      name: "case-insensitive keywords",
      filters: [{ cesql: "type like 'com.%' and true" }],
      event: {},
      matches: true,
    },
  ]);
});
