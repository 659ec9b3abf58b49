/**
 * Errors with a stable code. Codes look like `SLUICE_ERR_<AREA>_<WHAT>`; each package declares its
 * codes once (in its `errors.ts`) and lists them in its README. HTTP status mapping happens only at
 * the edge (the ingress), never here.
 *
 * Branded with `Symbol.for` (as undici does) so `isSluiceError` works across duplicate installs.
 */
const BRAND = Symbol.for("sluice.error");

export interface SluiceErrorOptions {
  readonly cause?: unknown;
  /** Structured details for callers (for example `{ attribute: "source" }`). Never secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class SluiceError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SluiceError";
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSluiceError(value);
  }
}

export function isSluiceError(value: unknown): value is SluiceError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Error codes shared across packages (the interfaces in core can raise them). */
export const CoreErrors = Object.freeze({
  /** A broker backend cannot store or read right now (disk error, server down). Ingress answers 503. */
  BACKEND_UNAVAILABLE: "SLUICE_ERR_BACKEND_UNAVAILABLE",
  /** A broker's backlog is over its bound. Ingress answers 429 with Retry-After. */
  BACKEND_FULL: "SLUICE_ERR_BACKEND_FULL",
  /** The object was closed; the call cannot proceed. */
  CLOSED: "SLUICE_ERR_CLOSED",
  /** An ISO-8601 duration could not be parsed. */
  INVALID_DURATION: "SLUICE_ERR_CORE_INVALID_DURATION",
} as const);
