import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isSluiceError } from "@sluice/core";
import { compileFilter, createTriggerIndex, explainFilter, FilterErrors } from "@sluice/filters";

interface Invalid {
  readonly name: string;
  readonly filters?: unknown;
  readonly attributes?: unknown;
  readonly code: string;
  readonly path: string;
  /** Extra details expected on the error. */
  readonly details?: Readonly<Record<string, unknown>>;
}

// The cast lets the table hold shapes the types forbid: YAML does not read TypeScript.
function compileUnknown(filters: unknown, attributes: unknown) {
  return compileFilter({ filters: filters as never, filterAttributes: attributes as never });
}

const INVALID: readonly Invalid[] = [
  {
    name: "filters not a list",
    filters: { exact: { type: "a" } },
    code: FilterErrors.SHAPE,
    path: "filters",
  },
  { name: "filter not an object", filters: ["type=a"], code: FilterErrors.SHAPE, path: "filters[0]" },
  { name: "filter is null", filters: [null], code: FilterErrors.SHAPE, path: "filters[0]" },
  { name: "empty filter object", filters: [{}], code: FilterErrors.NO_DIALECT, path: "filters[0]" },
  {
    name: "unknown dialect",
    filters: [{ regex: { type: "a.*" } }],
    code: FilterErrors.UNKNOWN_DIALECT,
    path: "filters[0].regex",
  },
  {
    name: "dialect names are case-sensitive",
    filters: [{ Exact: { type: "a" } }],
    code: FilterErrors.UNKNOWN_DIALECT,
    path: "filters[0].Exact",
  },
  {
    name: "two dialects in one object",
    filters: [{ exact: { type: "a" }, prefix: { type: "b" } }],
    code: FilterErrors.MULTIPLE_DIALECTS,
    path: "filters[0]",
    details: { dialects: ["exact", "prefix"] },
  },
  {
    name: "two dialects nested",
    filters: [{ any: [{ exact: { type: "a" } }, { cesql: "true", not: { exact: { type: "b" } } }] }],
    code: FilterErrors.MULTIPLE_DIALECTS,
    path: "filters[0].any[1]",
  },
  {
    name: "empty exact map",
    filters: [{ exact: {} }],
    code: FilterErrors.EMPTY_MAP,
    path: "filters[0].exact",
  },
  {
    name: "empty prefix map",
    filters: [{ prefix: {} }],
    code: FilterErrors.EMPTY_MAP,
    path: "filters[0].prefix",
  },
  {
    name: "empty suffix map",
    filters: [{ suffix: {} }],
    code: FilterErrors.EMPTY_MAP,
    path: "filters[0].suffix",
  },
  {
    name: "exact not a map",
    filters: [{ exact: "type" }],
    code: FilterErrors.SHAPE,
    path: "filters[0].exact",
  },
  {
    name: "exact a list",
    filters: [{ exact: [["type", "a"]] }],
    code: FilterErrors.SHAPE,
    path: "filters[0].exact",
  },
  { name: "empty all", filters: [{ all: [] }], code: FilterErrors.EMPTY_LIST, path: "filters[0].all" },
  { name: "empty any", filters: [{ any: [] }], code: FilterErrors.EMPTY_LIST, path: "filters[0].any" },
  {
    name: "all not a list",
    filters: [{ all: { exact: { type: "a" } } }],
    code: FilterErrors.SHAPE,
    path: "filters[0].all",
  },
  {
    name: "not of an empty object",
    filters: [{ not: {} }],
    code: FilterErrors.NO_DIALECT,
    path: "filters[0].not",
  },
  {
    name: "not of a list",
    filters: [{ not: [{ exact: { type: "a" } }] }],
    code: FilterErrors.SHAPE,
    path: "filters[0].not",
  },
  ...["SOURCE", "s_pace", "s-pace", "123", "1abc", "ünicode", "a.b", ""].map((name) => ({
    name: `attribute name ${JSON.stringify(name)} in exact`,
    filters: [{ exact: { [name]: "v" } }],
    code: FilterErrors.ATTRIBUTE_NAME,
    path: `filters[0].exact.${name}`,
    details: { attribute: name },
  })),
  {
    name: "bad attribute name deep inside",
    filters: [{ all: [{ not: { suffix: { Subject: ".json" } } }] }],
    code: FilterErrors.ATTRIBUTE_NAME,
    path: "filters[0].all[0].not.suffix.Subject",
  },
  {
    name: "bad attribute name in filter.attributes",
    attributes: { "ce-type": "a" },
    code: FilterErrors.ATTRIBUTE_NAME,
    path: "filter.attributes.ce-type",
  },
  {
    name: "filter.attributes is validated even when filters override it",
    attributes: { Type: "a" },
    filters: [{ exact: { type: "a" } }],
    code: FilterErrors.ATTRIBUTE_NAME,
    path: "filter.attributes.Type",
  },
  {
    name: "filter.attributes not a map",
    attributes: "type=a",
    code: FilterErrors.SHAPE,
    path: "filter.attributes",
  },
  {
    name: "empty exact value",
    filters: [{ exact: { type: "" } }],
    code: FilterErrors.EMPTY_VALUE,
    path: "filters[0].exact.type",
  },
  {
    name: "empty prefix value",
    filters: [{ prefix: { type: "" } }],
    code: FilterErrors.EMPTY_VALUE,
    path: "filters[0].prefix.type",
  },
  {
    name: "empty suffix value",
    filters: [{ suffix: { type: "" } }],
    code: FilterErrors.EMPTY_VALUE,
    path: "filters[0].suffix.type",
  },
  {
    name: "number value",
    filters: [{ exact: { priority: 3 } }],
    code: FilterErrors.VALUE_TYPE,
    path: "filters[0].exact.priority",
  },
  {
    name: "number in filter.attributes",
    attributes: { priority: 3 },
    code: FilterErrors.VALUE_TYPE,
    path: "filter.attributes.priority",
  },
  { name: "empty cesql", filters: [{ cesql: "" }], code: FilterErrors.EMPTY_VALUE, path: "filters[0].cesql" },
  {
    name: "blank cesql",
    filters: [{ cesql: "  " }],
    code: FilterErrors.EMPTY_VALUE,
    path: "filters[0].cesql",
  },
  {
    name: "cesql not a string",
    filters: [{ cesql: true }],
    code: FilterErrors.VALUE_TYPE,
    path: "filters[0].cesql",
  },
  {
    name: "cesql syntax error, with its position",
    filters: [{ exact: { type: "a" } }, { any: [{ cesql: "type = 'a' AND" }] }],
    code: FilterErrors.CESQL_INVALID,
    path: "filters[1].any[0].cesql",
  },
  {
    name: "cesql unknown function",
    filters: [{ cesql: "NOPE(type)" }],
    code: FilterErrors.CESQL_INVALID,
    path: "filters[0].cesql",
  },
  {
    name: "cesql Integer expression",
    filters: [{ cesql: "1 + 2" }],
    code: FilterErrors.CESQL_TYPE,
    path: "filters[0].cesql",
    details: { type: "Integer" },
  },
  {
    name: "cesql String expression",
    filters: [{ cesql: "'yes'" }],
    code: FilterErrors.CESQL_TYPE,
    path: "filters[0].cesql",
  },
  {
    name: "cesql bare attribute (Any) is rejected",
    filters: [{ cesql: "myflag" }],
    code: FilterErrors.CESQL_TYPE,
    path: "filters[0].cesql",
  },
];

