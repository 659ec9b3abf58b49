import { attributePairs, explainPairs, type PairWording } from "./attribute-map.js";
import type { Attributes, FilterNode, Test } from "./node.js";
import { indent, quote } from "./node.js";

const wording: PairWording = {
  holds: (actual, expected) => actual === expected,
  mismatch: (actual, expected) => `${quote(actual)} is not ${quote(expected)}`,
  match: (actual, expected) => `${quote(actual)} equals ${quote(expected)}`,
};

/**
 * `exact`: every listed attribute is present and equal, case-sensitively, to its value
 * (Knative subscriptionsapi/exact_filter.go). A missing attribute reads as `undefined`, which is
 * never equal to a validated (non-empty string) value.
 */
export function compileExact(map: unknown, path: string): FilterNode {
  const pairs = attributePairs(map, path, { allowEmptyValue: false, allowEmptyMap: false });
  const { names, values } = pairs;
  let test: Test;
  if (names.length === 1) {
    const name = names[0]!;
    const value = values[0]!;
    test = (attributes: Attributes) => attributes.get(name) === value;
  } else {
    test = (attributes: Attributes) => {
      for (let i = 0; i < names.length; i++) if (attributes.get(names[i]!) !== values[i]) return false;
      return true;
    };
  }
  return {
    test,
    requirements: names.map((attribute, i) => [{ kind: "exact", attribute, value: values[i]! }]),
    explain: (attributes, details, depth) =>
      explainPairs(pairs, path, wording, attributes, details, indent(depth)),
  };
}
