import {
  type BrokerResource,
  runSliced,
  runToEnd,
  type SourcePlugin,
  type SourceResource,
  type Steps,
  type TriggerResource,
} from "@sluice/core";
import { validateBroker } from "./broker.js";
import { readBrokerDefaults } from "./broker-defaults.js";
import { readConfigData } from "./config-data.js";
import { DEFAULT_NAMESPACE } from "./constants.js";
import { type LoadContext, ManifestIndex, type ResolvedOptions } from "./context.js";
import { type Diagnostic, DiagnosticCollector } from "./diagnostics.js";
import { ManifestErrors } from "./errors.js";
import { collectFiles, readTexts } from "./files.js";
import { deepFreeze } from "./freeze.js";
import { type Manifest, readManifest } from "./manifest.js";
import { parseSinkFlags, SINK_FLAG_FILE } from "./sink-flags.js";
import { checkHttpPaths, validateSource } from "./source.js";
import { validateTrigger } from "./trigger.js";
import { type ParsedDoc, parseYamlText } from "./yaml-parse.js";

export interface LoadOptions {
  /** e.g. "http://127.0.0.1:8080"; a Broker ref resolves to `${ingressUrl}/${ns}/${name}`. */
  readonly ingressUrl: string;
  /** Raw --sink values: "NAME=URL" or "KIND/NAME=URL" (bad ones are diagnostics with file "--sink"). */
  readonly sinks?: readonly string[];
  /** Source kinds known to this build; their manifests are validated by plugin.validate. */
  readonly plugins?: readonly SourcePlugin[];
  /** Class annotation value → backend name. Absent: any class is accepted. */
  readonly brokerClasses?: ReadonlyMap<string, string>;
  /** Namespace of manifests without metadata.namespace; "default". */
  readonly defaultNamespace?: string;
  /** For `{env: NAME}` secrets; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * loadManifests: the longest stretch of synchronous work, in ms, before it lets the event loop
   * run (DEFAULT_SLICE_MS of @sluice/core, 8). The result does not depend on it.
   */
  readonly sliceMs?: number;
}

export interface ResourceSet {
  readonly brokers: readonly BrokerResource[];
  readonly triggers: readonly TriggerResource[];
  readonly sources: readonly SourceResource[];
}

export interface LoadResult {
  /** undefined when any diagnostic is an error. */
  readonly resources: ResourceSet | undefined;
  /** Errors and warnings, sorted by file, line and column. */
  readonly diagnostics: readonly Diagnostic[];
  /** The files read, in load order. */
  readonly files: readonly string[];
}

const KNOWN_KINDS = "Broker, Trigger (eventing.knative.dev/v1), ConfigMap, Secret (v1)";

function resolveOptions(options: LoadOptions): ResolvedOptions {
  return {
    ingressUrl: options.ingressUrl.replace(/\/+$/, ""),
    defaultNamespace: options.defaultNamespace ?? DEFAULT_NAMESPACE,
    env: options.env ?? process.env,
    plugins: options.plugins ?? [],
    brokerClasses: options.brokerClasses,
  };
}

/** Parses every text, reads each document's header, indexes named manifests and reports duplicates. */
function* readAll(ctx: LoadContext, texts: readonly { file: string; text: string }[]): Steps<Manifest[]> {
  const manifests: Manifest[] = [];
  const silent = { error() {}, warning() {} };
  const read = (doc: ParsedDoc) => {
    // A document with YAML errors is indexed (so refs to it do not cascade) but not checked.
    const parsed = doc.broken ? { ...doc, reporter: { ...silent, locator: doc.locator } } : doc;
    const m = readManifest(parsed, ctx.options.defaultNamespace, ctx.options.plugins);
    if (m === undefined) return;
    manifests.push(m);
    if (m.name === "" || m.kind === "") return;
    const first = ctx.index.add(m);
    if (first !== undefined && !doc.broken) {
      m.r.error(
        "/metadata/name",
        ManifestErrors.DUPLICATE,
        `${m.kind} "${m.namespace}/${m.name}" is defined twice (first at ${first.location.file}:${first.location.line})`,
        "rename one of them or remove the copy",
      );
    }
  };
  for (const { file, text } of texts) yield* parseYamlText(file, text, ctx.collector, read);
  return manifests;
}

