import type { Attributes, FilterNode, Requirement, Test } from "./node.js";
import { indent } from "./node.js";

/**
 * `all`, and the implicit AND of the top-level `filters` list: passes when every child passes,
 * stopping at the first failure (Knative subscriptionsapi/all_filter.go). Knative reorders
 * children at run time to fail faster; order carries no meaning, so Sluice keeps the written
 * order and the explanation stays reproducible.
 */
export function compileAll(children: readonly FilterNode[], path: string): FilterNode {
  const requirements: Requirement[] = [];
  for (const child of children) requirements.push(...child.requirements);
  return {
    test: andTest(children.map((child) => child.test)),
    requirements,
    explain(attributes, details, depth) {
      // A single child is the whole story: no AND header, its clause is the verdict.
      if (children.length === 1) return children[0]!.explain(attributes, details, depth);
      details.push(`${indent(depth)}${path}: all of ${children.length} (AND)`);
      for (const child of children) {
        const verdict = child.explain(attributes, details, depth + 1);
        if (!verdict.matched) return verdict;
      }
      return { matched: true, clause: `${path}: all ${children.length} filters match` };
    },
  };
}

function andTest(tests: readonly Test[]): Test {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const first = tests[0]!;
    const second = tests[1]!;
    return (attributes: Attributes) => first(attributes) && second(attributes);
  }
  return (attributes: Attributes) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(attributes)) return false;
    return true;
  };
}
