import type { SourceLocation, SourcePlugin } from "@sluice/core";
import { asMapping, asString, asStringMap, checkFields, isObj, type Obj, requireField } from "./check.js";
import { ADDRESS_ANNOTATION, EVENTING_API_VERSION, OBJECT_META_FIELDS } from "./constants.js";
import { ManifestErrors } from "./errors.js";
import { checkName } from "./names.js";
import { child } from "./pointer.js";
import type { Reporter } from "./reporter.js";
import { isAbsoluteHttpUrl } from "./urls.js";
import type { ParsedDoc } from "./yaml-parse.js";

/** What Sluice does with a manifest. `rejected`: a supported kind in an unsupported apiVersion. */
export type Role = "Broker" | "Trigger" | "ConfigMap" | "Secret" | "source" | "other" | "rejected";

/** A manifest after its header (apiVersion, kind, metadata) was read and checked. */
export interface Manifest {
  readonly doc: ParsedDoc;
  readonly r: Reporter;
  readonly body: Obj;
  readonly apiVersion: string;
  readonly kind: string;
  /** "" when missing; the manifest is then not indexed. */
  readonly name: string;
  readonly namespace: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly role: Role;
  readonly plugin: SourcePlugin | undefined;
  /** `sluice.dev/address`, when set and valid. */
  readonly address: string | undefined;
  readonly location: SourceLocation;
}

const TOP_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Broker: ["apiVersion", "kind", "metadata", "spec", "status"],
  Trigger: ["apiVersion", "kind", "metadata", "spec", "status"],
  source: ["apiVersion", "kind", "metadata", "spec", "status"],
  ConfigMap: ["apiVersion", "kind", "metadata", "data", "binaryData", "immutable"],
  Secret: ["apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"],
};

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

function roleOf(
  r: Reporter,
  apiVersion: string,
  kind: string,
  plugins: readonly SourcePlugin[],
): { role: Role; plugin?: SourcePlugin } {
  if (kind === "Broker" || kind === "Trigger") {
    if (apiVersion === EVENTING_API_VERSION) return { role: kind };
    if (groupOf(apiVersion) === "eventing.knative.dev") {
      r.error(
        "/apiVersion",
        ManifestErrors.UNSUPPORTED_API_VERSION,
        `${kind} ${apiVersion} is not supported`,
        `use apiVersion: ${EVENTING_API_VERSION}`,
      );
      return { role: "rejected" };
    }
    return { role: "other" };
  }
  if ((kind === "ConfigMap" || kind === "Secret") && apiVersion === "v1") return { role: kind };
  const plugin = plugins.find((p) => p.kind === kind && p.apiVersion === apiVersion);
  if (plugin !== undefined) return { role: "source", plugin };
  const sameKind = plugins.filter((p) => p.kind === kind && groupOf(p.apiVersion) === groupOf(apiVersion));
  if (sameKind.length > 0) {
    r.error(
      "/apiVersion",
      ManifestErrors.UNSUPPORTED_API_VERSION,
      `${kind} ${apiVersion} is not supported`,
      `use apiVersion: ${sameKind.map((p) => p.apiVersion).join(" or ")}`,
    );
    return { role: "rejected" };
  }
  return { role: "other" };
}

function readMetadata(r: Reporter, body: Obj, defaultNamespace: string) {
  const meta = asMapping(r, requireField(r, body, "metadata", ""), "/metadata") ?? {};
  checkFields(r, meta, "/metadata", OBJECT_META_FIELDS, "metadata");
  if (meta.generateName !== undefined && meta.name === undefined) {
    r.error(
      "/metadata/generateName",
      ManifestErrors.UNSUPPORTED_FIELD,
      "metadata.generateName is not supported: Sluice needs a stable name",
      "replace generateName with name",
      { at: "key" },
    );
  }
  let name = "";
  if (isObj(body.metadata) && (meta.generateName === undefined || meta.name !== undefined)) {
    const value = asString(r, requireField(r, meta, "name", "/metadata"), "/metadata/name");
    if (value !== undefined && checkName(r, value, "/metadata/name", "name")) name = value;
  }
  let namespace = defaultNamespace;
  const ns = asString(r, meta.namespace, "/metadata/namespace");
  if (ns !== undefined && ns !== "" && checkName(r, ns, "/metadata/namespace", "namespace")) namespace = ns;
  asStringMap(r, meta.labels, "/metadata/labels");
  const annotations = asStringMap(r, meta.annotations, "/metadata/annotations") ?? {};
  return { name, namespace, annotations };
}

function readAddress(r: Reporter, annotations: Readonly<Record<string, string>>): string | undefined {
  const address = annotations[ADDRESS_ANNOTATION];
  if (address === undefined) return undefined;
  if (isAbsoluteHttpUrl(address)) return address;
  r.error(
    child("/metadata/annotations", ADDRESS_ANNOTATION),
    ManifestErrors.INVALID_URI,
    `${ADDRESS_ANNOTATION} "${address}" is not an absolute http(s) URL`,
    "write the full address, e.g. http://127.0.0.1:9000/",
  );
  return undefined;
}

/** Reads and checks the header of one document; undefined when it is not a mapping. */
export function readManifest(
  doc: ParsedDoc,
  defaultNamespace: string,
  plugins: readonly SourcePlugin[],
): Manifest | undefined {
  const r = doc.reporter;
  if (!isObj(doc.value)) {
    if (!doc.broken) {
      r.error(
        "",
        ManifestErrors.NOT_A_MAPPING,
        `a manifest must be a mapping, got ${Array.isArray(doc.value) ? "a list" : "a scalar"}`,
        "start each document with apiVersion:, kind: and metadata:, and separate documents with ---",
      );
    }
    return undefined;
  }
  const body = doc.value;
  const apiVersion = asString(r, requireField(r, body, "apiVersion", ""), "/apiVersion") ?? "";
  const kind = asString(r, requireField(r, body, "kind", ""), "/kind") ?? "";
  const { name, namespace, annotations } = readMetadata(r, body, defaultNamespace);
  const { role, plugin } =
    apiVersion === "" || kind === "" ? { role: "other" as Role } : roleOf(r, apiVersion, kind, plugins);
  const known = TOP_FIELDS[role];
  if (known !== undefined) checkFields(r, body, "", known, kind);
  const position = doc.locator.position("", "value");
  return {
    doc,
    r,
    body,
    apiVersion,
    kind,
    name,
    namespace,
    annotations,
    role,
    plugin,
    address: readAddress(r, annotations),
    location: { file: doc.file, line: position.line, column: position.column },
  };
}
