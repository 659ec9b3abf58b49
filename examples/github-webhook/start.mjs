#!/usr/bin/env node
// Signed webhook → broker → filtered trigger → sink: starts the sink, then `sluice run`.
// Environment: SLUICE_PORT (8080), SLUICE_DATA_DIR (.sluice), SINK_PORT (9021; 0 = any).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runSluice, serve } from "../lib/launch.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sink = await serve(Number(process.env.SINK_PORT ?? 9021), (req, body, res) => {
  const h = req.headers;
  const payload = JSON.parse(body.toString("utf8"));
  console.log(
    `[push-notifier] ${h["ce-type"]} id=${h["ce-id"]} subject=${h["ce-subject"]} ref=${payload.ref} pusher=${payload.pusher?.name}`,
  );
  res.writeHead(202).end();
});
runSluice({
  pipeline: join(here, "pipeline"),
  sinks: { "Service/push-notifier": sink.url },
  close: sink.close,
});
