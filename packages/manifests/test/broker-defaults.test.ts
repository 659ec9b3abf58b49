import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManifestErrors } from "@sluice/manifests";
import { brief, dump, load } from "./helpers.js";

const E = ManifestErrors;

// Line 8 of these texts is the first line of the embedded YAML.
const head = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-br-defaults
  namespace: knative-eventing
data:
  default-br-config: |
`;

const brokerDoc = "---\napiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: default}\n";

describe("config-br-defaults", () => {
  it("points a bad value inside default-br-config at its line and column in the outer file", () => {
    const result = load(`${head}    clusterDefault:
      brokerClass: MTChannelBasedBroker
      delivery:
        retry: many
        backoffPolicy: exponential
${brokerDoc}`);
    assert.deepEqual(result.diagnostics.map(brief), [
      `error ${E.INVALID_TYPE} 11:16 /data/default-br-config/clusterDefault/delivery/retry`,
    ]);
  });

  it("points a YAML syntax error inside default-br-config at the outer line", () => {
    const result = load(`${head}    clusterDefault:
      delivery:
        retry: 3
       backoffDelay: PT1S
${brokerDoc}`);
    const d = result.diagnostics.find((x) => x.code === E.YAML_SYNTAX);
    assert.ok(d, dump(result));
    assert.equal(d.line, 11);
    assert.equal(d.pointer, "/data/default-br-config");
  });

  it("warns about unknown fields inside it with did-you-mean", () => {
    const result = load(`${head}    clusterDefault:
      brokerclass: Kafka
    namespaceDefault: {}
${brokerDoc}`);
    assert.deepEqual(
      result.diagnostics.map((d) => `${brief(d)} ${d.hint}`),
      [
        `warning ${E.UNKNOWN_FIELD} 9:7 /data/default-br-config/clusterDefault/brokerclass did you mean "brokerClass"?`,
        `warning ${E.UNKNOWN_FIELD} 10:5 /data/default-br-config/namespaceDefault did you mean "namespaceDefaults"?`,
      ],
    );
  });

  it("reports an unknown default class once, where config-br-defaults sets it", () => {
    const result = load(
      `${head}    clusterDefault:\n      brokerClass: RabbitMQBroker\n${brokerDoc}${brokerDoc.replace("default}", "second}")}`,
      { brokerClasses: new Map([["MTChannelBasedBroker", "embedded"]]) },
    );
    assert.deepEqual(result.diagnostics.map(brief), [
      `error ${E.UNKNOWN_BROKER_CLASS} 9:20 /data/default-br-config/clusterDefault/brokerClass`,
    ]);
  });

  it("rejects a second config-br-defaults", () => {
    const other = head.replace("knative-eventing", "other");
    const result = load(`${head}    clusterDefault: {}\n---\n${other.slice(1)}    clusterDefault: {}\n`);
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      [E.INVALID_DEFAULTS],
    );
    assert.equal(result.diagnostics[0]?.line, 13);
  });

  it("rejects a default-br-config that is not a mapping", () => {
    const result = load(`${head}    - clusterDefault\n`);
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      [E.INVALID_DEFAULTS],
    );
  });

  it("warns about other data keys but not _example ones", () => {
    const result = load(`${head}    clusterDefault: {}\n  _example: "docs"\n  extra: "x"\n`);
    assert.deepEqual(result.diagnostics.map(brief), [`warning ${E.UNKNOWN_FIELD} 10:3 /data/extra`]);
  });

  it("only warns when the default broker config is not in the set", () => {
    const result = load(`${head}    clusterDefault:
      brokerClass: MTChannelBasedBroker
      apiVersion: v1
      kind: ConfigMap
      name: config-br-default-channel
      namespace: knative-eventing
${brokerDoc}`);
    assert.deepEqual(result.diagnostics.map(brief), [
      `warning ${E.CONFIG_NOT_FOUND} 8:5 /data/default-br-config/clusterDefault`,
    ]);
    assert.equal(result.resources?.brokers[0]?.config, undefined);
  });
});
