import {
  type CloudEvent,
  type Delivery,
  type EventEnvelope,
  Fifo,
  type Logger,
  StopSignal,
  type SubscriptionQueue,
  type TriggerResource,
} from "@sluice/core";
import {
  type AttemptEnd,
  type AttemptPacer,
  type DeliveryResult,
  type Dispatcher,
  isRetryableStatus,
} from "@sluice/delivery";
import type { Limiter } from "./limiter.js";
import type { TriggerMetrics } from "./runtime-metrics.js";

/** What a worker needs from its broker. */
export interface WorkerBroker {
  /** Stores a reply into the broker (TTL decremented); rejects if it cannot be stored. */
  storeReply(parent: EventEnvelope, reply: CloudEvent): Promise<void>;
  /** Keeps an undeliverable event in the broker's durable dead-letter store. */
  keepDeadLetter(subscription: string, envelope: EventEnvelope, reason: string): Promise<void>;
}

export interface TriggerWorkerOptions {
  readonly trigger: TriggerResource;
  readonly queue: SubscriptionQueue;
  readonly dispatcher: Dispatcher;
  readonly limiter: Limiter;
  readonly broker: WorkerBroker;
  readonly maxInFlight: number;
  /** The window a trigger starts with and falls back to while its subscriber is failing (FAILING_AFTER). */
  readonly maxInFlightWhileFailing: number;
  readonly metrics: TriggerMetrics;
  readonly logger: Logger;
}

const RELEASE_DELAY_MS = 1000;

/** The pacer's answer to an attempt asked for while the worker stops: give the delivery back. */
const GIVE_BACK: Promise<boolean> = Promise.resolve(false);

/**
 * After this many deliveries in a row failed every attempt (the last one unreachable, timed out or
 * with a retryable status), the subscriber counts as failing and the trigger's window falls back to
 * `maxInFlightWhileFailing` deliveries in flight, to grow again only with answers (see
 * TriggerWorker). A flaky subscriber (some attempts fail, retries get through) never gets there.
 */
export const FAILING_AFTER = 8;

/**
 * Delivers one trigger's queue: takes deliveries in log order while fewer than its window are in
 * flight, holds a slot of the shared limiter per delivery in progress, and acks each one once it
 * is delivered, dead-lettered or kept in the dead-letter store. A slow or failing subscriber only
 * ever fills its own trigger's slots. Ordered triggers deliver one event at a time per
 * `partitionkey` (retries block that key only).
 *
 * The window is earned, like TCP's slow start: it opens at `maxInFlightWhileFailing` and grows by
 * one per delivery the subscriber answered (so it doubles per round trip) up to `maxInFlight`;
 * when the subscriber is failing (FAILING_AFTER) it falls back to where it started. A subscriber
 * that hangs or is down from the start then has a few deliveries in flight (still every event,
 * every retry), not a full window timing out and being retried at once: fewer attempts, timers,
 * connections and dead letters at a time, which is what keeps other triggers' latency flat. A
 * subscriber that comes back is not met by a full window at once either.
 *
 * The worker also paces attempts (it is the dispatcher's AttemptPacer for its deliveries): each
 * attempt the subscriber did not answer (timed out, refused, reset) halves the window, down to
 * where it started, and an attempt, first try or retry, goes only while fewer than the window are
 * in progress, in the order they asked. So a subscriber that stops answering while it has its full
 * window in flight gets those deliveries' retries a few at a time, not all at once.
 */
export class TriggerWorker implements AttemptPacer {
  #trigger: TriggerResource;
  readonly #o: TriggerWorkerOptions;
  /** Ends the pending take() when the worker stops (shutdown, or its trigger removed). */
  readonly #stopTaking = new StopSignal();
  /** Aborts deliveries in flight at the end of stop(); made on the first delivery (most triggers idle). */
  #abortDeliveries: StopSignal | undefined;
  #abandoned = false;
  #inFlight = 0;
  /** Deliveries in a row that failed every attempt (reset when the subscriber answers). */
  #failedInARow = 0;
  /** Where the window starts and falls back to: maxInFlightWhileFailing, never wider than maxInFlight. */
  readonly #failingWindow: number;
  /**
   * Deliveries that may be in flight, and attempts in progress, now: from #failingWindow, one more
   * per answer up to maxInFlight, halved per unanswered attempt, back to #failingWindow when failing.
   */
  #window: number;
  /** Attempts to the subscriber in progress (let go by attemptStarting, not yet ended). */
  #attempting = 0;
  /** Attempts waiting for one of those to end; made when first needed. */
  #paced: Fifo<(go: boolean) => void> | undefined;
  #slotFreed: (() => void) | undefined;
  #idle: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  /** Ordered triggers: deliveries waiting behind the one in flight, per partition key. */
  #keys: Map<string, Delivery[]> | undefined;

