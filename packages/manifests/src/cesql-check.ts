import { type CesqlError, compile } from "@sluice/cesql";

/** Why a CESQL filter expression is rejected at load. */
export interface CesqlProblem {
  readonly message: string;
  readonly hint: string;
  /** 0-based character offset in the expression, for pointing inside the YAML value. */
  readonly offset: number | undefined;
}

/** The part of `@sluice/cesql`'s compile this check needs (a stand-in in tests). */
export type CesqlCompile = (text: string) => { readonly type: string };

type ErrorLike = Partial<Pick<CesqlError, "message" | "position" | "line" | "column">>;

function where(error: ErrorLike): string {
  if (error.column === undefined) return "";
  return error.line !== undefined && error.line > 1
    ? ` (expression line ${error.line}, column ${error.column})`
    : ` (expression column ${error.column})`;
}

const SPEC = "CESQL v1: https://github.com/cloudevents/spec/blob/main/cesql/spec.md";

/**
 * A checker that compiles an expression and requires a Boolean one, as @sluice/filters does when
 * it builds the filter (a bare attribute is typed Any and holds a String at run time, so it is
 * rejected too). compile throws CesqlError (parse, missing function) with the 0-based
 * `position` and 1-based `line`/`column` of the offending token.
 */
export function createCesqlCheck(compileFn: CesqlCompile): (expression: string) => CesqlProblem | undefined {
  return (expression) => {
    let type: string;
    try {
      type = compileFn(expression).type;
    } catch (error) {
      const e = (typeof error === "object" && error !== null ? error : {}) as ErrorLike;
      const message = typeof e.message === "string" ? e.message : String(error);
      return { message: `invalid CESQL expression: ${message}${where(e)}`, hint: SPEC, offset: e.position };
    }
    if (type === "Boolean") return undefined;
    const hint =
      type === "Any"
        ? "a bare attribute holds a String: compare it (x = 'true') or cast it (BOOL(x))"
        : "write a condition, e.g. type = 'com.example.created'";
    return {
      message: `CESQL expression is ${type}; a filter needs a Boolean condition`,
      hint,
      offset: undefined,
    };
  };
}

/** The check @sluice/filters' runtime will agree with: the same compiler. */
export const checkCesql = createCesqlCheck(compile);
