// The sluice command as a user runs it: validate, send, run --watch and the exit codes.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runSettings } from "@sluice/cli";
import { startRecordingSink } from "@sluice/testing";
import { REPO_ROOT, runSluice, spawnSluice } from "./helpers/cli.js";

const fixtures = join(REPO_ROOT, "test", "fixtures");

describe("sluice validate", () => {
  it("lists every error with file:line and exits 1", async () => {
    const { code, stderr } = await runSluice(["validate", "-f", join(fixtures, "broken")]);
    assert.equal(code, 1);
    const expected = [
      /pipeline\.yaml:7:\d+ error SLUICE_ERR_\w+ .*retry/,
      /pipeline\.yaml:8:\d+ error SLUICE_ERR_\w+ .*backoffPolicy|sometimes/,
      /pipeline\.yaml:18:\d+ error SLUICE_ERR_\w+ .*Type/,
      /pipeline\.yaml:27:\d+ error SLUICE_ERR_\w+ .*missing/,
      /pipeline\.yaml:29:\d+ error SLUICE_ERR_\w+ .*fn/,
      /syntax\.yaml:\d+:\d+ error SLUICE_ERR_\w+/,
    ];
    for (const pattern of expected) assert.match(stderr, pattern);
    assert.match(stderr, /\(at \/spec\/delivery\/retry\)/);
    assert.match(stderr, /hint: .*--sink/);
  });

  it("accepts valid manifests (with --sink) and exits 0", async () => {
    const { code, stdout, stderr } = await runSluice([
      "validate",
      "-f",
      join(fixtures, "valid"),
      "--sink",
      "Service/fn=http://127.0.0.1:9000/",
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /ok: 1 broker, 1 trigger, 0 sources/);
  });

  it("prints usage and exits 2 on bad arguments", async () => {
    const { code, stderr } = await runSluice(["validate"]);
    assert.equal(code, 2);
    assert.match(stderr, /Usage: sluice validate/);
  });
});

describe("sluice run and send", () => {
  it("runs a pipeline, sends with `sluice send`, reloads with --watch, exits 0 on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-cli-"));
    const sink = await startRecordingSink();
    const manifest = join(dir, "pipeline.yaml");
    const yaml = (type: string) => `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: default }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: t }
spec:
  broker: default
  filter: { attributes: { type: ${type} } }
  subscriber: { uri: "${sink.url}" }
`;
    await writeFile(manifest, yaml("first"));
    const run = spawnSluice(["run", "-f", manifest, "--port", "0", "--storage", "memory", "--watch"]);
    try {
      const line = await run.waitForLine(/^broker\s/);
      await run.waitForLine(/^ready$/);
      const port = /:(\d+)\/default\/default/.exec(line)?.[1] as string;
      assert.match(
        run.stdout.join("\n"),
        /^trigger default\/t\s+default\/default -> http:\/\/127\.0\.0\.1:\d+\//m,
      );

      const sent = await runSluice([
        "send",
        "default/default",
        "--port",
        port,
        "--type",
        "first",
        "--source",
        "/cli",
        "--data",
        '{"x":1}',
      ]);
      assert.equal(sent.code, 0, sent.stderr);
      assert.match(sent.stdout, /^202 /);
      const [got] = await sink.waitFor(1);
      assert.equal(got?.headers["ce-type"], "first");
      assert.equal(got?.body.toString(), '{"x":1}');

      // an invalid change is rejected whole; the old config keeps running
      await writeFile(manifest, `${yaml("first")}\n  bogus: [`);
      await new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const tick = () => {
          if (run.stderr.some((l) => /reload rejected/.test(l))) resolve();
          else if (Date.now() - started > 15_000) reject(new Error(`no rejection: ${run.stderr.join("\n")}`));
          else setTimeout(tick, 50);
        };
        tick();
      });
      await runSluice(["send", "default/default", "--port", port, "--type", "first", "--source", "/cli"]);
      await sink.waitFor(2);

      // a valid change is applied
      await writeFile(manifest, yaml("second"));
      await run.waitForLine(/^reloaded: 1 broker, 1 trigger, 0 sources$/);
      await runSluice(["send", "default/default", "--port", port, "--type", "first", "--source", "/cli"]);
      await runSluice(["send", "default/default", "--port", port, "--type", "second", "--source", "/cli"]);
      const all = await sink.waitFor(3);
      assert.equal(all[2]?.headers["ce-type"], "second");

      run.child.kill("SIGTERM");
      assert.equal((await run.exited).code, 0);
    } finally {
      run.child.kill("SIGKILL");
      await sink.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start on invalid manifests with exit 1", async () => {
    const { code, stderr } = await runSluice([
      "run",
      "-f",
      join(fixtures, "broken"),
      "--port",
      "0",
      "--storage",
      "memory",
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /nothing started/);
  });
});

describe("sluice explain", () => {
  it("shows match / no match per trigger with the deciding clause, for a JSON event and an HTTP request file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-explain-"));
    try {
      const manifest = join(dir, "pipeline.yaml");
      await writeFile(
        manifest,
        `apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: default }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: acme }
spec:
  broker: default
  filters:
    - exact: { source: /shop }
    - any:
        - prefix: { type: com.acme. }
        - exact: { type: com.example.special }
  subscriber: { uri: "http://127.0.0.1:9/" }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: everything }
spec:
  broker: default
  subscriber: { uri: "http://127.0.0.1:9/" }
`,
      );
      const json = join(dir, "event.json");
      await writeFile(json, JSON.stringify({ specversion: "1.0", id: "1", source: "/shop", type: "org.x" }));
      const one = await runSluice(["explain", "-f", manifest, "--event", json]);
      assert.equal(one.code, 0, one.stderr);
      assert.match(
        one.stdout,
        /default\/acme\s+no match\s+filters\[1\]\.any: none of the 2 alternatives matches/,
      );
      assert.match(
        one.stdout,
        /filters\[1\]\.any\[0\]\.prefix\.type: "com\.acme\." is not a prefix of "org\.x"/,
      );
      assert.match(one.stdout, /default\/everything\s+match\s+no filter/);

      const request = join(dir, "event.http");
      await writeFile(
        request,
        "POST /default/default HTTP/1.1\nce-specversion: 1.0\nce-id: 2\nce-source: /shop\nce-type: com.acme.order\ncontent-type: text/plain\n\nhello",
      );
      const two = await runSluice(["explain", "-f", manifest, "--event", request]);
      assert.equal(two.code, 0, two.stderr);
      assert.match(two.stdout, /default\/acme\s+match/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("sluice run arguments", () => {
  const limitsOf = (argv: string[]) => {
    const settings = runSettings(["-f", "pipeline.yaml", ...argv]);
    assert.notEqual(settings, "help");
    return settings === "help" ? {} : settings.runtimeLimits;
  };

  it("--max-pending-per-trigger defaults to half of --max-pending, and can be set", () => {
    assert.equal(limitsOf([]).maxPendingPerTrigger, 100_000);
    assert.equal(limitsOf(["--max-pending", "1000"]).maxPendingPerTrigger, 500);
    assert.equal(limitsOf(["--max-pending", "1"]).maxPendingPerTrigger, 1);
    assert.equal(
      limitsOf(["--max-pending", "1000", "--max-pending-per-trigger", "900"]).maxPendingPerTrigger,
      900,
    );
    assert.throws(() => limitsOf(["--max-pending-per-trigger", "0"]), /max-pending-per-trigger/);
  });
});
