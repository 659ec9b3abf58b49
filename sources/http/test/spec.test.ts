import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_MAX_BODY_SIZE, HttpSourceErrors, validateHttpSpec } from "../src/index.js";
import { recordValidation } from "./helpers.js";

const hmacRef = { secretKeyRef: { name: "github", key: "webhook-secret" } };

describe("validateHttpSpec: defaults", () => {
  it("needs only a path", () => {
    const ctx = recordValidation();
    const spec = validateHttpSpec({ path: "/webhooks/github" }, ctx);
    assert.deepEqual(ctx.diagnostics, []);
    assert.deepEqual(spec, {
      path: "/webhooks/github",
      methods: ["POST"],
      maxBodySize: DEFAULT_MAX_BODY_SIZE,
      event: {
        type: { from: "value", value: "dev.sluice.sources.http" },
        source: { from: "value", value: "/apis/v1alpha1/namespaces/hooks/httpsources/github" },
        subject: undefined,
        id: undefined,
      },
      auth: undefined,
    });
    assert.ok(Object.isFrozen(spec));
  });

  it("reads GitHub's setup", () => {
    const ctx = recordValidation();
    const spec = validateHttpSpec(
      {
        path: "/gh",
        methods: ["post", "PUT"],
        maxBodySize: "25Mi",
        event: {
          type: { header: "X-GitHub-Event", prefix: "com.github." },
          source: "https://github.com/acme/shop",
          subject: { jsonPointer: "/repository/full_name", default: "unknown" },
          id: { header: "X-GitHub-Delivery" },
        },
        auth: { hmac: { secret: hmacRef } },
      },
      ctx,
    );
    assert.deepEqual(ctx.diagnostics, []);
    assert.deepEqual(spec?.methods, ["POST", "PUT"]);
    assert.equal(spec?.maxBodySize, 25 * 1024 * 1024);
    assert.deepEqual(spec?.event.type, {
      from: "header",
      header: "x-github-event",
      prefix: "com.github.",
      fallback: undefined,
    });
    assert.deepEqual(spec?.event.subject, {
      from: "jsonPointer",
      pointer: "/repository/full_name",
      tokens: ["repository", "full_name"],
      prefix: "",
      fallback: "unknown",
    });
    const hmac = spec?.auth && "hmac" in spec.auth ? spec.auth.hmac : undefined;
    assert.equal(hmac?.header, "x-hub-signature-256");
    assert.equal(hmac?.prefix, "sha256=");
    assert.equal(hmac?.encoding, "hex");
    assert.equal(hmac?.secret.reveal(), "It's a Secret to Everybody");
    assert.equal(String(hmac?.secret), "[redacted]");
  });

  const sizes: [unknown, number][] = [
    [1, 1],
    [4096, 4096],
    ["512Ki", 512 * 1024],
    ["1M", 1_000_000],
    ["100Mi", 100 * 1024 * 1024],
  ];
  for (const [value, bytes] of sizes) {
    it(`maxBodySize ${JSON.stringify(value)} is ${bytes} bytes`, () => {
      assert.equal(
        validateHttpSpec({ path: "/h", maxBodySize: value }, recordValidation())?.maxBodySize,
        bytes,
      );
    });
  }
});

