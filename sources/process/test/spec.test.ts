import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_RESTART,
  DEFAULT_STOP_GRACE_PERIOD_MS,
  ProcessSourceErrors,
  sinkBindingEnv,
  validateProcessSpec,
} from "../src/index.js";
import { recordValidation } from "./helpers.js";

describe("validateProcessSpec", () => {
  it("defaults everything but the command", () => {
    const ctx = recordValidation();
    const spec = validateProcessSpec({ command: ["node", "emitter.js"] }, ctx);
    assert.deepEqual(ctx.diagnostics, []);
    assert.deepEqual(spec, {
      command: ["node", "emitter.js"],
      env: [],
      cwd: undefined,
      inheritEnv: true,
      restart: DEFAULT_RESTART,
      stopGracePeriodMs: DEFAULT_STOP_GRACE_PERIOD_MS,
    });
    assert.ok(Object.isFrozen(spec));
  });

  it("reads every field", () => {
    const ctx = recordValidation();
    const spec = validateProcessSpec(
      {
        command: ["python3", "-u", "worker.py"],
        args: ["--period", "5"],
        env: [
          { name: "MODE", value: "fast" },
          { name: "EMPTY" },
          { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        ],
        cwd: "workers",
        inheritEnv: false,
        restart: { policy: "OnFailure", minBackoff: "PT0.5S", maxBackoff: "PT30S", resetAfter: "PT5M" },
        stopGracePeriod: "PT3S",
      },
      ctx,
    );
    assert.deepEqual(ctx.diagnostics, []);
    assert.deepEqual(spec?.command, ["python3", "-u", "worker.py", "--period", "5"]);
    assert.deepEqual(
      spec?.env.map((e) => [e.name, String(e.value)]),
      [
        ["MODE", "fast"],
        ["EMPTY", ""],
        ["DB_PASSWORD", "[redacted]"],
      ],
    );
    assert.equal(spec?.cwd, "workers");
    assert.equal(spec?.inheritEnv, false);
    assert.deepEqual(spec?.restart, {
      policy: "OnFailure",
      minBackoffMs: 500,
      maxBackoffMs: 30_000,
      resetAfterMs: 300_000,
    });
    assert.equal(spec?.stopGracePeriodMs, 3_000);
  });

  const errors: { name: string; spec: Record<string, unknown>; want: [string, string][] }[] = [
    { name: "no command", spec: {}, want: [["/spec/command", ProcessSourceErrors.MISSING_FIELD]] },
    {
      name: "a shell string",
      spec: { command: "node emitter.js" },
      want: [["/spec/command", ProcessSourceErrors.INVALID_TYPE]],
    },
    {
      name: "empty command",
      spec: { command: [] },
      want: [["/spec/command", ProcessSourceErrors.INVALID_VALUE]],
    },
    {
      name: "a number in argv",
      spec: { command: ["sleep", 5] },
      want: [["/spec/command", ProcessSourceErrors.INVALID_TYPE]],
    },
    {
      name: "env not a list",
      spec: { command: ["x"], env: { A: "1" } },
      want: [["/spec/env", ProcessSourceErrors.INVALID_TYPE]],
    },
    {
      name: "bad env name",
      spec: { command: ["x"], env: [{ name: "1A", value: "x" }] },
      want: [["/spec/env/0/name", ProcessSourceErrors.INVALID_VALUE]],
    },
    {
      name: "env value not a string",
      spec: { command: ["x"], env: [{ name: "PORT", value: 8080 }] },
      want: [["/spec/env/0/value", ProcessSourceErrors.INVALID_TYPE]],
    },
    {
      name: "value and valueFrom",
      spec: { command: ["x"], env: [{ name: "A", value: "1", valueFrom: { env: "B" } }] },
      want: [["/spec/env/0", ProcessSourceErrors.INVALID_VALUE]],
    },
    {
      name: "unknown secret",
      spec: { command: ["x"], env: [{ name: "A", valueFrom: { secretKeyRef: { name: "nope", key: "k" } } }] },
      want: [["/spec/env/0/valueFrom", "SLUICE_ERR_MANIFEST_SECRET_NOT_FOUND"]],
    },
    {
      name: "unknown policy",
      spec: { command: ["x"], restart: { policy: "Sometimes" } },
      want: [["/spec/restart/policy", ProcessSourceErrors.INVALID_VALUE]],
    },
    {
      name: "zero backoff",
      spec: { command: ["x"], restart: { minBackoff: "PT0S" } },
      want: [["/spec/restart/minBackoff", ProcessSourceErrors.INVALID_VALUE]],
    },
    {
      name: "max below min",
      spec: { command: ["x"], restart: { minBackoff: "PT10S", maxBackoff: "PT1S" } },
      want: [["/spec/restart/maxBackoff", ProcessSourceErrors.INVALID_VALUE]],
    },
    {
      name: "bad duration",
      spec: { command: ["x"], stopGracePeriod: "10s" },
      want: [["/spec/stopGracePeriod", "SLUICE_ERR_MANIFEST_INVALID_DURATION"]],
    },
    {
      name: "inheritEnv not boolean",
      spec: { command: ["x"], inheritEnv: "yes" },
      want: [["/spec/inheritEnv", ProcessSourceErrors.INVALID_TYPE]],
    },
  ];
  for (const c of errors) {
    it(`rejects ${c.name}`, () => {
      const ctx = recordValidation();
      assert.equal(validateProcessSpec(c.spec, ctx), undefined);
      assert.deepEqual(
        ctx.diagnostics.filter((d) => d.severity === "error").map((d) => [d.pointer, d.code]),
        c.want,
      );
    });
  }

  it("warns about unknown fields and about K_SINK in env", () => {
    const ctx = recordValidation();
    const spec = validateProcessSpec(
      { command: ["x"], image: "busybox", env: [{ name: "K_SINK", value: "x" }] },
      ctx,
    );
    assert.ok(spec !== undefined);
    assert.deepEqual(
      ctx.diagnostics.map((d) => [d.severity, d.pointer, d.code]),
      [
        ["warning", "/spec/image", ProcessSourceErrors.UNKNOWN_FIELD],
        ["warning", "/spec/env/0/name", ProcessSourceErrors.RESERVED_ENV],
      ],
    );
  });
});

describe("sinkBindingEnv", () => {
  it("follows Knative's SinkBinding", () => {
    assert.deepEqual(sinkBindingEnv({ sink: { url: "http://127.0.0.1:8080/ns/b" }, ceOverrides: {} }), {
      K_SINK: "http://127.0.0.1:8080/ns/b",
      K_CE_OVERRIDES: "",
    });
    assert.deepEqual(
      sinkBindingEnv({ sink: { url: "http://x/" }, ceOverrides: { a: "1" } }).K_CE_OVERRIDES,
      '{"extensions":{"a":"1"}}',
    );
  });
});
