import { parseBoolean, parseInteger, toBoolean, toInteger, toText } from "./casts.js";
import { type EvalState, raise, type Site } from "./runtime.js";
import type { CesqlType, CesqlValue, CesqlValueType } from "./types.js";

/** Arguments arrive already cast to the parameter types. */
export type FixedImpl = (
  state: EvalState,
  site: Site,
  a: CesqlValue,
  b: CesqlValue | undefined,
  c: CesqlValue | undefined,
) => CesqlValue;
export type RestImpl = (state: EvalState, site: Site, args: readonly CesqlValue[]) => CesqlValue;

export interface FunctionDef {
  /** Upper case. */
  readonly name: string;
  readonly params: readonly CesqlType[];
  readonly variadic: CesqlType | undefined;
  readonly returns: CesqlValueType;
  /** Implementation for non-variadic definitions (at most three parameters), called without an array. */
  readonly fixed: FixedImpl | undefined;
  /** Implementation for variadic and user-defined functions. */
  readonly rest: RestImpl | undefined;
  /** Same arguments, same result, no event access: calls on constants can be folded at compile time. */
  readonly pure: boolean;
}

function fixed(name: string, params: CesqlType[], returns: CesqlValueType, impl: FixedImpl): FunctionDef {
  return { name, params, variadic: undefined, returns, fixed: impl, rest: undefined, pure: true };
}

const MIN_INT = -2147483648;
const MAX_INT = 2147483647;
const SURROGATE = /[\uD800-\uDFFF]/;
/** §3.5.1 TRIM: whitespace "as defined by unicode", i.e. the White_Space property. */
const EDGE_WHITESPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;

/** Characters are Unicode code points (§3.1: "Sequence of Unicode characters"). */
function characters(text: string): string[] | undefined {
  return SURROGATE.test(text) ? Array.from(text) : undefined;
}

function length(text: string): number {
  const chars = characters(text);
  return chars === undefined ? text.length : chars.length;
}

/** Slices by character index; `end` is clamped. */
function slice(text: string, start: number, end: number): string {
  const chars = characters(text);
  return chars === undefined ? text.slice(start, end) : chars.slice(start, end).join("");
}

/** §3.5.1 LEFT / RIGHT: `y < 0` returns `x` and a FunctionEvaluationError. */
function side(name: "LEFT" | "RIGHT"): FixedImpl {
  return (state, site, a, b) => {
    const text = a as string;
    const count = b as number;
    if (count < 0) {
      raise(state, "functionEvaluation", `${name}: the length ${count} is negative`, site);
      return text;
    }
    const size = length(text);
    if (size <= count) return text;
    return name === "LEFT" ? slice(text, 0, count) : slice(text, size - count, size);
  };
}

/**
 * §3.5.1 SUBSTRING: `pos` counts from 1, or from the end when negative; 0 gives "". Out-of-range
 * `pos` or a negative `len` gives "" and a FunctionEvaluationError.
 */
function substring(
  state: EvalState,
  site: Site,
  a: CesqlValue,
  b: CesqlValue | undefined,
  c: CesqlValue | undefined,
): CesqlValue {
  const text = a as string;
  const pos = b as number;
  const size = length(text);
  if (pos > size || pos < -size) {
    raise(state, "functionEvaluation", `SUBSTRING: position ${pos} is outside a string of ${size}`, site);
    return "";
  }
  if (c !== undefined && (c as number) < 0) {
    raise(state, "functionEvaluation", `SUBSTRING: the length ${c} is negative`, site);
    return "";
  }
  if (pos === 0) return "";
  const begin = pos > 0 ? pos - 1 : size + pos;
  const end = c === undefined ? size : Math.min(size, begin + (c as number));
  return slice(text, begin, end);
}

/** §3.5.2 ABS: ABS(-2147483648) returns 2147483647 and a MathError. */
function abs(state: EvalState, site: Site, a: CesqlValue): CesqlValue {
  const value = a as number;
  if (value === MIN_INT) {
    raise(state, "math", "ABS(-2147483648) overflows the 32-bit range", site);
    return MAX_INT;
  }
  return value < 0 ? 0 - value : value;
}

/**
 * The built-in functions every engine MUST implement (§3.5.1, §3.5.2), the casting functions the
 * spec names in §2 and §3.7 (INT, BOOL, STRING, with §3.7's cast semantics), and IS_INT / IS_BOOL,
 * which the v1 text does not list but other engines (sdk-go) provide so a filter can test before
 * it casts.
 */
export const BUILTINS: readonly FunctionDef[] = [
  fixed("LENGTH", ["String"], "Integer", (_s, _site, a) => length(a as string)),
  {
    name: "CONCAT",
    params: [],
    variadic: "String",
    returns: "String",
    fixed: undefined,
    rest: (_s, _site, args) => args.join(""),
    pure: true,
  },
  {
    name: "CONCAT_WS",
    params: ["String"],
    variadic: "String",
    returns: "String",
    fixed: undefined,
    rest: (_s, _site, args) => args.slice(1).join(args[0] as string),
    pure: true,
  },
  fixed("LOWER", ["String"], "String", (_s, _site, a) => (a as string).toLowerCase()),
  fixed("UPPER", ["String"], "String", (_s, _site, a) => (a as string).toUpperCase()),
  fixed("TRIM", ["String"], "String", (_s, _site, a) => (a as string).replace(EDGE_WHITESPACE, "")),
  fixed("LEFT", ["String", "Integer"], "String", side("LEFT")),
  fixed("RIGHT", ["String", "Integer"], "String", side("RIGHT")),
  fixed("SUBSTRING", ["String", "Integer"], "String", (s, site, a, b) => substring(s, site, a, b, undefined)),
  fixed("SUBSTRING", ["String", "Integer", "Integer"], "String", substring),
  fixed("ABS", ["Integer"], "Integer", abs),
  fixed("INT", ["Any"], "Integer", (s, site, a) => toInteger(a, s, site)),
  fixed("BOOL", ["Any"], "Boolean", (s, site, a) => toBoolean(a, s, site)),
  fixed("STRING", ["Any"], "String", (_s, _site, a) => toText(a)),
  fixed(
    "IS_INT",
    ["Any"],
    "Boolean",
    (_s, _site, a) => typeof a !== "string" || parseInteger(a) !== undefined,
  ),
  fixed(
    "IS_BOOL",
    ["Any"],
    "Boolean",
    (_s, _site, a) => typeof a !== "string" || parseBoolean(a) !== undefined,
  ),
];