  constructor(options: TriggerWorkerOptions) {
    this.#o = options;
    this.#trigger = options.trigger;
    this.#failingWindow = Math.min(options.maxInFlight, options.maxInFlightWhileFailing);
    this.#window = this.#failingWindow;
  }

  /** Deliveries queued for this trigger and not yet taken: its backlog. */
  get waiting(): number {
    return this.#o.queue.waiting;
  }

  get trigger(): TriggerResource {
    return this.#trigger;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Deliveries this trigger may have in flight now (see the class comment). */
  get window(): number {
    return this.#window;
  }

  start(): void {
    this.#loop ??= this.#run().catch((error: unknown) => {
      this.#o.logger.error("trigger worker stopped unexpectedly", { trigger: this.#trigger.id, error });
    });
  }

  /** Applies a changed trigger (subscriber, delivery, ordering) to deliveries started from now on. */
  update(trigger: TriggerResource): void {
    this.#trigger = trigger;
  }

  /**
   * Stops taking work and starting attempts: attempts in progress may finish for up to `graceMs`,
   * then the rest are abandoned. Every delivery not done by then, including those between attempts,
   * is left unacked: a durable broker hands it out again after a restart.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopTaking.abort();
    this.#slotFreed?.();
    // No attempt starts from now on (attemptStarting): deliveries waiting for a slot are given back
    // now, so the grace is spent on the attempts the subscriber already has.
    for (const waiting of this.#paced?.drain() ?? []) waiting(false);
    await this.#loop;
    if (this.#inFlight > 0) {
      const idle = new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([idle, expired]);
      clearTimeout(timer);
    }
    this.#abandoned = true;
    this.#abortDeliveries?.abort();
    while (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stopTaking;
    while (!signal.aborted) {
      const free = this.#window - this.#inFlight;
      if (free <= 0) {
        await new Promise<void>((resolve) => {
          this.#slotFreed = resolve;
        });
        this.#slotFreed = undefined;
        continue;
      }
      const batch = await this.#o.queue.take(free, signal);
      // By contract take() resolves [] only when aborted, or when the store closed or dropped this
      // subscription: either way this worker is done (looping would spin).
      if (batch.length === 0) break;
      this.#inFlight += batch.length;
      for (const delivery of batch) {
        if (this.#trigger.ordered) this.#startOrdered(delivery);
        else void this.#deliver(delivery);
      }
    }
  }

  #startOrdered(delivery: Delivery): void {
    const key = delivery.envelope.event.attributes.get("partitionkey") ?? "";
    this.#keys ??= new Map();
    const waiting = this.#keys.get(key);
    if (waiting !== undefined) {
      waiting.push(delivery);
      return;
    }
    this.#keys.set(key, []);
    void this.#deliverOrdered(key, delivery);
  }

  async #deliverOrdered(key: string, first: Delivery): Promise<void> {
    let next: Delivery | undefined = first;
    while (next !== undefined) {
      await this.#deliver(next);
      next = this.#keys?.get(key)?.shift();
    }
    this.#keys?.delete(key);
  }

  async #deliver(delivery: Delivery): Promise<void> {
    const { limiter, queue, metrics } = this.#o;
    let holdsSlot = false;
    try {
      const wait = limiter.acquire(1);
      if (wait !== undefined) await wait;
      holdsSlot = true;
      if (this.#abandoned) {
        queue.release(delivery);
        return;
      }
      const result = await this.#dispatch(delivery);
      metrics.outcome(result, delivery.envelope.acceptedAt);
      this.#track(result);
      await this.#settle(delivery, result);
    } catch (error) {
      this.#o.logger.error("delivery failed unexpectedly; it will be retried", {
        trigger: this.#trigger.id,
        error,
      });
      this.#releaseLater(delivery);
    } finally {
      if (holdsSlot) limiter.release(1);
      this.#inFlight -= 1;
      this.#slotFreed?.();
      if (this.#inFlight === 0) this.#idle?.();
    }
  }

  /**
   * Follows whether the subscriber is failing, and says so when that changes. Failing means
   * unreachable, timing out or answering a retryable status (5xx, 429, ...) to the last attempt; a
   * subscriber that rejects events for good (400, 403, ...) is up and answering, and its events go
   * to the dead-letter sink at full speed.
   */
  #track(result: DeliveryResult): void {
    switch (result.outcome) {
      case "delivered":
        this.#answering();
        return;
      case "dead-lettered":
      case "failed": {
        if (result.status !== undefined && !isRetryableStatus(result.status)) {
          this.#answering();
          return;
        }
        this.#failedInARow += 1;
        if (this.#failedInARow === FAILING_AFTER) {
          this.#window = this.#failingWindow;
          this.#o.logger.warn(
            "subscriber failing: deliveries in a row failed every attempt; narrowing the delivery window until it answers again",
            { trigger: this.#trigger.id, failed: FAILING_AFTER, window: this.#failingWindow },
          );
        }
        return;
      }
      case "aborted":
        return;
    }
  }

  #answering(): void {
    if (this.#failedInARow >= FAILING_AFTER) {
      this.#o.logger.info("subscriber answers again; the delivery window grows back with its answers", {
        trigger: this.#trigger.id,
        window: this.#window,
        upTo: this.#o.maxInFlight,
      });
    }
    this.#failedInARow = 0;
    if (this.#window < this.#o.maxInFlight) {
      this.#window += 1;
      this.#letWaitingGo();
    }
  }

  /**
   * AttemptPacer: an attempt goes now when the window has room and none waits before it. Once the
   * worker stops no attempt starts: the delivery is given back (see stop()).
   */
  attemptStarting(): Promise<boolean> | undefined {
    if (this.#stopTaking.aborted) return GIVE_BACK;
    if (this.#attempting < this.#window && (this.#paced?.length ?? 0) === 0) {
      this.#attempting += 1;
      return undefined;
    }
    return new Promise<boolean>((resolve) => (this.#paced ??= new Fifo()).push(resolve));
  }

  /** AttemptPacer: an attempt ended; one the subscriber did not answer halves the window. */
  attemptEnded(end: AttemptEnd): void {
    this.#attempting -= 1;
    if (end === "unanswered" && this.#window > this.#failingWindow) {
      this.#window = Math.max(this.#failingWindow, this.#window >> 1);
    }
    this.#letWaitingGo();
  }

  #letWaitingGo(): void {
    const paced = this.#paced;
    if (paced === undefined) return;
    while (paced.length > 0 && this.#attempting < this.#window) {
      this.#attempting += 1;
      paced.shift()?.(true);
    }
  }

  #dispatch(delivery: Delivery): Promise<DeliveryResult> {
    const trigger = this.#trigger;
    const parent = delivery.envelope;
    return this.#o.dispatcher.deliver({
      envelope: parent,
      url: trigger.subscriber.url,
      policy: trigger.delivery,
      namespace: trigger.namespace,
      onReply: (reply) => this.#o.broker.storeReply(parent, reply),
      signal: (this.#abortDeliveries ??= new StopSignal()),
      pacer: this,
    });
  }

  async #settle(delivery: Delivery, result: DeliveryResult): Promise<void> {
    const { queue, broker, logger } = this.#o;
    switch (result.outcome) {
      case "delivered":
      case "dead-lettered":
        queue.ack(delivery);
        return;
      case "aborted":
        queue.release(delivery);
        return;
      case "failed": {
        const envelope = { ...delivery.envelope, event: result.deadLetterEvent };
        try {
          await broker.keepDeadLetter(this.#trigger.id, envelope, result.reason);
          queue.ack(delivery);
          logger.warn("event kept in the dead-letter store", {
            trigger: this.#trigger.id,
            id: delivery.envelope.event.attributes.get("id"),
            reason: result.reason,
          });
        } catch (error) {
          logger.error("could not store a dead letter; the delivery will be retried", {
            trigger: this.#trigger.id,
            error,
          });
          this.#releaseLater(delivery);
        }
      }
    }
  }

  // A delivery that failed for a reason not tied to the subscriber (storage error, bug) is given
  // back after a pause, so a persistent fault cannot spin the worker.
  #releaseLater(delivery: Delivery): void {
    setTimeout(() => this.#o.queue.release(delivery), RELEASE_DELAY_MS).unref();
  }
}
