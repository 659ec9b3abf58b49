import {
  type BrokerBackend,
  type BrokerResource,
  type CloudEvent,
  DEFAULT_BROKER_TTL,
  type EventEnvelope,
  type Logger,
  type ResourceKey,
  resourceId,
  SluiceError,
  type SourcePlugin,
  silentLogger,
  type TriggerResource,
} from "@sluice/core";
import { createDispatcher, type Dispatcher } from "@sluice/delivery";
import type { ResourceSet } from "@sluice/manifests";
import { BrokerHost } from "./broker-host.js";
import { RuntimeErrors } from "./errors.js";

import { Ingress, type Readiness } from "./ingress.js";
import { Limiter } from "./limiter.js";
import { DEFAULT_LIMITS, type RuntimeLimits } from "./limits.js";
import { RuntimeMetrics } from "./runtime-metrics.js";
import { SourceHost } from "./source-host.js";
import { pinTickObjectShape } from "./tick-shape.js";

export interface RuntimeOptions {
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
  /** Picks the backend of a broker (from its class annotation and the CLI's --storage). */
  readonly backendFor: (broker: BrokerResource) => BrokerBackend;
  readonly plugins?: readonly SourcePlugin[];
  /** Where sources keep state; undefined keeps nothing on disk. */
  readonly dataDir?: string;
  readonly limits?: Partial<RuntimeLimits>;
  readonly dispatcher?: Dispatcher;
}

export interface Runtime {
  /** Starts the ingress; resolves with its base URL (e.g. http://127.0.0.1:8080). */
  listen(): Promise<string>;
  readonly url: string;
  /**
   * Makes the running configuration equal to `resources` (first start or reload). Changes that
   * cannot be applied (a broker's class) reject before anything changes.
   */
  apply(resources: ResourceSet): Promise<void>;
  brokers(): readonly BrokerHost[];
  /** Stores events into a broker of this runtime, as ingress does (tests, in-process producers). */
  ingest(broker: ResourceKey, events: readonly CloudEvent[]): Promise<void>;
  readiness(): Readiness;
  readonly metrics: RuntimeMetrics;
  /** Stops accepting, stops sources, lets in-flight deliveries finish (grace period), closes stores. */
  close(): Promise<void>;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  // before resources load: their major GCs are what would otherwise slow every nextTick down
  pinTickObjectShape();
  return new SluiceRuntime(options);
}

class SluiceRuntime implements Runtime {
  readonly metrics = new RuntimeMetrics();
  readonly #o: RuntimeOptions;
  readonly #limits: RuntimeLimits;
  readonly #logger: Logger;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #limiter: Limiter;
  readonly #ingress: Ingress;
  readonly #sources: SourceHost;
  readonly #brokers = new Map<string, { host: BrokerHost; backend: BrokerBackend }>();
  #applied = false;
  #queue: Promise<void> = Promise.resolve();
  #closed: Promise<void> | undefined;

