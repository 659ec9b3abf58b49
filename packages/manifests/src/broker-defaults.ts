import { LineCounter, parseAllDocuments } from "yaml";
import { asBoolean, asMapping, asString, checkFields, isAbsent, isObj, type Obj } from "./check.js";
import { BROKER_DEFAULTS_KEY, BROKER_DEFAULTS_NAME, DEFAULT_BROKER_CLASS } from "./constants.js";
import type { LoadContext } from "./context.js";
import { type ParsedDelivery, parseDelivery } from "./delivery.js";
import { parseRef, type RawRef, REF_FIELDS } from "./destination.js";
import { ManifestErrors } from "./errors.js";
import type { Manifest } from "./manifest.js";
import { checkName } from "./names.js";
import { child } from "./pointer.js";
import { createReporter, type Reporter } from "./reporter.js";
import { createNestedLocator } from "./yaml-locator.js";
import { YAML_OPTIONS } from "./yaml-parse.js";

// Knative's config-br-defaults ConfigMap (pkg/apis/config/defaults.go): `default-br-config` holds
// YAML with `clusterDefault` and `namespaceDefaults.<ns>`, each with `brokerClass`, an inline
// KReference to the default `spec.config`, `delivery`, and per-class `brokerClasses.<class>`.

interface DefaultsEntry {
  readonly config: RawRef | undefined;
  readonly delivery: ParsedDelivery | undefined;
}

interface DefaultsLevel extends DefaultsEntry {
  readonly brokerClass: string | undefined;
  readonly pointer: string;
  readonly classes: ReadonlyMap<string, DefaultsEntry>;
}

export interface BrokerDefaults {
  readonly manifest: Manifest;
  readonly r: Reporter;
  readonly cluster: DefaultsLevel | undefined;
  readonly namespaces: ReadonlyMap<string, DefaultsLevel>;
}

const ENTRY_FIELDS = [...REF_FIELDS, "delivery"];
const LEVEL_FIELDS = ["brokerClass", ...ENTRY_FIELDS, "brokerClasses", "disallowDifferentNamespaceConfig"];
const EXAMPLE = "clusterDefault: {brokerClass: MTChannelBasedBroker, delivery: {retry: 3}}";

function readEntry(r: Reporter, obj: Obj, pointer: string): DefaultsEntry {
  const hasRef = REF_FIELDS.some((f) => !isAbsent(obj[f]));
  return {
    config: hasRef ? parseRef(r, obj, pointer, true) : undefined,
    delivery: parseDelivery(r, obj.delivery, child(pointer, "delivery")),
  };
}

function readLevel(r: Reporter, value: unknown, pointer: string): DefaultsLevel | undefined {
  const level = asMapping(r, value, pointer);
  if (level === undefined) return undefined;
  checkFields(r, level, pointer, LEVEL_FIELDS, "broker defaults");
  const brokerClass = asString(r, level.brokerClass, child(pointer, "brokerClass"));
  asBoolean(r, level.disallowDifferentNamespaceConfig, child(pointer, "disallowDifferentNamespaceConfig"));
  const classes = new Map<string, DefaultsEntry>();
  const byClass = asMapping(r, level.brokerClasses, child(pointer, "brokerClasses")) ?? {};
  for (const [cls, raw] of Object.entries(byClass)) {
    const at = child(pointer, "brokerClasses", cls);
    const entry = asMapping(r, raw, at);
    if (entry === undefined) continue;
    checkFields(r, entry, at, ENTRY_FIELDS, `brokerClasses.${cls}`);
    classes.set(cls, readEntry(r, entry, at));
  }
  return { ...readEntry(r, level, pointer), brokerClass: brokerClass || undefined, pointer, classes };
}

/** Parses the embedded YAML; diagnostics inside it point at lines of the outer file. */
function parseEmbedded(ctx: LoadContext, m: Manifest, text: string): { r: Reporter; value: Obj } | undefined {
  const outer = child("/data", BROKER_DEFAULTS_KEY);
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: new LineCounter() });
  const doc = docs[0];
  if (doc === undefined) return undefined;
  const r = createReporter(createNestedLocator(m.doc.locator, outer, text, doc), ctx.collector, outer);
  for (const error of doc.errors) {
    const { line, column } = m.doc.locator.position(outer, "value", error.pos[0]);
    ctx.collector.add({
      severity: "error",
      code: ManifestErrors.YAML_SYNTAX,
      message: `YAML in ${BROKER_DEFAULTS_KEY}: ${error.message}`,
      file: m.doc.file,
      line,
      column,
      pointer: outer,
    });
  }
  if (docs.length > 1) {
    m.r.error(outer, ManifestErrors.INVALID_DEFAULTS, `${BROKER_DEFAULTS_KEY} must hold one YAML document`);
  }
  if (doc.errors.length > 0) return undefined;
  const value = doc.toJS({ maxAliasCount: 100 });
  if (!isObj(value)) {
    m.r.error(
      outer,
      ManifestErrors.INVALID_DEFAULTS,
      `${BROKER_DEFAULTS_KEY} must be a YAML mapping`,
      EXAMPLE,
    );
    return undefined;
  }
  return { r, value };
}

