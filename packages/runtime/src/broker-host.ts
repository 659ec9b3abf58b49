import {
  type AppendEntry,
  type BrokerResource,
  type BrokerStore,
  type CloudEvent,
  CoreErrors,
  type EventEnvelope,
  type Logger,
  SluiceError,
  type TriggerResource,
  TTL_EXTENSION,
  timeSlice,
  withAttributes,
} from "@sluice/core";
import type { Dispatcher } from "@sluice/delivery";
import { createTriggerIndex, type TriggerIndex } from "@sluice/filters";
import { fingerprint } from "./fingerprint.js";
import type { Limiter } from "./limiter.js";
import type { BrokerMetrics, RuntimeMetrics } from "./runtime-metrics.js";
import { TriggerWorker } from "./trigger-worker.js";

export interface BrokerHostOptions {
  readonly resource: BrokerResource;
  readonly store: BrokerStore;
  readonly backendKind: string;
  readonly dispatcher: Dispatcher;
  readonly limiter: Limiter;
  readonly metrics: RuntimeMetrics;
  readonly logger: Logger;
  /** Deliveries waiting for one trigger beyond which events routed to it are refused (429). */
  readonly maxPendingPerTrigger: number;
  readonly inFlightPerTrigger: number;
  readonly inFlightPerFailingTrigger: number;
  readonly shutdownGraceMs: number;
}

/**
 * One broker: its store, the index of its triggers, and one worker per trigger. Every event is
 * matched once against the index when it is accepted; the store keeps it with the ids of the
 * triggers it matched until each of them is done.
 */
export class BrokerHost {
  #resource: BrokerResource;
  readonly #o: BrokerHostOptions;
  readonly #index: TriggerIndex = createTriggerIndex();
  readonly #workers = new Map<string, TriggerWorker>();
  /** Triggers whose backlog was last found over its bound (logged once each way). */
  readonly #full = new Set<string>();
  readonly #metrics: BrokerMetrics;
  #closed = false;

  constructor(options: BrokerHostOptions) {
    this.#o = options;
    this.#resource = options.resource;
    this.#metrics = options.metrics.forBroker(options.resource.id);
    options.metrics.pending.set([options.resource.id], () => options.store.stats().pendingEvents);
    options.metrics.deadLetters.set([options.resource.id], () => options.store.stats().deadLetters);
  }

  get resource(): BrokerResource {
    return this.#resource;
  }

  get store(): BrokerStore {
    return this.#o.store;
  }

  get backendKind(): string {
    return this.#o.backendKind;
  }

