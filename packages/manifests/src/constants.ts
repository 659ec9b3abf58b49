/** apiVersion of Broker and Trigger. */
export const EVENTING_API_VERSION = "eventing.knative.dev/v1";
/** Selects the broker backend (PRODUCT.md §6). */
export const BROKER_CLASS_ANNOTATION = "eventing.knative.dev/broker.class";
/** Knative's default class, run by the embedded backend. */
export const DEFAULT_BROKER_CLASS = "MTChannelBasedBroker";
/** `ordered` | `unordered` on a Trigger (Knative Kafka broker). */
export const DELIVERY_ORDER_ANNOTATION = "kafka.eventing.knative.dev/delivery.order";
/** The URL of a manifest Sluice does not run (a Service, a function), for refs to it. */
export const ADDRESS_ANNOTATION = "sluice.dev/address";
/** The ConfigMap holding broker defaults, and its key (Knative `config-br-defaults`). */
export const BROKER_DEFAULTS_NAME = "config-br-defaults";
export const BROKER_DEFAULTS_KEY = "default-br-config";
export const DEFAULT_NAMESPACE = "default";

/** Fields of Kubernetes ObjectMeta that may appear in a manifest (most are ignored). */
export const OBJECT_META_FIELDS: readonly string[] = Object.freeze([
  "name",
  "namespace",
  "labels",
  "annotations",
  "generateName",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "ownerReferences",
  "finalizers",
  "managedFields",
  "selfLink",
]);
