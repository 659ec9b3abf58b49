import assert from "node:assert/strict";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { type CloudEvent, createCloudEvent } from "@sluice/core";
import { CodecErrors, decodeHttp, encodeBinary, encodeStructured } from "../src/index.js";
import { expectError } from "./helpers.js";

// The codec against real node:http messages on loopback: header names and values exactly as
// node parses them off the wire (lower-cased names, latin1 values), not hand-built objects.

let server: Server;
let port: number;
const received: {
  headers: IncomingMessage["headers"];
  distinct: IncomingMessage["headersDistinct"];
  body: Buffer;
}[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, distinct: req.headersDistinct, body: Buffer.concat(chunks) });
      res.writeHead(204, { connection: "close" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Sends raw bytes as one HTTP request and returns what the server parsed. */
async function sendRaw(head: Buffer, body: Buffer): Promise<(typeof received)[number]> {
  const before = received.length;
  const socket = connect(port, "127.0.0.1");
  socket.on("data", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("close", () => resolve());
    socket.write(
      Buffer.concat([head, Buffer.from(`Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]),
    );
  });
  assert.equal(received.length, before + 1);
  return received[before]!;
}

async function sendEncoded(encoded: { headers: Record<string, string>; body: Uint8Array | undefined }) {
  const before = received.length;
  await new Promise<void>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: "/", headers: encoded.headers },
      (res) => {
        res.resume();
        res.on("end", resolve);
      },
    );
    req.on("error", reject);
    req.end(encoded.body === undefined ? undefined : Buffer.from(encoded.body));
  });
  return received[before]!;
}

describe("decodeHttp on messages parsed by node:http", () => {
  it("reads mixed-case names, raw UTF-8, quoted and percent-encoded values", async () => {
    const head = Buffer.concat([
      Buffer.from(
        "POST / HTTP/1.1\r\nHost: x\r\nCE-SpecVersion: 1.0\r\nCe-Id: abc\r\nCE-SOURCE: /loop\r\nce-type: t\r\n",
      ),
      Buffer.from("Ce-Rawutf8: Grüße €\r\n", "utf8"),
      Buffer.from('CE-Quoted: "hello \\"world\\""\r\n'),
      Buffer.from("ce-encoded: Euro%20%e2%82%ac%20%F0%9F%98%80\r\n"),
      Buffer.from("Content-Type: Text/Plain; CharSet=UTF-8\r\n"),
    ]);
    const { headers, body } = await sendRaw(head, Buffer.from("héllo"));
    const event = decodeHttp(headers, body).events[0]!;
    assert.equal(event.attributes.get("id"), "abc");
    assert.equal(event.attributes.get("rawutf8"), "Grüße €");
    assert.equal(event.attributes.get("quoted"), 'hello "world"');
    assert.equal(event.attributes.get("encoded"), "Euro € 😀");
    assert.equal(event.attributes.get("datacontenttype"), "Text/Plain; CharSet=UTF-8");
    assert.equal(Buffer.from(event.data!).toString("utf8"), "héllo");
  });

  it("with headersDistinct, a repeated ce- header is a duplicate; node's joined headers hide it", async () => {
    const head = Buffer.from(
      "POST / HTTP/1.1\r\nHost: x\r\nce-specversion: 1.0\r\nce-id: a\r\nCE-ID: b\r\nce-source: /s\r\nce-type: t\r\n",
    );
    const { headers, distinct, body } = await sendRaw(head, Buffer.alloc(0));
    expectError(() => decodeHttp(distinct, body), { code: CodecErrors.DUPLICATE_ATTRIBUTE, attribute: "id" });
    // req.headers joins repeated unknown headers with ", ", so only headersDistinct shows the repeat.
    assert.equal(decodeHttp(headers, body).events[0]!.attributes.get("id"), "a, b");
  });

  it("reads headersDistinct like headers", async () => {
    const head = Buffer.from(
      "POST / HTTP/1.1\r\nHost: x\r\nce-specversion: 1.0\r\nce-id: a\r\nce-source: /s\r\nce-type: t\r\n",
    );
    const { distinct, body } = await sendRaw(head, Buffer.from("x"));
    assert.equal(decodeHttp(distinct, body).events[0]!.attributes.get("id"), "a");
  });
});

describe("encoders produce messages node:http accepts and decodeHttp reads back", () => {
  const events: [string, CloudEvent][] = [
    [
      "awkward attribute values",
      createCloudEvent(
        { specversion: "1.0", id: "1", source: "/s", type: "t", subject: 'Euro € 😀 "q" 100%', ext: "日本" },
        '{"a": 1.0}',
      ),
    ],
    ["no data", createCloudEvent({ specversion: "1.0", id: "2", source: "/s", type: "t" })],
    [
      "binary data",
      createCloudEvent(
        { specversion: "0.3", id: "3", source: "/s", type: "t", datacontenttype: "application/octet-stream" },
        new Uint8Array([0, 255, 10, 13]),
      ),
    ],
  ];
  for (const [name, event] of events) {
    for (const mode of ["binary", "structured"] as const) {
      it(`${mode}: ${name}`, async () => {
        const encoded = mode === "binary" ? encodeBinary(event) : encodeStructured(event);
        const { headers, body } = await sendEncoded(encoded);
        const decoded = decodeHttp(headers, body);
        assert.equal(decoded.mode, mode);
        const back = decoded.events[0]!;
        for (const [attribute, value] of event.attributes)
          assert.equal(back.attributes.get(attribute), value);
        assert.deepEqual(
          back.data === undefined ? undefined : [...back.data],
          event.data === undefined ? undefined : [...event.data],
        );
      });
    }
  }
});
