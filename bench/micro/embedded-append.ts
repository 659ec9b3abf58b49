/**
 * Micro-benchmark of the embedded broker's append path: N concurrent callers append 1 KB events
 * (closed loop) for a fixed time while one subscriber takes and acks them, as the runtime would.
 * Reports appends/s, append latency percentiles and events per fdatasync (group commit).
 *
 *   node --conditions=development --import tsx bench/micro/embedded-append.ts \
 *     [--concurrency 64] [--seconds 10] [--warmup 2] [--size 1024] [--group-commit-ms 0] [--dir PATH]
 *     [--rate N]   open loop instead: N appends/s at a constant pace, latency from the intended start
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createEmbeddedBackend, nodeFileSystem } from "@sluice/broker-embedded";
import { createCloudEvent, DEFAULT_BROKER_TTL, type EventEnvelope } from "@sluice/core";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "64" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    size: { type: "string", default: "1024" },
    "group-commit-ms": { type: "string", default: "0" },
    dir: { type: "string" },
    rate: { type: "string" },
  },
});
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const size = Number(values.size);

const root = values.dir ?? mkdtempSync(join(tmpdir(), "sluice-bench-embedded-"));
let fsyncs = 0;
const backend = createEmbeddedBackend({
  dataDir: root,
  groupCommitMs: Number(values["group-commit-ms"]),
  fileSystem: {
    ...nodeFileSystem,
    fdatasync: (fd) => {
      fsyncs += 1;
      return nodeFileSystem.fdatasync(fd);
    },
  },
});
const store = await backend.open({ namespace: "bench", name: "append" });
const data = Buffer.alloc(size, "x");
let counter = 0;
const envelope = (): EventEnvelope => {
  counter += 1;
  const event = createCloudEvent(
    { specversion: "1.0", id: `bench-${counter}`, source: "/bench/micro", type: "dev.sluice.bench" },
    data,
  );
  return {
    event,
    ttl: DEFAULT_BROKER_TTL,
    traceparent: undefined,
    tracestate: undefined,
    acceptedAt: Date.now(),
  };
};

// The subscriber: takes and acks, so the log is reclaimed as it would be in production.
const stop = new AbortController();
const queue = store.subscription("bench/trigger");
const drained = (async () => {
  let acked = 0;
  while (!stop.signal.aborted) {
    for (const delivery of await queue.take(256, stop.signal)) {
      queue.ack(delivery);
      acked += 1;
    }
  }
  return acked;
})();

let measuring = false;
let appended = 0;
const latencies: number[] = [];
let fsyncsAtStart = 0;
const deadline = performance.now() + (warmup + seconds) * 1000;
setTimeout(() => {
  measuring = true;
  fsyncsAtStart = fsyncs;
}, warmup * 1000);

async function caller(): Promise<void> {
  while (performance.now() < deadline) {
    const start = performance.now();
    await store.append([{ envelope: envelope(), routes: ["bench/trigger"] }]);
    if (measuring) {
      latencies.push(performance.now() - start);
      appended += 1;
    }
  }
}

/** Open loop: a 1 ms tick issues what the pace owes, so a slow append cannot delay the next ones. */
async function paced(rate: number): Promise<void> {
  const start = performance.now();
  let issued = 0;
  const inFlight = new Set<Promise<void>>();
  while (performance.now() < deadline) {
    const owed = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; issued < owed; issued++) {
      const intended = start + (issued / rate) * 1000;
      const done: Promise<void> = store
        .append([{ envelope: envelope(), routes: ["bench/trigger"] }])
        .then(() => {
          inFlight.delete(done);
          if (measuring) {
            latencies.push(performance.now() - intended);
            appended += 1;
          }
        });
      inFlight.add(done);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
}

const cpuStart = process.cpuUsage();
if (values.rate === undefined) await Promise.all(Array.from({ length: concurrency }, caller));
else await paced(Number(values.rate));
const cpu = process.cpuUsage(cpuStart);
stop.abort();
const acked = await drained;
const stats = store.stats();
await backend.close();
if (values.dir === undefined) rmSync(root, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const q = (p: number): string =>
  (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(2);
const syncs = fsyncs - fsyncsAtStart;
console.log(
  JSON.stringify(
    {
      node: process.version,
      mode: values.rate === undefined ? `closed loop, ${concurrency} callers` : `open loop, ${values.rate}/s`,
      eventBytes: size,
      seconds,
      appendsPerSecond: Math.round(appended / seconds),
      latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: q(1) },
      eventsPerFsync: syncs === 0 ? 0 : Math.round((appended / syncs) * 10) / 10,
      cpuMicrosPerEvent: Math.round((cpu.user + cpu.system) / Math.max(1, counter)),
      ackedBySubscriber: acked,
      pendingAtEnd: stats.pendingEvents,
    },
    null,
    2,
  ),
);
