import {
  type CloudEvent,
  createCloudEvent,
  DEFAULT_BROKER_DELIVERY,
  DEFAULT_BROKER_TTL,
  type DeliveryPolicy,
  type EventEnvelope,
  type FilterSpec,
  type TriggerResource,
} from "@sluice/core";

let counter = 0;

/** A valid CloudEvent 1.0 with a unique id; override or add attributes, and give data. */
export function makeEvent(
  attributes: Readonly<Record<string, string>> = {},
  data?: string | Uint8Array,
): CloudEvent {
  counter += 1;
  return createCloudEvent(
    {
      specversion: "1.0",
      id: `ev-${process.pid}-${counter}`,
      source: "/sluice/test",
      type: "com.example.test",
      ...attributes,
    },
    data,
  );
}

/** Wraps an event as a broker would store it. */
export function makeEnvelope(
  event: CloudEvent = makeEvent(),
  overrides: Partial<EventEnvelope> = {},
): EventEnvelope {
  return {
    event,
    ttl: DEFAULT_BROKER_TTL,
    traceparent: undefined,
    tracestate: undefined,
    acceptedAt: Date.now(),
    ...overrides,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type TriggerOption = (trigger: Mutable<TriggerResource>) => void;

/** Knative-style option builder: makeTrigger("t1", withFilters({ exact: { type: "x" } }), withSubscriber(url)). */
export function makeTrigger(name: string, ...options: TriggerOption[]): TriggerResource {
  const trigger: Mutable<TriggerResource> = {
    namespace: "default",
    name,
    id: `default/${name}`,
    broker: "default",
    filterAttributes: undefined,
    filters: [],
    subscriber: { url: "http://127.0.0.1:1/" },
    delivery: DEFAULT_BROKER_DELIVERY,
    deliveryOrigin: "broker",
    ordered: false,
    annotations: {},
    location: { file: "test.yaml", line: 1, column: 1 },
  };
  for (const option of options) option(trigger);
  trigger.id = `${trigger.namespace}/${trigger.name}`;
  return Object.freeze(trigger);
}

export const withNamespace =
  (namespace: string): TriggerOption =>
  (t) => {
    t.namespace = namespace;
  };

export const withBroker =
  (broker: string): TriggerOption =>
  (t) => {
    t.broker = broker;
  };

export const withFilters =
  (...filters: FilterSpec[]): TriggerOption =>
  (t) => {
    t.filters = filters;
  };

export const withAttributesFilter =
  (attributes: Record<string, string>): TriggerOption =>
  (t) => {
    t.filterAttributes = attributes;
  };

export const withSubscriber =
  (url: string): TriggerOption =>
  (t) => {
    t.subscriber = { url };
  };

export const withDelivery =
  (delivery: Partial<DeliveryPolicy>, origin: "trigger" | "broker" = "trigger"): TriggerOption =>
  (t) => {
    t.delivery = { ...DEFAULT_BROKER_DELIVERY, retry: 0, ...delivery };
    t.deliveryOrigin = origin;
  };

export const withOrdered = (): TriggerOption => (t) => {
  t.ordered = true;
};
