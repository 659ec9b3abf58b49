import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CESQL_AVAILABLE, type LoadOptions, ManifestErrors } from "@sluice/manifests";
import { tickPlugin } from "./fake-plugin.js";
import { brief, dump, load, plusBroker } from "./helpers.js";

interface Case {
  readonly code: string;
  readonly name: string;
  readonly yaml: string;
  readonly options?: Partial<LoadOptions>;
  /** `severity CODE line:col pointer` of the diagnostic that must be reported. */
  readonly expect: string;
  readonly hint?: RegExp;
  readonly skip?: boolean;
}

const E = ManifestErrors;
const plugins = [tickPlugin];

// Each case: a manifest with one problem, the diagnostic it must produce, at the offending key or
// value. Line numbers count from the first line of `yaml`.
const cases: Case[] = [
  {
    code: E.YAML_SYNTAX,
    name: "a duplicate key",
    yaml: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  name: b
`,
    expect: `error ${E.YAML_SYNTAX} 5:3 `,
    hint: /remove or rename/,
  },
  {
    code: E.YAML_WARNING,
    name: "an unknown tag",
    yaml: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  k: !custom x
`,
    expect: `warning ${E.YAML_WARNING} 6:6 `,
  },
  {
    code: E.NOT_A_MAPPING,
    name: "a list document",
    yaml: "- a\n- b\n",
    expect: `error ${E.NOT_A_MAPPING} 1:1 `,
  },
  {
    code: E.MISSING_FIELD,
    name: "a Trigger without subscriber (at spec:)",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
`),
    expect: `error ${E.MISSING_FIELD} 5:1 /spec/subscriber`,
  },
  {
    code: E.MISSING_FIELD,
    name: "a manifest without metadata.name (at metadata:)",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  namespace: x
`,
    expect: `error ${E.MISSING_FIELD} 3:1 /metadata/name`,
  },
  {
    code: E.INVALID_TYPE,
    name: "retry given as a string",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  delivery:
    retry: "3"
`,
    expect: `error ${E.INVALID_TYPE} 7:12 /spec/delivery/retry`,
    hint: /remove the quotes: 3/,
  },
  {
    code: E.INVALID_TYPE,
    name: "a number where an annotation string is expected",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
  annotations:
    example.com/version: 1.10
`,
    expect: `error ${E.INVALID_TYPE} 6:26 /metadata/annotations/example.com~1version`,
    hint: /quote it: "1\.10"/,
  },
  {
    code: E.INVALID_VALUE,
    name: "a backoff policy in the wrong case",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  delivery:
    backoffPolicy: Exponential
`,
    expect: `error ${E.INVALID_VALUE} 7:20 /spec/delivery/backoffPolicy`,
    hint: /write exponential/,
  },
  {
    code: E.INVALID_NAME,
    name: "an upper-case name",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: My_Broker
`,
    expect: `error ${E.INVALID_NAME} 4:9 /metadata/name`,
    hint: /use "my-broker"/,
  },
  {
    code: E.DUPLICATE,
    name: "two Brokers with one name",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: default}
---
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: default}
`,
    expect: `error ${E.DUPLICATE} 7:18 /metadata/name`,
  },
  {
    code: E.UNKNOWN_FIELD,
    name: "a typo in a Trigger field",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {uri: http://127.0.0.1:9000/}
  fitlers: []
`),
    expect: `warning ${E.UNKNOWN_FIELD} 8:3 /spec/fitlers`,
    hint: /did you mean "filters"\?/,
  },
  {
    code: E.UNKNOWN_KIND,
    name: "a Deployment",
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
`,
    expect: `warning ${E.UNKNOWN_KIND} 2:7 /kind`,
  },
  {
    code: E.UNSUPPORTED_API_VERSION,
    name: "a v1beta1 Broker",
    yaml: `
apiVersion: eventing.knative.dev/v1beta1
kind: Broker
metadata:
  name: default
`,
    expect: `error ${E.UNSUPPORTED_API_VERSION} 1:13 /apiVersion`,
    hint: /eventing\.knative\.dev\/v1$/,
  },
  {
    code: E.UNSUPPORTED_FIELD,
    name: "a Trigger brokerRef",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  brokerRef: {name: default, namespace: other}
  subscriber: {uri: http://127.0.0.1:9000/}
`),
    expect: `error ${E.UNSUPPORTED_FIELD} 6:3 /spec/brokerRef`,
    hint: /use broker: default/,
  },
  {
    code: E.IGNORED_FIELD,
    name: "delivery.format",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  delivery:
    format: json
`,
    expect: `warning ${E.IGNORED_FIELD} 7:5 /spec/delivery/format`,
  },
  {
    code: E.INVALID_DURATION,
    name: "a Go-style timeout",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  delivery:
    timeout: 10s
`,
    expect: `error ${E.INVALID_DURATION} 7:14 /spec/delivery/timeout`,
    hint: /PT10S/,
  },
  {
    code: E.INVALID_DURATION,
    name: "a zero timeout",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  delivery:
    timeout: PT0S
`,
    expect: `error ${E.INVALID_DURATION} 7:14 /spec/delivery/timeout`,
  },
  {
    code: E.INVALID_URI,
    name: "a uri without scheme",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber:
    uri: localhost:9000/hook
`),
    expect: `error ${E.INVALID_URI} 8:10 /spec/subscriber/uri`,
    hint: /write http:\/\/localhost:9000\/hook/,
  },
  {
    code: E.INVALID_ANNOTATION,
    name: "an unknown delivery order",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
  annotations:
    kafka.eventing.knative.dev/delivery.order: Ordered
spec:
  broker: default
  subscriber: {uri: http://127.0.0.1:9000/}
`),
    expect: `error ${E.INVALID_ANNOTATION} 6:48 /metadata/annotations/kafka.eventing.knative.dev~1delivery.order`,
    hint: /write ordered/,
  },
  {
    code: E.UNKNOWN_BROKER_CLASS,
    name: "a class without backend",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
  annotations:
    eventing.knative.dev/broker.class: Kafka
`,
    options: { brokerClasses: new Map([["MTChannelBasedBroker", "embedded"]]) },
    expect: `error ${E.UNKNOWN_BROKER_CLASS} 6:40 /metadata/annotations/eventing.knative.dev~1broker.class`,
    hint: /classes this build runs: MTChannelBasedBroker/,
  },
  {
    code: E.BROKER_NOT_FOUND,
    name: "a misspelt broker",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: defualt
  subscriber: {uri: http://127.0.0.1:9000/}
`),
    expect: `error ${E.BROKER_NOT_FOUND} 6:11 /spec/broker`,
    hint: /did you mean "default"\?/,
  },
  {
    code: E.INVALID_FILTER,
    name: "two dialects in one filter",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {uri: http://127.0.0.1:9000/}
  filters:
    - exact: {type: a}
      prefix: {source: /b}
`),
    expect: `error ${E.INVALID_FILTER} 9:7 /spec/filters/0`,
  },
  {
    code: E.INVALID_ATTRIBUTE_NAME,
    name: "an upper-case attribute in filter.attributes",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {uri: http://127.0.0.1:9000/}
  filter:
    attributes:
      Type: com.example
`),
    expect: `error ${E.INVALID_ATTRIBUTE_NAME} 10:7 /spec/filter/attributes/Type`,
    hint: /use "type"/,
  },
  {
    code: E.INVALID_CESQL,
    name: "a CESQL syntax error, at its column in a quoted scalar",
    skip: !CESQL_AVAILABLE,
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {uri: http://127.0.0.1:9000/}
  filters:
    - cesql: "type = 'a' AND AND source = 'b'"
`),
    expect: `error ${E.INVALID_CESQL} 9:27 /spec/filters/0/cesql`,
  },
  {
    code: E.FILTER_IGNORED,
    name: "filter and filters together",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {uri: http://127.0.0.1:9000/}
  filter:
    attributes: {type: a}
  filters:
    - exact: {type: b}
`),
    expect: `warning ${E.FILTER_IGNORED} 8:3 /spec/filter`,
  },
  {
    code: E.EMPTY_DELIVERY,
    name: "an empty trigger delivery",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {uri: http://127.0.0.1:9000/}
  delivery: {}
`),
    expect: `warning ${E.EMPTY_DELIVERY} 8:3 /spec/delivery`,
  },
  {
    code: E.INVALID_DESTINATION,
    name: "a subscriber with neither ref nor uri",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber: {}
`),
    expect: `error ${E.INVALID_DESTINATION} 7:15 /spec/subscriber`,
  },
  {
    code: E.INVALID_DESTINATION,
    name: "an absolute uri next to a ref",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber:
    ref: {apiVersion: v1, kind: Service, name: fn}
    uri: http://example.com/x
`),
    options: { sinks: ["fn=http://127.0.0.1:9000"] },
    expect: `error ${E.INVALID_DESTINATION} 9:10 /spec/subscriber/uri`,
  },
  {
    code: E.UNRESOLVED_REF,
    name: "a Service ref without address",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: hello
`),
    expect: `error ${E.UNRESOLVED_REF} 8:5 /spec/subscriber/ref`,
    hint: /^pass --sink Service\/hello=http:\/\/127\.0\.0\.1:9000 or add metadata\.annotations\["sluice\.dev\/address"\] to the Service manifest/,
  },
  {
    code: E.UNSUPPORTED_REF,
    name: "a Sequence ref",
    yaml: plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t
spec:
  broker: default
  subscriber:
    ref: {apiVersion: flows.knative.dev/v1, kind: Sequence, name: seq}
`),
    expect: `error ${E.UNSUPPORTED_REF} 8:10 /spec/subscriber/ref`,
  },
  {
    code: E.CONFIG_NOT_FOUND,
    name: "a Broker config that is not in the set",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  config:
    apiVersion: v1
    kind: ConfigMap
    name: kafka-broker-config
`,
    expect: `error ${E.CONFIG_NOT_FOUND} 6:3 /spec/config`,
    hint: /add a ConfigMap manifest named "kafka-broker-config" in namespace "default"/,
  },
  {
    code: E.INVALID_CONFIG,
    name: "a Broker config of another kind",
    yaml: `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  config: {apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel, name: imc}
`,
    expect: `error ${E.INVALID_CONFIG} 6:11 /spec/config`,
  },
  {
    code: E.INVALID_BASE64,
    name: "Secret data that is not base64",
    yaml: `
apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  password: hunter2!
`,
    expect: `error ${E.INVALID_BASE64} 6:13 /data/password`,
  },
  {
    code: E.INVALID_DEFAULTS,
    name: "config-br-defaults without default-br-config",
    yaml: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-br-defaults
  namespace: knative-eventing
data: {}
`,
    expect: `error ${E.INVALID_DEFAULTS} 6:1 /data/default-br-config`,
  },
  {
    code: E.SECRET_NOT_FOUND,
    name: "an env secret that is not set",
    yaml: plusBroker(`
apiVersion: sources.example.dev/v1
kind: TickSource
metadata:
  name: tick
spec:
  interval: PT1S
  token: {env: TICK_TOKEN}
  sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
`),
    options: { plugins },
    expect: `error ${E.SECRET_NOT_FOUND} 7:16 /spec/token/env`,
    hint: /set TICK_TOKEN/,
  },
  {
    code: E.INVALID_SINK_FLAG,
    name: "a --sink without URL",
    yaml: "",
    options: { sinks: ["Service/hello=http://127.0.0.1:9000", "hello"] },
    expect: `error ${E.INVALID_SINK_FLAG} 2:1 `,
  },
  {
    code: E.UNUSED_SINK_FLAG,
    name: "a --sink nothing refers to",
    yaml: "",
    options: { sinks: ["hello=http://127.0.0.1:9000"] },
    expect: `warning ${E.UNUSED_SINK_FLAG} 1:1 `,
  },
  {
    code: E.PLUGIN_FAILED,
    name: "a plugin that throws",
    yaml: plusBroker(`
apiVersion: sources.example.dev/v1
kind: TickSource
metadata:
  name: tick
spec:
  crash: true
  sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
`),
    options: { plugins },
    expect: `error ${E.PLUGIN_FAILED} 5:1 /spec`,
  },
];

