import type { CloudEvent, FilterSpec } from "@sluice/core";
import { compileAll } from "./all.js";
import { compileAny } from "./any.js";
import { typeName } from "./attribute-map.js";
import { compileCesql } from "./cesql.js";
import { FilterErrors, filterError } from "./errors.js";
import { compileExact } from "./exact.js";
import { compileLegacyAttributes, LEGACY_PATH } from "./legacy-attributes.js";
import type { FilterNode } from "./node.js";
import { indent } from "./node.js";
import { compileNot } from "./not.js";
import { compilePrefix } from "./prefix.js";
import { compileSuffix } from "./suffix.js";

/** What a trigger's filter is made of: its legacy `filter.attributes` and its `filters`. */
export interface TriggerFilterInput {
  readonly id: string;
  readonly filterAttributes: Readonly<Record<string, string>> | undefined;
  readonly filters: readonly FilterSpec[];
}

export interface CompiledFilter {
  matches(event: CloudEvent): boolean;
}

const DIALECTS = new Set(["exact", "prefix", "suffix", "all", "any", "not", "cesql"]);

/**
 * Compiles a trigger's filter once (Knative materialises filters once per trigger, create.go).
 * Non-empty `filters` override `filter.attributes`; with neither, every event matches. Both are
 * validated either way, as Knative's webhook does, so an invalid filter is never silently kept.
 * Throws a SluiceError (FilterErrors) whose `details.path` points at the offending part.
 */
export function compileFilter(input: Omit<TriggerFilterInput, "id">): CompiledFilter {
  const { test } = compileTriggerFilter(input);
  return { matches: (event: CloudEvent) => test(event.attributes) };
}

/** The compiled tree of a trigger's filter, for the index and for explanations. */
export function compileTriggerFilter(input: Omit<TriggerFilterInput, "id">): FilterNode {
  const legacy = compileLegacyAttributes(input.filterAttributes);
  const filters: unknown = input.filters ?? [];
  if (!Array.isArray(filters)) throw filterError(FilterErrors.SHAPE, "filters", "expected a list of filters");
  if (filters.length === 0) return legacy ?? MATCH_ALL;
  const top = compileAll(
    filters.map((spec: unknown, i) => compileSpec(spec, `filters[${i}]`)),
    "filters",
  );
  return legacy === undefined ? top : overriding(top);
}

/** Compiles one dialect object; `path` names it in errors and explanations. */
export function compileSpec(spec: unknown, path: string): FilterNode {
  const [dialect, body] = dialectOf(spec, path);
  const at = `${path}.${dialect}`;
  switch (dialect) {
    case "exact":
      return compileExact(body, at);
    case "prefix":
      return compilePrefix(body, at);
    case "suffix":
      return compileSuffix(body, at);
    case "all":
      return compileAll(compileList(body, at), at);
    case "any":
      return compileAny(compileList(body, at), at);
    case "not":
      return compileNot(compileSpec(body, at), at);
    default:
      return compileCesql(body, at);
  }
}

/** One dialect per object (Knative: "multiple dialects found, filters can have only one dialect set"). */
function dialectOf(spec: unknown, path: string): [string, unknown] {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw filterError(FilterErrors.SHAPE, path, `expected a filter object, got ${typeName(spec)}`);
  }
  // A key holding `undefined` is an absent optional field, not a dialect.
  const keys = Object.keys(spec).filter((key) => (spec as Record<string, unknown>)[key] !== undefined);
  const unknown = keys.find((key) => !DIALECTS.has(key));
  if (unknown !== undefined) {
    throw filterError(
      FilterErrors.UNKNOWN_DIALECT,
      `${path}.${unknown}`,
      `unknown filter dialect ${JSON.stringify(unknown)}; expected one of ${[...DIALECTS].join(", ")}`,
    );
  }
  const [dialect] = keys;
  if (dialect === undefined) throw filterError(FilterErrors.NO_DIALECT, path, "the filter names no dialect");
  if (keys.length > 1) {
    throw filterError(
      FilterErrors.MULTIPLE_DIALECTS,
      path,
      `multiple dialects found (${keys.join(", ")}); a filter can have only one dialect set`,
      { dialects: keys },
    );
  }
  return [dialect, (spec as Record<string, unknown>)[dialect]];
}

function compileList(body: unknown, path: string): FilterNode[] {
  if (!Array.isArray(body))
    throw filterError(FilterErrors.SHAPE, path, `expected a list of filters, got ${typeName(body)}`);
  if (body.length === 0) throw filterError(FilterErrors.EMPTY_LIST, path, "needs at least one filter");
  return body.map((spec: unknown, i) => compileSpec(spec, `${path}[${i}]`));
}

const MATCH_ALL: FilterNode = {
  test: () => true,
  requirements: [],
  explain: (_attributes, details, depth) => {
    const clause = "no filter: matches every event";
    details.push(`${indent(depth)}${clause}`);
    return { matched: true, clause };
  },
};

/** `filters` in force, with a note in explanations that `filter.attributes` was ignored. */
function overriding(top: FilterNode): FilterNode {
  return {
    test: top.test,
    requirements: top.requirements,
    explain(attributes, details, depth) {
      details.push(`${indent(depth)}${LEGACY_PATH}: ignored, because filters is not empty`);
      return top.explain(attributes, details, depth);
    },
  };
}