/** Reads the (single) config-br-defaults ConfigMap of the set, if there is one. */
export function readBrokerDefaults(
  ctx: LoadContext,
  configMaps: readonly Manifest[],
): BrokerDefaults | undefined {
  const found = configMaps.filter((m) => m.name === BROKER_DEFAULTS_NAME);
  const [m, ...others] = found;
  if (m === undefined) return undefined;
  for (const other of others) {
    other.r.error(
      "/metadata/name",
      ManifestErrors.INVALID_DEFAULTS,
      `${BROKER_DEFAULTS_NAME} is given more than once (first at ${m.location.file}:${m.location.line})`,
      "keep one: it holds the defaults of every namespace",
    );
  }
  const data = ctx.configData.get(m);
  if (data === undefined) return undefined;
  for (const key of Object.keys(data)) {
    if (key !== BROKER_DEFAULTS_KEY && !key.startsWith("_")) {
      m.r.warning(
        child("/data", key),
        ManifestErrors.UNKNOWN_FIELD,
        `${BROKER_DEFAULTS_NAME} key "${key}" is ignored`,
        `only ${BROKER_DEFAULTS_KEY} is read`,
        { at: "key" },
      );
    }
  }
  const text = data[BROKER_DEFAULTS_KEY];
  if (text === undefined || text.trim() === "") {
    m.r.error(
      child("/data", BROKER_DEFAULTS_KEY),
      ManifestErrors.INVALID_DEFAULTS,
      `${BROKER_DEFAULTS_NAME} has no ${BROKER_DEFAULTS_KEY}`,
      `add data.${BROKER_DEFAULTS_KEY}: |\n    ${EXAMPLE}`,
      { at: "key" },
    );
    return undefined;
  }
  const parsed = parseEmbedded(ctx, m, text);
  if (parsed === undefined) return undefined;
  const { r, value } = parsed;
  checkFields(r, value, "", ["clusterDefault", "namespaceDefaults"], BROKER_DEFAULTS_KEY);
  const namespaces = new Map<string, DefaultsLevel>();
  for (const [ns, raw] of Object.entries(asMapping(r, value.namespaceDefaults, "/namespaceDefaults") ?? {})) {
    const pointer = child("/namespaceDefaults", ns);
    if (!checkName(r, ns, pointer, "namespace", "key")) continue;
    const level = readLevel(r, raw, pointer);
    if (level !== undefined) namespaces.set(ns, level);
  }
  return { manifest: m, r, cluster: readLevel(r, value.clusterDefault, "/clusterDefault"), namespaces };
}

export interface DefaultClass {
  readonly brokerClass: string;
  /** Where it was set (for diagnostics), or undefined for the built-in default. */
  readonly pointer: string | undefined;
}

/** The class of a Broker without the class annotation: namespace default, cluster default, built-in. */
export function defaultClass(defaults: BrokerDefaults | undefined, namespace: string): DefaultClass {
  const ns = defaults?.namespaces.get(namespace);
  if (ns?.brokerClass !== undefined)
    return { brokerClass: ns.brokerClass, pointer: child(ns.pointer, "brokerClass") };
  const cluster = defaults?.cluster;
  if (cluster?.brokerClass !== undefined) {
    return { brokerClass: cluster.brokerClass, pointer: child(cluster.pointer, "brokerClass") };
  }
  return { brokerClass: DEFAULT_BROKER_CLASS, pointer: undefined };
}

/**
 * The default config ref and delivery for a Broker of `brokerClass` in `namespace`, as Knative
 * picks them (namespace level: its brokerClasses entry, else its inline config when its class
 * matches or is unset; then cluster level: its brokerClasses entry, else its inline config). Each
 * field is taken from the first level that sets it.
 */
export function defaultsFor(
  defaults: BrokerDefaults | undefined,
  namespace: string,
  brokerClass: string,
): DefaultsEntry {
  const chain: DefaultsEntry[] = [];
  const ns = defaults?.namespaces.get(namespace);
  if (ns !== undefined) {
    const entry = ns.classes.get(brokerClass);
    if (entry !== undefined) chain.push(entry);
    else if ((ns.brokerClass ?? brokerClass) === brokerClass) chain.push(ns);
  }
  const cluster = defaults?.cluster;
  if (cluster !== undefined) {
    const entry = cluster.classes.get(brokerClass);
    if (entry !== undefined) chain.push(entry);
    chain.push(cluster);
  }
  return {
    config: chain.find((e) => e.config !== undefined)?.config,
    delivery: chain.find((e) => e.delivery !== undefined)?.delivery,
  };
}
