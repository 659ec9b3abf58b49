import type { Delivery, EventEnvelope } from "@sluice/core";
import type { Segment } from "./segment-log.js";

/**
 * What the store keeps in memory per stored event: its place on disk and, within the cache
 * budget, its envelope. A backlog beyond the budget costs one of these small objects per event;
 * the bodies stay on disk and are read back when taken.
 */
export interface LogRecord {
  readonly seq: number;
  /**
   * Set when cached. Cleared only while no route holds the record (`holders` is 0), so a
   * handed-out record stays readable.
   */
  envelope: EventEnvelope | undefined;
  /** What the event counts for against maxPendingBytes. */
  readonly bytes: number;
  /** Routes not yet finished with the event. */
  remaining: number;
  /** Routes that have taken the record and not yet acked or released it. */
  holders: number;
  /** Routes that were far behind (a long queue) when the record was queued for them. */
  behind: number;
  /**
   * Set once the batch holding the record is written; unset again if that batch's fdatasync
   * failed: the record then exists in memory only (its envelope is kept until every route is done).
   */
  segment: Segment | undefined;
  offset: number;
  readonly frameBytes: number;
}

/** A cached record is handed out as its own Delivery: no allocation per route. */
export function isCached(record: LogRecord): record is LogRecord & Delivery {
  return record.envelope !== undefined;
}
