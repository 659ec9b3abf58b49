export type { CodecErrorCode } from "./errors.js";
export { CodecErrors } from "./errors.js";
export type { DecodedMessage, HttpHeaders } from "./http.js";
export { appendBinaryHeaders, claimsCloudEvent, decodeHttp, encodeBinary } from "./http.js";
export { decodeBatch } from "./json-batch.js";
export { encodeBatch, encodeStructured, eventToJson } from "./json-encode.js";
export { eventFromJson } from "./json-event.js";
export type { MediaType } from "./media-type.js";
export {
  isJsonMediaType,
  JSON_BATCH_CONTENT_TYPE,
  JSON_BATCH_FORMAT,
  JSON_FORMAT,
  JSON_FORMAT_CONTENT_TYPE,
  parseMediaType,
} from "./media-type.js";
export { percentDecode, percentEncode } from "./percent-encoding.js";
export { isAttributeName, validateEvent } from "./validate.js";