  get triggers(): readonly TriggerResource[] {
    return [...this.#workers.values()].map((w) => w.trigger);
  }

  update(resource: BrokerResource): void {
    this.#resource = resource;
  }

  /**
   * Matches and stores events. Resolves once stored (durably, for a durable backend); rejects with
   * the store's BACKEND_FULL / BACKEND_UNAVAILABLE errors, and with BACKEND_FULL (nothing stored)
   * when an event would be routed to a trigger whose backlog is over its bound. Events no trigger
   * matches are counted and not stored, as Knative allows.
   */
  async ingest(envelopes: readonly EventEnvelope[]): Promise<void> {
    const entries: AppendEntry[] = [];
    for (const envelope of envelopes) {
      const routes: string[] = [];
      this.#index.match(envelope.event, routes);
      if (routes.length > 0) entries.push({ envelope, routes });
      else this.#metrics.unmatched.inc();
    }
    if (entries.length === 0) return;
    for (const entry of entries) this.#checkBacklogs(entry.routes);
    await this.#o.store.append(entries);
    this.#metrics.accepted.inc(entries.length);
  }

  /**
   * Refuses (BACKEND_FULL) an event owed to a trigger that has more deliveries waiting than its
   * bound, so a subscriber that is down fills its own share of the backlog and not the broker's:
   * events for other triggers are still accepted (as RabbitMQ's reject-publish does per queue).
   */
  #checkBacklogs(routes: readonly string[]): void {
    const bound = this.#o.maxPendingPerTrigger;
    for (let i = 0; i < routes.length; i++) {
      const trigger = routes[i]!;
      const waiting = this.#workers.get(trigger)?.waiting ?? 0;
      if (waiting < bound) {
        if (this.#full.size > 0 && this.#full.delete(trigger)) {
          this.#o.logger.info("trigger backlog has room again; accepting its events", { trigger, waiting });
        }
        continue;
      }
      if (!this.#full.has(trigger)) {
        this.#full.add(trigger);
        this.#o.logger.warn(
          "trigger backlog over its bound; refusing events routed to it (429) until it drains",
          {
            trigger,
            waiting,
            bound,
          },
        );
      }
      throw new SluiceError(
        CoreErrors.BACKEND_FULL,
        `trigger ${trigger} has ${waiting} deliveries waiting (bound ${bound}); its subscriber is not keeping up`,
        { details: { trigger } },
      );
    }
  }

  /** Stores a reply with its parent's TTL minus one; at zero the reply is dropped (loop guard). */
  async storeReply(parent: EventEnvelope, reply: CloudEvent): Promise<void> {
    const ttl = parent.ttl - 1;
    if (ttl <= 0) {
      this.#metrics.ttlDropped.inc();
      this.#o.logger.warn("reply dropped: knativebrokerttl exhausted (reply loop?)", {
        broker: this.#resource.id,
        type: reply.attributes.get("type"),
        source: reply.attributes.get("source"),
        id: reply.attributes.get("id"),
      });
      return;
    }
    const event = reply.attributes.has(TTL_EXTENSION)
      ? withAttributes(reply, { [TTL_EXTENSION]: undefined })
      : reply;
    await this.ingest([
      { event, ttl, traceparent: parent.traceparent, tracestate: parent.tracestate, acceptedAt: Date.now() },
    ]);
    this.#metrics.replies.inc();
  }

  async keepDeadLetter(subscription: string, envelope: EventEnvelope, reason: string): Promise<void> {
    await this.#o.store.deadLetter({ subscription, envelope, reason, at: Date.now() });
  }

  /**
   * Makes the broker's triggers exactly `triggers`: new ones get an index entry and a worker,
   * changed ones are re-indexed and their worker updated in place (pending deliveries kept),
   * removed ones are stopped and their pending deliveries discarded. Deliveries left by triggers
   * that no longer exist (found in the store after a restart) are discarded too.
   */
  async setTriggers(triggers: readonly TriggerResource[]): Promise<void> {
    // Thousands of triggers take long enough to hold up ingress: let it in between triggers. Each
    // trigger's index entry and worker change within one step, so an event arriving meanwhile is
    // matched against every trigger as it was before the reload or as it is after, trigger by trigger.
    const slice = timeSlice();
    const wanted = new Map(triggers.map((t) => [t.id, t]));
    for (const [id, worker] of this.#workers) {
      if (!wanted.has(id)) await this.#removeTrigger(id, worker);
    }
    for (const trigger of triggers) {
      await slice();
      const worker = this.#workers.get(trigger.id);
      if (worker === undefined) this.#addTrigger(trigger);
      else {
        const before = worker.trigger;
        if (
          fingerprint([before.filterAttributes, before.filters]) !==
          fingerprint([trigger.filterAttributes, trigger.filters])
        ) {
          this.#index.remove(trigger.id);
          this.#index.add(trigger);
        }
        worker.update(trigger);
      }
    }
    for (const id of this.#o.store.subscriptionIds()) {
      if (!wanted.has(id)) {
        this.#o.logger.warn("discarding deliveries of a trigger that no longer exists", {
          broker: this.#resource.id,
          trigger: id,
        });
        await this.#o.store.dropSubscription(id);
      }
    }
  }

  #addTrigger(trigger: TriggerResource): void {
    this.#index.add(trigger);
    const metrics = this.#o.metrics.forTrigger(trigger.id);
    const worker = new TriggerWorker({
      trigger,
      queue: this.#o.store.subscription(trigger.id),
      dispatcher: this.#o.dispatcher,
      limiter: this.#o.limiter,
      broker: this,
      maxInFlight: this.#o.inFlightPerTrigger,
      maxInFlightWhileFailing: this.#o.inFlightPerFailingTrigger,
      metrics,
      logger: this.#o.logger,
    });
    this.#workers.set(trigger.id, worker);
    metrics.watch(worker);
    worker.start();
  }

  async #removeTrigger(id: string, worker: TriggerWorker): Promise<void> {
    this.#index.remove(id);
    this.#workers.delete(id);
    this.#full.delete(id);
    await worker.stop(this.#o.shutdownGraceMs);
    await this.#o.store.dropSubscription(id);
    this.#o.metrics.removeTrigger(id);
  }

  /** Stops every worker (in-flight deliveries get the grace period), then closes the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#workers.values()].map((w) => w.stop(this.#o.shutdownGraceMs)));
    this.#workers.clear();
    await this.#o.store.close();
    this.#metrics.remove();
  }
}
