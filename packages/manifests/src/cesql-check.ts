import * as cesql from "@sluice/cesql";

/** Why a CESQL filter expression is rejected at load. */
export interface CesqlProblem {
  readonly message: string;
  /** 0-based character offset in the expression, for pointing inside the YAML value. */
  readonly offset: number | undefined;
}

interface CompiledLike {
  readonly type: string;
}

interface CesqlErrorLike {
  readonly message: string;
  readonly position?: number;
  readonly line?: number;
  readonly column?: number;
}

export type CesqlCompile = (text: string) => CompiledLike;

// @sluice/cesql: compile(text) returns an expression with a static `type`, or throws CesqlError
// with a 0-based `position` and 1-based `line`/`column`. Looked up by name so this package builds
// against either side of that package's development.
const compile = (cesql as Readonly<Record<string, unknown>>).compile as CesqlCompile | undefined;

/** True when this build can compile CESQL (otherwise expressions are only checked to be non-empty). */
export const CESQL_AVAILABLE = typeof compile === "function";

function where(error: CesqlErrorLike): string {
  if (error.column === undefined) return "";
  return error.line !== undefined && error.line > 1
    ? ` (expression line ${error.line}, column ${error.column})`
    : ` (expression column ${error.column})`;
}

/**
 * A checker that compiles an expression and checks it can decide a match: Boolean, or Any (an
 * attribute reference, Boolean or not at run time; a non-Boolean result then fails the match,
 * like an evaluation error).
 */
export function createCesqlCheck(
  compileFn: CesqlCompile | undefined,
): (expression: string) => CesqlProblem | undefined {
  return (expression) => {
    if (compileFn === undefined) return undefined;
    let compiled: CompiledLike;
    try {
      compiled = compileFn(expression);
    } catch (error) {
      const e = error as CesqlErrorLike;
      const message = typeof e?.message === "string" ? e.message : String(error);
      return { message: `invalid CESQL expression: ${message}${where(e)}`, offset: e?.position };
    }
    if (compiled.type === "Boolean" || compiled.type === "Any") return undefined;
    return {
      message: `CESQL expression is ${compiled.type}; a filter needs a Boolean condition`,
      offset: undefined,
    };
  };
}

/** Checks with @sluice/cesql when this build has it. */
export const checkCesql = createCesqlCheck(compile);
