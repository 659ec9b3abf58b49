/**
 * Error and diagnostic codes of @sluice/source-http, declared once and listed in the README.
 * Validation codes are reported through the manifest loader; request codes travel in the
 * `{"error":{"code","message"}}` body of the HTTP answer.
 */
export const HttpSourceErrors = Object.freeze({
  /** A required field is missing (`spec.path`, a password, a token, an HMAC secret). */
  MISSING_FIELD: "SLUICE_ERR_HTTPSOURCE_MISSING_FIELD",
  /** A field has the wrong type. */
  INVALID_TYPE: "SLUICE_ERR_HTTPSOURCE_INVALID_TYPE",
  /** A field has the right type but a value HttpSource does not accept. */
  INVALID_VALUE: "SLUICE_ERR_HTTPSOURCE_INVALID_VALUE",
  /** A field HttpSource does not define. Warning. */
  UNKNOWN_FIELD: "SLUICE_ERR_HTTPSOURCE_UNKNOWN_FIELD",
  /** `spec.auth` sets none or several of basic, bearer, hmac. */
  INVALID_AUTH: "SLUICE_ERR_HTTPSOURCE_INVALID_AUTH",
  /** The request carries no credentials (401). */
  UNAUTHENTICATED: "SLUICE_ERR_HTTPSOURCE_UNAUTHENTICATED",
  /** The request's credentials or signature are wrong (403). */
  FORBIDDEN: "SLUICE_ERR_HTTPSOURCE_FORBIDDEN",
  /** The method is not one of spec.methods (405). */
  METHOD_NOT_ALLOWED: "SLUICE_ERR_HTTPSOURCE_METHOD_NOT_ALLOWED",
  /** A header or JSON pointer that gives type or source is missing from the request (400). */
  MISSING_VALUE: "SLUICE_ERR_HTTPSOURCE_MISSING_VALUE",
  /** The sink did not accept the event after the runtime's retries, or the source is stopping (503). */
  SINK_UNAVAILABLE: "SLUICE_ERR_HTTPSOURCE_SINK_UNAVAILABLE",
  /** The runtime gave the source no HTTP router (no ingress is running). */
  NO_INGRESS: "SLUICE_ERR_HTTPSOURCE_NO_INGRESS",
  /** start() was called twice on the same source. */
  ALREADY_STARTED: "SLUICE_ERR_HTTPSOURCE_ALREADY_STARTED",
} as const);

export type HttpSourceErrorCode = (typeof HttpSourceErrors)[keyof typeof HttpSourceErrors];
