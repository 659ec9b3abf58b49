/**
 * The resolved resource model: what `@sluice/manifests` produces from YAML after parse → validate
 * → default → resolve → freeze, and what the runtime, filters and delivery consume. Durations are
 * already milliseconds and destinations already URLs: nothing downstream re-parses strings.
 */

/** Where a manifest (or a part of it) came from, for diagnostics and `sluice explain`. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
}

/** A namespaced name. `id` is always `${namespace}/${name}`. */
export interface ResourceKey {
  readonly namespace: string;
  readonly name: string;
}

export function resourceId(key: ResourceKey): string {
  return `${key.namespace}/${key.name}`;
}

/**
 * A resolved destination (Knative duckv1.Destination after resolution). `url` is always absolute.
 * When the destination is a Broker served by this process, `broker` names it, so in-process callers
 * (sources) may skip the HTTP hop; `url` is then that broker's ingress address.
 */
export interface Destination {
  readonly url: string;
  readonly broker?: ResourceKey;
}

/**
 * Trigger filter dialects (Knative `filters`, CloudEvents Subscriptions API). Exactly one key per
 * object. `exact`/`prefix`/`suffix` maps hold one or more attribute → value pairs, all of which must
 * match. `cesql` holds the expression text; `@sluice/filters` compiles it at load.
 */
export type FilterSpec =
  | { readonly exact: Readonly<Record<string, string>> }
  | { readonly prefix: Readonly<Record<string, string>> }
  | { readonly suffix: Readonly<Record<string, string>> }
  | { readonly all: readonly FilterSpec[] }
  | { readonly any: readonly FilterSpec[] }
  | { readonly not: FilterSpec }
  | { readonly cesql: string };

export type BackoffPolicy = "exponential" | "linear";

/**
 * A delivery policy with every field resolved. A Trigger's `delivery` replaces its Broker's
 * entirely; fields missing from the chosen spec take the defaults below, never the other spec's.
 */
export interface DeliveryPolicy {
  /** Retries after the first attempt (total attempts = retry + 1). */
  readonly retry: number;
  readonly backoffPolicy: BackoffPolicy;
  /** Base delay: exponential waits delay·2^(n-1) before retry n, linear waits delay·n. */
  readonly backoffDelayMs: number;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  /** Cap on an honoured `Retry-After` (429/503). 0 disables honouring it. */
  readonly retryAfterMaxMs: number;
  readonly deadLetterSink: Destination | undefined;
}

/** Defaults for fields a delivery spec leaves out (documented in docs/delivery.md). */
export const DEFAULT_DELIVERY_FIELDS = Object.freeze({
  retry: 0,
  backoffPolicy: "exponential" as BackoffPolicy,
  backoffDelayMs: 200,
  timeoutMs: 30_000,
  retryAfterMaxMs: 60_000,
});

/**
 * The delivery a Broker gets when neither it nor `config-br-defaults` sets one: Knative's shipped
 * `config-br-defaults` (retry 10, exponential, PT0.2S).
 */
export const DEFAULT_BROKER_DELIVERY: DeliveryPolicy = Object.freeze({
  ...DEFAULT_DELIVERY_FIELDS,
  retry: 10,
  deadLetterSink: undefined,
});

export interface BrokerResource extends ResourceKey {
  readonly id: string;
  /** `eventing.knative.dev/broker.class` after defaulting (`MTChannelBasedBroker` by default). */
  readonly brokerClass: string;
  /** The broker's effective delivery (its own, else config-br-defaults, else DEFAULT_BROKER_DELIVERY). */
  readonly delivery: DeliveryPolicy;
  /** Data of the ConfigMap/Secret named by `spec.config`, when set. */
  readonly config: Readonly<Record<string, string>> | undefined;
  readonly annotations: Readonly<Record<string, string>>;
  readonly location: SourceLocation;
}

export interface TriggerResource extends ResourceKey {
  readonly id: string;
  /** Name of the Broker, in the trigger's namespace. */
  readonly broker: string;
  /** Legacy `spec.filter.attributes`; `undefined` when absent. `""` values mean "present and non-empty". */
  readonly filterAttributes: Readonly<Record<string, string>> | undefined;
  /** `spec.filters`; when non-empty it overrides `filterAttributes`. */
  readonly filters: readonly FilterSpec[];
  readonly subscriber: Destination;
  /** Effective delivery: the trigger's own if it sets one, else its broker's. */
  readonly delivery: DeliveryPolicy;
  readonly deliveryOrigin: "trigger" | "broker";
  /** `kafka.eventing.knative.dev/delivery.order: ordered`: one at a time per `partitionkey`. */
  readonly ordered: boolean;
  readonly annotations: Readonly<Record<string, string>>;
  readonly location: SourceLocation;
}

/** A source manifest after its plugin validated it. `spec` is the plugin's own frozen shape. */
export interface SourceResource<Spec = unknown> extends ResourceKey {
  readonly id: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly sink: Destination;
  /** `spec.ceOverrides.extensions`, applied to every emitted event. */
  readonly ceOverrides: Readonly<Record<string, string>>;
  readonly spec: Spec;
  readonly annotations: Readonly<Record<string, string>>;
  readonly location: SourceLocation;
}
