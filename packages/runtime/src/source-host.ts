import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { CloudEvent, Logger, ResourceKey, Source, SourcePlugin, SourceResource } from "@sluice/core";
import { fingerprint } from "./fingerprint.js";
import type { Ingress } from "./ingress.js";
import { createSourceContext, type HostedSourceContext } from "./source-context.js";

interface Running {
  readonly resource: SourceResource;
  readonly fingerprint: string;
  readonly source: Source | undefined;
  readonly context: HostedSourceContext;
}

export interface SourceHostOptions {
  readonly plugins: readonly SourcePlugin[];
  readonly logger: Logger;
  readonly dataDir: string | undefined;
  readonly ingress: Ingress;
  readonly ingest: (broker: ResourceKey, event: CloudEvent) => Promise<void>;
}

/**
 * Runs the sources of the current configuration. A source is (re)started when its manifest
 * changed, stopped when it disappeared; a source that fails to start is reported unhealthy and
 * logged, and never takes the rest of the runtime down.
 */
export class SourceHost {
  readonly #o: SourceHostOptions;
  readonly #plugins: Map<string, SourcePlugin>;
  readonly #running = new Map<string, Running>();

  constructor(options: SourceHostOptions) {
    this.#o = options;
    this.#plugins = new Map(options.plugins.map((p) => [`${p.apiVersion}/${p.kind}`, p]));
  }

  async apply(resources: readonly SourceResource[]): Promise<void> {
    const wanted = new Map(resources.map((r) => [sourceKey(r), r]));
    for (const [key, running] of this.#running) {
      const next = wanted.get(key);
      if (next === undefined || fingerprint(next) !== running.fingerprint) await this.#stop(key, running);
    }
    for (const [key, resource] of wanted) {
      if (!this.#running.has(key)) await this.#start(key, resource);
    }
  }

  problems(): string[] {
    const out: string[] = [];
    for (const [key, running] of this.#running) {
      if (!running.context.healthy) out.push(`source ${key}: ${running.context.reason}`);
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#running].map(([key, running]) => this.#stop(key, running)));
  }

  async #start(key: string, resource: SourceResource): Promise<void> {
    const logger = this.#o.logger.child({ source: key });
    const stateDir =
      this.#o.dataDir === undefined
        ? undefined
        : join(this.#o.dataDir, "sources", resource.namespace, resource.kind.toLowerCase(), resource.name);
    const ingress = this.#o.ingress;
    const context: HostedSourceContext = createSourceContext({
      sink: resource.sink,
      ceOverrides: resource.ceOverrides,
      logger,
      ...(stateDir === undefined ? {} : { stateDir }),
      http: { route: (path, handler, options) => ingress.route(path, handler, options, context.signal) },
      ingest: this.#o.ingest,
      onHealth: (healthy, reason) => {
        if (!healthy) logger.warn("source unhealthy", { reason });
      },
    });
    const plugin = this.#plugins.get(`${resource.apiVersion}/${resource.kind}`);
    let source: Source | undefined;
    try {
      if (plugin === undefined) throw new Error(`no plugin for ${resource.apiVersion} ${resource.kind}`);
      if (stateDir !== undefined) await mkdir(stateDir, { recursive: true });
      source = plugin.create(resource);
      await source.start(context);
      logger.info("source started", { kind: resource.kind, sink: resource.sink.url });
    } catch (error) {
      logger.error("source failed to start", { error });
      context.setHealth(false, `failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.#running.set(key, { resource, fingerprint: fingerprint(resource), source, context });
  }

  async #stop(key: string, running: Running): Promise<void> {
    this.#running.delete(key);
    await running.context.close();
    try {
      await running.source?.close();
    } catch (error) {
      this.#o.logger.error("source failed to stop cleanly", { source: key, error });
    }
  }
}

function sourceKey(resource: SourceResource): string {
  return `${resource.kind}/${resource.namespace}/${resource.name}`;
}
