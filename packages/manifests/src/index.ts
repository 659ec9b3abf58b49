export {
  ADDRESS_ANNOTATION,
  BROKER_CLASS_ANNOTATION,
  BROKER_DEFAULTS_KEY,
  BROKER_DEFAULTS_NAME,
  DEFAULT_BROKER_CLASS,
  DEFAULT_NAMESPACE,
  DELIVERY_ORDER_ANNOTATION,
  EVENTING_API_VERSION,
} from "./constants.js";
export type { Diagnostic } from "./diagnostics.js";
export { formatDiagnostic } from "./diagnostics.js";
export type { ManifestErrorCode } from "./errors.js";
export { ManifestErrors } from "./errors.js";
export type { LoadOptions, LoadResult, ResourceSet } from "./load.js";
export { loadManifests, loadManifestTexts } from "./load.js";
export { SINK_FLAG_FILE } from "./sink-flags.js";
