import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SecretValue } from "@sluice/core";
import { formatDiagnostic, type LoadResult, ManifestErrors } from "@sluice/manifests";
import { type TickSpec, tickPlugin } from "./fake-plugin.js";
import { brief, dump, INGRESS, load, plusBroker } from "./helpers.js";

const E = ManifestErrors;
const plugins = [tickPlugin];

const tick = (spec: string, meta = "") =>
  plusBroker(`
apiVersion: sources.example.dev/v1
kind: TickSource
metadata:
  name: tick
${meta}spec:
${spec}`);

function specOf(result: LoadResult): TickSpec {
  const spec = result.resources?.sources[0]?.spec;
  assert.ok(spec, dump(result));
  return spec as TickSpec;
}

const SINK = "  sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}\n";

const SECRET = `---
apiVersion: v1
kind: Secret
metadata:
  name: tick-auth
data:
  token: c2VjcmV0LWZyb20tZGF0YQ==
stringData:
  other: plain-text-secret
`;

describe("sources through a plugin", () => {
  it("builds a SourceResource: sink resolved, ceOverrides, the plugin's spec", () => {
    const result = load(
      tick(
        `  interval: PT2S\n  labels: [a, b]\n  ceOverrides:\n    extensions: {team: payments, tier: "1"}\n${SINK}`,
      ),
      { plugins },
    );
    assert.ok(result.resources, dump(result));
    const source = result.resources.sources[0];
    assert.deepEqual(
      { ...source, spec: undefined },
      {
        namespace: "default",
        name: "tick",
        id: "default/tick",
        apiVersion: "sources.example.dev/v1",
        kind: "TickSource",
        sink: { url: `${INGRESS}/default/default`, broker: { namespace: "default", name: "default" } },
        ceOverrides: { team: "payments", tier: "1" },
        spec: undefined,
        annotations: {},
        location: { file: "test.yaml", line: 1, column: 1 },
      },
    );
    assert.deepEqual(source?.spec, {
      intervalMs: 2000,
      path: undefined,
      token: undefined,
      target: undefined,
      labels: ["a", "b"],
    });
  });

  it("hands the plugin its spec without sink and ceOverrides", () => {
    let seen: readonly string[] = [];
    const spy = {
      ...tickPlugin,
      validate: (spec: Readonly<Record<string, unknown>>, ctx: Parameters<typeof tickPlugin.validate>[1]) => {
        seen = Object.keys(spec);
        return tickPlugin.validate(spec, ctx);
      },
    };
    load(tick(`  interval: PT2S\n  ceOverrides: {extensions: {a: b}}\n${SINK}`), { plugins: [spy] });
    assert.deepEqual(seen, ["interval"]);
  });

  it("reports the plugin's diagnostics at the plugin's pointers, with the plugin's codes", () => {
    const result = load(tick(`  interval: PT0.5S\n  colour: red\n${SINK}`), { plugins });
    assert.deepEqual(result.diagnostics.map(brief), [
      "error TICK_TOO_FAST 6:13 /spec/interval",
      "warning TICK_UNKNOWN 7:11 /spec/colour",
    ]);
    assert.equal(result.resources, undefined);
  });

  it("requires a sink, checks ceOverrides names and the durations the plugin asks for", () => {
    const result = load(tick("  ceOverrides:\n    extensions: {Team: x}\n"), { plugins });
    assert.deepEqual(result.diagnostics.map(brief), [
      `error ${E.MISSING_FIELD} 5:1 /spec/sink`,
      `error ${E.MISSING_FIELD} 5:1 /spec/interval`,
      `error ${E.INVALID_ATTRIBUTE_NAME} 7:18 /spec/ceOverrides/extensions/Team`,
    ]);
  });

  it("resolves destinations the plugin asks for, with the source's namespace", () => {
    const result = load(
      tick(`  interval: PT1S\n  target: {ref: {apiVersion: v1, kind: Service, name: audit}}\n${SINK}`),
      {
        plugins,
        sinks: ["Service/audit=http://127.0.0.1:9100/"],
      },
    );
    assert.deepEqual(specOf(result).target, {
      url: "http://127.0.0.1:9100/",
    });
  });

  it("rejects another apiVersion of a plugin kind", () => {
    const result = load(
      tick(`  interval: PT1S\n${SINK}`).replace("sources.example.dev/v1", "sources.example.dev/v2"),
      {
        plugins,
      },
    );
    assert.deepEqual(result.diagnostics.map(brief), [`error ${E.UNSUPPORTED_API_VERSION} 1:13 /apiVersion`]);
  });

  it("without the plugin, the kind is ignored with a warning", () => {
    const result = load(tick(`  interval: PT1S\n${SINK}`));
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      [E.UNKNOWN_KIND],
    );
    assert.deepEqual(result.resources?.sources, []);
  });

  it("reports a plugin that rejects without a diagnostic", () => {
    const result = load(tick(`  silent: true\n${SINK}`), { plugins });
    assert.deepEqual(result.diagnostics.map(brief), [`error ${E.PLUGIN_FAILED} 5:1 /spec`]);
  });
});

