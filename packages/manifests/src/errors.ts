/**
 * Diagnostic codes of the manifest loader, declared once. Each is documented with an example fix
 * in README.md and docs/manifests.md (a test keeps the three in sync). Warnings use the same
 * `SLUICE_ERR_MANIFEST_` prefix so one grep finds every code.
 */
export const ManifestErrors = Object.freeze({
  /** A path given with -f does not exist or cannot be read. */
  READ_FAILED: "SLUICE_ERR_MANIFEST_READ_FAILED",
  /** No *.yaml / *.yml file under the paths given (error), or under one folder (warning). */
  NO_MANIFESTS: "SLUICE_ERR_MANIFEST_NO_MANIFESTS",
  /** The YAML itself does not parse (bad indentation, unclosed quote, duplicate key, ...). */
  YAML_SYNTAX: "SLUICE_ERR_MANIFEST_YAML_SYNTAX",
  /** The YAML parser warns (unknown tag, ...). Warning. */
  YAML_WARNING: "SLUICE_ERR_MANIFEST_YAML_WARNING",
  /** A document is a scalar or a list where a manifest (a mapping) is expected. */
  NOT_A_MAPPING: "SLUICE_ERR_MANIFEST_NOT_A_MAPPING",
  /** A required field is missing (apiVersion, kind, metadata.name, spec.broker, spec.subscriber, ...). */
  MISSING_FIELD: "SLUICE_ERR_MANIFEST_MISSING_FIELD",
  /** A value has the wrong type (a number where a string is expected, a mapping for a list, ...). */
  INVALID_TYPE: "SLUICE_ERR_MANIFEST_INVALID_TYPE",
  /** A value has the right type but is not allowed (negative retry, unknown backoffPolicy, ...). */
  INVALID_VALUE: "SLUICE_ERR_MANIFEST_INVALID_VALUE",
  /** metadata.name / metadata.namespace (or a referenced name) is not a DNS-1123 name. */
  INVALID_NAME: "SLUICE_ERR_MANIFEST_INVALID_NAME",
  /** Two manifests with the same kind, namespace and name. */
  DUPLICATE: "SLUICE_ERR_MANIFEST_DUPLICATE",
  /** A field the kind does not define; probably a typo. Warning. */
  UNKNOWN_FIELD: "SLUICE_ERR_MANIFEST_UNKNOWN_FIELD",
  /** A kind this build does not run; ignored unless something refers to it. Warning. */
  UNKNOWN_KIND: "SLUICE_ERR_MANIFEST_UNKNOWN_KIND",
  /** A supported kind under an apiVersion Sluice does not serve (Broker in eventing.knative.dev/v1beta1). */
  UNSUPPORTED_API_VERSION: "SLUICE_ERR_MANIFEST_UNSUPPORTED_API_VERSION",
  /** A Knative field Sluice does not implement (Trigger spec.brokerRef, metadata.generateName). */
  UNSUPPORTED_FIELD: "SLUICE_ERR_MANIFEST_UNSUPPORTED_FIELD",
  /** A field Sluice accepts and ignores (delivery.format, CACerts, audience). Warning. */
  IGNORED_FIELD: "SLUICE_ERR_MANIFEST_IGNORED_FIELD",
  /** Not an ISO-8601 duration, or out of range (timeout must be > 0). */
  INVALID_DURATION: "SLUICE_ERR_MANIFEST_INVALID_DURATION",
  /** A URI that is not absolute http(s), or an annotation address that is not a URL. */
  INVALID_URI: "SLUICE_ERR_MANIFEST_INVALID_URI",
  /** An annotation with a value Sluice does not accept (delivery.order, broker.class). */
  INVALID_ANNOTATION: "SLUICE_ERR_MANIFEST_INVALID_ANNOTATION",
  /** The broker class has no backend in this build. */
  UNKNOWN_BROKER_CLASS: "SLUICE_ERR_MANIFEST_UNKNOWN_BROKER_CLASS",
  /** A Trigger's spec.broker names no Broker in its namespace. */
  BROKER_NOT_FOUND: "SLUICE_ERR_MANIFEST_BROKER_NOT_FOUND",
  /** A filter object that is empty, has several dialects, an unknown dialect, an empty map or list. */
  INVALID_FILTER: "SLUICE_ERR_MANIFEST_INVALID_FILTER",
  /** A filter attribute name that does not match ^[a-z][a-z0-9]*$ (or an extension name ^[a-z0-9]+$). */
  INVALID_ATTRIBUTE_NAME: "SLUICE_ERR_MANIFEST_INVALID_ATTRIBUTE_NAME",
  /** A CESQL expression that does not compile or is not Boolean. */
  INVALID_CESQL: "SLUICE_ERR_MANIFEST_INVALID_CESQL",
  /** spec.filter is set but spec.filters wins. Warning. */
  FILTER_IGNORED: "SLUICE_ERR_MANIFEST_FILTER_IGNORED",
  /** A Trigger's `delivery: {}` replaces its Broker's delivery with the defaults. Warning. */
  EMPTY_DELIVERY: "SLUICE_ERR_MANIFEST_EMPTY_DELIVERY",
  /** A destination with neither ref nor uri, or with an absolute uri next to a ref. */
  INVALID_DESTINATION: "SLUICE_ERR_MANIFEST_INVALID_DESTINATION",
  /** A ref Sluice cannot turn into a URL (no --sink, no sluice.dev/address, no such Broker). */
  UNRESOLVED_REF: "SLUICE_ERR_MANIFEST_UNRESOLVED_REF",
  /** A ref to a kind Sluice cannot address yet (Sequence, Parallel). */
  UNSUPPORTED_REF: "SLUICE_ERR_MANIFEST_UNSUPPORTED_REF",
  /** A Broker's spec.config names a ConfigMap/Secret that is not in the manifests. */
  CONFIG_NOT_FOUND: "SLUICE_ERR_MANIFEST_CONFIG_NOT_FOUND",
  /** A Broker's spec.config names something other than a v1 ConfigMap or Secret. */
  INVALID_CONFIG: "SLUICE_ERR_MANIFEST_INVALID_CONFIG",
  /** Secret `data` or ConfigMap `binaryData` that is not base64 (the value is never printed). */
  INVALID_BASE64: "SLUICE_ERR_MANIFEST_INVALID_BASE64",
  /** config-br-defaults without default-br-config, given twice, or not parseable. */
  INVALID_DEFAULTS: "SLUICE_ERR_MANIFEST_INVALID_DEFAULTS",
  /** A secret reference to a missing Secret, key or environment variable. */
  SECRET_NOT_FOUND: "SLUICE_ERR_MANIFEST_SECRET_NOT_FOUND",
  /** A --sink value that is not NAME=URL or KIND/NAME=URL. */
  INVALID_SINK_FLAG: "SLUICE_ERR_MANIFEST_INVALID_SINK_FLAG",
  /** A --sink value that no ref used. Warning. */
  UNUSED_SINK_FLAG: "SLUICE_ERR_MANIFEST_UNUSED_SINK_FLAG",
  /** A source plugin threw while validating (a bug in the plugin), or rejected without a reason. */
  PLUGIN_FAILED: "SLUICE_ERR_MANIFEST_PLUGIN_FAILED",
  /** Two webhook sources on one path, or a path that is reserved or a broker address. */
  PATH_CONFLICT: "SLUICE_ERR_MANIFEST_PATH_CONFLICT",
} as const);

export type ManifestErrorCode = (typeof ManifestErrors)[keyof typeof ManifestErrors];
