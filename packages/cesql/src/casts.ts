import { type EvalState, raise, type Site, show } from "./runtime.js";
import type { CesqlValue, CesqlValueType } from "./types.js";

const MAX_INT = 2147483647;
const MIN_INT = -2147483648;

/**
 * §3.7 String -> Integer: a base-10 32-bit integer with an optional leading '+' or '-'. Nothing
 * else is accepted (no whitespace, no decimal point, no exponent). Undefined when invalid or out
 * of range.
 */
export function parseInteger(text: string): number | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 0x2b || first === 0x2d) {
    negative = first === 0x2d;
    i = 1;
  }
  if (i === length) return undefined;
  let value = 0;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
    // Past 2^31 nothing can come back into range; stop before the double loses precision.
    if (value > MAX_INT + 1) return undefined;
  }
  if (negative) return value === 0 ? 0 : -value;
  return value > MAX_INT ? undefined : value;
}

/** §3.7 String -> Boolean: the lower-case form is exactly "true" or "false". */
export function parseBoolean(text: string): boolean | undefined {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.length !== 4 && text.length !== 5) return undefined;
  const lower = text.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

/** True when `value` is a number CESQL accepts as an Integer. */
export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_INT && value <= MAX_INT;
}

/** Casts to Integer (§3.7); a failed cast raises a CastError and yields 0. */
export function toInteger(value: CesqlValue, state: EvalState, site: Site): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  const parsed = parseInteger(value);
  if (parsed !== undefined) return parsed;
  raise(state, "cast", `cannot cast String ${show(value)} to Integer`, site);
  return 0;
}

/** Casts to Boolean (§3.7); a failed cast raises a CastError and yields false. */
export function toBoolean(value: CesqlValue, state: EvalState, site: Site): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  const parsed = parseBoolean(value);
  if (parsed !== undefined) return parsed;
  raise(state, "cast", `cannot cast String ${show(value)} to Boolean`, site);
  return false;
}

/** Casts to String (§3.7); never fails. */
export function toText(value: CesqlValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return value ? "true" : "false";
}

export function castTo(value: CesqlValue, type: CesqlValueType, state: EvalState, site: Site): CesqlValue {
  return type === "Integer"
    ? toInteger(value, state, site)
    : type === "Boolean"
      ? toBoolean(value, state, site)
      : toText(value);
}

/** The same cast, where the target is named by a runtime `typeof`. */
export function castToTypeOf(value: CesqlValue, like: CesqlValue, state: EvalState, site: Site): CesqlValue {
  return typeof like === "number"
    ? toInteger(value, state, site)
    : typeof like === "boolean"
      ? toBoolean(value, state, site)
      : toText(value);
}
