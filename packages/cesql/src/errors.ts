/**
 * The error kinds of CESQL v1 §3.3, named as the CESQL TCK names them. Every kind also has a
 * stable Sluice code, declared once here and listed in the package README.
 */
export const CesqlErrorCodes = Object.freeze({
  /** ParseError: the text is not a CESQL expression (§2, §3.4.3 LIKE pattern, §2.2 integer range). */
  parse: "SLUICE_ERR_CESQL_PARSE",
  /** MathError: division or modulo by zero, 32-bit overflow (§3.4.2, §3.5.2). */
  math: "SLUICE_ERR_CESQL_MATH",
  /** CastError: an implicit or explicit cast that cannot be made (§3.7). */
  cast: "SLUICE_ERR_CESQL_CAST",
  /** MissingFunctionError: no function of that name and arity (§3.5); raised by compile(). */
  missingFunction: "SLUICE_ERR_CESQL_MISSING_FUNCTION",
  /** FunctionEvaluationError: a function rejected its arguments (§3.5.1, §3.5.3). */
  functionEvaluation: "SLUICE_ERR_CESQL_FUNCTION_EVALUATION",
  /** MissingAttributeError: the expression reads an attribute the event does not have (§3.2). */
  missingAttribute: "SLUICE_ERR_CESQL_MISSING_ATTRIBUTE",
  /** GenericError: anything else, e.g. invalid user-defined function definitions. */
  generic: "SLUICE_ERR_CESQL_GENERIC",
} as const);

export type CesqlErrorKind = keyof typeof CesqlErrorCodes;
export type CesqlErrorCode = (typeof CesqlErrorCodes)[CesqlErrorKind];

/** Where in the expression text an error points; all offsets are UTF-16 code units. */
export interface CesqlErrorLocation {
  /** 0-based offset of the start of the offending token or sub-expression. */
  readonly position: number;
  /** 1-based line of `position`. */
  readonly line: number;
  /** 1-based column of `position` within its line. */
  readonly column: number;
}

export interface CesqlErrorOptions {
  readonly location?: CesqlErrorLocation;
  readonly cause?: unknown;
}

/**
 * A CESQL error. Parse and missing-function errors are thrown by `compile`; every other kind is
 * returned in the error list of an evaluation (§3.3), never thrown.
 */
export class CesqlError extends Error {
  override readonly name = "CesqlError";
  readonly kind: CesqlErrorKind;
  readonly code: CesqlErrorCode;
  readonly position: number | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(kind: CesqlErrorKind, message: string, options: CesqlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = CesqlErrorCodes[kind];
    this.position = options.location?.position;
    this.line = options.location?.line;
    this.column = options.location?.column;
  }
}

/**
 * Builds an evaluation error without capturing a stack trace: these errors are data returned per
 * event (a filter on an absent extension raises one for every event), and a stack pointing into
 * the evaluator would cost microseconds and tell the reader nothing.
 */
export function evaluationError(
  kind: CesqlErrorKind,
  message: string,
  location: CesqlErrorLocation | undefined,
  cause?: unknown,
): CesqlError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CesqlError(
      kind,
      message,
      location === undefined ? { cause } : cause === undefined ? { location } : { location, cause },
    );
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Computes the 1-based line and column of a 0-based offset in `text`. */
export function locate(text: string, position: number): CesqlErrorLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { position, line, column: position - lineStart + 1 };
}
