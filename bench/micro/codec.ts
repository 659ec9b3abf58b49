// Micro-benchmark of the CloudEvents codec's hot paths, with the cloudevents SDK for comparison.
// Run: node --conditions=development --import tsx bench/micro/codec.ts [--ms 1000]
// Prints ops/s and ns/op per case. Numbers vary with the machine; nothing here is asserted.
import { appendBinaryHeaders, decodeHttp, encodeBinary, encodeStructured } from "@sluice/codec";
import { HTTP } from "cloudevents";

const durationArg = process.argv.indexOf("--ms");
const DURATION_MS = durationArg > 0 ? Number(process.argv[durationArg + 1]) : 1000;

/** About 1 KB of JSON data. */
const data = Buffer.from(
  JSON.stringify({
    order: "A-1234",
    items: Array.from({ length: 40 }, (_, i) => ({ sku: `sku-${i}`, qty: i })),
  }),
);

/**
 * Headers as node:http gives them for a typical binary-mode POST: lower-case names on a
 * null-prototype object (which V8 keeps in dictionary mode, slower to walk than a literal).
 */
const binaryHeaders: Record<string, string> = nodeHeaders({
  host: "127.0.0.1:8080",
  "user-agent": "load-generator/1.0",
  "content-type": "application/json",
  "content-length": String(data.length),
  "ce-specversion": "1.0",
  "ce-id": "7a1f6b0e-3c2d-4e5f-9a8b-1c2d3e4f5a6b",
  "ce-source": "/bench/generator",
  "ce-type": "com.example.order.created",
  "ce-time": "2026-07-01T12:00:00.123Z",
  "ce-subject": "orders/A-1234",
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
});

function nodeHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, headers);
}

const event = decodeHttp(binaryHeaders, data).events[0]!;
const structured = encodeStructured(event);
const structuredHeaders = nodeHeaders({
  host: "127.0.0.1:8080",
  "user-agent": "load-generator/1.0",
  ...structured.headers,
  "content-length": String(structured.body.length),
});

interface Case {
  readonly name: string;
  readonly run: () => unknown;
}

const cases: Case[] = [
  { name: "sluice decodeHttp binary (1 KB)", run: () => decodeHttp(binaryHeaders, data) },
  { name: "sluice decodeHttp structured (1 KB)", run: () => decodeHttp(structuredHeaders, structured.body) },
  { name: "sluice encodeBinary", run: () => encodeBinary(event) },
  { name: "sluice appendBinaryHeaders (delivery path)", run: () => appendBinaryHeaders(event, []) },
  { name: "sluice encodeStructured", run: () => encodeStructured(event) },
  {
    name: "cloudevents SDK HTTP.toEvent binary",
    run: () => HTTP.toEvent({ headers: binaryHeaders, body: data }),
  },
  {
    name: "cloudevents SDK HTTP.toEvent structured",
    // The SDK refuses a charset parameter on the structured Content-Type, so it gets the bare type.
    run: () =>
      HTTP.toEvent({
        headers: { ...structuredHeaders, "content-type": "application/cloudevents+json" },
        body: structured.body.toString("utf8"),
      }),
  },
];

let sink: unknown;

function measure(run: () => unknown): { opsPerSecond: number; nsPerOp: number } {
  // Warm up so the JIT has optimised the path, then count calls in batches until the time is up.
  for (let i = 0; i < 20_000; i++) sink = run();
  let calls = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) sink = run();
    calls += 1000;
    now = process.hrtime.bigint();
  }
  const elapsedNs = Number(now - start);
  return { opsPerSecond: (calls * 1e9) / elapsedNs, nsPerOp: elapsedNs / calls };
}

console.log(`node ${process.version}, ${DURATION_MS} ms per case, data ${data.length} bytes`);
for (const { name, run } of cases) {
  const { opsPerSecond, nsPerOp } = measure(run);
  console.log(
    `${name.padEnd(42)} ${Math.round(opsPerSecond).toLocaleString("en-US").padStart(12)} ops/s ${nsPerOp.toFixed(0).padStart(8)} ns/op`,
  );
}
if (sink === undefined) console.log("");
