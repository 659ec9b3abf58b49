import type { Atom, Attributes, FilterNode, Requirement, Test } from "./node.js";
import { indent } from "./node.js";
import { chooseRequirement } from "./requirements.js";

/**
 * `any`: passes when one child passes, stopping at the first pass (Knative
 * subscriptionsapi/any_filter.go).
 */
export function compileAny(children: readonly FilterNode[], path: string): FilterNode {
  return {
    test: orTest(children.map((child) => child.test)),
    requirements: anyRequirements(children),
    explain(attributes, details, depth) {
      details.push(`${indent(depth)}${path}: any of ${children.length} (OR)`);
      let last = { matched: false, clause: `${path}: no alternative matches` };
      for (const child of children) {
        last = child.explain(attributes, details, depth + 1);
        if (last.matched) return last;
      }
      if (children.length === 1) return last;
      return { matched: false, clause: `${path}: none of the ${children.length} alternatives matches` };
    },
  };
}

/**
 * When any passes, one child passed, so one of the children's requirements holds: the union of
 * one indexable requirement per child is a requirement of the `any`. One child without an
 * indexable requirement makes the whole `any` unindexable.
 */
function anyRequirements(children: readonly FilterNode[]): Requirement[] {
  const atoms: Atom[] = [];
  for (const child of children) {
    const chosen = chooseRequirement(child.requirements);
    if (chosen === undefined) return [];
    atoms.push(...chosen);
  }
  return [atoms];
}

function orTest(tests: readonly Test[]): Test {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const first = tests[0]!;
    const second = tests[1]!;
    return (attributes: Attributes) => first(attributes) || second(attributes);
  }
  return (attributes: Attributes) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(attributes)) return true;
    return false;
  };
}
