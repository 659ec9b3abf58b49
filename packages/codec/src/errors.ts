import { SluiceError } from "@sluice/core";

/**
 * Error codes of @sluice/codec, declared once and listed in the package README. Every error that
 * concerns one attribute carries `details.attribute`; errors inside a batch also carry
 * `details.index` (the element's position in the JSON array).
 */
export const CodecErrors = Object.freeze({
  /** A required attribute (id, source, specversion, type) is absent or null. */
  MISSING_ATTRIBUTE: "SLUICE_ERR_CODEC_MISSING_ATTRIBUTE",
  /** An attribute value breaks its type or constraint (empty, not RFC 3339, not a URI, control characters, wrong JSON type). */
  INVALID_ATTRIBUTE: "SLUICE_ERR_CODEC_INVALID_ATTRIBUTE",
  /** An attribute name is not `[a-z0-9]+`, or is the reserved name `data`. */
  INVALID_ATTRIBUTE_NAME: "SLUICE_ERR_CODEC_INVALID_ATTRIBUTE_NAME",
  /** An attribute appears more than once (a repeated `ce-` header or JSON member). */
  DUPLICATE_ATTRIBUTE: "SLUICE_ERR_CODEC_DUPLICATE_ATTRIBUTE",
  /** `specversion` is neither "1.0" nor "0.3". */
  UNKNOWN_SPECVERSION: "SLUICE_ERR_CODEC_UNKNOWN_SPECVERSION",
  /** A structured or batch body is not valid UTF-8 JSON of the expected shape. */
  INVALID_JSON: "SLUICE_ERR_CODEC_INVALID_JSON",
  /** `data` / `data_base64` cannot be decoded (both present, bad base64, non-string data for a non-JSON type). */
  INVALID_DATA: "SLUICE_ERR_CODEC_INVALID_DATA",
  /** A batch body is not a JSON array of objects, or its events have different specversions. */
  INVALID_BATCH: "SLUICE_ERR_CODEC_INVALID_BATCH",
  /** `application/cloudevents+<format>` with a format other than JSON (e.g. +avro). Ingress answers 415. */
  UNSUPPORTED_FORMAT: "SLUICE_ERR_CODEC_UNSUPPORTED_FORMAT",
  /** The message has neither `ce-` headers nor a CloudEvents Content-Type. */
  NOT_A_CLOUDEVENT: "SLUICE_ERR_CODEC_NOT_A_CLOUDEVENT",
  /** percentEncode/percentDecode: a lone surrogate, an unterminated quoted string or invalid UTF-8. */
  INVALID_ENCODING: "SLUICE_ERR_CODEC_INVALID_ENCODING",
  /** parseMediaType: the value is not `type/subtype[; name=value]...`. */
  INVALID_MEDIA_TYPE: "SLUICE_ERR_CODEC_INVALID_MEDIA_TYPE",
} as const);

export type CodecErrorCode = (typeof CodecErrors)[keyof typeof CodecErrors];

/** An error about one attribute: the name goes into both the message and `details.attribute`. */
export function attributeError(
  code: CodecErrorCode,
  attribute: string,
  message: string,
  extra?: Readonly<Record<string, unknown>>,
  cause?: unknown,
): SluiceError {
  return new SluiceError(code, message, {
    details: extra === undefined ? { attribute } : { attribute, ...extra },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The same error placed in a batch: the message is prefixed with the element and `details.index`
 * is set, so the ingress can name both the event and the attribute.
 */
export function atBatchIndex(error: SluiceError, index: number): SluiceError {
  return new SluiceError(error.code, `batch event [${index}]: ${error.message}`, {
    details: { ...error.details, index },
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
}
