import { ManifestErrors } from "./errors.js";
import { child, splitPointer } from "./pointer.js";
import type { Reporter } from "./reporter.js";
import { didYouMean } from "./suggest.js";

// Typed access to the plain JS values of a manifest. Each helper reports what is wrong with the
// value at its pointer and returns undefined; absent values (missing or null, as in Kubernetes)
// are not errors here — required fields use requireField.

export type Obj = Readonly<Record<string, unknown>>;

export function isObj(value: unknown): value is Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (isObj(value)) return "a mapping";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a number";
  if (typeof value === "boolean") return "a boolean";
  return "a value of another type";
}

/** "/spec/filters/0/exact" → "spec.filters[0].exact"; odd keys are bracketed: annotations["a/b"]. */
export function pathOf(pointer: string): string {
  let out = "";
  for (const segment of splitPointer(pointer)) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "the document" : out;
}

export interface TypeOptions {
  readonly hint?: string;
  /** The value may be a secret: never echo it in a hint. */
  readonly sensitive?: boolean;
}

export function wrongType(
  r: Reporter,
  pointer: string,
  expected: string,
  value: unknown,
  options: TypeOptions = {},
): undefined {
  let hint = options.hint;
  if (hint === undefined && expected === "a string" && !options.sensitive) {
    const raw = r.locator.raw(pointer);
    if (raw !== undefined && (typeof value === "number" || typeof value === "boolean")) {
      hint = `YAML reads ${raw} as ${describe(value)}; quote it: "${raw.replaceAll('"', '\\"')}"`;
    }
  }
  r.error(
    pointer,
    ManifestErrors.INVALID_TYPE,
    `${pathOf(pointer)} must be ${expected}, got ${describe(value)}`,
    hint,
  );
  return undefined;
}

export function asMapping(
  r: Reporter,
  value: unknown,
  pointer: string,
  options?: TypeOptions,
): Obj | undefined {
  if (isAbsent(value)) return undefined;
  return isObj(value) ? value : wrongType(r, pointer, "a mapping", value, options);
}

export function asList(
  r: Reporter,
  value: unknown,
  pointer: string,
  options?: TypeOptions,
): readonly unknown[] | undefined {
  if (isAbsent(value)) return undefined;
  return Array.isArray(value) ? value : wrongType(r, pointer, "a list", value, options);
}

export function asString(
  r: Reporter,
  value: unknown,
  pointer: string,
  options?: TypeOptions,
): string | undefined {
  if (isAbsent(value)) return undefined;
  return typeof value === "string" ? value : wrongType(r, pointer, "a string", value, options);
}

export function asBoolean(r: Reporter, value: unknown, pointer: string): boolean | undefined {
  if (isAbsent(value)) return undefined;
  return typeof value === "boolean" ? value : wrongType(r, pointer, "true or false", value);
}

/** An int32, as Kubernetes integer fields are. */
export function asInteger(r: Reporter, value: unknown, pointer: string): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1) return value;
  const hint = typeof value === "string" && /^-?\d+$/.test(value) ? `remove the quotes: ${value}` : undefined;
  return wrongType(r, pointer, "an integer", value, hint === undefined ? {} : { hint });
}

/**
 * A map of strings (annotations, labels, ConfigMap data, filter attributes). A null value reads
 * as "" (as Kubernetes' JSON decoding does).
 */
export function asStringMap(
  r: Reporter,
  value: unknown,
  pointer: string,
  options: TypeOptions = {},
): Record<string, string> | undefined {
  const map = asMapping(r, value, pointer);
  if (map === undefined) return undefined;
  const out: Record<string, string> = {};
  let ok = true;
  for (const [key, item] of Object.entries(map)) {
    if (item === null || item === undefined) out[key] = "";
    else if (typeof item === "string") out[key] = item;
    else {
      wrongType(r, child(pointer, key), "a string", item, options);
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** Reports a missing required field at its parent's key; returns the value otherwise. */
export function requireField(r: Reporter, obj: Obj, key: string, pointer: string, hint?: string): unknown {
  const value = obj[key];
  if (isAbsent(value)) {
    const at = child(pointer, key);
    r.error(at, ManifestErrors.MISSING_FIELD, `${pathOf(at)} is required`, hint, { at: "key" });
  }
  return value;
}

/**
 * Warns about fields `known` does not list, with a "did you mean" for near misses. `hints` gives a
 * specific hint for some unknown names (a common mistake).
 */
export function checkFields(
  r: Reporter,
  obj: Obj,
  pointer: string,
  known: readonly string[],
  where: string,
  hints: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const hint =
      hints[key] ??
      didYouMean(key, known) ??
      (known.length === 0 ? undefined : `${where} has: ${known.join(", ")}`);
    r.warning(
      child(pointer, key),
      ManifestErrors.UNKNOWN_FIELD,
      `unknown field "${key}" in ${where}; it is ignored`,
      hint,
      { at: "key" },
    );
  }
}
