import type { Attributes, FilterNode } from "./node.js";
import { indent } from "./node.js";

/**
 * `not`: inverts its child (Knative subscriptionsapi/not_filter.go). The child's failure on a
 * missing attribute is a failure like any other, so `not` of it passes: `not: {exact: {x: "1"}}`
 * matches events without `x`. Knative behaves the same (notFilter turns FailFilter into
 * PassFilter whatever the reason).
 */
export function compileNot(child: FilterNode, path: string): FilterNode {
  const inner = child.test;
  return {
    test: (attributes: Attributes) => !inner(attributes),
    // Nothing the child requires is required of its negation.
    requirements: [],
    explain(attributes, details, depth) {
      details.push(`${indent(depth)}${path}: not`);
      const verdict = child.explain(attributes, details, depth + 1);
      return {
        matched: !verdict.matched,
        clause: `${path}: the negated filter ${verdict.matched ? "matches" : "does not match"} (${verdict.clause})`,
      };
    },
  };
}
