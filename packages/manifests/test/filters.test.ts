import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FilterSpec } from "@sluice/core";
import { ManifestErrors } from "@sluice/manifests";
import { brief, dump, load, plusBroker } from "./helpers.js";

const E = ManifestErrors;

/** A trigger whose spec ends with `body` (indented by the caller); filter lines start at line 8. */
const trigger = (body: string) =>
  plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {uri: "http://127.0.0.1:9000/"}
${body}`);

describe("valid filters become FilterSpec values", () => {
  it("keeps every dialect, nested, in order", () => {
    const result = load(
      trigger(`  filters:
    - exact: {type: com.example.created, source: /orders}
    - prefix: {subject: orders/}
    - suffix: {dataschema: .json}
    - any:
        - exact: {type: a}
        - not: {exact: {type: b}}
    - all: [{prefix: {type: com.}}, {not: {suffix: {type: .test}}}]
    - not:
        any: [{exact: {myext: x}}]
`),
    );
    assert.ok(result.resources, dump(result));
    const expected: FilterSpec[] = [
      { exact: { type: "com.example.created", source: "/orders" } },
      { prefix: { subject: "orders/" } },
      { suffix: { dataschema: ".json" } },
      { any: [{ exact: { type: "a" } }, { not: { exact: { type: "b" } } }] },
      { all: [{ prefix: { type: "com." } }, { not: { suffix: { type: ".test" } } }] },
      { not: { any: [{ exact: { myext: "x" } }] } },
    ];
    assert.deepEqual(result.resources.triggers[0]?.filters, expected);
    assert.equal(result.resources.triggers[0]?.filterAttributes, undefined);
  });

  it('keeps legacy attributes, where "" means present and non-empty', () => {
    const result = load(
      trigger(`  filter:\n    attributes: {type: a, source: "", myext: }\n  filters: []\n`),
    );
    assert.deepEqual(result.resources?.triggers[0]?.filterAttributes, { type: "a", source: "", myext: "" });
    assert.deepEqual(result.resources?.triggers[0]?.filters, []);
    assert.deepEqual(result.diagnostics, [], "an empty filters list does not override filter");
  });
});

describe("invalid filters are rejected at load, each where it is", () => {
  const cases: Array<[string, string, string[]]> = [
    [
      "an empty exact map",
      "  filters:\n    - exact: {}\n",
      [`error ${E.INVALID_FILTER} 9:7 /spec/filters/0/exact`],
    ],
    [
      "an empty all list",
      "  filters:\n    - all: []\n",
      [`error ${E.INVALID_FILTER} 9:7 /spec/filters/0/all`],
    ],
    [
      "any that is not a list",
      "  filters:\n    - any: {exact: {type: a}}\n",
      [`error ${E.INVALID_TYPE} 9:12 /spec/filters/0/any`],
    ],
    [
      "a not without filter",
      "  filters:\n    - not:\n",
      [`error ${E.INVALID_FILTER} 9:7 /spec/filters/0/not`],
    ],
    ["an empty filter object", "  filters:\n    - {}\n", [`error ${E.INVALID_FILTER} 9:7 /spec/filters/0`]],
    ["a null filter", "  filters:\n    -\n", [`error ${E.INVALID_FILTER} 9:6 /spec/filters/0`]],
    ["a scalar filter", "  filters:\n    - type\n", [`error ${E.INVALID_TYPE} 9:7 /spec/filters/0`]],
    [
      "an unknown dialect",
      "  filters:\n    - exacts: {type: a}\n",
      [`error ${E.INVALID_FILTER} 9:7 /spec/filters/0/exacts`],
    ],
    [
      "an empty cesql",
      "  filters:\n    - cesql: ''\n",
      [`error ${E.INVALID_FILTER} 9:7 /spec/filters/0/cesql`],
    ],
    [
      "a non-string value",
      "  filters:\n    - exact: {type: 12}\n",
      [`error ${E.INVALID_TYPE} 9:21 /spec/filters/0/exact/type`],
    ],
    [
      "filters as a mapping",
      "  filters:\n    exact: {type: a}\n",
      [`error ${E.INVALID_TYPE} 8:3 /spec/filters`],
    ],
    [
      "a nested problem deep inside",
      "  filters:\n    - any:\n        - all:\n            - not: {prefix: {Type: x}}\n",
      [`error ${E.INVALID_ATTRIBUTE_NAME} 11:30 /spec/filters/0/any/0/all/0/not/prefix/Type`],
    ],
    [
      "legacy attributes with a list value",
      "  filter:\n    attributes:\n      type: [a, b]\n",
      [`error ${E.INVALID_TYPE} 10:13 /spec/filter/attributes/type`],
    ],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => {
      const result = load(trigger(body));
      assert.deepEqual(result.diagnostics.map(brief), expected, dump(result));
      assert.equal(result.resources, undefined);
    });
  }

  it("suggests the dialect for a typo", () => {
    const result = load(trigger("  filters:\n    - prefx: {type: a}\n"));
    assert.equal(result.diagnostics[0]?.hint, 'did you mean "prefix"?');
  });

  // Knative conformance (ControlPlaneTrigger_WithInvalidFilters): these names are all rejected.
  for (const name of ["SOURCE", "s_pace", "s-pace", "123", "ünicode", "a.b"]) {
    it(`rejects the attribute name ${JSON.stringify(name)} in every map dialect`, () => {
      for (const dialect of ["exact", "prefix", "suffix"]) {
        const result = load(trigger(`  filters:\n    - ${dialect}: {"${name}": x}\n`));
        assert.deepEqual(
          result.diagnostics.map((d) => d.code),
          [E.INVALID_ATTRIBUTE_NAME],
        );
      }
      const legacy = load(trigger(`  filter:\n    attributes: {"${name}": x}\n`));
      assert.deepEqual(
        legacy.diagnostics.map((d) => d.code),
        [E.INVALID_ATTRIBUTE_NAME],
      );
    });
  }
});

describe("CESQL filters", () => {
  it("accepts a Boolean expression", () => {
    const result = load(trigger(`  filters:\n    - cesql: "type LIKE 'com.example.%' AND EXISTS subject"\n`));
    assert.deepEqual(result.resources?.triggers[0]?.filters, [
      { cesql: "type LIKE 'com.example.%' AND EXISTS subject" },
    ]);
  });

  it("points a parse error at its column inside a plain, quoted or block scalar", () => {
    const cases: Array<[string, string]> = [
      ["  filters:\n    - cesql: type = 'a' AND AND x = 'b'\n", "9:29"],
      ["  filters:\n    - cesql: 'type = ''a'' AND AND x = ''b'''\n", "9:32"],
      ["  filters:\n    - cesql: |\n        type = 'a'\n        AND AND x = 'b'\n", "11:13"],
    ];
    for (const [body, at] of cases) {
      const result = load(trigger(body));
      const d = result.diagnostics.find((x) => x.code === E.INVALID_CESQL);
      assert.ok(d, dump(result));
      assert.equal(`${d.line}:${d.column}`, at, `${body}\n${dump(result)}`);
      assert.match(d.message, /column/);
    }
  });

  it("rejects a lone attribute reference (type Any, a String at run time), as @sluice/filters does", () => {
    const result = load(trigger(`  filters:\n    - cesql: myflag\n`));
    assert.deepEqual(result.diagnostics.map(brief), [`error ${E.INVALID_CESQL} 9:14 /spec/filters/0/cesql`]);
    assert.match(result.diagnostics[0]?.hint ?? "", /BOOL\(x\)/);
  });

  it("reports an unknown function with its column", () => {
    const result = load(trigger(`  filters:\n    - cesql: "NOSUCH(type) = 'x'"\n`));
    assert.deepEqual(
      result.diagnostics.map(brief),
      [`error ${E.INVALID_CESQL} 9:15 /spec/filters/0/cesql`],
      dump(result),
    );
  });

  it("rejects an expression that is not Boolean", () => {
    const result = load(trigger('  filters:\n    - cesql: "1 + 2"\n'));
    assert.deepEqual(result.diagnostics.map(brief), [`error ${E.INVALID_CESQL} 9:14 /spec/filters/0/cesql`]);
    assert.match(result.diagnostics[0]?.message ?? "", /Integer/);
  });
});