describe("validateHttpSpec: errors, each at its field", () => {
  const cases: { name: string; spec: Record<string, unknown>; want: [string, string][] }[] = [
    { name: "no path", spec: {}, want: [["/spec/path", HttpSourceErrors.MISSING_FIELD]] },
    {
      name: "relative path",
      spec: { path: "hooks" },
      want: [["/spec/path", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "path with query",
      spec: { path: "/h?x=1" },
      want: [["/spec/path", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "path with dot segment",
      spec: { path: "/a/../b" },
      want: [["/spec/path", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "reserved path",
      spec: { path: "/healthz" },
      want: [["/spec/path", HttpSourceErrors.INVALID_VALUE]],
    },
    { name: "path not a string", spec: { path: 3 }, want: [["/spec/path", HttpSourceErrors.INVALID_TYPE]] },
    {
      name: "unknown method",
      spec: { path: "/h", methods: ["POST", "TRACE"] },
      want: [["/spec/methods/1", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "empty methods",
      spec: { path: "/h", methods: [] },
      want: [["/spec/methods", HttpSourceErrors.INVALID_TYPE]],
    },
    {
      name: "zero size",
      spec: { path: "/h", maxBodySize: 0 },
      want: [["/spec/maxBodySize", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "size word",
      spec: { path: "/h", maxBodySize: "big" },
      want: [["/spec/maxBodySize", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "size over the cap",
      spec: { path: "/h", maxBodySize: "1Gi" },
      want: [["/spec/maxBodySize", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "empty type",
      spec: { path: "/h", event: { type: "" } },
      want: [["/spec/event/type", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "source with a space",
      spec: { path: "/h", event: { source: "not a uri" } },
      want: [["/spec/event/source", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "fixed id",
      spec: { path: "/h", event: { id: "always-the-same" } },
      want: [["/spec/event/id", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "header and pointer",
      spec: { path: "/h", event: { subject: { header: "x", jsonPointer: "/a" } } },
      want: [["/spec/event/subject", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "neither header nor pointer",
      spec: { path: "/h", event: { type: { prefix: "a." } } },
      want: [["/spec/event/type", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "bad header name",
      spec: { path: "/h", event: { type: { header: "X Event" } } },
      want: [["/spec/event/type/header", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "bad JSON pointer",
      spec: { path: "/h", event: { subject: { jsonPointer: "repository" } } },
      want: [["/spec/event/subject/jsonPointer", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "bad pointer escape",
      spec: { path: "/h", event: { subject: { jsonPointer: "/a~2" } } },
      want: [["/spec/event/subject/jsonPointer", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "event not a mapping",
      spec: { path: "/h", event: "x" },
      want: [["/spec/event", HttpSourceErrors.INVALID_TYPE]],
    },
    {
      name: "auth with no scheme",
      spec: { path: "/h", auth: {} },
      want: [["/spec/auth", HttpSourceErrors.INVALID_AUTH]],
    },
    {
      name: "auth with two schemes",
      spec: { path: "/h", auth: { bearer: { token: { env: "WEBHOOK_TOKEN" } }, hmac: { secret: hmacRef } } },
      want: [["/spec/auth", HttpSourceErrors.INVALID_AUTH]],
    },
    {
      name: "bearer without token",
      spec: { path: "/h", auth: { bearer: {} } },
      want: [["/spec/auth/bearer/token", HttpSourceErrors.MISSING_FIELD]],
    },
    {
      name: "inline password is not a secret reference",
      spec: { path: "/h", auth: { basic: { username: "u", password: "hunter2" } } },
      want: [["/spec/auth/basic/password", "SLUICE_ERR_MANIFEST_SECRET_NOT_FOUND"]],
    },
    {
      name: "user name with a colon",
      spec: { path: "/h", auth: { basic: { username: "a:b", password: { env: "WEBHOOK_TOKEN" } } } },
      want: [["/spec/auth/basic/username", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "unknown encoding",
      spec: { path: "/h", auth: { hmac: { secret: hmacRef, encoding: "base32" } } },
      want: [["/spec/auth/hmac/encoding", HttpSourceErrors.INVALID_VALUE]],
    },
    {
      name: "several problems at once",
      spec: { path: "x", methods: ["FOO"], auth: { bearer: {} } },
      want: [
        ["/spec/path", HttpSourceErrors.INVALID_VALUE],
        ["/spec/methods/0", HttpSourceErrors.INVALID_VALUE],
        ["/spec/auth/bearer/token", HttpSourceErrors.MISSING_FIELD],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ctx = recordValidation();
      const spec = validateHttpSpec(c.spec, ctx);
      const errors = ctx.diagnostics.filter((d) => d.severity === "error").map((d) => [d.pointer, d.code]);
      assert.deepEqual(errors, c.want);
      assert.equal(spec, undefined);
    });
  }

  it("never prints a secret in a diagnostic", () => {
    const ctx = recordValidation();
    validateHttpSpec({ path: "/h", auth: { basic: { username: "u", password: "hunter2" } } }, ctx);
    assert.ok(ctx.diagnostics.every((d) => !d.message.includes("hunter2")));
  });
});

describe("validateHttpSpec: warnings", () => {
  it("warns about unknown fields and still loads", () => {
    const ctx = recordValidation();
    const spec = validateHttpSpec({ path: "/h", pathh: "/x", event: { typ: "a" } }, ctx);
    assert.ok(spec !== undefined);
    assert.deepEqual(
      ctx.diagnostics.map((d) => [d.severity, d.pointer, d.code]),
      [
        ["warning", "/spec/pathh", HttpSourceErrors.UNKNOWN_FIELD],
        ["warning", "/spec/event/typ", HttpSourceErrors.UNKNOWN_FIELD],
      ],
    );
  });
});
