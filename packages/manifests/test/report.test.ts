import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Diagnostic, formatDiagnostic, loadManifestTexts, ManifestErrors } from "@sluice/manifests";
import { brief, INGRESS, load } from "./helpers.js";

const E = ManifestErrors;

describe("all problems at once", () => {
  it("reports every error of one file, in line order, and no resources", () => {
    const result = load(`
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  delivery:
    retry: -2
    backoffPolicy: fibonacci
    backoffDelay: 1s
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: Orders
spec:
  broker: default
  filters:
    - exact: {type: ""}
    - sql: "type = 'x'"
  subscriber:
    uri: /relative
`);
    assert.equal(result.resources, undefined);
    assert.deepEqual(result.diagnostics.map(brief), [
      `error ${E.INVALID_VALUE} 7:12 /spec/delivery/retry`,
      `error ${E.INVALID_VALUE} 8:20 /spec/delivery/backoffPolicy`,
      `error ${E.INVALID_DURATION} 9:19 /spec/delivery/backoffDelay`,
      `error ${E.INVALID_NAME} 14:9 /metadata/name`,
      `error ${E.INVALID_FILTER} 18:21 /spec/filters/0/exact/type`,
      `error ${E.INVALID_FILTER} 19:7 /spec/filters/1/sql`,
      `error ${E.INVALID_URI} 21:10 /spec/subscriber/uri`,
    ]);
  });

  it("keeps going after a YAML error in one document", () => {
    const result = load(`
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: default
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {uri: "ftp://x"}
`);
    const codes = result.diagnostics.map((d) => d.code);
    assert.ok(codes.includes(E.YAML_SYNTAX));
    assert.ok(codes.includes(E.INVALID_URI), "the next document is still checked");
    // The broken Broker is still known by name: no cascading BROKER_NOT_FOUND.
    assert.ok(!codes.includes(E.BROKER_NOT_FOUND));
  });

  it("sorts by file order, then line and column; --sink first", () => {
    const bad = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad}\n";
    const result = loadManifestTexts(
      [
        { file: "b.yaml", text: `# comment\n${bad}` },
        { file: "a.yaml", text: bad },
      ],
      { ingressUrl: INGRESS, sinks: ["nope"] },
    );
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.file}:${d.line}`),
      ["--sink:1", "b.yaml:4", "a.yaml:3"],
    );
    assert.deepEqual(result.files, ["b.yaml", "a.yaml"]);
  });

  it("accepts a v1 Namespace silently and warns once per other unknown kind", () => {
    const result = load(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n",
    );
    assert.deepEqual(result.diagnostics.map(brief), [`warning ${E.UNKNOWN_KIND} 6:7 /kind`]);
    assert.ok(result.resources);
  });

  it("skips empty documents and comment-only files", () => {
    const result = load("# nothing here\n---\n---\n\n");
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.resources, { brokers: [], triggers: [], sources: [] });
  });
});

describe("formatDiagnostic", () => {
  const base: Diagnostic = {
    severity: "error",
    code: "SLUICE_ERR_MANIFEST_BROKER_NOT_FOUND",
    message: 'Broker "defualt" is not in the manifests (namespace "default")',
    file: "pipeline/trigger.yaml",
    line: 7,
    column: 11,
    pointer: "/spec/broker",
  };

  it("prints file:line:col severity CODE message (at /pointer)", () => {
    assert.equal(
      formatDiagnostic(base),
      'pipeline/trigger.yaml:7:11 error SLUICE_ERR_MANIFEST_BROKER_NOT_FOUND Broker "defualt" is not in the manifests (namespace "default") (at /spec/broker)',
    );
  });

  it("adds the hint on a second line", () => {
    assert.equal(
      formatDiagnostic({ ...base, severity: "warning", hint: 'did you mean "default"?' }),
      'pipeline/trigger.yaml:7:11 warning SLUICE_ERR_MANIFEST_BROKER_NOT_FOUND Broker "defualt" is not in the manifests (namespace "default") (at /spec/broker)\n  hint: did you mean "default"?',
    );
  });

  it("leaves out (at ...) for the document itself", () => {
    assert.equal(
      formatDiagnostic({ ...base, pointer: "", message: "m" }),
      "pipeline/trigger.yaml:7:11 error SLUICE_ERR_MANIFEST_BROKER_NOT_FOUND m",
    );
  });

  it("escapes JSON pointer segments (RFC 6901)", () => {
    const result = load(`
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
  annotations:
    eventing.knative.dev/broker.class: ""
`);
    const d = result.diagnostics.find((x) => x.code === E.INVALID_ANNOTATION);
    assert.equal(d?.pointer, "/metadata/annotations/eventing.knative.dev~1broker.class");
  });
});

describe("YAML as Kubernetes reads it (1.1)", () => {
  it("reads yes/on as booleans, so an unquoted annotation value is an error with a quote hint", () => {
    const result = load(`
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
  annotations:
    example.com/enabled: yes
`);
    const d = result.diagnostics.find((x) => x.code === E.INVALID_TYPE);
    assert.equal(d?.hint, 'YAML reads yes as a boolean; quote it: "yes"');
  });

  it("keeps timestamps as strings and applies << merges", () => {
    const result = load(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: dates
data:
  day: 2024-01-31
---
x-common: &common
  broker: default
  subscriber: {uri: "http://127.0.0.1:9000/"}
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: t}
spec:
  <<: *common
---
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: default}
`);
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      [E.UNKNOWN_FIELD],
      "only x-common is reported (as an unknown top-level field)",
    );
    assert.equal(result.resources?.triggers[0]?.subscriber.url, "http://127.0.0.1:9000/");
  });
});
