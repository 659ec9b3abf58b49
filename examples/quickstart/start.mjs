#!/usr/bin/env node
// Starts the quickstart: the three services from sinks.mjs, then `sluice run` on the pipeline
// folder, telling it where the Knative Services referenced by the triggers live (--sink).
// Environment: SLUICE_PORT (default 8080), SLUICE_DATA_DIR (default .sluice),
// QUICKSTART_PORTS (default "9001,9002,9003"; "0,0,0" picks free ports).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSinks } from "./sinks.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const ports = (process.env.QUICKSTART_PORTS ?? "9001,9002,9003").split(",").map(Number);
const sinks = await startSinks({ ports });

const args = [
  join(root, "packages", "cli", "bin", "sluice.js"),
  "run",
  "-f",
  join(here, "pipeline"),
  "--port",
  process.env.SLUICE_PORT ?? "8080",
  "--data-dir",
  process.env.SLUICE_DATA_DIR ?? ".sluice",
  ...Object.entries(sinks.urls).flatMap(([name, url]) => ["--sink", `Service/${name}=${url}`]),
];
const sluice = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });

const forward = (signal) => sluice.kill(signal);
process.on("SIGINT", forward);
process.on("SIGTERM", forward);
sluice.on("exit", async (code, signal) => {
  await sinks.close();
  process.exit(code ?? (signal ? 1 : 0));
});
