// Micro-benchmark of CESQL evaluation on Sluice's Map-based events.
// Run: node --conditions=development --import tsx bench/micro/cesql.ts [--ms 1000]
// Prints ops/s and ns/op per case. Numbers vary with the machine; nothing here is asserted.
import { type CesqlExpression, compile } from "@sluice/cesql";

const durationArg = process.argv.indexOf("--ms");
const DURATION_MS = durationArg > 0 ? Number(process.argv[durationArg + 1]) : 1000;

/** Attributes as Sluice holds them: canonical strings in a Map. */
const event: ReadonlyMap<string, string> = new Map([
  ["specversion", "1.0"],
  ["id", "7a1f6b0e-3c2d-4e5f-9a8b-1c2d3e4f5a6b"],
  ["source", "/bench/generator"],
  ["type", "com.acme.order.created"],
  ["time", "2026-07-01T12:00:00.123Z"],
  ["subject", "orders/A-1234"],
  ["priority", "5"],
  ["region", "eu-west-1"],
]);

/** The same attributes as a plain object, to compare the two access strategies. */
const objectEvent = Object.fromEntries(event);

interface Case {
  readonly name: string;
  readonly expression: string;
  readonly input: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

const cases: Case[] = [
  {
    name: "typical (LIKE AND INT >), Map",
    expression: "type LIKE 'com.acme.%' AND INT(priority) > 3",
    input: event,
  },
  {
    name: "typical (LIKE AND INT >), object",
    expression: "type LIKE 'com.acme.%' AND INT(priority) > 3",
    input: objectEvent,
  },
  { name: "equality, Map", expression: "source = '/bench/generator'", input: event },
  {
    name: "IN list (5 strings), Map",
    expression: "region IN ('us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-south-1')",
    input: event,
  },
  { name: "LIKE with _ and % (RegExp), Map", expression: "subject LIKE 'orders/_-%'", input: event },
  { name: "missing attribute (error path), Map", expression: "tenant = 'acme'", input: event },
];

let sink: unknown;

function measure(expr: CesqlExpression, input: Case["input"]): { opsPerSecond: number; nsPerOp: number } {
  // Warm up so the JIT has optimised the path, then count calls in batches until the time is up.
  for (let i = 0; i < 50_000; i++) sink = expr.evaluate(input);
  let calls = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) sink = expr.evaluate(input);
    calls += 1000;
    now = process.hrtime.bigint();
  }
  const elapsedNs = Number(now - start);
  return { opsPerSecond: (calls * 1e9) / elapsedNs, nsPerOp: elapsedNs / calls };
}

console.log(`node ${process.version}, ${DURATION_MS} ms per case`);
for (const { name, expression, input } of cases) {
  const expr = compile(expression);
  const { value, errors } = expr.evaluate(input);
  const { opsPerSecond, nsPerOp } = measure(expr, input);
  const outcome = `${JSON.stringify(value)}${errors.length > 0 ? ` +${errors[0]!.kind}` : ""}`;
  console.log(
    `${name.padEnd(38)} ${outcome.padEnd(24)} ${Math.round(opsPerSecond).toLocaleString("en-US").padStart(12)} ops/s ${nsPerOp.toFixed(0).padStart(6)} ns/op`,
  );
}
if (sink === undefined) console.log("");