describe("secrets for plugins", () => {
  it("reads base64 data of a Secret in the same namespace", () => {
    const result = load(
      tick(`  interval: PT1S\n  token: {secretKeyRef: {name: tick-auth, key: token}}\n${SINK}`) + SECRET,
      {
        plugins,
      },
    );
    const token = specOf(result).token;
    assert.ok(token instanceof SecretValue, dump(result));
    assert.equal(token.reveal(), "secret-from-data");
    assert.equal(String(token), "[redacted]");
    assert.equal(token.origin, "Secret default/tick-auth key token");
  });

  it("reads stringData and the environment", () => {
    const fromString = load(
      tick(`  interval: PT1S\n  token: {secretKeyRef: {name: tick-auth, key: other}}\n${SINK}`) + SECRET,
      { plugins },
    );
    assert.equal(specOf(fromString).token?.reveal(), "plain-text-secret");
    const fromEnv = load(tick(`  interval: PT1S\n  token: {env: TICK_TOKEN}\n${SINK}`), {
      plugins,
      env: { TICK_TOKEN: "from-env" },
    });
    assert.equal(specOf(fromEnv).token?.reveal(), "from-env");
  });

  it("reports a missing Secret, a missing key (listing keys, never values) and inline text", () => {
    const cases = [
      ["{secretKeyRef: {name: nope, key: token}}", E.SECRET_NOT_FOUND, /tick-auth/],
      ["{secretKeyRef: {name: tick-auth, key: tokn}}", E.SECRET_NOT_FOUND, /its keys: token, other/],
      ["plain-text-password", E.INVALID_TYPE, /secretKeyRef/],
      ["{env: A, secretKeyRef: {name: x, key: y}}", E.INVALID_VALUE, /exactly one|secretKeyRef/],
    ] as const;
    for (const [value, code, hint] of cases) {
      const result = load(tick(`  interval: PT1S\n  token: ${value}\n${SINK}`) + SECRET, { plugins });
      const d = result.diagnostics.find((x) => x.code === code);
      assert.ok(d, `${value}:\n${dump(result)}`);
      assert.match(`${d.message} ${d.hint}`, hint);
      const printed = result.diagnostics.map(formatDiagnostic).join("\n");
      for (const secret of [
        "secret-from-data",
        "plain-text-secret",
        "c2VjcmV0LWZyb20tZGF0YQ==",
        "plain-text-password",
      ]) {
        assert.ok(!printed.includes(secret), `a secret value leaked: ${printed}`);
      }
    }
  });

  it("never prints a Secret's values in its own diagnostics", () => {
    const result = load(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: not*base64, b: 12345}\n",
    );
    const printed = result.diagnostics.map(formatDiagnostic).join("\n");
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      [E.INVALID_BASE64, E.INVALID_TYPE],
    );
    assert.ok(!printed.includes("not*base64") && !printed.includes("12345"), printed);
  });
});
