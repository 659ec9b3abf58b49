/**
 * Error codes of @sluice/delivery, declared once. Attempt failures are reported as
 * `CODE: message` strings (DeliveryResult.reason, DispatcherOptions.onAttempt); only misuse of the
 * dispatcher itself (deliver() after close()) throws a SluiceError.
 */
export const DeliveryErrors = Object.freeze({
  /** The attempt did not finish (connect, headers and body) within the policy's `timeout`. */
  TIMEOUT: "SLUICE_ERR_DELIVERY_TIMEOUT",
  /** The connection failed or broke (refused, reset, DNS, TLS) before a complete answer. */
  NETWORK: "SLUICE_ERR_DELIVERY_NETWORK",
  /** The sink answered with a non-2xx status. */
  STATUS: "SLUICE_ERR_DELIVERY_STATUS",
  /** A 200 answer claimed to carry a CloudEvent (ce- headers or a cloudevents content type) but did not. */
  INVALID_REPLY: "SLUICE_ERR_DELIVERY_INVALID_REPLY",
  /** A 200 reply body was larger than `maxReplyBytes`. */
  REPLY_TOO_LARGE: "SLUICE_ERR_DELIVERY_REPLY_TOO_LARGE",
  /** onReply rejected: the broker could not store the reply, so the delivery is not done. */
  REPLY_NOT_STORED: "SLUICE_ERR_DELIVERY_REPLY_NOT_STORED",
  /** The subscriber or dead-letter URL is not an absolute http(s) URL. */
  INVALID_URL: "SLUICE_ERR_DELIVERY_INVALID_URL",
  /** There is no dead-letter sink; the event must go to the broker's dead-letter store. */
  NO_DEAD_LETTER_SINK: "SLUICE_ERR_DELIVERY_NO_DEAD_LETTER_SINK",
  /** The dead-letter sink failed too; the event must go to the broker's dead-letter store. */
  DEAD_LETTER_FAILED: "SLUICE_ERR_DELIVERY_DEAD_LETTER_FAILED",
  /** deliver() was called after close(). */
  CLOSED: "SLUICE_ERR_DELIVERY_CLOSED",
} as const);

export type DeliveryErrorCode = (typeof DeliveryErrors)[keyof typeof DeliveryErrors];
