// Smoke-runs the examples exactly as their READMEs say.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { REPO_ROOT } from "./helpers/cli.js";
import { ceHeaders, http } from "./helpers/pipeline.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Example {
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp): Promise<void>;
  /** SIGTERM, then the exit code (and the temp data dir is removed). */
  stop(): Promise<number | null>;
}

/** Starts examples/<name>/start.mjs on a free port with a temp data dir. */
async function startExample(name: string, env: Record<string, string> = {}): Promise<Example> {
  const dir = await mkdtemp(join(tmpdir(), `sluice-${name}-`));
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, "examples", name, "start.mjs")], {
    cwd: REPO_ROOT,
    env: { ...process.env, SLUICE_PORT: String(port), SLUICE_DATA_DIR: join(dir, "data"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const append = (c: Buffer) => {
    out += c.toString();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const example: Example = {
    port,
    child,
    output: () => out,
    async waitFor(pattern) {
      const started = Date.now();
      while (!pattern.test(out)) {
        if (Date.now() - started > 20_000)
          throw new Error(`timed out waiting for ${pattern}; output:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      child.kill("SIGTERM");
      const code = await exited;
      await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
  await example.waitFor(/^ready$/m);
  return example;
}

describe("examples/quickstart", () => {
  it("npm start's pipeline: logs the order, the function replies, the notifier gets the confirmation", async () => {
    const ex = await startExample("quickstart", { QUICKSTART_PORTS: "0,0,0" });
    try {
      const r = await http(`http://127.0.0.1:${ex.port}/default/default`, {
        headers: ceHeaders({
          "ce-type": "com.example.order.created",
          "ce-id": "order-1",
          "ce-source": "/shop",
        }),
        body: '{"item":"coffee","qty":2}',
      });
      assert.equal(r.status, 202);
      await ex.waitFor(/\[event-logger\] type=com\.example\.order\.created source=\/shop id=order-1/);
      await ex.waitFor(/\[order-confirmer\] confirming order-1/);
      await ex.waitFor(
        /\[notifier\] type=com\.example\.order\.confirmed source=\/quickstart\/order-confirmer/,
      );
      await ex.waitFor(/\[event-logger\] type=com\.example\.order\.confirmed/);
    } finally {
      assert.equal(await ex.stop(), 0, ex.output());
    }
  });
});

describe("examples/cron-to-function", () => {
  it("the PingSource's events reach the function through the broker, with ceOverrides", async () => {
    const ex = await startExample("cron-to-function", { FUNCTION_PORT: "0" });
    try {
      assert.match(
        ex.output(),
        /^source\s+PingSource default\/heartbeat -> http:\/\/127\.0\.0\.1:\d+\/default\/default$/m,
      );
      await ex.waitFor(
        /\[heartbeat-reporter\] dev\.knative\.sources\.ping from \/apis\/v1\/namespaces\/default\/pingsources\/heartbeat at \S+ team=platform data=\{"message": "still alive"\}/,
      );
    } finally {
      assert.equal(await ex.stop(), 0, ex.output());
    }
  });
});

describe("examples/github-webhook", () => {
  const exec = promisify(execFile);
  const sendWebhook = (port: number, event: string, secret?: string) =>
    exec(
      process.execPath,
      [
        join(REPO_ROOT, "examples", "github-webhook", "send-webhook.mjs"),
        event,
        `http://127.0.0.1:${port}/webhooks/github`,
        ...(secret ? [secret] : []),
      ],
      { cwd: REPO_ROOT },
    ).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  it("a signed push reaches the sink; a bad signature gets 403; other events are not delivered", async () => {
    const ex = await startExample("github-webhook", { SINK_PORT: "0" });
    try {
      const forged = await sendWebhook(ex.port, "push", "not-the-secret");
      assert.equal(forged.code, 1);
      assert.match(forged.stdout, /^403 /);

      const issues = await sendWebhook(ex.port, "issues");
      assert.equal(issues.code, 0, issues.stdout);
      const push = await sendWebhook(ex.port, "push");
      assert.equal(push.code, 0, push.stdout);
      assert.match(push.stdout, /^202/);
      await ex.waitFor(
        /\[push-notifier\] com\.github\.push id=\S+ subject=acme\/shop ref=refs\/heads\/main pusher=octocat/,
      );
      assert.doesNotMatch(ex.output(), /com\.github\.issues/);
      assert.equal((ex.output().match(/\[push-notifier\]/g) ?? []).length, 1);
    } finally {
      assert.equal(await ex.stop(), 0, ex.output());
    }
  });
});
