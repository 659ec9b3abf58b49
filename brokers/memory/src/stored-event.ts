import type { CloudEvent, Delivery, EventEnvelope } from "@sluice/core";

/**
 * One stored event. It doubles as the Delivery handed to every route (subscribers only read
 * `seq` and `envelope`), so fan-out allocates nothing per route.
 */
export interface StoredEvent extends Delivery {
  readonly seq: number;
  readonly envelope: EventEnvelope;
  /** What the event counts for against maxPendingBytes. */
  readonly bytes: number;
  /** Routes not yet finished with the event. */
  remaining: number;
}

/**
 * The size an event counts for in the pending-bytes bound: data bytes plus attribute names and
 * values (UTF-16 lengths: cheap, and close enough for a bound).
 */
export function eventBytes(event: CloudEvent): number {
  let bytes = event.data === undefined ? 0 : event.data.byteLength;
  for (const [name, value] of event.attributes) bytes += name.length + value.length;
  return bytes;
}
