import type { Destination } from "@sluice/core";
import { asMapping, asString, checkFields, isAbsent, pathOf, requireField } from "./check.js";
import { ADDRESS_ANNOTATION } from "./constants.js";
import type { LoadContext } from "./context.js";
import { ManifestErrors } from "./errors.js";
import { groupOf } from "./manifest.js";
import { checkName } from "./names.js";
import { child } from "./pointer.js";
import type { Reporter } from "./reporter.js";
import { didYouMean } from "./suggest.js";
import { isAbsoluteHttpUrl } from "./urls.js";

/** A Knative KReference after shape checks; `namespace` undefined means "the referrer's". */
export interface RawRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly pointer: string;
}

/** A duckv1.Destination after shape checks, before resolution (which needs the referrer's namespace). */
export interface RawDestination {
  readonly r: Reporter;
  readonly pointer: string;
  readonly ref: RawRef | undefined;
  readonly uri: string | undefined;
}

export const REF_FIELDS: readonly string[] = ["apiVersion", "kind", "name", "namespace"];
const DESTINATION_FIELDS = ["ref", "uri", "CACerts", "audience"];
const EXAMPLE = "e.g. {uri: http://127.0.0.1:9000/} or {ref: {apiVersion: v1, kind: Service, name: hello}}";

/**
 * Reads a KReference (apiVersion, kind, name required; namespace optional). `inline`: the fields
 * sit in a larger mapping (config-br-defaults), whose other fields the caller checks.
 */
export function parseRef(r: Reporter, value: unknown, pointer: string, inline = false): RawRef | undefined {
  const ref = asMapping(r, value, pointer);
  if (ref === undefined) return undefined;
  if (!inline) checkFields(r, ref, pointer, REF_FIELDS, "a ref");
  const apiVersion = asString(r, requireField(r, ref, "apiVersion", pointer), child(pointer, "apiVersion"));
  const kind = asString(r, requireField(r, ref, "kind", pointer), child(pointer, "kind"));
  const name = asString(r, requireField(r, ref, "name", pointer), child(pointer, "name"));
  const namespace = asString(r, ref.namespace, child(pointer, "namespace"));
  const nameOk = name !== undefined && checkName(r, name, child(pointer, "name"), "name");
  const nsOk =
    namespace === undefined ||
    namespace === "" ||
    checkName(r, namespace, child(pointer, "namespace"), "namespace");
  if (apiVersion === undefined || kind === undefined || !nameOk || !nsOk) return undefined;
  return { apiVersion, kind, name: name as string, namespace: namespace || undefined, pointer };
}

function checkUri(r: Reporter, uri: string, pointer: string, hasRef: boolean): boolean {
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) && URL.canParse(uri);
  if (hasRef) {
    if (!absolute && URL.canParse(uri, "http://host/")) return true;
    const message = absolute
      ? `${pathOf(pointer)} is absolute, which is not allowed next to a ref: a uri there is resolved against the ref's address`
      : `${pathOf(pointer)} "${uri}" is not a relative URI`;
    r.error(
      pointer,
      ManifestErrors.INVALID_DESTINATION,
      message,
      "drop the ref, or make the uri relative (e.g. /path)",
    );
    return false;
  }
  if (isAbsoluteHttpUrl(uri)) return true;
  const hint = !uri.includes("://")
    ? /^[\w.-]+:\d+/.test(uri)
      ? `write http://${uri}`
      : "a relative uri needs a ref to resolve against; write the full address, e.g. http://127.0.0.1:9000/path"
    : "Sluice delivers over HTTP: use an http:// or https:// address";
  r.error(
    pointer,
    ManifestErrors.INVALID_URI,
    `${pathOf(pointer)} "${uri}" is not an absolute http(s) URL`,
    hint,
  );
  return false;
}

/** Reads a Destination (`ref` and/or `uri`). Absent: undefined without a diagnostic. */
export function parseDestination(r: Reporter, value: unknown, pointer: string): RawDestination | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === "string") {
    const hint = value.includes("://") ? `write {uri: ${value}}` : EXAMPLE;
    r.error(
      pointer,
      ManifestErrors.INVALID_TYPE,
      `${pathOf(pointer)} must be a mapping with ref or uri`,
      hint,
    );
    return undefined;
  }
  const d = asMapping(r, value, pointer);
  if (d === undefined) return undefined;
  const moveUnderRef = "apiVersion, kind and name of the target go under ref:";
  checkFields(r, d, pointer, DESTINATION_FIELDS, "a destination", {
    apiVersion: moveUnderRef,
    kind: moveUnderRef,
    name: moveUnderRef,
  });
  for (const ignored of ["CACerts", "audience"]) {
    if (d[ignored] !== undefined) {
      r.warning(
        child(pointer, ignored),
        ManifestErrors.IGNORED_FIELD,
        `${pathOf(child(pointer, ignored))} is not supported by Sluice and is ignored`,
        undefined,
        { at: "key" },
      );
    }
  }
  const ref = isAbsent(d.ref) ? undefined : parseRef(r, d.ref, child(pointer, "ref"));
  const uri = asString(r, d.uri, child(pointer, "uri"));
  if (isAbsent(d.ref) && isAbsent(d.uri)) {
    r.error(pointer, ManifestErrors.INVALID_DESTINATION, `${pathOf(pointer)} needs ref or uri`, EXAMPLE);
    return undefined;
  }
  if (uri !== undefined && !checkUri(r, uri, child(pointer, "uri"), !isAbsent(d.ref))) return undefined;
  if (!isAbsent(d.ref) && ref === undefined) return undefined;
  if (!isAbsent(d.uri) && uri === undefined) return undefined;
  return { r, pointer, ref, uri };
}

