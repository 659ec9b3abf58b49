import { type BrokerResource, DEFAULT_BROKER_DELIVERY, type DeliveryPolicy } from "@sluice/core";
import { type BrokerDefaults, defaultClass, defaultsFor } from "./broker-defaults.js";
import { asMapping, checkFields, isAbsent } from "./check.js";
import { BROKER_CLASS_ANNOTATION } from "./constants.js";
import type { LoadContext } from "./context.js";
import { parseDelivery, resolveDelivery } from "./delivery.js";
import { parseRef, type RawRef } from "./destination.js";
import { ManifestErrors } from "./errors.js";
import type { Manifest } from "./manifest.js";
import { child } from "./pointer.js";
import type { Reporter } from "./reporter.js";
import { didYouMean } from "./suggest.js";

const CLASS_POINTER = child("/metadata/annotations", BROKER_CLASS_ANNOTATION);

/**
 * The data of the ConfigMap or Secret a config ref names (PRODUCT.md §6). `optional` refs (the
 * default config of config-br-defaults) only warn when missing. undefined: reported.
 */
function configData(
  ctx: LoadContext,
  r: Reporter,
  ref: RawRef,
  namespace: string,
  optional: boolean,
): Readonly<Record<string, string>> | undefined {
  const report = optional ? r.warning : r.error;
  if (ref.apiVersion !== "v1" || (ref.kind !== "ConfigMap" && ref.kind !== "Secret")) {
    report(
      ref.pointer,
      ManifestErrors.INVALID_CONFIG,
      `broker config must be a v1 ConfigMap or Secret, got ${ref.apiVersion} ${ref.kind}`,
      "put the backend settings in a ConfigMap (or a Secret for credentials) and name it here",
    );
    return undefined;
  }
  const ns = ref.namespace ?? namespace;
  const manifest = ctx.index.get("", ref.kind, ns, ref.name);
  if (manifest === undefined || manifest.role !== ref.kind) {
    const others = ctx.index.withRole(ref.kind, ns).map((m) => m.name);
    const hint =
      didYouMean(ref.name, others) ??
      `add a ${ref.kind} manifest named "${ref.name}" in namespace "${ns}" to the files given with -f`;
    const message = `${ref.kind} "${ref.name}" is not in the manifests (namespace "${ns}")`;
    report(
      ref.pointer,
      ManifestErrors.CONFIG_NOT_FOUND,
      optional ? `${message}; brokers defaulted to it get no config` : message,
      hint,
    );
    return undefined;
  }
  ctx.referenced.add(manifest);
  return ctx.configData.get(manifest);
}

function brokerClass(
  ctx: LoadContext,
  m: Manifest,
  defaults: BrokerDefaults | undefined,
): string | undefined {
  const annotated = m.annotations[BROKER_CLASS_ANNOTATION];
  if (annotated === "") {
    m.r.error(
      CLASS_POINTER,
      ManifestErrors.INVALID_ANNOTATION,
      `${BROKER_CLASS_ANNOTATION} is empty`,
      "remove it to use the default class, or name a class",
    );
    return undefined;
  }
  const chosen = annotated ?? defaultClass(defaults, m.namespace).brokerClass;
  const classes = ctx.options.brokerClasses;
  if (classes === undefined || classes.has(chosen)) return chosen;
  const known = [...classes.keys()];
  const hint = `${didYouMean(chosen, known) ?? ""} classes this build runs: ${known.join(", ")}`.trim();
  if (annotated !== undefined) {
    m.r.error(
      CLASS_POINTER,
      ManifestErrors.UNKNOWN_BROKER_CLASS,
      `broker class "${chosen}" has no backend in this build`,
      hint,
    );
  } else {
    const from = defaultClass(defaults, m.namespace).pointer;
    if (defaults !== undefined && from !== undefined) {
      defaults.r.error(
        from,
        ManifestErrors.UNKNOWN_BROKER_CLASS,
        `default broker class "${chosen}" has no backend in this build`,
        hint,
      );
    } else {
      m.r.error(
        "/metadata/name",
        ManifestErrors.UNKNOWN_BROKER_CLASS,
        `broker class "${chosen}" has no backend in this build`,
        hint,
      );
    }
  }
  return undefined;
}

function brokerDelivery(
  ctx: LoadContext,
  m: Manifest,
  spec: Readonly<Record<string, unknown>>,
  defaultDelivery: ReturnType<typeof defaultsFor>["delivery"],
): DeliveryPolicy | undefined {
  const own = parseDelivery(m.r, spec.delivery, "/spec/delivery");
  if (own !== undefined) return resolveDelivery(ctx, own, m.namespace);
  if (!isAbsent(spec.delivery)) return undefined; // wrong type, reported
  // A Broker without delivery takes config-br-defaults' (its DLS resolved in the broker's namespace).
  return defaultDelivery === undefined
    ? DEFAULT_BROKER_DELIVERY
    : resolveDelivery(ctx, defaultDelivery, m.namespace);
}

/** Validates, defaults and resolves one Broker; undefined when it has errors. */
export function validateBroker(
  ctx: LoadContext,
  m: Manifest,
  defaults: BrokerDefaults | undefined,
): BrokerResource | undefined {
  const spec = asMapping(m.r, m.body.spec, "/spec") ?? {};
  checkFields(m.r, spec, "/spec", ["config", "delivery"], "Broker spec");
  const cls = brokerClass(ctx, m, defaults);
  const fallback = defaultsFor(defaults, m.namespace, cls ?? defaultClass(defaults, m.namespace).brokerClass);
  let config: Readonly<Record<string, string>> | undefined;
  let configOk = true;
  if (!isAbsent(spec.config)) {
    const ref = parseRef(m.r, spec.config, "/spec/config");
    config = ref === undefined ? undefined : configData(ctx, m.r, ref, m.namespace, false);
    configOk = config !== undefined;
  } else if (fallback.config !== undefined && defaults !== undefined) {
    config = configData(ctx, defaults.r, fallback.config, m.namespace, true);
  }
  const delivery = brokerDelivery(ctx, m, spec, fallback.delivery);
  if (cls === undefined || !configOk || delivery === undefined || m.name === "") return undefined;
  return {
    namespace: m.namespace,
    name: m.name,
    id: `${m.namespace}/${m.name}`,
    brokerClass: cls,
    delivery,
    config,
    annotations: m.annotations,
    location: m.location,
  };
}