function warnIgnored(ctx: LoadContext, m: Manifest): void {
  if (m.role !== "other" || m.kind === "" || m.apiVersion === "" || ctx.referenced.has(m)) return;
  // Namespaces are implicit in Sluice; pipelines often ship one for the cluster.
  if (m.kind === "Namespace" && m.apiVersion === "v1") return;
  const plugins = ctx.options.plugins.map((p) => `${p.kind} (${p.apiVersion})`);
  let message = `${m.kind} (${m.apiVersion}) is not a kind Sluice runs; it is ignored`;
  let hint = `kinds this build runs: ${[KNOWN_KINDS, ...plugins].join(", ")}`;
  if ((m.kind === "Sequence" || m.kind === "Parallel") && m.apiVersion.startsWith("flows.knative.dev/")) {
    message = `${m.kind} is not supported yet; it is ignored`;
    hint = "chain the steps with Triggers on a Broker (each subscriber's reply goes back to the Broker)";
  } else if (m.kind === "List" || m.kind.endsWith("List")) {
    hint = "write each item as its own document, separated by ---";
  }
  m.r.warning("/kind", ManifestErrors.UNKNOWN_KIND, message, hint);
}

function* validateAll(ctx: LoadContext, manifests: readonly Manifest[]): Steps<ResourceSet> {
  const checked = manifests.filter((m) => !m.doc.broken);
  for (const m of checked) if (m.role === "ConfigMap" || m.role === "Secret") readConfigData(ctx, m);
  const defaults = readBrokerDefaults(
    ctx,
    checked.filter((m) => m.role === "ConfigMap"),
  );
  const brokers: BrokerResource[] = [];
  const byId = new Map<string, BrokerResource>();
  for (const m of checked.filter((x) => x.role === "Broker")) {
    const broker = validateBroker(ctx, m, defaults);
    if (broker === undefined) continue;
    brokers.push(broker);
    byId.set(broker.id, broker);
  }
  const triggers: TriggerResource[] = [];
  const sources: SourceResource[] = [];
  const withManifests: { resource: SourceResource; manifest: Manifest }[] = [];
  for (const m of checked) {
    yield;
    if (m.role === "Trigger") {
      const trigger = validateTrigger(ctx, m, byId);
      if (trigger !== undefined) triggers.push(trigger);
    } else if (m.role === "source") {
      const source = validateSource(ctx, m);
      if (source !== undefined) {
        sources.push(source);
        withManifests.push({ resource: source, manifest: m });
      }
    }
  }
  checkHttpPaths(withManifests, new Set(brokers.map((b) => b.id)));
  for (const m of checked) warnIgnored(ctx, m);
  return { brokers, triggers, sources };
}

function* loadTexts(
  texts: readonly { file: string; text: string }[],
  options: LoadOptions,
  collector: DiagnosticCollector,
  files: readonly string[],
): Steps<LoadResult> {
  const ctx: LoadContext = {
    options: resolveOptions(options),
    collector,
    index: new ManifestIndex(),
    sinks: parseSinkFlags(options.sinks ?? [], collector),
    referenced: new Set(),
    configData: new Map(),
  };
  const resources = yield* validateAll(ctx, yield* readAll(ctx, texts));
  ctx.sinks.reportUnused();
  let frozen: ResourceSet | undefined;
  if (collector.errorCount === 0) {
    const lists = [resources.brokers, resources.triggers, resources.sources];
    for (const list of lists) {
      for (const resource of list) {
        deepFreeze(resource);
        yield;
      }
      Object.freeze(list);
    }
    frozen = Object.freeze(resources);
  }
  return Object.freeze({
    resources: frozen,
    diagnostics: collector.sorted([SINK_FLAG_FILE, ...files]),
    files: Object.freeze([...files]),
  });
}

/**
 * Loads manifests from texts (multi-document YAML): parse → validate → default → resolve →
 * freeze. Every problem is a diagnostic; nothing throws for bad input.
 */
export function loadManifestTexts(
  texts: readonly { readonly file: string; readonly text: string }[],
  options: LoadOptions,
): LoadResult {
  return runToEnd(
    loadTexts(
      texts,
      options,
      new DiagnosticCollector(),
      texts.map((t) => t.file),
    ),
  );
}

/**
 * Loads manifest files and folders (recursively, *.yaml / *.yml, sorted by name). The work is done
 * in slices of `options.sliceMs` with a turn of the event loop between them, so loading (or
 * reloading) thousands of manifests beside a running broker does not hold up its ingress.
 */
export async function loadManifests(paths: readonly string[], options: LoadOptions): Promise<LoadResult> {
  const collector = new DiagnosticCollector();
  const files = await collectFiles(paths, collector);
  const texts = await readTexts(files, collector);
  return runSliced(loadTexts(texts, options, collector, files), options.sliceMs);
}