describe("every diagnostic code, at the offending key or value", () => {
  for (const c of cases) {
    it(`${c.code}: ${c.name}`, { skip: c.skip === true ? "needs @sluice/cesql" : false }, () => {
      const result = load(c.yaml, c.options);
      const match = result.diagnostics.find((d) => brief(d) === c.expect);
      assert.ok(match, `expected "${c.expect}" in:\n${dump(result)}`);
      if (c.hint !== undefined) assert.match(match.hint ?? "", c.hint);
      if (c.expect.startsWith("error")) assert.equal(result.resources, undefined);
    });
  }

  // READ_FAILED and NO_MANIFESTS come from the file system: see files.test.ts.
  const fileCodes = new Set<string>([E.READ_FAILED, E.NO_MANIFESTS]);

  it("covers every code of ManifestErrors", () => {
    const covered = new Set(cases.map((c) => c.code));
    const missing = Object.values(E).filter((code) => !covered.has(code) && !fileCodes.has(code));
    assert.deepEqual(missing, []);
  });

  it("documents every code in the README and docs/manifests.md", () => {
    const root = process.env.SLUICE_REPO_ROOT ?? join(import.meta.dirname, "../../..");
    const readme = readFileSync(join(root, "packages/manifests/README.md"), "utf8");
    const reference = readFileSync(join(root, "docs/manifests.md"), "utf8");
    for (const code of Object.values(E)) {
      assert.ok(readme.includes(code), `${code} missing from packages/manifests/README.md`);
      assert.ok(reference.includes(code), `${code} missing from docs/manifests.md`);
    }
  });
});
