import { FILTER_ATTRIBUTE_NAME, type FilterSpec } from "@sluice/core";
import { checkCesql } from "./cesql-check.js";
import { asList, asMapping, asString, isAbsent, wrongType } from "./check.js";
import { ManifestErrors } from "./errors.js";
import { child } from "./pointer.js";
import type { Reporter } from "./reporter.js";
import { didYouMean } from "./suggest.js";

// Trigger filters (Knative trigger_validation.go, CloudEvents Subscriptions API dialects), checked
// at load so an invalid filter is rejected, never skipped (PRODUCT.md §5).

const DIALECTS = ["exact", "prefix", "suffix", "all", "any", "not", "cesql"];
const ONE_DIALECT = "a filter is a mapping with exactly one of: exact, prefix, suffix, all, any, not, cesql";

function nameHint(name: string): string {
  const fixed = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return /^[a-z]/.test(fixed)
    ? `use "${fixed}"`
    : "names start with a lower-case letter, then lower-case letters and digits";
}

/** Checks an attribute name of a filter; reports at its key. */
export function checkAttributeName(r: Reporter, name: string, pointer: string): boolean {
  if (FILTER_ATTRIBUTE_NAME.test(name)) return true;
  r.error(
    pointer,
    ManifestErrors.INVALID_ATTRIBUTE_NAME,
    `attribute name "${name}" must match ^[a-z][a-z0-9]*$`,
    nameHint(name),
    { at: "key" },
  );
  return false;
}

/** exact / prefix / suffix: one or more attribute → non-empty string value, all of which must match. */
function attributeMap(
  r: Reporter,
  value: unknown,
  pointer: string,
  dialect: string,
): Record<string, string> | undefined {
  const map = asMapping(r, value, pointer);
  if (map === undefined || Object.keys(map).length === 0) {
    if (map !== undefined || isAbsent(value)) {
      r.error(
        pointer,
        ManifestErrors.INVALID_FILTER,
        `${dialect} needs at least one attribute`,
        `e.g. ${dialect}: {type: com.example.created}`,
        { at: "key" },
      );
    }
    return undefined;
  }
  const out: Record<string, string> = {};
  let ok = true;
  for (const [name, item] of Object.entries(map)) {
    const at = child(pointer, name);
    ok = checkAttributeName(r, name, at) && ok;
    if (typeof item !== "string") {
      wrongType(r, at, "a string", item);
      ok = false;
    } else if (item === "") {
      r.error(
        at,
        ManifestErrors.INVALID_FILTER,
        `${dialect} value for "${name}" is empty`,
        `to require only that ${name} is present, use cesql: "EXISTS ${name}"`,
        {},
      );
      ok = false;
    } else {
      out[name] = item;
    }
  }
  return ok ? out : undefined;
}

function filterList(r: Reporter, value: unknown, pointer: string, dialect: string): FilterSpec[] | undefined {
  const list = asList(r, value, pointer, {
    hint: `${dialect} takes a list: ${dialect}: [{exact: {...}}, ...]`,
  });
  if (list === undefined || list.length === 0) {
    if (list !== undefined || isAbsent(value)) {
      r.error(pointer, ManifestErrors.INVALID_FILTER, `${dialect} needs at least one filter`, undefined, {
        at: "key",
      });
    }
    return undefined;
  }
  const out = list.map((item, i) => validateFilter(r, item, child(pointer, i)));
  return out.every((f) => f !== undefined) ? (out as FilterSpec[]) : undefined;
}

function cesqlFilter(r: Reporter, value: unknown, pointer: string): FilterSpec | undefined {
  const expression = asString(r, value, pointer);
  if (expression === undefined || expression.trim() === "") {
    if (expression !== undefined || isAbsent(value)) {
      r.error(
        pointer,
        ManifestErrors.INVALID_FILTER,
        "cesql expression is empty",
        `e.g. cesql: "type LIKE 'com.example.%'"`,
        { at: "key" },
      );
    }
    return undefined;
  }
  const problem = checkCesql(expression);
  if (problem === undefined) return { cesql: expression };
  r.error(
    pointer,
    ManifestErrors.INVALID_CESQL,
    problem.message,
    problem.hint,
    problem.offset === undefined ? {} : { offset: problem.offset },
  );
  return undefined;
}

