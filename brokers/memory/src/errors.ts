/** Error codes of the memory broker backend. Listed in the package README. */
export const MemoryBrokerErrors = Object.freeze({
  /** take() was called while another take() on the same queue was still pending. */
  TAKE_PENDING: "SLUICE_ERR_BROKER_TAKE_PENDING",
  /** open() was called for a broker whose store is already open in this backend. */
  ALREADY_OPEN: "SLUICE_ERR_BROKER_ALREADY_OPEN",
} as const);
