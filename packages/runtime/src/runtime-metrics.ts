import type { DeliveryResult } from "@sluice/delivery";
import { type CounterChild, type GaugeChild, type HistogramChild, MetricsRegistry } from "./metrics.js";

/** Per-trigger handles, created once per trigger so the hot path never formats labels. */
export interface TriggerMetrics {
  readonly inFlight: GaugeChild;
  outcome(result: DeliveryResult, acceptedAt: number): void;
  remove(): void;
}

export interface BrokerMetrics {
  readonly accepted: CounterChild;
  readonly unmatched: CounterChild;
  readonly replies: CounterChild;
  readonly ttlDropped: CounterChild;
  remove(): void;
}

/** A commit is an fdatasync: well under a millisecond on a good disk, seconds on a stalling one. */
const COMMIT_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The metric families Sluice exposes on /metrics (listed in packages/runtime/README.md, "Metrics"). */
export class RuntimeMetrics {
  readonly registry = new MetricsRegistry();
  readonly #requests = this.registry.counter(
    "sluice_ingress_requests_total",
    "HTTP requests to broker addresses, by broker and status code.",
    ["broker", "code"],
  );
  readonly #accepted = this.registry.counter(
    "sluice_events_accepted_total",
    "Events stored by a broker (ingress, replies and sources).",
    ["broker"],
  );
  readonly #unmatched = this.registry.counter(
    "sluice_events_unmatched_total",
    "Accepted events that matched no trigger (not stored).",
    ["broker"],
  );
  readonly #replies = this.registry.counter(
    "sluice_replies_total",
    "Reply events stored back into a broker.",
    ["broker"],
  );
  readonly #dropped = this.registry.counter(
    "sluice_events_dropped_total",
    "Events dropped on purpose, by reason (ttl: reply-loop guard).",
    ["broker", "reason"],
  );
  readonly #deliveries = this.registry.counter(
    "sluice_deliveries_total",
    "Finished deliveries by trigger and outcome (delivered, dead_lettered, dead_letter_store).",
    ["trigger", "outcome"],
  );
  readonly #attempts = this.registry.counter(
    "sluice_delivery_attempts_total",
    "Delivery attempts by trigger (including retries).",
    ["trigger"],
  );
  readonly #latency = this.registry.histogram(
    "sluice_delivery_latency_seconds",
    "From acceptance by the broker to the end of a successful delivery.",
    ["trigger"],
  );
  readonly #inFlight = this.registry.gauge("sluice_trigger_inflight", "Deliveries in flight per trigger.", [
    "trigger",
  ]);
  readonly pending = this.registry.gaugeCallback(
    "sluice_broker_pending_events",
    "Events stored and not yet finished by every matched trigger.",
    ["broker"],
  );
  readonly #triggerWaiting = this.registry.gaugeCallback(
    "sluice_trigger_pending_deliveries",
    "Deliveries stored for a trigger and not yet started (its backlog).",
    ["trigger"],
  );
  readonly #triggerWindow = this.registry.gaugeCallback(
    "sluice_trigger_window",
    "Deliveries a trigger may have in flight now: from the failing-subscriber window, one more per answered delivery up to its full window, halved per unanswered attempt, back to the narrow one while its subscriber is failing.",
    ["trigger"],
  );
  readonly deadLetters = this.registry.gaugeCallback(
    "sluice_broker_dead_letters",
    "Records in the broker's durable dead-letter store.",
    ["broker"],
  );

  readonly #commits = this.registry.histogram(
    "sluice_broker_commit_seconds",
    "Group commits of a durable broker store (the write and sync that make a batch of events durable), by duration.",
    ["broker"],
    COMMIT_BUCKETS,
  );

  readonly #syncs = this.registry.histogram(
    "sluice_broker_sync_seconds",
    "The fdatasync of each group commit alone (the wait for the disk), by duration.",
    ["broker"],
    COMMIT_BUCKETS,
  );

  /** What a durable store of `broker` calls after each group commit (BrokerStoreOptions.onCommit). */
  commitObserver(broker: string): (seconds: number, syncSeconds?: number) => void {
    const commits = this.#commits.labels(broker);
    const syncs = this.#syncs.labels(broker);
    return (seconds, syncSeconds) => {
      commits.observe(seconds);
      if (syncSeconds !== undefined) syncs.observe(syncSeconds);
    };
  }

  request(broker: string, code: number): void {
    this.#requests.labels(broker, String(code)).inc();
  }

  forBroker(broker: string): BrokerMetrics {
    return {
      accepted: this.#accepted.labels(broker),
      unmatched: this.#unmatched.labels(broker),
      replies: this.#replies.labels(broker),
      ttlDropped: this.#dropped.labels(broker, "ttl"),
      remove: () => {
        this.pending.remove(broker);
        this.deadLetters.remove(broker);
        this.#commits.remove(broker);
        this.#syncs.remove(broker);
      },
    };
  }

  /**
   * The trigger's series, made once. Those labelled by the trigger alone share one label array
   * (`labels`): with the gauges of `watchTrigger` that is five series on one array.
   */
  forTrigger(trigger: string, labels: readonly string[] = [trigger]): TriggerMetrics {
    const series: TriggerSeriesParts = {
      delivered: this.#deliveries.labels(trigger, "delivered"),
      deadLettered: this.#deliveries.labels(trigger, "dead_lettered"),
      kept: this.#deliveries.labels(trigger, "dead_letter_store"),
      attempts: this.#attempts.labelsOf(labels),
      latency: this.#latency.labelsOf(labels),
      inFlight: this.#inFlight.labelsOf(labels),
    };
    return new TriggerSeries(trigger, series, this);
  }

  /** The gauges read from a trigger's worker when /metrics is scraped (its backlog and window). */
  watchTrigger(
    labels: readonly string[],
    worker: { readonly waiting: number; readonly window: number },
  ): void {
    this.#triggerWaiting.set(labels, worker, waitingOf);
    this.#triggerWindow.set(labels, worker, windowOf);
  }

  /** Drops every series of a trigger (it was removed). */
  removeTrigger(trigger: string): void {
    for (const outcome of ["delivered", "dead_lettered", "dead_letter_store"])
      this.#deliveries.remove(trigger, outcome);
    this.#attempts.remove(trigger);
    this.#latency.remove(trigger);
    this.#inFlight.remove(trigger);
    this.#triggerWaiting.remove(trigger);
    this.#triggerWindow.remove(trigger);
  }
}

