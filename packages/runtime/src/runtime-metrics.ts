import type { DeliveryResult } from "@sluice/delivery";
import { type CounterChild, type HistogramChild, MetricsRegistry } from "./metrics.js";

/** A trigger's metrics, made once per trigger so the hot path never formats labels. */
export interface TriggerMetrics {
  outcome(result: DeliveryResult, acceptedAt: number): void;
  /** Where the trigger's gauges are read from (its worker, once made). */
  watch(gauges: TriggerGauges): void;
}

/** What the trigger gauges read from a trigger's worker when /metrics is scraped. */
export interface TriggerGauges {
  /** Deliveries stored and not yet started (the backlog). */
  readonly waiting: number;
  /** Deliveries in flight. */
  readonly inFlight: number;
  /** Deliveries that may be in flight now. */
  readonly window: number;
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
  /** Every trigger's counts, in one object each (the collected families below read them). */
  readonly #triggers = new Map<string, TriggerSeries>();
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
  readonly #latency = this.registry.histogram(
    "sluice_delivery_latency_seconds",
    "From acceptance by the broker to the end of a successful delivery.",
    ["trigger"],
  );
  readonly pending = this.registry.gaugeCallback(
    "sluice_broker_pending_events",
    "Events stored and not yet finished by every matched trigger.",
    ["broker"],
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

  constructor() {
    // The per-trigger families are collected from #triggers (one object per trigger); they come
    // after the families above on /metrics.
    this.registry.collected(
      "sluice_deliveries_total",
      "Finished deliveries by trigger and outcome (delivered, dead_lettered, dead_letter_store).",
      "counter",
      ["trigger", "outcome"],
      (emit) => {
        for (const t of this.#triggers.values()) {
          emit([t.trigger, "delivered"], t.delivered);
          emit([t.trigger, "dead_lettered"], t.deadLettered);
          emit([t.trigger, "dead_letter_store"], t.kept);
        }
      },
    );
    this.registry.collected(
      "sluice_delivery_attempts_total",
      "Delivery attempts by trigger (including retries).",
      "counter",
      ["trigger"],
      (emit) => {
        for (const t of this.#triggers.values()) emit(t.labels, t.attempts);
      },
    );
    this.#triggerGauge("sluice_trigger_inflight", "Deliveries in flight per trigger.", (g) => g.inFlight);
    this.#triggerGauge(
      "sluice_trigger_pending_deliveries",
      "Deliveries stored for a trigger and not yet started (its backlog).",
      (g) => g.waiting,
    );
    this.#triggerGauge(
      "sluice_trigger_window",
      "Deliveries a trigger may have in flight now: from the failing-subscriber window, one more per answered delivery up to its full window, halved per unanswered attempt, back to the narrow one while its subscriber is failing.",
      (g) => g.window,
    );
  }

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
   * A trigger's metrics: its counts in one object, and its latency histogram; its gauges are read
   * from what `watch()` is given (its worker) when /metrics is scraped. Replaces the metrics of a
   * trigger of that id.
   */
  forTrigger(trigger: string): TriggerMetrics {
    const labels = [trigger];
    const series = new TriggerSeries(trigger, labels, this.#latency.labelsOf(labels));
    this.#triggers.set(trigger, series);
    return series;
  }

  /** A gauge of every watched trigger, read from its worker when /metrics is scraped. */
  #triggerGauge(name: string, help: string, read: (gauges: TriggerGauges) => number): void {
    this.registry.collected(name, help, "gauge", ["trigger"], (emit) => {
      for (const t of this.#triggers.values()) if (t.gauges !== undefined) emit(t.labels, read(t.gauges));
    });
  }

  /** Drops every series of a trigger (it was removed). */
  removeTrigger(trigger: string): void {
    this.#triggers.delete(trigger);
    this.#latency.remove(trigger);
  }
}

/**
 * One trigger's counts, in one object: what the collected families report for it. Its methods are
 * on the prototype (no closure per trigger).
 */
class TriggerSeries implements TriggerMetrics {
  readonly trigger: string;
  /** `[trigger]`, shared by every series labelled by the trigger alone. */
  readonly labels: readonly string[];
  gauges: TriggerGauges | undefined;
  readonly #latency: HistogramChild;
  delivered = 0;
  deadLettered = 0;
  kept = 0;
  attempts = 0;

  constructor(trigger: string, labels: readonly string[], latency: HistogramChild) {
    this.trigger = trigger;
    this.labels = labels;
    this.#latency = latency;
  }

  watch(gauges: TriggerGauges): void {
    this.gauges = gauges;
  }

  outcome(result: DeliveryResult, acceptedAt: number): void {
    this.attempts += result.attempts;
    if (result.outcome === "delivered") {
      this.delivered += 1;
      this.#latency.observe((Date.now() - acceptedAt) / 1000);
    } else if (result.outcome === "dead-lettered") this.deadLettered += 1;
    else if (result.outcome === "failed") this.kept += 1;
  }
}
