import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CloudEvent, createCloudEvent } from "@sluice/core";
import { HTTP, CloudEvent as SdkEvent } from "cloudevents";
import { decodeHttp, encodeBinary, encodeStructured, percentEncode } from "../src/index.js";

// Property checks against the cloudevents JavaScript SDK (tests only; never on the hot path):
// events generated from a fixed seed are encoded by one side and decoded by the other.
// The SDK does not percent-encode header values, so generated attribute values avoid `%`, `"` and
// non-ASCII characters (the encoding itself is covered in percent-encoding tests); spaces in
// `subject` show its missing percent-decoding when Sluice writes binary mode.

const RUNS = 150;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, max: number): number => Math.floor(rng() * max);

function word(rng: Rng, alphabet: string, min: number, max: number): string {
  const characters = [...alphabet];
  let out = "";
  const length = min + int(rng, max - min + 1);
  for (let i = 0; i < length; i++) out += characters[int(rng, characters.length)];
  return out;
}

const SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=";
const RESERVED = new Set([
  "id",
  "source",
  "type",
  "specversion",
  "subject",
  "time",
  "dataschema",
  "datacontenttype",
  "data",
]);

type DataKind = "none" | "json" | "text" | "binary";

interface Sample {
  readonly attributes: Record<string, string | number | boolean>;
  readonly data: unknown;
  readonly kind: DataKind;
}

function jsonValue(rng: Rng, depth: number): unknown {
  const choice = int(rng, depth > 2 ? 4 : 6);
  if (choice === 0) return int(rng, 100000) - 50000;
  if (choice === 1) return word(rng, 'abc xyz€😀"\\\n', 0, 8);
  if (choice === 2) return rng() < 0.5;
  if (choice === 3) return null;
  if (choice === 4) return Array.from({ length: int(rng, 4) }, () => jsonValue(rng, depth + 1));
  return Object.fromEntries(
    Array.from({ length: int(rng, 4) }, () => [word(rng, "abkz", 1, 5), jsonValue(rng, depth + 1)]),
  );
}

function sample(rng: Rng): Sample {
  const attributes: Record<string, string | number | boolean> = {
    specversion: "1.0",
    id: word(rng, SAFE, 1, 20),
    source:
      pick(rng, ["/sensors/", "urn:example:", "https://example.com/", "1-555-"]) +
      word(rng, "abc123/", 0, 10),
    type: `com.example.${word(rng, "abcdefgh.", 1, 12)}`,
    time: new Date(
      Date.UTC(
        2000 + int(rng, 30),
        int(rng, 12),
        1 + int(rng, 28),
        int(rng, 24),
        int(rng, 60),
        int(rng, 60),
        int(rng, 1000),
      ),
    ).toISOString(),
  };
  if (rng() < 0.5) attributes.subject = word(rng, `${SAFE} `, 1, 16).trim() || "s";
  if (rng() < 0.3) attributes.dataschema = `https://example.com/schemas/${int(rng, 100)}`;
  for (let n = int(rng, 4); n > 0; n--) {
    const name =
      word(rng, "abcdefghijklmnopqrstuvwxyz", 1, 1) +
      word(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 0, 10);
    if (RESERVED.has(name)) continue;
    attributes[name] = pick<string | number | boolean>(rng, [
      word(rng, SAFE, 1, 12),
      int(rng, 1 << 30),
      rng() < 0.5,
    ]);
  }
  const kind = pick<DataKind>(rng, ["none", "json", "text", "binary"]);
  if (kind === "json") attributes.datacontenttype = "application/json";
  if (kind === "text") attributes.datacontenttype = "text/plain";
  if (kind === "binary") attributes.datacontenttype = "application/octet-stream";
  const data =
    kind === "json"
      ? { payload: jsonValue(rng, 0) }
      : kind === "text"
        ? word(rng, "plain text é € 😀\n\t", 1, 40)
        : kind === "binary"
          ? new Uint8Array(Array.from({ length: 1 + int(rng, 32) }, () => int(rng, 256)))
          : undefined;
  return { attributes, data, kind };
}

function sdkEvent(s: Sample): SdkEvent<unknown> {
  return new SdkEvent({ ...s.attributes, ...(s.data === undefined ? {} : { data: s.data }) });
}

/** Header values as they come off the wire: strings. */
function wireHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}