const waitingOf = (worker: { readonly waiting: number }): number => worker.waiting;
const windowOf = (worker: { readonly window: number }): number => worker.window;

/** The series of one trigger, kept by its worker. */
interface TriggerSeriesParts {
  readonly delivered: CounterChild;
  readonly deadLettered: CounterChild;
  readonly kept: CounterChild;
  readonly attempts: CounterChild;
  readonly latency: HistogramChild;
  readonly inFlight: GaugeChild;
}

/** One object per trigger, its methods on the prototype (no closures per trigger). */
class TriggerSeries implements TriggerMetrics {
  readonly inFlight: GaugeChild;
  readonly #trigger: string;
  readonly #s: TriggerSeriesParts;
  readonly #owner: RuntimeMetrics;

  constructor(trigger: string, series: TriggerSeriesParts, owner: RuntimeMetrics) {
    this.#trigger = trigger;
    this.#s = series;
    this.#owner = owner;
    this.inFlight = series.inFlight;
  }

  outcome(result: DeliveryResult, acceptedAt: number): void {
    const s = this.#s;
    s.attempts.inc(result.attempts);
    if (result.outcome === "delivered") {
      s.delivered.inc();
      s.latency.observe((Date.now() - acceptedAt) / 1000);
    } else if (result.outcome === "dead-lettered") s.deadLettered.inc();
    else if (result.outcome === "failed") s.kept.inc();
  }

  remove(): void {
    this.#owner.removeTrigger(this.#trigger);
  }
}
