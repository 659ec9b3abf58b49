import type { Node as CesqlNode } from "./ast.js";
import type { CesqlError } from "./errors.js";

/** A CESQL value (§3.1): Boolean, Integer (a 32-bit signed integer) or String. */
export type CesqlValue = boolean | number | string;

/** The static type of an expression. `Any` is an attribute reference, typed only at run time. */
export type CesqlType = "Boolean" | "Integer" | "String" | "Any";

/** The three primitive types of §3.1. */
export type CesqlValueType = Exclude<CesqlType, "Any">;

/**
 * The input of an evaluation: the event's context attributes and extensions, either as a Map
 * (Sluice keeps canonical strings) or as a plain object with attributes at top level. Strings
 * are CESQL Strings, 32-bit integers Integers, booleans Booleans; anything else is represented as a
 * String (§3.2). `data` is never addressable (§1), and null or undefined means absent.
 */
export type CesqlEvent = ReadonlyMap<string, string | number | boolean> | Readonly<Record<string, unknown>>;

/**
 * The outcome of an evaluation (§3.3): always a value, plus every error raised on the way. A node
 * that raises an error returns the value the spec names for that case (0 for a division by zero,
 * 2147483647 for ABS(-2147483648), ...); every operator or function above it returns the zero value
 * of its own type, so an error below the root yields the zero value of the expression's type.
 */
export interface CesqlResult {
  readonly value: CesqlValue;
  /** Empty (a shared frozen array) when evaluation raised no error. */
  readonly errors: readonly CesqlError[];
}

/**
 * One evaluated sub-expression, for explaining a result. `errors` holds the errors raised by this
 * node itself (a cast it made, a missing attribute it read), not those of its children, so every
 * error appears exactly once in the tree. Children that short-circuiting skipped are absent.
 */
export interface CesqlTrace {
  /** The exact source slice of this sub-expression (parentheses included when written). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly value: CesqlValue;
  readonly errors: readonly CesqlError[];
  readonly children: readonly CesqlTrace[];
}

/** A compiled CESQL expression. */
export interface CesqlExpression {
  /** The source text. */
  readonly text: string;
  /** The static type of the whole expression; a filter needs `Boolean` (or `Any`, checked per event). */
  readonly type: CesqlType;
  /**
   * The parsed expression, read-only: for tools that reason about an expression without
   * evaluating it (a trigger index looking for conditions it can look up, a linter).
   */
  readonly ast: CesqlNode;
  /** Evaluates against an event; never throws for evaluation errors (§3.3). */
  evaluate(event: CesqlEvent): CesqlResult;
  /** Evaluates like `evaluate` and records every evaluated sub-expression. Slower; not for the hot path. */
  trace(event: CesqlEvent): CesqlTrace;
}

/**
 * A user-defined function (§3.5: "An engine SHOULD also allow users to define their custom
 * functions"). Arguments are cast to `parameters` (then `variadic` for the rest) before `call`;
 * `Any` passes the value as it is. A `call` that throws, or returns a value that is not of
 * `returns`, yields the zero value of `returns` plus a FunctionEvaluationError (§3.5.3).
 */
export interface CesqlFunction {
  /** Letters and underscores, starting with a letter; matched case-insensitively. */
  readonly name: string;
  readonly parameters: readonly CesqlType[];
  /** Type of the arguments after the fixed ones, for a variadic function (zero or more of them). */
  readonly variadic?: CesqlType;
  readonly returns: CesqlValueType;
  readonly call: (args: readonly CesqlValue[]) => CesqlValue;
}

export interface CompileOptions {
  /** User-defined functions, checked against the overloading rules of §3.5 at compile time. */
  readonly functions?: readonly CesqlFunction[];
}