function brokerRef(ctx: LoadContext, r: Reporter, ref: RawRef, namespace: string): Destination | undefined {
  const manifest = ctx.index.get("eventing.knative.dev", "Broker", namespace, ref.name);
  if (manifest === undefined) {
    const names = ctx.index.withRole("Broker", namespace).map((b) => b.name);
    const hint =
      didYouMean(ref.name, names) ??
      (names.length > 0
        ? `Brokers in namespace "${namespace}": ${names.join(", ")}`
        : `add a Broker named "${ref.name}" in namespace "${namespace}"`);
    r.error(
      ref.pointer,
      ManifestErrors.UNRESOLVED_REF,
      `Broker "${ref.name}" is not in the manifests (namespace "${namespace}")`,
      hint,
    );
    return undefined;
  }
  ctx.referenced.add(manifest);
  return { url: `${ctx.options.ingressUrl}/${namespace}/${ref.name}`, broker: { namespace, name: ref.name } };
}

/** The URL of a ref (PRODUCT.md §8): Brokers in process; anything else via --sink or sluice.dev/address. */
function resolveRef(ctx: LoadContext, r: Reporter, ref: RawRef, namespace: string): Destination | undefined {
  const group = groupOf(ref.apiVersion);
  if (ref.kind === "Broker" && group === "eventing.knative.dev") return brokerRef(ctx, r, ref, namespace);
  if ((ref.kind === "Sequence" || ref.kind === "Parallel") && group === "flows.knative.dev") {
    r.error(
      ref.pointer,
      ManifestErrors.UNSUPPORTED_REF,
      `refs to ${ref.kind} are not supported yet`,
      "point at a Broker and chain the steps with Triggers (a subscriber's reply goes back to the Broker)",
    );
    return undefined;
  }
  const manifest = ctx.index.get(group, ref.kind, namespace, ref.name);
  if (manifest !== undefined) ctx.referenced.add(manifest);
  const flag = ctx.sinks.find(ref.kind, ref.name);
  if (flag !== undefined) return { url: flag };
  if (manifest?.address !== undefined) return { url: manifest.address };
  if (manifest?.annotations[ADDRESS_ANNOTATION] !== undefined) return undefined; // invalid, already reported
  const where =
    manifest === undefined
      ? ` (it is not in the manifests)`
      : ` (${manifest.location.file}:${manifest.location.line})`;
  const brokerHint = ref.kind === "Broker" ? "; a Broker ref needs apiVersion: eventing.knative.dev/v1" : "";
  r.error(
    ref.pointer,
    ManifestErrors.UNRESOLVED_REF,
    `no address for ${ref.kind} "${ref.name}" in namespace "${namespace}": Sluice does not run ${ref.kind}s`,
    `pass --sink ${ref.kind}/${ref.name}=http://127.0.0.1:9000 or add metadata.annotations["${ADDRESS_ANNOTATION}"] to the ${ref.kind} manifest${where}${brokerHint}`,
  );
  return undefined;
}

/** Resolves a destination of a manifest in `namespace`; reports and returns undefined if it cannot. */
export function resolveDestination(
  ctx: LoadContext,
  d: RawDestination,
  namespace: string,
): Destination | undefined {
  if (d.ref === undefined) return d.uri === undefined ? undefined : { url: d.uri };
  const base = resolveRef(ctx, d.r, d.ref, d.ref.namespace ?? namespace);
  if (base === undefined || d.uri === undefined) return base;
  // Knative resolves the uri against the ref's address (url.ResolveReference, RFC 3986).
  if (URL.canParse(d.uri, base.url)) return { url: new URL(d.uri, base.url).href };
  d.r.error(
    child(d.pointer, "uri"),
    ManifestErrors.INVALID_URI,
    `${pathOf(child(d.pointer, "uri"))} "${d.uri}" cannot be resolved against ${base.url}`,
  );
  return undefined;
}
