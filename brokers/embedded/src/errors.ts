/**
 * Error codes of the embedded broker backend. Listed in the package README. Storage failures use
 * core's SLUICE_ERR_BACKEND_UNAVAILABLE and bounds core's SLUICE_ERR_BACKEND_FULL.
 */
export const EmbeddedBrokerErrors = Object.freeze({
  /** Another live process (or another backend in this one) holds the broker directory's lock. */
  LOCKED: "SLUICE_ERR_EMBEDDED_LOCKED",
  /** A store file has a header this version cannot read (another format or a newer version). */
  UNSUPPORTED_FORMAT: "SLUICE_ERR_EMBEDDED_UNSUPPORTED_FORMAT",
  /** An option of createEmbeddedBackend is out of range. */
  INVALID_OPTIONS: "SLUICE_ERR_EMBEDDED_INVALID_OPTIONS",
  /** take() was called while another take() on the same queue was still pending. */
  TAKE_PENDING: "SLUICE_ERR_BROKER_TAKE_PENDING",
  /** A dead-letter file could not be read to its end (torn or damaged), so it was not emptied. */
  DEAD_LETTERS_UNREADABLE: "SLUICE_ERR_EMBEDDED_DEAD_LETTERS_UNREADABLE",
  /** open() was called for a broker whose store is already open in this backend. */
  ALREADY_OPEN: "SLUICE_ERR_BROKER_ALREADY_OPEN",
} as const);
