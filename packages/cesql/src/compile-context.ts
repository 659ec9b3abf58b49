import type { EventShape } from "./attributes.js";
import { toBoolean, toInteger, toText } from "./casts.js";
import type { CesqlErrorLocation } from "./errors.js";
import type { FunctionTable } from "./function-table.js";
import { type Eval, type EvalState, newState, type Site } from "./runtime.js";
import type { CesqlType, CesqlValue } from "./types.js";

/** A compiled node: its closure, static type, place in the source, and whether it is a constant. */
export interface Compiled {
  readonly fn: Eval;
  readonly type: CesqlType;
  readonly site: Site;
  /** Set when `fn` always returns `value` and raises nothing. */
  readonly constant: boolean;
  readonly value: CesqlValue | undefined;
}

/** What one compilation of a tree is for. */
export interface CompileEnv {
  readonly shape: EventShape;
  readonly table: FunctionTable;
  /** Tracing keeps every node (no folding, no precomputed sets) so each one can be recorded. */
  readonly tracing: boolean;
  readonly site: (start: number, end: number) => Site;
}

export function node(fn: Eval, type: CesqlType, site: Site): Compiled {
  return { fn, type, site, constant: false, value: undefined };
}

export function constant(value: CesqlValue, type: CesqlType, site: Site): Compiled {
  return { fn: () => value, type, site, constant: true, value };
}

/** Makes sites with 1-based line and column, from a table of line starts built once per text. */
export function siteMaker(text: string): (start: number, end: number) => Site {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return (start, end) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= start) low = mid;
      else high = mid - 1;
    }
    const location: CesqlErrorLocation = {
      position: start,
      line: low + 1,
      column: start - lineStarts[low]! + 1,
    };
    return { start, end, location };
  };
}

const EMPTY_EVENT = Object.freeze({});

/**
 * Runs a closure whose inputs are all constants once, at compile time. It folds into a constant
 * only if it raised nothing: errors must still be reported on every evaluation (§3.3).
 */
export function tryFold(compiled: Compiled, inputs: readonly Compiled[], env: CompileEnv): Compiled {
  if (env.tracing || compiled.constant || !inputs.every((input) => input.constant)) return compiled;
  const state = newState();
  const value = compiled.fn(EMPTY_EVENT, state);
  if (state.errors !== undefined || value === undefined) return compiled;
  return constant(value, compiled.type, compiled.site);
}

/** A closure yielding the operand as an Integer (§3.7 implicit cast), or undefined when missing. */
export function integerOperand(operand: Compiled, env: CompileEnv): Eval {
  if (operand.type === "Integer") return operand.fn;
  const { fn, site } = operand;
  const cast: Eval = (event, state) => {
    const value = fn(event, state);
    return value === undefined
      ? undefined
      : typeof value === "number"
        ? value
        : toInteger(value, state, site);
  };
  return precast(cast, operand, env);
}

/** A closure yielding the operand as a Boolean, or undefined when missing. */
export function booleanOperand(operand: Compiled, env: CompileEnv): Eval {
  if (operand.type === "Boolean") return operand.fn;
  const { fn, site } = operand;
  const cast: Eval = (event, state) => {
    const value = fn(event, state);
    return value === undefined
      ? undefined
      : typeof value === "boolean"
        ? value
        : toBoolean(value, state, site);
  };
  return precast(cast, operand, env);
}

/** A closure yielding the operand as a String, or undefined when missing. */
export function stringOperand(operand: Compiled, env: CompileEnv): Eval {
  if (operand.type === "String") return operand.fn;
  const { fn } = operand;
  const cast: Eval = (event, state) => {
    const value = fn(event, state);
    return value === undefined || typeof value === "string" ? value : toText(value);
  };
  return precast(cast, operand, env);
}

export function operandOf(operand: Compiled, type: CesqlType, env: CompileEnv): Eval {
  switch (type) {
    case "Integer":
      return integerOperand(operand, env);
    case "Boolean":
      return booleanOperand(operand, env);
    case "String":
      return stringOperand(operand, env);
    default:
      return operand.fn;
  }
}

/** Casts a constant operand once when that cannot fail, e.g. the '3' of `priority > '3'`. */
function precast(cast: Eval, operand: Compiled, env: CompileEnv): Eval {
  if (env.tracing || !operand.constant) return cast;
  const state: EvalState = newState();
  const value = cast(EMPTY_EVENT, state);
  return state.errors === undefined ? () => value : cast;
}
