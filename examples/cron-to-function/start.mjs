#!/usr/bin/env node
// cron → broker → function: starts the function, then `sluice run` on ./pipeline.
// Environment: SLUICE_PORT (8080), SLUICE_DATA_DIR (.sluice), FUNCTION_PORT (9011; 0 = any).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runSluice, serve } from "../lib/launch.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const fn = await serve(Number(process.env.FUNCTION_PORT ?? 9011), (req, body, res) => {
  const h = req.headers;
  console.log(
    `[heartbeat-reporter] ${h["ce-type"]} from ${h["ce-source"]} at ${h["ce-time"]} team=${h["ce-team"]} data=${body}`,
  );
  res.writeHead(202).end();
});
runSluice({
  pipeline: join(here, "pipeline"),
  sinks: { "Service/heartbeat-reporter": fn.url },
  close: fn.close,
});
