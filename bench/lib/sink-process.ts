// A recording sink running in its own process (so its work does not disturb the load
// generator's clock). For each path it records which event sequence numbers of the current run
// arrived (loss and duplicates) and the end-to-end latency from the generator's intended send
// time (ce-benchts). Events of another run (late retries of an earlier step) are counted as
// strays and otherwise ignored, so one step can never inflate the next one's figures.
// Controlled over IPC, each message answered with the same `id`:
//   {cmd:"reset", runId}        forget everything, count only ids `${runId}-${seq}` from now on
//   {cmd:"counts"}              totals only (cheap enough to poll every 100 ms)
//   {cmd:"report"}              per path: counts, e2e histogram, received sequence numbers
//   {cmd:"mode", path, mode}    "ok" | "discard" | "500" | "hang" for one path; "down" | "up" for
//                               the listener ("discard" answers 202 like "ok" without recording)
import { createServer, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { nowMs } from "./clock.js";
import { Histogram } from "./histogram.js";

type Mode = "ok" | "discard" | "500" | "hang";

interface PathStats {
  /** Sequence numbers received: a Set, because B4 spreads 1% of the events over 10,000 paths. */
  readonly seen: Set<number>;
  duplicates: number;
  readonly latency: Histogram;
}

const stats = new Map<string, PathStats>();
const modes = new Map<string, Mode>();
const hung: ServerResponse[] = [];
const sockets = new Set<Socket>();
let runPrefix = "";
let unique = 0;
let duplicates = 0;
let strays = 0;
let refused = 0;
let port = Number(process.env.SINK_PORT ?? 0);

function statsFor(path: string): PathStats {
  let s = stats.get(path);
  if (s === undefined) {
    s = { seen: new Set(), duplicates: 0, latency: new Histogram() };
    stats.set(path, s);
  }
  return s;
}

function record(path: string, id: string | undefined, sentAt: string | undefined): void {
  if (id === undefined || !id.startsWith(runPrefix)) {
    strays += 1;
    return;
  }
  const seq = Number(id.slice(runPrefix.length));
  if (!Number.isInteger(seq) || seq < 0) {
    strays += 1;
    return;
  }
  const s = statsFor(path);
  if (s.seen.has(seq)) {
    s.duplicates += 1;
    duplicates += 1;
    return;
  }
  s.seen.add(seq);
  unique += 1;
  if (sentAt !== undefined) s.latency.record((nowMs() - Number(sentAt)) * 1000);
}

const server = createServer((req, res) => {
  const path = req.url ?? "/";
  const mode = modes.get(path) ?? "ok";
  req.on("data", () => {});
  req.on("end", () => {
    if (mode === "hang") {
      hung.push(res);
      return;
    }
    if (mode === "500") {
      refused += 1;
      res.writeHead(500).end();
      return;
    }
    if (mode === "discard") {
      res.writeHead(202).end();
      return;
    }
    const id = req.headers["ce-id"];
    const ts = req.headers["ce-benchts"];
    record(path, typeof id === "string" ? id : undefined, typeof ts === "string" ? ts : undefined);
    res.writeHead(202).end();
  });
});
server.keepAliveTimeout = 60_000;
server.on("connection", (s) => {
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
});

function releaseHung(): void {
  for (const res of hung.splice(0)) res.socket?.destroy();
}

interface Message {
  readonly cmd: string;
  readonly id?: number;
  readonly path?: string;
  readonly mode?: Mode | "down" | "up";
  readonly runId?: string;
}

function report(): object {
  const out: Record<string, unknown> = {};
  for (const [path, s] of stats) {
    out[path] = {
      unique: s.seen.size,
      duplicates: s.duplicates,
      latency: s.latency.toJSON(),
      // 4 bytes per delivery: at most a few MB for the largest step
      seqs: Buffer.from(Uint32Array.from(s.seen).buffer).toString("base64"),
    };
  }
  return { stats: out, strays, refused };
}

function setMode(message: Message, reply: (body: object) => void): void {
  if (message.mode === "down") {
    // refuse connections: close the listener and every open socket
    server.close();
    releaseHung();
    for (const s of sockets) s.destroy();
    reply({ ok: true });
  } else if (message.mode === "up") {
    server.listen(port, "127.0.0.1", () => reply({ ok: true }));
  } else {
    modes.set(message.path ?? "/", message.mode ?? "ok");
    if (message.mode === "ok") releaseHung();
    reply({ ok: true });
  }
}

process.on("message", (message: Message) => {
  const reply = (body: object) => process.send?.({ id: message.id, ...body });
  switch (message.cmd) {
    case "mode":
      setMode(message, reply);
      return;
    case "counts":
      reply({ unique, duplicates, strays, refused, hung: hung.length });
      return;
    case "report":
      reply(report());
      return;
    case "reset":
      stats.clear();
      runPrefix = `${message.runId ?? ""}-`;
      unique = duplicates = strays = refused = 0;
      reply({ ok: true });
      return;
    case "exit":
      releaseHung();
      server.close();
      for (const s of sockets) s.destroy();
      process.exit(0);
  }
});

process.on("disconnect", () => process.exit(0));

server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
  process.send?.({ ready: true, port });
});
