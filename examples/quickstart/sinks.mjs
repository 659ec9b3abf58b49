// The three HTTP services of the quickstart. Each is a plain node:http server, as a function
// written in any language would be: they receive CloudEvents in binary mode (ce-* headers).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function describe(req, body) {
  const h = req.headers;
  return `type=${h["ce-type"]} source=${h["ce-source"]} id=${h["ce-id"]} data=${body.toString("utf8")}`;
}

/** Logs every event it receives. */
function eventLogger(log) {
  return async (req, res) => {
    const body = await readBody(req);
    log(`[event-logger] ${describe(req, body)}`);
    res.writeHead(202).end();
  };
}

/** Confirms an order: answers 200 with a new CloudEvent, which the broker routes on. */
function orderConfirmer(log) {
  return async (req, res) => {
    const body = await readBody(req);
    log(`[order-confirmer] confirming ${req.headers["ce-id"]}`);
    let order = {};
    try {
      order = JSON.parse(body.toString("utf8"));
    } catch {
      // not JSON: confirm it anyway
    }
    res.writeHead(200, {
      "ce-specversion": "1.0",
      "ce-id": randomUUID(),
      "ce-source": "/quickstart/order-confirmer",
      "ce-type": "com.example.order.confirmed",
      "ce-subject": String(req.headers["ce-id"]),
      "content-type": "application/json",
    });
    res.end(JSON.stringify({ confirmed: true, order }));
  };
}

/** Receives the confirmations. */
function notifier(log) {
  return async (req, res) => {
    const body = await readBody(req);
    log(`[notifier] ${describe(req, body)}`);
    res.writeHead(202).end();
  };
}

/** Starts the three services on 127.0.0.1; returns their URLs and a close function. */
export async function startSinks({ ports = [9001, 9002, 9003], log = console.log } = {}) {
  const handlers = {
    "event-logger": eventLogger(log),
    "order-confirmer": orderConfirmer(log),
    notifier: notifier(log),
  };
  const servers = [];
  const urls = {};
  const names = Object.keys(handlers);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const server = createServer((req, res) => {
      handlers[name](req, res).catch(() => res.writeHead(500).end());
    });
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(ports[i] ?? 0, "127.0.0.1", resolve);
    });
    servers.push(server);
    urls[name] = `http://127.0.0.1:${server.address().port}/`;
  }
  return {
    urls,
    close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))),
  };
}
