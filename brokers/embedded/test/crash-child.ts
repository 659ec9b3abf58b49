// Spawned by crash.test.ts: appends forever with several concurrent callers and prints the id of
// every append that resolved, one per line, until it is killed with SIGKILL. Route t1 is taken
// and acked as it goes (so acks and journal rotations are in flight at the kill); t2 never is.
import { createCloudEvent, DEFAULT_BROKER_TTL } from "@sluice/core";
import { createEmbeddedBackend } from "../src/index.js";

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error("usage: crash-child.ts DATA_DIR [ID_PREFIX]");
const prefix = process.argv[3] ?? "crash-";
const backend = createEmbeddedBackend({ dataDir, segmentBytes: 64 * 1024, ackJournalBytes: 4096 });
const store = await backend.open({ namespace: "default", name: "b" });
const data = Buffer.alloc(700, "c");
let next = 0;

async function caller(): Promise<void> {
  for (;;) {
    next += 1;
    const id = `${prefix}${next}`;
    const event = createCloudEvent({ specversion: "1.0", id, source: "/crash", type: "t" }, data);
    const envelope = {
      event,
      ttl: DEFAULT_BROKER_TTL,
      traceparent: undefined,
      tracestate: undefined,
      acceptedAt: Date.now(),
    };
    await store.append([{ envelope, routes: ["t1", "t2"] }]);
    process.stdout.write(`${id}\n`);
  }
}

async function consumer(): Promise<void> {
  const queue = store.subscription("t1");
  for (;;) for (const delivery of await queue.take(64)) queue.ack(delivery);
}

void consumer();
await Promise.all(Array.from({ length: 16 }, caller));
