import { attributePairs, explainPairs, type PairWording } from "./attribute-map.js";
import type { Attributes, FilterNode, Test } from "./node.js";
import { indent, quote } from "./node.js";

const wording: PairWording = {
  holds: (actual, expected) => actual.startsWith(expected),
  mismatch: (actual, expected) => `${quote(expected)} is not a prefix of ${quote(actual)}`,
  match: (actual, expected) => `${quote(expected)} is a prefix of ${quote(actual)}`,
};

/**
 * `prefix`: every listed attribute is present and starts with its value, case-sensitively
 * (Knative subscriptionsapi/prefix_filter.go, strings.HasPrefix). A missing attribute fails.
 */
export function compilePrefix(map: unknown, path: string): FilterNode {
  const pairs = attributePairs(map, path, { allowEmptyValue: false, allowEmptyMap: false });
  const { names, values } = pairs;
  let test: Test;
  if (names.length === 1) {
    const name = names[0]!;
    const value = values[0]!;
    test = (attributes: Attributes) => attributes.get(name)?.startsWith(value) === true;
  } else {
    test = (attributes: Attributes) => {
      for (let i = 0; i < names.length; i++) {
        const actual = attributes.get(names[i]!);
        if (actual === undefined || !actual.startsWith(values[i]!)) return false;
      }
      return true;
    };
  }
  return {
    test,
    requirements: names.map((attribute, i) => [{ kind: "prefix", attribute, value: values[i]! }]),
    explain: (attributes, details, depth) =>
      explainPairs(pairs, path, wording, attributes, details, indent(depth)),
  };
}
