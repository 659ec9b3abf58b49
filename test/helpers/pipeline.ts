import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedBackend } from "@sluice/broker-embedded";
import { createMemoryBackend } from "@sluice/broker-memory";
import type { BrokerBackend, SourcePlugin } from "@sluice/core";
import { formatDiagnostic, loadManifestTexts } from "@sluice/manifests";
import { createRuntime, type Runtime, type RuntimeLimits } from "@sluice/runtime";
import { request } from "undici";

export interface Pipeline {
  readonly runtime: Runtime;
  /** Base URL of the ingress, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  brokerUrl(namespace?: string, name?: string): string;
  /** Applies new manifests to the running runtime (a reload). */
  apply(yaml: string): Promise<void>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  readonly storage?: "memory" | "embedded";
  readonly limits?: Partial<RuntimeLimits>;
  readonly backend?: BrokerBackend;
  readonly plugins?: readonly SourcePlugin[];
  readonly sinks?: readonly string[];
  readonly dataDir?: string;
}

/** Starts a runtime on a free port with the manifests in `yaml` (a multi-document YAML text). */
export async function startPipeline(yaml: string, options: PipelineOptions = {}): Promise<Pipeline> {
  let dataDir: string | undefined;
  let backend = options.backend;
  if (backend === undefined) {
    if (options.storage === "embedded") {
      dataDir = await mkdtemp(join(tmpdir(), "sluice-test-"));
      backend = createEmbeddedBackend({ dataDir });
    } else {
      backend = createMemoryBackend();
    }
  }
  const chosen = backend;
  const runtime = createRuntime({
    port: 0,
    backendFor: () => chosen,
    ...(options.plugins === undefined ? {} : { plugins: options.plugins }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    limits: { shutdownGraceMs: 200, ...options.limits },
  });
  const url = await runtime.listen();
  const load = (text: string) => {
    const result = loadManifestTexts([{ file: "test.yaml", text }], {
      ingressUrl: url,
      ...(options.plugins === undefined ? {} : { plugins: options.plugins }),
      ...(options.sinks === undefined ? {} : { sinks: options.sinks }),
    });
    if (result.resources === undefined) {
      throw new Error(`invalid test manifests:\n${result.diagnostics.map(formatDiagnostic).join("\n")}`);
    }
    return result.resources;
  };
  await runtime.apply(load(yaml));
  return {
    runtime,
    url,
    brokerUrl: (namespace = "default", name = "default") => `${url}/${namespace}/${name}`,
    apply: (text) => runtime.apply(load(text)),
    async close() {
      await runtime.close();
      if (options.backend === undefined) await chosen.close();
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  json(): unknown;
}

/** One HTTP request; returns status, headers and the whole body. */
export async function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpResult> {
  const response = await request(url, {
    method: (init.method ?? "POST") as "POST",
    headers: init.headers ?? {},
    body: init.body ?? null,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  return {
    status: response.statusCode,
    headers: response.headers as Record<string, string | string[] | undefined>,
    body,
    json: () => JSON.parse(body.toString("utf8")),
  };
}

/** Binary-mode headers of a valid CloudEvent 1.0, to override per test. */
export function ceHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    "ce-specversion": "1.0",
    "ce-id": `id-${Math.random().toString(36).slice(2)}`,
    "ce-source": "/test/source",
    "ce-type": "com.example.test",
    "content-type": "application/json",
    ...overrides,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
  return out;
}

/** YAML for a broker plus triggers; each trigger given as an object rendered as YAML via JSON (valid YAML). */
export function manifests(...docs: object[]): string {
  return docs.map((d) => JSON.stringify(d)).join("\n---\n");
}

export function broker(
  name = "default",
  spec: object = {},
  annotations: Record<string, string> = {},
): object {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Broker",
    metadata: { name, namespace: "default", annotations },
    spec,
  };
}

export function trigger(name: string, spec: object, annotations: Record<string, string> = {}): object {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name, namespace: "default", annotations },
    spec: { broker: "default", ...spec },
  };
}
