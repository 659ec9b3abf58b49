import type { DeadLetterRecord, EventEnvelope } from "@sluice/core";
import { ByteReader, type ByteWriter } from "./byte-writer.js";

/** The first byte of every frame body says what it holds. */
export const RecordKind = Object.freeze({
  EVENT: 1,
  DEAD_LETTER: 2,
  ROUTE: 3,
  CHECKPOINT: 4,
  ACKS: 5,
  DROP: 6,
} as const);

/**
 * Event record body: kind, seq (f64: exact to 2^53), route ids, then the envelope. Routes are
 * interned trigger ids (see route-registry.ts), so a fan-out of one costs 6 bytes, not the id.
 */
export function writeEventRecord(
  writer: ByteWriter,
  seq: number,
  routes: readonly number[],
  envelope: EventEnvelope,
): void {
  writer.u8(RecordKind.EVENT);
  writer.f64(seq);
  writer.varint(routes.length);
  for (const route of routes) writer.varint(route);
  writeEnvelope(writer, envelope);
}

export interface EventRecordHead {
  readonly seq: number;
  readonly routes: number[];
  /** Where the envelope starts in the body. */
  readonly envelopeAt: number;
}

/** Reads the part of an event record recovery needs, without decoding the envelope. */
export function readEventHead(body: Buffer): EventRecordHead | undefined {
  const reader = new ByteReader(body);
  if (reader.u8() !== RecordKind.EVENT) return undefined;
  const seq = reader.f64();
  const count = reader.varint();
  const routes: number[] = new Array(count);
  for (let i = 0; i < count; i++) routes[i] = reader.varint();
  return { seq, routes, envelopeAt: reader.pos };
}

export function readEventEnvelope(body: Buffer, envelopeAt: number): EventEnvelope {
  return readEnvelope(new ByteReader(body, envelopeAt));
}

/** Reads a whole event record body: used when a record is read back from disk. */
export function readEventRecord(body: Buffer): { seq: number; envelope: EventEnvelope } {
  const head = readEventHead(body);
  if (head === undefined) throw new RangeError("not an event record");
  return { seq: head.seq, envelope: readEventEnvelope(body, head.envelopeAt) };
}

export function writeDeadLetter(writer: ByteWriter, record: DeadLetterRecord): void {
  writer.u8(RecordKind.DEAD_LETTER);
  writer.f64(record.at);
  writer.string(record.subscription);
  writer.string(record.reason);
  writeEnvelope(writer, record.envelope);
}

export function readDeadLetter(body: Buffer): DeadLetterRecord {
  const reader = new ByteReader(body);
  if (reader.u8() !== RecordKind.DEAD_LETTER) throw new RangeError("not a dead-letter record");
  const at = reader.f64();
  const subscription = reader.string() ?? "";
  const reason = reader.string() ?? "";
  return { subscription, reason, at, envelope: readEnvelope(reader) };
}

/**
 * Envelope layout: acceptedAt f64, ttl f64, traceparent, tracestate, attribute count, then
 * name/value pairs in the map's order, then data. Strings and data carry a length, with a marker
 * for "absent", so undefined and "" (or empty data) stay distinct.
 */
function writeEnvelope(writer: ByteWriter, envelope: EventEnvelope): void {
  writer.f64(envelope.acceptedAt);
  writer.f64(envelope.ttl);
  writer.string(envelope.traceparent);
  writer.string(envelope.tracestate);
  const { attributes, data } = envelope.event;
  writer.varint(attributes.size);
  for (const [name, value] of attributes) {
    writer.string(name);
    writer.string(value);
  }
  writer.bytes(data);
}

function readEnvelope(reader: ByteReader): EventEnvelope {
  const acceptedAt = reader.f64();
  const ttl = reader.f64();
  const traceparent = reader.string();
  const tracestate = reader.string();
  const count = reader.varint();
  const attributes = new Map<string, string>();
  for (let i = 0; i < count; i++) attributes.set(reader.string() ?? "", reader.string() ?? "");
  const data = reader.bytes();
  return { event: { attributes, data }, ttl, traceparent, tracestate, acceptedAt };
}
