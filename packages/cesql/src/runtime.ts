import { type CesqlError, type CesqlErrorKind, type CesqlErrorLocation, evaluationError } from "./errors.js";
import type { CesqlType, CesqlValue } from "./types.js";

/** A node's place in the source, resolved at compile time for errors and traces. */
export interface Site {
  readonly start: number;
  readonly end: number;
  readonly location: CesqlErrorLocation;
}

/** A sub-expression being traced; see trace.ts. */
export interface TraceFrame {
  readonly site: Site;
  value: CesqlValue;
  readonly errors: CesqlError[];
  readonly children: TraceFrame[];
}

/**
 * Per-evaluation state. One instance per compiled expression is reused across evaluations, so
 * the success path allocates nothing but the result; `errors` is created on the first error.
 */
export interface EvalState {
  errors: CesqlError[] | undefined;
  /**
   * Errors raised so far. An operator compares it before and after evaluating its operands: any
   * change means an operand "encountered an error" and the operator returns its zero value (§3.3).
   */
  count: number;
  /** The innermost traced node, when tracing; undefined on the fast path. */
  frame: TraceFrame | undefined;
  busy: boolean;
}

export function newState(): EvalState {
  return { errors: undefined, count: 0, frame: undefined, busy: false };
}

/**
 * A compiled node. It returns the node's value, or `undefined` for a missing attribute (always
 * with a MissingAttributeError raised), which only attribute references can produce: operators
 * and functions return the zero value of their own type when an operand raised an error (§3.2).
 */
export type Eval = (event: object, state: EvalState) => CesqlValue | undefined;

export function raise(
  state: EvalState,
  kind: CesqlErrorKind,
  message: string,
  site: Site,
  cause?: unknown,
): void {
  report(state, evaluationError(kind, message, site.location, cause));
}

/** Adds an error made beforehand: a frozen instance whose content never varies may be shared. */
export function report(state: EvalState, error: CesqlError): void {
  (state.errors ??= []).push(error);
  state.count++;
  state.frame?.errors.push(error);
}

/** §3.1 zero values; an undeterminable type is assumed Boolean (§3.2). */
export function zeroOf(type: CesqlType): CesqlValue {
  return type === "Integer" ? 0 : type === "String" ? "" : false;
}

export function typeOfValue(value: CesqlValue): Exclude<CesqlType, "Any"> {
  return typeof value === "number" ? "Integer" : typeof value === "string" ? "String" : "Boolean";
}

/** Renders a value for an error message, shortened so a long attribute cannot flood a log. */
export function show(value: CesqlValue): string {
  if (typeof value !== "string") return String(value);
  const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
  return `'${shown}'`;
}
