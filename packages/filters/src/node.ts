/**
 * The compiled form every dialect produces. `test` is the hot path; `explain` re-evaluates the
 * same logic slowly, writing what it looked at, for `sluice explain`; `requirements` tell the
 * trigger index which cheap lookups are necessary for the filter to pass.
 */

/** An event's attributes, exactly as `CloudEvent.attributes`. */
export type Attributes = ReadonlyMap<string, string>;

export type Test = (attributes: Attributes) => boolean;

export interface Verdict {
  readonly matched: boolean;
  /** The one sentence that decided the result. */
  readonly clause: string;
}

/**
 * A condition the index can look up without evaluating a filter: an attribute equal to, starting
 * with or ending with `value`, or present with a non-empty value (`value` is then "").
 */
export interface Atom {
  readonly kind: "exact" | "prefix" | "suffix" | "present";
  readonly attribute: string;
  readonly value: string;
}

/** A disjunction of atoms: whenever the filter passes, at least one of them holds. */
export type Requirement = readonly Atom[];

export interface FilterNode {
  readonly test: Test;
  /** Necessary conditions, all of which hold whenever `test` passes (a conjunction). */
  readonly requirements: readonly Requirement[];
  /** Evaluates like `test` and appends one line per evaluation step to `details`. */
  explain(attributes: Attributes, details: string[], depth: number): Verdict;
}

/** Indents a detail line by nesting depth. */
export function indent(depth: number): string {
  return "  ".repeat(depth);
}

/** Shows an attribute or filter value in a message, quoted and escaped, shortened if long. */
export function quote(value: string): string {
  const shown = value.length > 120 ? `${value.slice(0, 117)}...` : value;
  return JSON.stringify(shown);
}
