// Baselines measured in the same run as Sluice (PRODUCT.md §9):
//   BASELINE=null-ingress  fastify, raw body, answers 202 and does nothing;
//   BASELINE=null-broker   the same, then forwards each event to every URL of SINK_URLS (binary
//                          mode, one undici Pool per origin, bounded in flight) with no storage,
//                          no matching, no retries: what an ideal broker costs on this machine.
// Both use the same framework and body handling as Sluice's ingress, so the gap between them and
// Sluice is the cost of validation, matching, storage and delivery bookkeeping.
import Fastify from "fastify";
import { Pool } from "undici";

const kind = process.env.BASELINE ?? "null-ingress";
const targets = (process.env.SINK_URLS ?? "")
  .split(",")
  .filter((u) => u !== "")
  .map((u) => new URL(u));
const MAX_IN_FLIGHT = 1024;
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

const pools = new Map<string, Pool>();
for (const t of targets) {
  if (!pools.has(t.origin)) pools.set(t.origin, new Pool(t.origin, { connections: 64, pipelining: 1 }));
}
const routes = targets.map((t) => ({ pool: pools.get(t.origin) as Pool, path: t.pathname }));
let inFlight = 0;
let dropped = 0;

function forward(headers: Record<string, string>, body: Buffer): void {
  for (const route of routes) {
    if (inFlight >= MAX_IN_FLIGHT) {
      dropped += 1; // shows up as lost events at the sink: the baseline has no queue either
      continue;
    }
    inFlight += 1;
    route.pool
      .request({ method: "POST", path: route.path, headers, body })
      .then(
        (r) => r.body.dump(),
        () => undefined,
      )
      .finally(() => {
        inFlight -= 1;
      });
  }
}

app.post("/*", (request, reply) => {
  if (kind === "null-broker") {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) {
      if ((k.startsWith("ce-") || k === "content-type") && typeof v === "string") headers[k] = v;
    }
    forward(headers, request.body as Buffer);
  }
  reply.code(202).send();
});

process.on("message", (m: { cmd: string }) => {
  if (m.cmd === "exit") {
    if (dropped > 0) process.send?.({ dropped });
    void app
      .close()
      .then(() => Promise.all([...pools.values()].map((p) => p.close())))
      .then(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));

app.listen({ host: "127.0.0.1", port: 0 }).then(() => {
  const address = app.server.address();
  process.send?.({ ready: true, port: typeof address === "object" && address ? address.port : 0 });
});
