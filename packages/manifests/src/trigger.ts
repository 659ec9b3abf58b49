import type { BrokerResource, DeliveryPolicy, Destination, TriggerResource } from "@sluice/core";
import { asMapping, asString, checkFields, isAbsent, isObj, requireField } from "./check.js";
import { DELIVERY_ORDER_ANNOTATION } from "./constants.js";
import type { LoadContext } from "./context.js";
import { parseDelivery, resolveDelivery } from "./delivery.js";
import { parseDestination, resolveDestination } from "./destination.js";
import { ManifestErrors } from "./errors.js";
import { validateAttributes, validateFilters } from "./filters.js";
import type { Manifest } from "./manifest.js";
import { checkName } from "./names.js";
import { child } from "./pointer.js";
import { didYouMean } from "./suggest.js";

const SPEC_FIELDS = ["broker", "brokerRef", "filter", "filters", "subscriber", "delivery"];
const DIALECT_HINT = "dialects go in spec.filters, a list: filters: [{exact: {type: com.example.created}}]";

/** spec.broker: a Broker of the set in the trigger's namespace (Knative has no cross-namespace triggers by default). */
function brokerName(
  ctx: LoadContext,
  m: Manifest,
  spec: Readonly<Record<string, unknown>>,
): string | undefined {
  if (!isAbsent(spec.brokerRef)) {
    const ref = isObj(spec.brokerRef) ? spec.brokerRef : {};
    const name = typeof ref.name === "string" ? ref.name : "NAME";
    m.r.error(
      "/spec/brokerRef",
      ManifestErrors.UNSUPPORTED_FIELD,
      "spec.brokerRef (cross-namespace triggers) is not supported",
      `use broker: ${name}, with the Trigger in its Broker's namespace`,
      { at: "key" },
    );
    return undefined;
  }
  const name = asString(
    m.r,
    requireField(m.r, spec, "broker", "/spec", "name the Broker, e.g. broker: default"),
    "/spec/broker",
  );
  if (name === undefined || !checkName(m.r, name, "/spec/broker", "name")) return undefined;
  if (ctx.index.get("eventing.knative.dev", "Broker", m.namespace, name)?.role === "Broker") return name;
  const here = ctx.index.withRole("Broker", m.namespace).map((b) => b.name);
  const elsewhere = ctx.index
    .withRole("Broker")
    .filter((b) => b.name === name)
    .map((b) => b.namespace);
  const hint =
    elsewhere.length > 0
      ? `Broker "${name}" is in namespace ${elsewhere.join(", ")}; a Trigger must be in its Broker's namespace`
      : (didYouMean(name, here) ??
        (here.length > 0
          ? `Brokers in namespace "${m.namespace}": ${here.join(", ")}`
          : `add a Broker named "${name}" in namespace "${m.namespace}"`));
  m.r.error(
    "/spec/broker",
    ManifestErrors.BROKER_NOT_FOUND,
    `Broker "${name}" is not in the manifests (namespace "${m.namespace}")`,
    hint,
  );
  return undefined;
}

function readFilter(m: Manifest, spec: Readonly<Record<string, unknown>>) {
  const filter = asMapping(m.r, spec.filter, "/spec/filter");
  const dialectHints = Object.fromEntries(
    ["exact", "prefix", "suffix", "all", "any", "not", "cesql"].map((d) => [d, DIALECT_HINT]),
  );
  if (filter !== undefined)
    checkFields(m.r, filter, "/spec/filter", ["attributes"], "Trigger filter", dialectHints);
  const attributes =
    filter === undefined ? undefined : validateAttributes(m.r, filter.attributes, "/spec/filter/attributes");
  const attributesOk = filter === undefined || isAbsent(filter.attributes) || attributes !== undefined;
  const filters = validateFilters(m.r, spec.filters, "/spec/filters");
  if (
    filters !== undefined &&
    filters.length > 0 &&
    attributes !== undefined &&
    Object.keys(attributes).length > 0
  ) {
    m.r.warning(
      "/spec/filter",
      ManifestErrors.FILTER_IGNORED,
      "spec.filter is ignored because spec.filters is set",
      "move the attributes into spec.filters as an exact filter, or remove one of the two",
      { at: "key" },
    );
  }
  // An empty attributes map filters nothing: the same as none.
  const legacy = attributes !== undefined && Object.keys(attributes).length > 0 ? attributes : undefined;
  return { attributes: legacy, filters, ok: attributesOk && filters !== undefined };
}