describe("invalid filters are rejected, never skipped", () => {
  for (const c of INVALID) {
    it(c.name, () => {
      assert.throws(
        () => compileUnknown(c.filters ?? [], c.attributes),
        (error: unknown) => {
          assert.ok(isSluiceError(error), "a SluiceError");
          assert.equal(error.code, c.code);
          assert.equal(error.details.path, c.path);
          assert.ok(error.message.startsWith(`${c.path}: `), error.message);
          for (const [key, value] of Object.entries(c.details ?? {}))
            assert.deepEqual(error.details[key], value);
          return true;
        },
      );
    });
  }

  it("a CESQL parse error carries its position and the CesqlError as cause", () => {
    assert.throws(
      () => compileUnknown([{ cesql: "type = 'a' AND" }], undefined),
      (error: unknown) => {
        assert.ok(isSluiceError(error));
        assert.equal(typeof error.details.position, "number");
        assert.equal(error.details.line, 1);
        assert.equal(typeof error.details.column, "number");
        assert.equal((error.cause as { kind?: string }).kind, "parse");
        return true;
      },
    );
  });

  it("explainFilter rejects the same filters", () => {
    const event = { attributes: new Map([["type", "a"]]), data: undefined };
    assert.throws(() => explainFilter({ filterAttributes: undefined, filters: [{ exact: {} }] }, event), {
      code: FilterErrors.EMPTY_MAP,
    });
  });

  it("a key holding undefined is not a dialect", () => {
    const filter = compileUnknown([{ exact: { type: "a" }, prefix: undefined }], undefined);
    assert.equal(filter.matches({ attributes: new Map([["type", "a"]]), data: undefined }), true);
  });

  it("every error code is distinct and well-formed", () => {
    const codes = Object.values(FilterErrors);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) assert.match(code, /^SLUICE_ERR_FILTER_[A-Z_]+$/);
    assert.ok(Object.isFrozen(FilterErrors));
  });
});

describe("the index rejects invalid triggers", () => {
  it("names the trigger and leaves the index unchanged", () => {
    const index = createTriggerIndex([
      { id: "ns/good", filterAttributes: undefined, filters: [{ exact: { type: "a" } }] },
    ]);
    assert.throws(
      () => index.add({ id: "ns/good", filterAttributes: undefined, filters: [{ exact: { type: "" } }] }),
      (error: unknown) => {
        assert.ok(isSluiceError(error));
        assert.equal(error.code, FilterErrors.EMPTY_VALUE);
        assert.equal(error.details.trigger, "ns/good");
        assert.equal(error.details.path, "filters[0].exact.type");
        assert.match(error.message, /^trigger ns\/good: /);
        return true;
      },
    );
    // The failed replacement kept the old trigger.
    const out: string[] = [];
    index.match({ attributes: new Map([["type", "a"]]), data: undefined }, out);
    assert.deepEqual(out, ["ns/good"]);
    assert.equal(index.size, 1);
  });

  it("createTriggerIndex throws on the first invalid trigger", () => {
    assert.throws(
      () => createTriggerIndex([{ id: "ns/bad", filterAttributes: { "x-y": "1" }, filters: [] }]),
      { code: FilterErrors.ATTRIBUTE_NAME },
    );
  });
});
