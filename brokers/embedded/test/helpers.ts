import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { type AppendEntry, type BrokerStore, createLogger, type Delivery, type Logger } from "@sluice/core";
import { makeEnvelope, makeEvent } from "@sluice/testing";

export { eventually } from "@sluice/testing";

export const KEY = { namespace: "default", name: "b" };

/** A fresh temporary data dir, removed when the test file ends. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sluice-embedded-${label}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function storeDir(dataDir: string): string {
  return join(dataDir, "brokers", KEY.namespace, KEY.name);
}

/** Segment files of the store's log, oldest first. */
export function segments(dataDir: string): string[] {
  const dir = join(storeDir(dataDir), "log");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".seg"))
    .sort()
    .map((name) => join(dir, name));
}

export function bytesOf(paths: readonly string[]): number {
  return paths.reduce((sum, path) => sum + statSync(path).size, 0);
}

export function entry(id: string, data: string | Uint8Array | undefined, ...routes: string[]): AppendEntry {
  return { envelope: makeEnvelope(makeEvent({ id }, data)), routes };
}

/** Takes until `count` deliveries arrived (hang-guarded), acking them if asked. */
export async function takeAll(
  store: BrokerStore,
  id: string,
  count: number,
  ack = false,
): Promise<Delivery[]> {
  const queue = store.subscription(id);
  const out: Delivery[] = [];
  while (out.length < count) {
    const batch = await guard(queue.take(count - out.length), `take on ${id} (${out.length}/${count})`);
    for (const delivery of batch) {
      out.push(delivery);
      if (ack) queue.ack(delivery);
    }
  }
  return out;
}

export function idOf(delivery: Delivery): string {
  return delivery.envelope.event.attributes.get("id") ?? "";
}

export async function guard<T>(promise: Promise<T>, what: string, limitMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung: ${what}`)), limitMs);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A logger that keeps its lines, to assert that recovery warned. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: "debug", write: (line) => lines.push(line) }), lines };
}
