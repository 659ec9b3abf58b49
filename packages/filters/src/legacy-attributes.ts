import { attributePairs, explainPairs, type PairWording } from "./attribute-map.js";
import type { Atom, Attributes, FilterNode, Test } from "./node.js";
import { indent, quote } from "./node.js";

export const LEGACY_PATH = "filter.attributes";

/** Knative `TriggerAnyFilter`: the value "" matches any non-empty value of a present attribute. */
const ANY_VALUE = "";

const wording: PairWording = {
  holds: (actual, expected) => (expected === ANY_VALUE ? actual !== "" : actual === expected),
  mismatch: (actual, expected) =>
    expected === ANY_VALUE
      ? `attribute is empty ("" requires a non-empty value)`
      : `${quote(actual)} is not ${quote(expected)}`,
  match: (actual, expected) =>
    expected === ANY_VALUE ? `present with ${quote(actual)}` : `${quote(actual)} equals ${quote(expected)}`,
};

/**
 * Legacy `spec.filter.attributes` (Knative eventfilter/attributes/filter.go): AND over the keys;
 * a missing attribute fails; "" means present and non-empty; otherwise exact, case-sensitive
 * equality. Returns `undefined` for an absent or empty map, which matches every event (Knative
 * defaults `filter` to `{}`).
 */
export function compileLegacyAttributes(map: unknown): FilterNode | undefined {
  if (map === undefined) return undefined;
  const pairs = attributePairs(map, LEGACY_PATH, { allowEmptyValue: true, allowEmptyMap: true });
  const { names, values } = pairs;
  if (names.length === 0) return undefined;
  const only = names.length === 1 ? values[0]! : ANY_VALUE;
  const test: Test =
    only !== ANY_VALUE
      ? singleExact(names[0]!, only)
      : (attributes: Attributes) => {
          for (let i = 0; i < names.length; i++) {
            const actual = attributes.get(names[i]!);
            const expected = values[i]!;
            if (actual === undefined || (expected === ANY_VALUE ? actual === "" : actual !== expected))
              return false;
          }
          return true;
        };
  const requirements = names.map((attribute, i): readonly Atom[] => {
    const value = values[i]!;
    return [
      value === ANY_VALUE ? { kind: "present", attribute, value } : { kind: "exact", attribute, value },
    ];
  });
  return {
    test,
    requirements,
    explain: (attributes, details, depth) =>
      explainPairs(pairs, LEGACY_PATH, wording, attributes, details, indent(depth)),
  };
}

function singleExact(name: string, value: string): Test {
  return (attributes: Attributes) => attributes.get(name) === value;
}
