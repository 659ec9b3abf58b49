export { CesqlError, type CesqlErrorCode, CesqlErrorCodes, type CesqlErrorKind } from "./errors.js";
export { compile } from "./expression.js";
export type {
  CesqlEvent,
  CesqlExpression,
  CesqlFunction,
  CesqlResult,
  CesqlTrace,
  CesqlType,
  CesqlValue,
  CesqlValueType,
  CompileOptions,
} from "./types.js";
