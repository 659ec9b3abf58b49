import { FILTER_ATTRIBUTE_NAME } from "@sluice/core";
import { FilterErrors, filterError } from "./errors.js";

/** Validated attribute → value pairs, in the order written, as parallel arrays for the hot path. */
export interface AttributePairs {
  readonly names: readonly string[];
  readonly values: readonly string[];
}

export interface PairOptions {
  /** Whether `""` is a valid value (legacy `filter.attributes`: "present and non-empty"). */
  readonly allowEmptyValue: boolean;
  /** Whether a map without keys is valid (legacy `filter.attributes: {}` means no filter). */
  readonly allowEmptyMap: boolean;
}

/**
 * Validates an attribute map: names match `^[a-z][a-z0-9]*$` (Knative trigger_validation.go),
 * values are strings, non-empty unless allowed (Knative NewExactFilter & co. reject empty values).
 */
export function attributePairs(map: unknown, path: string, options: PairOptions): AttributePairs {
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    throw filterError(FilterErrors.SHAPE, path, "expected a map of attribute names to values");
  }
  const names: string[] = [];
  const values: string[] = [];
  for (const [name, value] of Object.entries(map)) {
    if (!FILTER_ATTRIBUTE_NAME.test(name)) {
      throw filterError(
        FilterErrors.ATTRIBUTE_NAME,
        `${path}.${name}`,
        `invalid attribute name ${JSON.stringify(name)}: names are lower-case letters and digits, starting with a letter`,
        { attribute: name },
      );
    }
    if (typeof value !== "string") {
      throw filterError(
        FilterErrors.VALUE_TYPE,
        `${path}.${name}`,
        `expected a string, got ${typeName(value)}`,
        {
          attribute: name,
        },
      );
    }
    if (value === "" && !options.allowEmptyValue) {
      throw filterError(FilterErrors.EMPTY_VALUE, `${path}.${name}`, "the value must not be empty", {
        attribute: name,
      });
    }
    names.push(name);
    values.push(value);
  }
  if (names.length === 0 && !options.allowEmptyMap) {
    throw filterError(FilterErrors.EMPTY_MAP, path, "needs at least one attribute");
  }
  return { names, values };
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}

/** How one attribute dialect words its checks in an explanation. */
export interface PairWording {
  holds(actual: string, expected: string): boolean;
  /** Why `actual` fails `expected`, e.g. `"com.acme." is not a prefix of "org.x"`. */
  mismatch(actual: string, expected: string): string;
  /** Why `actual` passes `expected`. */
  match(actual: string, expected: string): string;
}

/**
 * Explains an AND over attribute pairs, stopping at the first failure as `test` does. A missing
 * attribute fails every dialect (Knative rekt MissingAttributesFeature).
 */
export function explainPairs(
  pairs: AttributePairs,
  path: string,
  wording: PairWording,
  attributes: ReadonlyMap<string, string>,
  details: string[],
  pad: string,
): { matched: boolean; clause: string } {
  let last = "";
  for (let i = 0; i < pairs.names.length; i++) {
    const name = pairs.names[i]!;
    const expected = pairs.values[i]!;
    const actual = attributes.get(name);
    const at = `${path}.${name}`;
    if (actual === undefined) {
      const clause = `${at}: attribute is missing`;
      details.push(`${pad}${clause}`);
      return { matched: false, clause };
    }
    if (!wording.holds(actual, expected)) {
      const clause = `${at}: ${wording.mismatch(actual, expected)}`;
      details.push(`${pad}${clause}`);
      return { matched: false, clause };
    }
    last = `${at}: ${wording.match(actual, expected)}`;
    details.push(`${pad}${last}`);
  }
  const clause = pairs.names.length === 1 ? last : `${path}: all ${pairs.names.length} attributes match`;
  return { matched: true, clause };
}
