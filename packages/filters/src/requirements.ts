import type { Atom, Requirement } from "./node.js";

/** Attributes every valid event carries (CloudEvents §"Required Attributes"): "present" says nothing. */
const ALWAYS_PRESENT = new Set(["specversion", "id", "source", "type"]);

/** Attributes with a handful of values across all events: an exact bucket on them is crowded. */
const FEW_VALUES = new Set(["specversion", "datacontenttype", "dataschema"]);

/**
 * Estimated share of events an atom lets through, as a relative cost; `undefined` when the atom
 * is useless for indexing (it holds for every event). Exact values are the most selective; a
 * longer prefix or suffix is more selective than a short one; "present" is the weakest.
 */
export function atomCost(atom: Atom): number | undefined {
  switch (atom.kind) {
    case "exact":
      return FEW_VALUES.has(atom.attribute) ? 32 : 1;
    case "prefix":
      return 2 + 16 / atom.value.length;
    case "suffix":
      return 3 + 16 / atom.value.length;
    case "present":
      return ALWAYS_PRESENT.has(atom.attribute) ? undefined : 64;
  }
}

/** Cost of a disjunction: the sum of its atoms' (each one lets events through). */
export function requirementCost(requirement: Requirement): number | undefined {
  let total = 0;
  for (const atom of requirement) {
    const cost = atomCost(atom);
    if (cost === undefined) return undefined;
    total += cost;
  }
  return requirement.length === 0 ? undefined : total;
}

/** The cheapest indexable requirement of a conjunction, or `undefined` when none is indexable. */
export function chooseRequirement(requirements: readonly Requirement[]): Requirement | undefined {
  let best: Requirement | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const requirement of requirements) {
    const cost = requirementCost(requirement);
    if (cost !== undefined && cost < bestCost) {
      best = requirement;
      bestCost = cost;
    }
  }
  return best;
}