function readOrdered(m: Manifest): boolean | undefined {
  const order = m.annotations[DELIVERY_ORDER_ANNOTATION];
  if (order === undefined || order === "unordered") return false;
  if (order === "ordered") return true;
  m.r.error(
    child("/metadata/annotations", DELIVERY_ORDER_ANNOTATION),
    ManifestErrors.INVALID_ANNOTATION,
    `${DELIVERY_ORDER_ANNOTATION} "${order}" must be ordered or unordered`,
    order.toLowerCase() === "ordered" || order.toLowerCase() === "unordered"
      ? `write ${order.toLowerCase()}`
      : undefined,
  );
  return undefined;
}

function triggerDelivery(
  ctx: LoadContext,
  m: Manifest,
  spec: Readonly<Record<string, unknown>>,
  broker: BrokerResource | undefined,
): { delivery: DeliveryPolicy | undefined; origin: "trigger" | "broker" } {
  const own = parseDelivery(m.r, spec.delivery, "/spec/delivery");
  if (own === undefined) {
    return { delivery: isAbsent(spec.delivery) ? broker?.delivery : undefined, origin: "broker" };
  }
  if (own.empty && broker !== undefined) {
    m.r.warning(
      "/spec/delivery",
      ManifestErrors.EMPTY_DELIVERY,
      "delivery: {} replaces the Broker's delivery entirely: no retries and no dead-letter sink",
      "remove it to use the Broker's delivery, or set the fields you want",
      { at: "key" },
    );
  }
  // A Trigger's delivery replaces its Broker's entirely (Knative CP "Delivery spec precedence").
  return { delivery: resolveDelivery(ctx, own, m.namespace), origin: "trigger" };
}

/** Validates and resolves one Trigger against the valid Brokers; undefined when it has errors. */
export function validateTrigger(
  ctx: LoadContext,
  m: Manifest,
  brokers: ReadonlyMap<string, BrokerResource>,
): TriggerResource | undefined {
  const spec = asMapping(m.r, requireField(m.r, m.body, "spec", ""), "/spec") ?? {};
  checkFields(m.r, spec, "/spec", SPEC_FIELDS, "Trigger spec");
  const broker = brokerName(ctx, m, spec);
  const { attributes, filters, ok: filtersOk } = readFilter(m, spec);
  const raw = parseDestination(
    m.r,
    requireField(m.r, spec, "subscriber", "/spec", "e.g. subscriber: {uri: http://127.0.0.1:9000/}"),
    "/spec/subscriber",
  );
  const subscriber: Destination | undefined =
    raw === undefined ? undefined : resolveDestination(ctx, raw, m.namespace);
  const brokerResource = broker === undefined ? undefined : brokers.get(`${m.namespace}/${broker}`);
  const { delivery, origin } = triggerDelivery(ctx, m, spec, brokerResource);
  const ordered = readOrdered(m);
  if (
    broker === undefined ||
    !filtersOk ||
    filters === undefined ||
    subscriber === undefined ||
    delivery === undefined ||
    ordered === undefined ||
    m.name === ""
  ) {
    return undefined;
  }
  return {
    namespace: m.namespace,
    name: m.name,
    id: `${m.namespace}/${m.name}`,
    broker,
    filterAttributes: attributes,
    filters,
    subscriber,
    delivery,
    deliveryOrigin: origin,
    ordered,
    annotations: m.annotations,
    location: m.location,
  };
}
