/**
 * Error and diagnostic codes of @sluice/source-process, declared once and listed in the README.
 */
export const ProcessSourceErrors = Object.freeze({
  /** `spec.command` is missing. */
  MISSING_FIELD: "SLUICE_ERR_PROCESS_MISSING_FIELD",
  /** A field has the wrong type (command not a list of strings, env value not a string, ...). */
  INVALID_TYPE: "SLUICE_ERR_PROCESS_INVALID_TYPE",
  /** A value ProcessSource does not accept (empty command, bad env name, unknown restart policy, ...). */
  INVALID_VALUE: "SLUICE_ERR_PROCESS_INVALID_VALUE",
  /** A field ProcessSource does not define. Warning. */
  UNKNOWN_FIELD: "SLUICE_ERR_PROCESS_UNKNOWN_FIELD",
  /** An env entry sets K_SINK or K_CE_OVERRIDES, which Sluice sets itself. Warning. */
  RESERVED_ENV: "SLUICE_ERR_PROCESS_RESERVED_ENV",
  /** The command could not be started (not found, not executable, cwd missing). */
  SPAWN_FAILED: "SLUICE_ERR_PROCESS_SPAWN_FAILED",
  /** start() was called twice on the same source. */
  ALREADY_STARTED: "SLUICE_ERR_PROCESS_ALREADY_STARTED",
} as const);

export type ProcessSourceErrorCode = (typeof ProcessSourceErrors)[keyof typeof ProcessSourceErrors];
