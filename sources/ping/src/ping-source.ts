import { randomUUID } from "node:crypto";
import {
  type CloudEvent,
  CoreErrors,
  createCloudEvent,
  parseIsoDuration,
  SluiceError,
  type Source,
  type SourceContext,
  type SourceResource,
} from "@sluice/core";
import { type Clock, MAX_TIMER_MS, systemClock } from "./clock.js";
import { PingErrors } from "./errors.js";
import { latestTick, nextTick } from "./next-tick.js";
import type { PingSpec } from "./spec.js";
import { readLastTick, writeLastTick } from "./state-file.js";

/** Knative's event type and source (pkg/apis/sources/v1/ping_lifecycle.go). */
export const PING_EVENT_TYPE = "dev.knative.sources.ping";
export const CATCH_UP_ANNOTATION = "sources.sluice.dev/catch-up";

export function pingEventSource(namespace: string, name: string): string {
  return `/apis/v1/namespaces/${namespace}/pingsources/${name}`;
}

export interface PingSourceOptions {
  readonly clock?: Clock;
}

/** Reads the catch-up annotation: undefined when absent; throws SLUICE_ERR_PING_INVALID_CATCH_UP when bad. */
export function catchUpWindow(annotations: Readonly<Record<string, string>>): number | undefined {
  const text = annotations[CATCH_UP_ANNOTATION];
  if (text === undefined) return undefined;
  let ms: number | undefined;
  try {
    ms = parseIsoDuration(text);
  } catch (error) {
    throw new SluiceError(
      PingErrors.INVALID_CATCH_UP,
      `annotation ${CATCH_UP_ANNOTATION}: "${text}" is not an ISO-8601 duration (e.g. PT1H, P1D)`,
      { cause: error },
    );
  }
  if (ms <= 0) {
    throw new SluiceError(PingErrors.INVALID_CATCH_UP, `annotation ${CATCH_UP_ANNOTATION} must be positive`);
  }
  return ms;
}

export function createPingSource(
  resource: SourceResource<PingSpec>,
  options: PingSourceOptions = {},
): Source {
  return new PingSource(resource, catchUpWindow(resource.annotations), options.clock ?? systemClock);
}

type Outcome = "sent" | "failed" | "stopped";

/**
 * Emits one event per tick of the schedule. One timer at a time, for the next tick (re-armed when
 * it fires early: a clock change, or a wait longer than setTimeout allows). Ticks are sent one at
 * a time; ticks that come due while the previous one is still being sent (or while the machine
 * slept) are coalesced into the latest one, or all replayed, oldest first, when catch-up is on.
 */
class PingSource implements Source {
  readonly #resource: SourceResource<PingSpec>;
  readonly #catchUp: number | undefined;
  readonly #clock: Clock;
  readonly #source: string;
  #state: "new" | "running" | "closed" = "new";
  #ctx: SourceContext | undefined;
  #cursor = 0;
  #timer: unknown;
  #pump: Promise<void> | undefined;
  #healthy = true;
  #stop!: () => void;
  readonly #stopped = new Promise<"stopped">((resolve) => {
    this.#stop = () => resolve("stopped");
  });

  constructor(resource: SourceResource<PingSpec>, catchUp: number | undefined, clock: Clock) {
    this.#resource = resource;
    this.#catchUp = catchUp;
    this.#clock = clock;
    this.#source = pingEventSource(resource.namespace, resource.name);
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.#state === "closed") throw new SluiceError(CoreErrors.CLOSED, "the ping source is closed");
    if (this.#state === "running") {
      throw new SluiceError(PingErrors.ALREADY_STARTED, `PingSource ${this.#resource.id} is already started`);
    }
    this.#state = "running";
    this.#ctx = ctx;
    const now = this.#clock.now();
    this.#cursor = now;
    if (this.#catchUp !== undefined && ctx.stateDir !== undefined) {
      const last = await readLastTick(ctx.stateDir);
      if (last !== undefined) this.#cursor = Math.min(now, Math.max(last, now - this.#catchUp - 1));
    }
    if (this.#state !== "running") return; // closed while reading the state
    if (ctx.signal.aborted) return this.close();
    ctx.signal.addEventListener("abort", () => void this.close(), { once: true });
    const { cron, zone, schedule } = this.#resource.spec;
    if (nextTick(cron, zone, now) === undefined) {
      ctx.logger.warn("the schedule matches no time in the next five years; nothing will be sent", {
        schedule,
      });
    }
    this.#wake();
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    this.#state = "closed";
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#stop();
    await this.#pump;
  }

  #wake(): void {
    if (this.#pump !== undefined || this.#state !== "running") return;
    this.#pump = this.#run().finally(() => {
      this.#pump = undefined;
    });
  }

  /** Sends every due tick, then arms the timer for the next one. */
  async #run(): Promise<void> {
    const { cron, zone } = this.#resource.spec;
    while (this.#state === "running") {
      const now = this.#clock.now();
      let tick = nextTick(cron, zone, this.#cursor);
      if (tick === undefined) return;
      if (tick > now) return this.#arm(tick - now);
      if (this.#catchUp === undefined) tick = latestTick(cron, zone, this.#cursor, now) ?? tick;
      else if (tick < now - this.#catchUp) {
        this.#cursor = now - this.#catchUp - 1;
        continue;
      }
      const outcome = await this.#send(tick);
      if (outcome === "stopped") return;
      this.#cursor = tick;
      await this.#remember(tick);
    }
  }

  #arm(delay: number): void {
    this.#timer = this.#clock.setTimer(
      () => {
        this.#timer = undefined;
        this.#wake();
      },
      Math.min(delay, MAX_TIMER_MS),
    );
  }

  async #send(tick: number): Promise<Outcome> {
    const ctx = this.#ctx as SourceContext;
    const event = this.#event(tick);
    const outcome = await Promise.race([
      ctx.emit(event).then(
        (): Outcome => "sent",
        (error: unknown): Outcome => {
          if (this.#state !== "running" || ctx.signal.aborted) return "stopped";
          const at = new Date(tick).toISOString();
          ctx.logger.error("ping not delivered", { tick: at, id: event.attributes.get("id"), error });
          this.#healthy = false;
          ctx.setHealth(false, `the tick of ${at} could not be delivered: ${messageOf(error)}`);
          return "failed";
        },
      ),
      this.#stopped,
    ]);
    if (outcome === "sent" && !this.#healthy) {
      this.#healthy = true;
      ctx.setHealth(true);
    }
    return outcome;
  }

  #event(tick: number): CloudEvent {
    const { contentType, data } = this.#resource.spec;
    const attributes: Record<string, string> = {
      specversion: "1.0",
      id: randomUUID(),
      source: this.#source,
      type: PING_EVENT_TYPE,
      time: new Date(tick).toISOString(),
    };
    // Knative sets the content type only together with data (runner.go makeEvent).
    if (data !== undefined && contentType !== undefined) attributes.datacontenttype = contentType;
    return createCloudEvent(attributes, data);
  }

  /** Persists the tick for catch-up; a failed write only costs a replay after a restart. */
  async #remember(tick: number): Promise<void> {
    const ctx = this.#ctx as SourceContext;
    if (this.#catchUp === undefined || ctx.stateDir === undefined || this.#state !== "running") return;
    try {
      await writeLastTick(ctx.stateDir, tick);
    } catch (error) {
      ctx.logger.warn("could not record the last ping", { error });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
