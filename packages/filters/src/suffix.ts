import { attributePairs, explainPairs, type PairWording } from "./attribute-map.js";
import type { Attributes, FilterNode, Test } from "./node.js";
import { indent, quote } from "./node.js";

const wording: PairWording = {
  holds: (actual, expected) => actual.endsWith(expected),
  mismatch: (actual, expected) => `${quote(expected)} is not a suffix of ${quote(actual)}`,
  match: (actual, expected) => `${quote(expected)} is a suffix of ${quote(actual)}`,
};

/**
 * `suffix`: every listed attribute is present and ends with its value, case-sensitively
 * (Knative subscriptionsapi/suffix_filter.go, strings.HasSuffix). A missing attribute fails.
 */
export function compileSuffix(map: unknown, path: string): FilterNode {
  const pairs = attributePairs(map, path, { allowEmptyValue: false, allowEmptyMap: false });
  const { names, values } = pairs;
  let test: Test;
  if (names.length === 1) {
    const name = names[0]!;
    const value = values[0]!;
    test = (attributes: Attributes) => attributes.get(name)?.endsWith(value) === true;
  } else {
    test = (attributes: Attributes) => {
      for (let i = 0; i < names.length; i++) {
        const actual = attributes.get(names[i]!);
        if (actual === undefined || !actual.endsWith(values[i]!)) return false;
      }
      return true;
    };
  }
  return {
    test,
    requirements: names.map((attribute, i) => [{ kind: "suffix", attribute, value: values[i]! }]),
    explain: (attributes, details, depth) =>
      explainPairs(pairs, path, wording, attributes, details, indent(depth)),
  };
}