/** Validates one filter object; undefined when invalid (reported). */
export function validateFilter(r: Reporter, value: unknown, pointer: string): FilterSpec | undefined {
  const f = asMapping(r, value, pointer, { hint: ONE_DIALECT });
  if (f === undefined) {
    if (isAbsent(value)) r.error(pointer, ManifestErrors.INVALID_FILTER, "filter is empty", ONE_DIALECT);
    return undefined;
  }
  const keys = Object.keys(f);
  const dialects = keys.filter((k) => DIALECTS.includes(k));
  for (const key of keys.filter((k) => !DIALECTS.includes(k))) {
    r.error(
      child(pointer, key),
      ManifestErrors.INVALID_FILTER,
      `unknown filter dialect "${key}"`,
      didYouMean(key, DIALECTS) ?? ONE_DIALECT,
      { at: "key" },
    );
  }
  if (keys.length === 0) r.error(pointer, ManifestErrors.INVALID_FILTER, "filter is empty", ONE_DIALECT);
  if (dialects.length > 1) {
    r.error(
      pointer,
      ManifestErrors.INVALID_FILTER,
      `a filter takes exactly one dialect, found ${dialects.join(", ")}`,
      "put each in its own list item (items are ANDed), or combine them with all: [...] / any: [...]",
    );
  }
  // Every dialect present is checked, so all problems show at once; the filter is valid only alone.
  const checked = dialects.map((dialect) => validateDialect(r, dialect, f[dialect], child(pointer, dialect)));
  return checked.length === 1 && keys.length === 1 ? checked[0] : undefined;
}

function validateDialect(r: Reporter, dialect: string, inner: unknown, at: string): FilterSpec | undefined {
  switch (dialect) {
    case "exact":
    case "prefix":
    case "suffix": {
      const map = attributeMap(r, inner, at, dialect);
      if (map === undefined) return undefined;
      return dialect === "exact" ? { exact: map } : dialect === "prefix" ? { prefix: map } : { suffix: map };
    }
    case "all":
    case "any": {
      const list = filterList(r, inner, at, dialect);
      if (list === undefined) return undefined;
      return dialect === "all" ? { all: list } : { any: list };
    }
    case "not": {
      if (isAbsent(inner)) {
        r.error(
          at,
          ManifestErrors.INVALID_FILTER,
          "not needs a filter",
          "e.g. not: {exact: {type: com.example.test}}",
          {
            at: "key",
          },
        );
        return undefined;
      }
      const nested = validateFilter(r, inner, at);
      return nested === undefined ? undefined : { not: nested };
    }
    default:
      return cesqlFilter(r, inner, at);
  }
}

/** `spec.filters`: a list, implicitly ANDed. Absent: []. undefined when invalid. */
export function validateFilters(r: Reporter, value: unknown, pointer: string): FilterSpec[] | undefined {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) {
    const hint =
      "filters is a list: write each dialect as an item, e.g.\n    filters:\n      - exact: {type: com.example.created}";
    wrongType(r, pointer, "a list", value, { hint });
    return undefined;
  }
  const out = value.map((item, i) => validateFilter(r, item, child(pointer, i)));
  return out.every((f) => f !== undefined) ? (out as FilterSpec[]) : undefined;
}

/** `spec.filter.attributes`: exact values, "" meaning "present and non-empty". */
export function validateAttributes(
  r: Reporter,
  value: unknown,
  pointer: string,
): Record<string, string> | undefined {
  const map = asMapping(r, value, pointer);
  if (map === undefined) return undefined;
  const out: Record<string, string> = {};
  let ok = true;
  for (const [name, item] of Object.entries(map)) {
    const at = child(pointer, name);
    ok = checkAttributeName(r, name, at) && ok;
    if (item === null || item === undefined) out[name] = "";
    else if (typeof item === "string") out[name] = item;
    else {
      wrongType(r, at, "a string", item);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return out;
}
