import { ATTRIBUTE_NAME, type SourceResource, type ValidationContext } from "@sluice/core";
import { asMapping, asStringMap, checkFields, isAbsent, pathOf, requireField } from "./check.js";
import type { LoadContext } from "./context.js";
import { parseDuration } from "./delivery.js";
import { parseDestination, resolveDestination } from "./destination.js";
import { ManifestErrors } from "./errors.js";
import type { Manifest } from "./manifest.js";
import { child } from "./pointer.js";
import { resolveSecret } from "./secrets.js";

/** `spec.ceOverrides.extensions`: CloudEvents extension names ([a-z0-9]+) → string values. */
function readCeOverrides(m: Manifest, value: unknown): Record<string, string> | undefined {
  const overrides = asMapping(m.r, value, "/spec/ceOverrides");
  if (overrides === undefined) return isAbsent(value) ? {} : undefined;
  checkFields(m.r, overrides, "/spec/ceOverrides", ["extensions"], "ceOverrides");
  const extensions = asStringMap(m.r, overrides.extensions, "/spec/ceOverrides/extensions");
  if (extensions === undefined) return isAbsent(overrides.extensions) ? {} : undefined;
  let ok = true;
  for (const name of Object.keys(extensions)) {
    if (ATTRIBUTE_NAME.test(name)) continue;
    m.r.error(
      child("/spec/ceOverrides/extensions", name),
      ManifestErrors.INVALID_ATTRIBUTE_NAME,
      `extension name "${name}" must match ^[a-z0-9]+$`,
      `use "${name.toLowerCase().replace(/[^a-z0-9]/g, "") || "ext"}"`,
      { at: "key" },
    );
    ok = false;
  }
  return ok ? extensions : undefined;
}

function required(m: Manifest, pointer: string, value: unknown): boolean {
  if (!isAbsent(value)) return true;
  m.r.error(pointer, ManifestErrors.MISSING_FIELD, `${pathOf(pointer)} is required`, undefined, {
    at: "key",
  });
  return false;
}

/** The services plugins validate with; every problem lands in the same diagnostics list. */
function validationContext(ctx: LoadContext, m: Manifest): ValidationContext {
  return {
    namespace: m.namespace,
    name: m.name,
    annotations: m.annotations,
    error: (pointer, code, message, hint) => m.r.error(pointer, code, message, hint),
    warning: (pointer, code, message, hint) => m.r.warning(pointer, code, message, hint),
    destination(pointer, value) {
      if (!required(m, pointer, value)) return undefined;
      const raw = parseDestination(m.r, value, pointer);
      return raw === undefined ? undefined : resolveDestination(ctx, raw, m.namespace);
    },
    duration: (pointer, value) =>
      required(m, pointer, value) ? parseDuration(m.r, value, pointer) : undefined,
    secret: (pointer, value) => resolveSecret(ctx, m.r, pointer, value, m.namespace),
  };
}

function runPlugin(ctx: LoadContext, m: Manifest, spec: Readonly<Record<string, unknown>>): unknown {
  const plugin = m.plugin;
  if (plugin === undefined) return undefined;
  const own: Record<string, unknown> = { ...spec };
  delete own.sink;
  delete own.ceOverrides;
  const before = ctx.collector.errorCount;
  let result: unknown;
  try {
    result = plugin.validate(Object.freeze(own), validationContext(ctx, m));
  } catch (error) {
    m.r.error(
      "/spec",
      ManifestErrors.PLUGIN_FAILED,
      `the ${m.kind} plugin failed: ${(error as Error)?.message ?? String(error)}`,
      "this is a bug in the source plugin; please report it",
      { at: "key" },
    );
    return undefined;
  }
  if (result === undefined && ctx.collector.errorCount === before) {
    m.r.error(
      "/spec",
      ManifestErrors.PLUGIN_FAILED,
      `the ${m.kind} plugin rejected the spec without saying why`,
      undefined,
      { at: "key" },
    );
  }
  return ctx.collector.errorCount === before ? result : undefined;
}

/** Validates a manifest of a plugin kind: sink and ceOverrides here, the rest by the plugin. */
export function validateSource(ctx: LoadContext, m: Manifest): SourceResource | undefined {
  const spec = asMapping(m.r, requireField(m.r, m.body, "spec", ""), "/spec");
  if (spec === undefined) return undefined;
  const sinkValue = requireField(
    m.r,
    spec,
    "sink",
    "/spec",
    "e.g. sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}",
  );
  const raw = parseDestination(m.r, sinkValue, "/spec/sink");
  const sink = raw === undefined ? undefined : resolveDestination(ctx, raw, m.namespace);
  const ceOverrides = readCeOverrides(m, spec.ceOverrides);
  const pluginSpec = runPlugin(ctx, m, spec);
  if (sink === undefined || ceOverrides === undefined || pluginSpec === undefined || m.name === "")
    return undefined;
  return {
    namespace: m.namespace,
    name: m.name,
    id: `${m.namespace}/${m.name}`,
    apiVersion: m.apiVersion,
    kind: m.kind,
    sink,
    ceOverrides,
    spec: pluginSpec,
    annotations: m.annotations,
    location: m.location,
  };
}

const RESERVED_PATHS = new Set(["/", "/healthz", "/readyz", "/metrics"]);

/**
 * Webhook sources share the ingress port with the brokers: two sources on one path, a path that
 * is a broker address (`/<namespace>/<broker>`) or a reserved path would fail at start, so they
 * are reported at load.
 */
export function checkHttpPaths(
  sources: readonly { resource: SourceResource; manifest: Manifest }[],
  brokerIds: ReadonlySet<string>,
): void {
  const owners = new Map<string, string>();
  for (const { resource, manifest } of sources) {
    const plugin = manifest.plugin;
    if (plugin?.httpPaths === undefined) continue;
    for (const path of plugin.httpPaths(resource.spec)) {
      const trimmed = path.endsWith("/") && path.length > 1 ? path.slice(0, -1) : path;
      const parts = trimmed.split("/");
      const owner = owners.get(trimmed);
      if (owner !== undefined) {
        manifest.r.error(
          "/spec",
          ManifestErrors.PATH_CONFLICT,
          `path ${path} is already served by ${owner}`,
          "give each webhook source its own path",
          { at: "key" },
        );
      } else if (RESERVED_PATHS.has(trimmed)) {
        manifest.r.error(
          "/spec",
          ManifestErrors.PATH_CONFLICT,
          `path ${path} is reserved by Sluice`,
          "pick another path, e.g. /webhooks/<name>",
          { at: "key" },
        );
      } else if (parts.length === 3 && brokerIds.has(`${parts[1]}/${parts[2]}`)) {
        manifest.r.error(
          "/spec",
          ManifestErrors.PATH_CONFLICT,
          `path ${path} is the address of broker ${parts[1]}/${parts[2]}`,
          "pick a path that is not /<namespace>/<broker>, e.g. /webhooks/<name>",
          { at: "key" },
        );
      } else {
        owners.set(trimmed, `${resource.kind} ${resource.id}`);
      }
    }
  }
}
