import type { SourcePlugin } from "@sluice/core";
import type { DiagnosticCollector } from "./diagnostics.js";
import { groupOf, type Manifest } from "./manifest.js";
import type { SinkFlags } from "./sink-flags.js";

export interface ResolvedOptions {
  /** Without a trailing slash. */
  readonly ingressUrl: string;
  readonly defaultNamespace: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly plugins: readonly SourcePlugin[];
  /** undefined: every class is accepted (library use without a backend list). */
  readonly brokerClasses: ReadonlyMap<string, string> | undefined;
}

/**
 * Every named manifest of the set by (API group, kind, namespace, name) — Kubernetes' identity,
 * so a Knative Service and a core Service may share a name.
 */
export class ManifestIndex {
  readonly #byKey = new Map<string, Manifest>();

  static key(group: string, kind: string, namespace: string, name: string): string {
    return `${group}|${kind}|${namespace}|${name}`;
  }

  /** Adds a manifest; returns the one already indexed under the same identity, if any. */
  add(manifest: Manifest): Manifest | undefined {
    const key = ManifestIndex.key(
      groupOf(manifest.apiVersion),
      manifest.kind,
      manifest.namespace,
      manifest.name,
    );
    const previous = this.#byKey.get(key);
    if (previous === undefined) this.#byKey.set(key, manifest);
    return previous;
  }

  get(group: string, kind: string, namespace: string, name: string): Manifest | undefined {
    return this.#byKey.get(ManifestIndex.key(group, kind, namespace, name));
  }

  /** Manifests of one role, optionally in one namespace, in load order. */
  withRole(role: Manifest["role"], namespace?: string): Manifest[] {
    const out: Manifest[] = [];
    for (const m of this.#byKey.values()) {
      if (m.role === role && (namespace === undefined || m.namespace === namespace)) out.push(m);
    }
    return out;
  }
}

/** What every validation stage shares. */
export interface LoadContext {
  readonly options: ResolvedOptions;
  readonly collector: DiagnosticCollector;
  readonly index: ManifestIndex;
  readonly sinks: SinkFlags;
  /** Manifests some ref resolved to (so an unknown kind that is used is not reported as ignored). */
  readonly referenced: Set<Manifest>;
  /** Decoded `data` of every valid ConfigMap and Secret (Secret `data` base64-decoded). */
  readonly configData: Map<Manifest, Readonly<Record<string, string>>>;
}
