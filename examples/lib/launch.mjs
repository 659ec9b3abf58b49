// Shared by the examples' start.mjs: starts `sluice run` on a pipeline folder with --sink flags
// for the example's local services, forwards SIGINT/SIGTERM, and exits with sluice's exit code.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * @param {{ pipeline: string, sinks: Record<string, string>, close: () => Promise<unknown>, extraArgs?: string[] }} options
 */
export function runSluice({ pipeline, sinks, close, extraArgs = [] }) {
  const args = [
    join(root, "packages", "cli", "bin", "sluice.js"),
    "run",
    "-f",
    pipeline,
    "--port",
    process.env.SLUICE_PORT ?? "8080",
    "--data-dir",
    process.env.SLUICE_DATA_DIR ?? ".sluice",
    ...Object.entries(sinks).flatMap(([ref, url]) => ["--sink", `${ref}=${url}`]),
    ...extraArgs,
  ];
  const sluice = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
  const forward = (signal) => sluice.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  sluice.on("exit", async (code, signal) => {
    await close();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

/** Starts a node:http server on 127.0.0.1 (port 0 = any); resolves with its URL and a close function. */
export async function serve(port, handler) {
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch(() => res.writeHead(500).end());
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((r) => server.close(r)),
  };
}
