// Smoke-runs the examples exactly as their READMEs say.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "./helpers/cli.js";
import { ceHeaders, http } from "./helpers/pipeline.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("examples/quickstart", () => {
  it("npm start's pipeline: logs the order, the function replies, the notifier gets the confirmation", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-quickstart-"));
    const port = await freePort();
    const child = spawn(process.execPath, [join(REPO_ROOT, "examples", "quickstart", "start.mjs")], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SLUICE_PORT: String(port),
        SLUICE_DATA_DIR: join(dir, "data"),
        QUICKSTART_PORTS: "0,0,0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const waitFor = async (pattern: RegExp) => {
      const started = Date.now();
      while (!pattern.test(out)) {
        if (Date.now() - started > 20_000)
          throw new Error(`timed out waiting for ${pattern}; output:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await waitFor(/^ready$/m);
      const r = await http(`http://127.0.0.1:${port}/default/default`, {
        headers: ceHeaders({
          "ce-type": "com.example.order.created",
          "ce-id": "order-1",
          "ce-source": "/shop",
        }),
        body: '{"item":"coffee","qty":2}',
      });
      assert.equal(r.status, 202);
      await waitFor(/\[event-logger\] type=com\.example\.order\.created source=\/shop id=order-1/);
      await waitFor(/\[order-confirmer\] confirming order-1/);
      await waitFor(/\[notifier\] type=com\.example\.order\.confirmed source=\/quickstart\/order-confirmer/);
      await waitFor(/\[event-logger\] type=com\.example\.order\.confirmed/);
      child.kill("SIGTERM");
      assert.equal(await exited, 0, out);
    } finally {
      child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