  constructor(options: RuntimeOptions) {
    this.#o = options;
    this.#limits = Object.freeze({ ...DEFAULT_LIMITS, ...options.limits });
    this.#logger = options.logger ?? silentLogger;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? createDispatcher({ logger: this.#logger });
    this.#limiter = new Limiter(this.#limits.inFlightTotal);
    this.#ingress = new Ingress({
      host: options.host ?? "127.0.0.1",
      port: options.port ?? 8080,
      logger: this.#logger,
      limits: this.#limits,
      metrics: this.metrics,
      lookup: (ns, name) => this.#brokers.get(`${ns}/${name}`)?.host,
      readiness: () => this.readiness(),
    });
    this.#sources = new SourceHost({
      plugins: options.plugins ?? [],
      logger: this.#logger,
      dataDir: options.dataDir,
      ingress: this.#ingress,
      ingest: (broker, event) => this.ingest(broker, [event]),
    });
  }

  get url(): string {
    return this.#ingress.url;
  }

  listen(): Promise<string> {
    return this.#ingress.listen();
  }

  brokers(): readonly BrokerHost[] {
    return [...this.#brokers.values()].map((b) => b.host);
  }

  async ingest(broker: ResourceKey, events: readonly CloudEvent[]): Promise<void> {
    const entry = this.#brokers.get(resourceId(broker));
    if (entry === undefined) {
      throw new SluiceError(
        RuntimeErrors.BROKER_NOT_FOUND,
        `no broker ${resourceId(broker)} in this runtime`,
      );
    }
    const acceptedAt = Date.now();
    const envelopes: EventEnvelope[] = events.map((event) => ({
      event,
      ttl: DEFAULT_BROKER_TTL,
      traceparent: undefined,
      tracestate: undefined,
      acceptedAt,
    }));
    await entry.host.ingest(envelopes);
  }

  readiness(): Readiness {
    const problems: string[] = [];
    if (!this.#applied) problems.push("configuration not applied yet");
    if (this.#closed !== undefined) problems.push("shutting down");
    for (const { host } of this.#brokers.values()) {
      const health = host.store.health();
      if (health !== undefined) problems.push(`broker ${host.resource.id}: ${health}`);
    }
    problems.push(...this.#sources.problems());
    return { ready: problems.length === 0, problems };
  }

  apply(resources: ResourceSet): Promise<void> {
    const run = this.#queue.then(() => this.#apply(resources));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(resources: ResourceSet): Promise<void> {
    if (this.#closed !== undefined)
      throw new SluiceError(RuntimeErrors.RELOAD_REJECTED, "the runtime is closing");
    const opened = await this.#openNewBrokers(resources.brokers);
    for (const broker of resources.brokers) this.#brokers.get(broker.id)?.host.update(broker);
    for (const [id, entry] of opened) this.#brokers.set(id, entry);
    const byBroker = new Map<string, TriggerResource[]>();
    for (const trigger of resources.triggers) {
      const id = `${trigger.namespace}/${trigger.broker}`;
      const list = byBroker.get(id);
      if (list === undefined) byBroker.set(id, [trigger]);
      else list.push(trigger);
    }
    const wanted = new Set(resources.brokers.map((b) => b.id));
    for (const [id, { host }] of this.#brokers) {
      if (!wanted.has(id)) {
        this.#brokers.delete(id);
        await host.close();
        this.#logger.info("broker removed", { broker: id });
        continue;
      }
      await host.setTriggers(byBroker.get(id) ?? []);
    }
    await this.#sources.apply(resources.sources);
    this.#applied = true;
  }

  /** Opens stores for brokers new to this runtime; rejects (closing what it opened) before any change. */
  async #openNewBrokers(
    brokers: readonly BrokerResource[],
  ): Promise<Map<string, { host: BrokerHost; backend: BrokerBackend }>> {
    const opened = new Map<string, { host: BrokerHost; backend: BrokerBackend }>();
    try {
      for (const broker of brokers) {
        const backend = this.#o.backendFor(broker);
        const existing = this.#brokers.get(broker.id);
        if (existing !== undefined) {
          const before = existing.host.resource.brokerClass;
          if (before !== broker.brokerClass || existing.backend !== backend) {
            // Knative makes the class immutable; moving events between backends is not a reload.
            throw new SluiceError(
              RuntimeErrors.RELOAD_REJECTED,
              `broker ${broker.id}: the broker class cannot change (${before} → ${broker.brokerClass}); delete the broker first or restart sluice`,
            );
          }
          continue;
        }
        const store = await backend.open(broker, {
          maxPendingEvents: this.#limits.maxPendingEvents,
          maxPendingBytes: this.#limits.maxPendingBytes,
          logger: this.#logger.child({ broker: broker.id }),
          ...(backend.durable ? { onCommit: this.metrics.commitObserver(broker.id) } : {}),
        });
        opened.set(broker.id, { host: this.#createHost(broker, store, backend.kind), backend });
      }
    } catch (error) {
      await Promise.all([...opened.values()].map(({ host }) => host.close()));
      throw error;
    }
    return opened;
  }

  #createHost(broker: BrokerResource, store: BrokerHost["store"], backendKind: string): BrokerHost {
    return new BrokerHost({
      resource: broker,
      store,
      backendKind,
      dispatcher: this.#dispatcher,
      limiter: this.#limiter,
      metrics: this.metrics,
      logger: this.#logger,
      maxPendingPerTrigger: this.#limits.maxPendingPerTrigger,
      inFlightPerTrigger: this.#limits.inFlightPerTrigger,
      inFlightPerFailingTrigger: this.#limits.inFlightPerFailingTrigger,
      shutdownGraceMs: this.#limits.shutdownGraceMs,
    });
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    await this.#queue;
    await this.#ingress.close();
    await this.#sources.close();
    await Promise.all([...this.#brokers.values()].map(({ host }) => host.close()));
    this.#brokers.clear();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}
