/** Error codes of the runtime (ingress answers and lifecycle). Listed in the package README. */
export const RuntimeErrors = Object.freeze({
  /** No broker at this namespace/name (404). */
  BROKER_NOT_FOUND: "SLUICE_ERR_INGRESS_BROKER_NOT_FOUND",
  /** Only POST and OPTIONS are allowed on a broker address (405). */
  METHOD_NOT_ALLOWED: "SLUICE_ERR_INGRESS_METHOD_NOT_ALLOWED",
  /** Body over the size limit (413). */
  BODY_TOO_LARGE: "SLUICE_ERR_INGRESS_BODY_TOO_LARGE",
  /** The event's knativebrokerttl is invalid or exhausted: a routing loop (400). */
  TTL_EXHAUSTED: "SLUICE_ERR_INGRESS_TTL_EXHAUSTED",
  /** The broker's backlog is over its bound (429). */
  BACKLOG_FULL: "SLUICE_ERR_INGRESS_BACKLOG_FULL",
  /** The broker's storage is unavailable (503). */
  STORAGE_UNAVAILABLE: "SLUICE_ERR_INGRESS_STORAGE_UNAVAILABLE",
  /** The process is shutting down (503). */
  SHUTTING_DOWN: "SLUICE_ERR_INGRESS_SHUTTING_DOWN",
  /** The request could not be read (400). */
  BAD_REQUEST: "SLUICE_ERR_INGRESS_BAD_REQUEST",
  /** No route at this path (404). */
  NOT_FOUND: "SLUICE_ERR_INGRESS_NOT_FOUND",
  /** A configuration change cannot be applied (e.g. a broker's class changed). */
  RELOAD_REJECTED: "SLUICE_ERR_RUNTIME_RELOAD_REJECTED",
  /** An HTTP route is already taken or collides with a broker address. */
  ROUTE_CONFLICT: "SLUICE_ERR_RUNTIME_ROUTE_CONFLICT",
  /** An event could not be sent to a source's sink after every retry. */
  EMIT_FAILED: "SLUICE_ERR_SOURCE_EMIT_FAILED",
  /** Unexpected failure inside the runtime (500). */
  INTERNAL: "SLUICE_ERR_RUNTIME_INTERNAL",
} as const);