function assertSameData(kind: DataKind, ours: Uint8Array | undefined, theirs: unknown): void {
  if (kind === "none") {
    assert.equal(ours, undefined);
    return;
  }
  assert.ok(ours !== undefined, "data expected");
  const bytes = Buffer.from(ours);
  if (kind === "json") assert.deepEqual(JSON.parse(bytes.toString("utf8")), theirs);
  else if (kind === "text") assert.equal(bytes.toString("utf8"), theirs);
  else assert.deepEqual([...bytes], [...(theirs as Uint8Array)]);
}

function assertSameAttributes(ours: CloudEvent, s: Sample): void {
  for (const [name, value] of Object.entries(s.attributes)) {
    assert.equal(ours.attributes.get(name), String(value), `attribute ${name}`);
  }
}

describe("cloudevents SDK → sluice", () => {
  it("binary mode: every attribute and the data bytes arrive unchanged", () => {
    const rng = random(1);
    for (let run = 0; run < RUNS; run++) {
      const s = sample(rng);
      const message = HTTP.binary(sdkEvent(s));
      const headers = wireHeaders(message.headers);
      const body =
        message.body === undefined ? new Uint8Array(0) : Buffer.from(message.body as string | Uint8Array);
      const ours = decodeHttp(headers, body).events[0]!;
      assertSameAttributes(ours, s);
      for (const [name, value] of Object.entries(headers)) {
        if (name.startsWith("ce-")) assert.equal(ours.attributes.get(name.slice(3)), value);
      }
      assert.equal(ours.attributes.get("datacontenttype"), headers["content-type"]);
      assert.deepEqual(
        ours.data === undefined ? undefined : [...ours.data],
        body.length === 0 ? undefined : [...body],
      );
    }
  });

  it("structured mode: attributes as canonical strings, data equal", () => {
    const rng = random(2);
    for (let run = 0; run < RUNS; run++) {
      const s = sample(rng);
      const message = HTTP.structured(sdkEvent(s));
      const ours = decodeHttp(wireHeaders(message.headers), Buffer.from(message.body as string)).events[0]!;
      assertSameAttributes(ours, s);
      assertSameData(s.kind, ours.data, s.data);
    }
  });
});

describe("sluice → cloudevents SDK", () => {
  function ourEvent(s: Sample): CloudEvent {
    const attributes = Object.fromEntries(Object.entries(s.attributes).map(([k, v]) => [k, String(v)]));
    const data = s.kind === "json" ? JSON.stringify(s.data) : (s.data as string | Uint8Array | undefined);
    return createCloudEvent(attributes, data);
  }

  function assertSdkSees(theirs: SdkEvent<unknown>, s: Sample, structured: boolean): void {
    const record = theirs as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(s.attributes)) {
      let expected = name === "time" ? new Date(String(value)).toISOString() : String(value);
      // The SDK does not percent-decode header values (spec issue #1397), so a space we must
      // encode (HTTP binding §3.1.3.2) reaches it as %20. Structured mode has no such gap.
      if (!structured && name !== "datacontenttype") expected = percentEncode(expected);
      assert.equal(String(record[name]), expected, `attribute ${name}`);
    }
    if (s.kind === "none") return;
    if (s.kind === "binary" && structured) {
      assert.deepEqual([...(theirs.data as Uint8Array)], [...(s.data as Uint8Array)]);
    } else if (s.kind === "binary") {
      assert.deepEqual([...Buffer.from(theirs.data as Uint8Array)], [...(s.data as Uint8Array)]);
    } else {
      assert.deepEqual(theirs.data, s.data);
    }
  }

  it("binary mode: the SDK reads what we write", () => {
    const rng = random(3);
    for (let run = 0; run < RUNS; run++) {
      const s = sample(rng);
      const { headers, body } = encodeBinary(ourEvent(s));
      const payload =
        body === undefined
          ? undefined
          : s.kind === "binary"
            ? Buffer.from(body)
            : Buffer.from(body).toString("utf8");
      const theirs = HTTP.toEvent({ headers, body: payload }) as SdkEvent<unknown>;
      assertSdkSees(theirs, s, false);
    }
  });

  it("structured mode: the SDK reads what we write", () => {
    const rng = random(4);
    for (let run = 0; run < RUNS; run++) {
      const s = sample(rng);
      const { headers, body } = encodeStructured(ourEvent(s));
      const theirs = HTTP.toEvent({ headers, body: body.toString("utf8") }) as SdkEvent<unknown>;
      assertSdkSees(theirs, s, true);
    }
  });
});
