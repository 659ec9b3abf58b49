/**
 * A CloudEvent as it travels through Sluice.
 *
 * Attributes are kept in their canonical string form (CloudEvents spec §"Type System"), keyed by
 * their lower-case name, exactly as the producer sent them: Sluice never injects `id` or `time`,
 * never upgrades `specversion`, never rewrites a value. `data` is the event data as raw bytes:
 * the binary-mode body, the decoded `data_base64`, or the JSON text of a structured `data` member.
 * Nothing on the hot path builds SDK objects; this shape is cheap to create and to route on.
 */
export interface CloudEvent {
  /**
   * Every context attribute and extension by name, in canonical string form. Always contains
   * `specversion`, `id`, `source` and `type` once validated; `datacontenttype` when set.
   */
  readonly attributes: ReadonlyMap<string, string>;
  /** The data bytes exactly as received; `undefined` when the event carries no data. */
  readonly data: Uint8Array | undefined;
}

/** Required context attributes, for every supported spec version. */
export const REQUIRED_ATTRIBUTES: readonly string[] = Object.freeze(["id", "source", "specversion", "type"]);

/** The spec versions Sluice accepts. */
export const SPEC_VERSIONS: readonly string[] = Object.freeze(["1.0", "0.3"]);

/**
 * CloudEvents attribute names: lower-case ASCII letters and digits only (spec §"Attribute Naming
 * Convention"). Knative trigger filters are stricter and also require a leading letter; see
 * FILTER_ATTRIBUTE_NAME.
 */
export const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/** Attribute names accepted in trigger filters (Knative `trigger_validation.go`). */
export const FILTER_ATTRIBUTE_NAME = /^[a-z][a-z0-9]*$/;

/** Creates a CloudEvent from plain attributes; a convenience for tests, sources and tools, not the hot path. */
export function createCloudEvent(
  attributes: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
  data?: Uint8Array | string,
): CloudEvent {
  const map =
    attributes instanceof Map
      ? new Map(attributes)
      : new Map(Object.entries(attributes as Readonly<Record<string, string>>));
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  return { attributes: map, data: bytes };
}

/** Returns a copy of `event` with some attributes set (value string) or removed (value undefined). */
export function withAttributes(
  event: CloudEvent,
  changes: Readonly<Record<string, string | undefined>>,
): CloudEvent {
  const attributes = new Map(event.attributes);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) attributes.delete(name);
    else attributes.set(name, value);
  }
  return { attributes, data: event.data };
}

/**
 * What a broker stores for one accepted event: the event exactly as received, plus the routing
 * metadata that travels with it but is never part of the event's attributes.
 */
export interface EventEnvelope {
  readonly event: CloudEvent;
  /**
   * Remaining hops for the reply-loop guard (Knative's `knativebrokerttl`, default 255). Kept out
   * of the attributes so subscribers never see it; a reply gets its parent's ttl - 1.
   */
  readonly ttl: number;
  /** W3C trace context received with the event (HTTP headers), passed on to subscribers. */
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
  /** When the broker accepted the event (ms since the epoch). */
  readonly acceptedAt: number;
}

/** Default and maximum of the reply-loop guard, as in Knative (`MAX_TTL`). */
export const DEFAULT_BROKER_TTL = 255;

/** The extension name Knative uses for the reply-loop guard. */
export const TTL_EXTENSION = "knativebrokerttl";
