#!/usr/bin/env node
// Starts the quickstart: the three services from sinks.mjs, then `sluice run` on the pipeline
// folder, telling it where the Knative Services referenced by the triggers live (--sink).
// Environment: SLUICE_PORT (default 8080), SLUICE_DATA_DIR (default .sluice),
// QUICKSTART_PORTS (default "9001,9002,9003"; "0,0,0" picks free ports).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runSluice } from "../lib/launch.mjs";
import { startSinks } from "./sinks.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const ports = (process.env.QUICKSTART_PORTS ?? "9001,9002,9003").split(",").map(Number);
const sinks = await startSinks({ ports });
runSluice({
  pipeline: join(here, "pipeline"),
  sinks: Object.fromEntries(Object.entries(sinks.urls).map(([name, url]) => [`Service/${name}`, url])),
  close: sinks.close,
});
