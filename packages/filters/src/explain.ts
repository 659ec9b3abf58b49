import type { CloudEvent } from "@sluice/core";
import { compileTriggerFilter, type TriggerFilterInput } from "./compile.js";

export interface Explanation {
  readonly matched: boolean;
  /**
   * The sentence that decided the result, e.g.
   * `filters[1].any[0].prefix.type: "com.acme." is not a prefix of "org.x"`,
   * `filter.attributes.source: attribute is missing` or `no filter: matches every event`.
   */
  readonly clause: string;
  /** Every evaluation step that led there, indented by nesting, CESQL sub-expressions and errors included. */
  readonly details: readonly string[];
}

/**
 * Says whether a trigger's filter matches an event, and why. Slow (it traces every step); for
 * `sluice explain` and tests, never the hot path. Its `matched` always equals what
 * `compileFilter(input).matches(event)` returns. Throws like compileFilter on an invalid filter.
 */
export function explainFilter(input: Omit<TriggerFilterInput, "id">, event: CloudEvent): Explanation {
  const node = compileTriggerFilter(input);
  const details: string[] = [];
  const verdict = node.explain(event.attributes, details, 0);
  return { matched: verdict.matched, clause: verdict.clause, details };
}
