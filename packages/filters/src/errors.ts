import { SluiceError } from "@sluice/core";

/**
 * Every error this package raises. All of them mean "this trigger's filter is invalid" and are
 * thrown at load (compileFilter, TriggerIndex.add), never while matching an event.
 */
export const FilterErrors = Object.freeze({
  /** A filter is not an object, a list is not an array, or `filter.attributes` is not a map. */
  SHAPE: "SLUICE_ERR_FILTER_SHAPE",
  /** A filter object names no dialect (`{}`). */
  NO_DIALECT: "SLUICE_ERR_FILTER_NO_DIALECT",
  /** A filter object has a key that is not a dialect (`regex`, `Exact`). */
  UNKNOWN_DIALECT: "SLUICE_ERR_FILTER_UNKNOWN_DIALECT",
  /** A filter object sets more than one dialect (Knative: "filters can have only one dialect set"). */
  MULTIPLE_DIALECTS: "SLUICE_ERR_FILTER_MULTIPLE_DIALECTS",
  /** An `exact`, `prefix` or `suffix` map has no keys. */
  EMPTY_MAP: "SLUICE_ERR_FILTER_EMPTY_MAP",
  /** An `all` or `any` list is empty. */
  EMPTY_LIST: "SLUICE_ERR_FILTER_EMPTY_LIST",
  /** An attribute name does not match `^[a-z][a-z0-9]*$`. */
  ATTRIBUTE_NAME: "SLUICE_ERR_FILTER_ATTRIBUTE_NAME",
  /** An `exact`/`prefix`/`suffix` value or a `cesql` expression is the empty string. */
  EMPTY_VALUE: "SLUICE_ERR_FILTER_EMPTY_VALUE",
  /** A filter value is not a string. */
  VALUE_TYPE: "SLUICE_ERR_FILTER_VALUE_TYPE",
  /** A `cesql` expression does not compile (syntax, unknown function); `cause` is the CesqlError. */
  CESQL_INVALID: "SLUICE_ERR_FILTER_CESQL_INVALID",
  /** A `cesql` expression is not of type Boolean (CESQL v1 §1.2). */
  CESQL_TYPE: "SLUICE_ERR_FILTER_CESQL_TYPE",
} as const);

export type FilterErrorCode = (typeof FilterErrors)[keyof typeof FilterErrors];

/** Builds the error for an invalid filter at `path` (for example `filters[1].any[0].cesql`). */
export function filterError(
  code: FilterErrorCode,
  path: string,
  message: string,
  extra: Readonly<Record<string, unknown>> = {},
  cause?: unknown,
): SluiceError {
  const details = { path, ...extra };
  return new SluiceError(code, `${path}: ${message}`, cause === undefined ? { details } : { details, cause });
}
