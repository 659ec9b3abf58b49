import { type Diagnostic, type LoadOptions, type LoadResult, loadManifestTexts } from "@sluice/manifests";

export const INGRESS = "http://127.0.0.1:8080";

/** Loads one YAML text as "test.yaml" (leading newline of a template literal dropped). */
export function load(yaml: string, options: Partial<LoadOptions> = {}): LoadResult {
  const text = yaml.startsWith("\n") ? yaml.slice(1) : yaml;
  return loadManifestTexts([{ file: "test.yaml", text }], { ingressUrl: INGRESS, env: {}, ...options });
}

/** `severity CODE line:col pointer` for compact assertions. */
export function brief(d: Diagnostic): string {
  return `${d.severity} ${d.code} ${d.line}:${d.column} ${d.pointer}`;
}

export function errors(result: LoadResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === "error");
}

export function only(result: LoadResult, code: string): Diagnostic[] {
  return result.diagnostics.filter((d) => d.code === code);
}

export function dump(result: LoadResult): string {
  return result.diagnostics.map((d) => `${brief(d)} ${d.message}${d.hint ? ` | ${d.hint}` : ""}`).join("\n");
}

export const BROKER = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
`;

/** A Broker named `default` plus the given documents. */
export function withBroker(...docs: string[]): string {
  return [BROKER, ...docs].map((d) => d.replace(/^\n/, "")).join("---\n");
}

/** The document followed by a Broker named `default` (so line numbers in `doc` stay as written). */
export function plusBroker(doc: string): string {
  return `${doc.replace(/^\n/, "")}---\n${BROKER.replace(/^\n/, "")}`;
}
