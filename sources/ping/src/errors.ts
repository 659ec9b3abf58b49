/**
 * Error and diagnostic codes of @sluice/source-ping, declared once and listed in the README.
 * Validation reports them through the manifest loader (`file:line:col error CODE ...`).
 */
export const PingErrors = Object.freeze({
  /** `spec.schedule` is not a cron expression robfig/cron (Knative) accepts, or uses `@every`. */
  INVALID_SCHEDULE: "SLUICE_ERR_PING_INVALID_SCHEDULE",
  /** `spec.timezone` (or a `CRON_TZ=` prefix) is not an IANA time zone. */
  INVALID_TIMEZONE: "SLUICE_ERR_PING_INVALID_TIMEZONE",
  /** `spec.data` and `spec.dataBase64` are both set. */
  DATA_CONFLICT: "SLUICE_ERR_PING_DATA_CONFLICT",
  /** `spec.data` (or decoded `dataBase64`) is not a JSON object although contentType is application/json. */
  INVALID_DATA: "SLUICE_ERR_PING_INVALID_DATA",
  /** `spec.dataBase64` is not standard base64. */
  INVALID_BASE64: "SLUICE_ERR_PING_INVALID_BASE64",
  /** A field has the wrong type (a number where a string is expected, ...). */
  INVALID_TYPE: "SLUICE_ERR_PING_INVALID_TYPE",
  /** A `spec` field PingSource does not define. Warning. */
  UNKNOWN_FIELD: "SLUICE_ERR_PING_UNKNOWN_FIELD",
  /** The schedule is valid but matches no time within five years (e.g. `0 0 30 2 *`). Warning. */
  NEVER_FIRES: "SLUICE_ERR_PING_NEVER_FIRES",
  /** The `sources.sluice.dev/catch-up` annotation is not a positive ISO-8601 duration. */
  INVALID_CATCH_UP: "SLUICE_ERR_PING_INVALID_CATCH_UP",
  /** start() was called twice on the same source. */
  ALREADY_STARTED: "SLUICE_ERR_PING_ALREADY_STARTED",
} as const);

export type PingErrorCode = (typeof PingErrors)[keyof typeof PingErrors];
