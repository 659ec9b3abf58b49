import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_BROKER_DELIVERY, DEFAULT_DELIVERY_FIELDS } from "@sluice/core";
import { ManifestErrors } from "@sluice/manifests";
import { dump, INGRESS, load } from "./helpers.js";

const E = ManifestErrors;

function broker(name: string, extra = "", namespace?: string): string {
  const ns = namespace === undefined ? "" : `\n  namespace: ${namespace}`;
  return `apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata:\n  name: ${name}${ns}\n${extra}`;
}

function trigger(name: string, spec: string, meta = ""): string {
  return `apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: ${name}\n${meta}spec:\n  broker: default\n${spec}`;
}

const SUB = "  subscriber: {uri: http://127.0.0.1:9000/}\n";

function ok(yaml: string, options = {}) {
  const result = load(yaml, options);
  assert.ok(result.resources, `unexpected errors:\n${dump(result)}`);
  return result.resources;
}

describe("defaults", () => {
  it("puts manifests without namespace in 'default', or in defaultNamespace", () => {
    const yaml = [broker("default"), trigger("t", SUB)].join("---\n");
    assert.equal(ok(yaml).brokers[0]?.namespace, "default");
    const other = ok(yaml, { defaultNamespace: "team-a" });
    assert.equal(other.brokers[0]?.id, "team-a/default");
    assert.equal(other.triggers[0]?.id, "team-a/t");
  });

  it("defaults the broker class to MTChannelBasedBroker and keeps an explicit one", () => {
    const r = ok(
      [
        broker("default"),
        broker("k", "spec: {}\n").replace(
          "  name: k",
          "  name: k\n  annotations: {eventing.knative.dev/broker.class: Kafka}",
        ),
      ].join("---\n"),
    );
    assert.deepEqual(
      r.brokers.map((b) => b.brokerClass),
      ["MTChannelBasedBroker", "Kafka"],
    );
  });

  it("gives a Broker without delivery the built-in DEFAULT_BROKER_DELIVERY", () => {
    assert.deepEqual(ok(broker("default")).brokers[0]?.delivery, DEFAULT_BROKER_DELIVERY);
  });

  it("parses durations into milliseconds and fills missing fields from DEFAULT_DELIVERY_FIELDS", () => {
    const r = ok(
      broker(
        "default",
        "spec:\n  delivery:\n    backoffDelay: PT0.5S\n    timeout: PT1M\n    retryAfterMax: PT0S\n",
      ),
    );
    assert.deepEqual(r.brokers[0]?.delivery, {
      retry: DEFAULT_DELIVERY_FIELDS.retry,
      backoffPolicy: "exponential",
      backoffDelayMs: 500,
      timeoutMs: 60_000,
      retryAfterMaxMs: 0,
      deadLetterSink: undefined,
    });
  });
});

describe("delivery precedence", () => {
  const brokerDelivery =
    "spec:\n  delivery:\n    retry: 5\n    backoffPolicy: linear\n    backoffDelay: PT1S\n    deadLetterSink: {uri: http://127.0.0.1:9999/dls}\n";

  it("a trigger without delivery uses its broker's", () => {
    const r = ok([broker("default", brokerDelivery), trigger("t", SUB)].join("---\n"));
    assert.deepEqual(r.triggers[0]?.delivery, r.brokers[0]?.delivery);
    assert.equal(r.triggers[0]?.deliveryOrigin, "broker");
    assert.equal(r.triggers[0]?.delivery.retry, 5);
  });

  it("a trigger's delivery replaces the broker's entirely, never field by field", () => {
    const r = ok(
      [broker("default", brokerDelivery), trigger("t", `${SUB}  delivery:\n    retry: 1\n`)].join("---\n"),
    );
    assert.deepEqual(r.triggers[0]?.delivery, {
      ...DEFAULT_DELIVERY_FIELDS,
      retry: 1,
      deadLetterSink: undefined, // not the broker's DLS
    });
    assert.equal(r.triggers[0]?.deliveryOrigin, "trigger");
  });

  it("an empty trigger delivery still replaces the broker's (with a warning)", () => {
    const result = load(
      [broker("default", brokerDelivery), trigger("t", `${SUB}  delivery: {}\n`)].join("---\n"),
    );
    assert.equal(result.resources?.triggers[0]?.delivery.retry, 0);
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      [E.EMPTY_DELIVERY],
    );
  });

  const defaults = (body: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-br-defaults\n  namespace: knative-eventing\ndata:\n  default-br-config: |\n${body
      .split("\n")
      .map((l) => `    ${l}`)
      .join("\n")}\n`;

  it("a broker without delivery gets config-br-defaults' cluster delivery, other fields defaulted", () => {
    const r = ok(
      [defaults("clusterDefault:\n  delivery:\n    retry: 3"), broker("default"), trigger("t", SUB)].join(
        "---\n",
      ),
    );
    assert.deepEqual(r.brokers[0]?.delivery, {
      ...DEFAULT_DELIVERY_FIELDS,
      retry: 3,
      deadLetterSink: undefined,
    });
    assert.deepEqual(r.triggers[0]?.delivery, r.brokers[0]?.delivery);
  });

  it("the namespace default wins over the cluster default, and a broker's own delivery over both", () => {
    const r = ok(
      [
        defaults(
          "clusterDefault:\n  delivery: {retry: 3}\nnamespaceDefaults:\n  team-a:\n    delivery: {retry: 7, deadLetterSink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: dlq}}}",
        ),
        broker("default", "", "team-a"),
        broker("dlq", "", "team-a"),
        broker("default", "", "team-b"),
        broker("own", "spec:\n  delivery: {retry: 1}\n", "team-a"),
      ].join("---\n"),
    );
    const byId = new Map(r.brokers.map((b) => [b.id, b.delivery]));
    assert.equal(byId.get("team-a/default")?.retry, 7);
    // The defaults' dead-letter ref resolves in the broker's namespace.
    assert.deepEqual(byId.get("team-a/default")?.deadLetterSink, {
      url: `${INGRESS}/team-a/dlq`,
      broker: { namespace: "team-a", name: "dlq" },
    });
    assert.equal(byId.get("team-b/default")?.retry, 3);
    assert.equal(byId.get("team-a/own")?.retry, 1);
  });

  it("takes the class from config-br-defaults and per-class delivery from brokerClasses", () => {
    const r = ok(
      [
        defaults(
          "clusterDefault:\n  brokerClass: Kafka\n  delivery: {retry: 2}\n  brokerClasses:\n    MTChannelBasedBroker:\n      delivery: {retry: 9}\nnamespaceDefaults:\n  team-a:\n    brokerClass: MTChannelBasedBroker",
        ),
        broker("default"),
        broker("default", "", "team-a"),
      ].join("---\n"),
    );
    assert.deepEqual(
      r.brokers.map((b) => [b.id, b.brokerClass, b.delivery.retry]),
      [
        ["default/default", "Kafka", 2],
        ["team-a/default", "MTChannelBasedBroker", 9],
      ],
    );
  });

  it("applies the default config ConfigMap of config-br-defaults when it is in the set", () => {
    const r = ok(
      [
        defaults(
          "clusterDefault:\n  apiVersion: v1\n  kind: ConfigMap\n  name: kafka-config\n  namespace: knative-eventing",
        ),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kafka-config, namespace: knative-eventing}\ndata: {bootstrap.servers: 'localhost:9092'}\n",
        broker("default"),
      ].join("---\n"),
    );
    assert.deepEqual(r.brokers[0]?.config, { "bootstrap.servers": "localhost:9092" });
  });
});

describe("broker config", () => {
  it("reads a ConfigMap's data and a Secret's base64 data and stringData", () => {
    const r = ok(
      [
        broker("cm", "spec:\n  config: {apiVersion: v1, kind: ConfigMap, name: cfg}\n"),
        broker("sec", "spec:\n  config: {apiVersion: v1, kind: Secret, name: creds, namespace: ops}\n"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {topic.partitions: '10'}\nbinaryData: {blob: aGk=}\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: ops}\ndata: {user: YWxpY2U=, password: eA==}\nstringData: {password: s3cret}\n",
      ].join("---\n"),
    );
    assert.deepEqual(r.brokers[0]?.config, { "topic.partitions": "10", blob: "hi" });
    assert.deepEqual(r.brokers[1]?.config, { user: "alice", password: "s3cret" });
  });

  it("hints at the ConfigMaps that exist when the name is close", () => {
    const result = load(
      [
        broker("default", "spec:\n  config: {apiVersion: v1, kind: ConfigMap, name: kafka-confg}\n"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kafka-config}\n",
      ].join("---\n"),
    );
    const d = result.diagnostics.find((x) => x.code === E.CONFIG_NOT_FOUND);
    assert.equal(d?.hint, 'did you mean "kafka-config"?');
  });
});

describe("destinations (PRODUCT.md §8)", () => {
  const withSubscriber = (subscriber: string, extra: string[] = []) =>
    [broker("default"), trigger("t", `  subscriber:\n${subscriber}`), ...extra].join("---\n");
  const service = "    ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: hello}\n";
  const url = (yaml: string, options = {}) => ok(yaml, options).triggers[0]?.subscriber;

  it("takes an absolute uri as is", () => {
    assert.deepEqual(url(withSubscriber("    uri: https://fn.example.com/x?y=1\n")), {
      url: "https://fn.example.com/x?y=1",
    });
  });

  it("resolves a Broker ref to the ingress address and names the broker", () => {
    const yaml = withSubscriber(
      "    ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: other, namespace: ops}\n",
      [broker("other", "", "ops")],
    );
    assert.deepEqual(url(yaml, { ingressUrl: `${INGRESS}/` }), {
      url: `${INGRESS}/ops/other`,
      broker: { namespace: "ops", name: "other" },
    });
  });

  it("resolves --sink KIND/NAME (kind in any case), then --sink NAME", () => {
    assert.deepEqual(url(withSubscriber(service), { sinks: ["service/hello=http://127.0.0.1:9001/"] }), {
      url: "http://127.0.0.1:9001/",
    });
    assert.deepEqual(url(withSubscriber(service), { sinks: ["hello=http://127.0.0.1:9002/"] }), {
      url: "http://127.0.0.1:9002/",
    });
    const both = { sinks: ["hello=http://127.0.0.1:9002/", "Service/hello=http://127.0.0.1:9001/"] };
    assert.deepEqual(url(withSubscriber(service), both), { url: "http://127.0.0.1:9001/" });
  });

  it("resolves the sluice.dev/address annotation of the referenced manifest, after --sink", () => {
    const svc =
      "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hello\n  annotations: {sluice.dev/address: 'http://127.0.0.1:9003/'}\n";
    const result = load(withSubscriber(service, [svc]));
    assert.deepEqual(result.resources?.triggers[0]?.subscriber, { url: "http://127.0.0.1:9003/" });
    assert.deepEqual(result.diagnostics, [], "a referenced unknown kind is not reported as ignored");
    assert.deepEqual(url(withSubscriber(service, [svc]), { sinks: ["hello=http://127.0.0.1:9004/"] }), {
      url: "http://127.0.0.1:9004/",
    });
  });

  it("resolves a relative uri against the ref's address", () => {
    const sinks = { sinks: ["Service/hello=http://127.0.0.1:9000/base/"] };
    assert.equal(
      url(withSubscriber(`${service}    uri: hook\n`), sinks)?.url,
      "http://127.0.0.1:9000/base/hook",
    );
    assert.equal(
      url(withSubscriber(`${service}    uri: /path?x=1\n`), sinks)?.url,
      "http://127.0.0.1:9000/path?x=1",
    );
  });

  it("says where the manifest is when it lacks the address annotation", () => {
    const svc = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hello\n";
    const result = load(withSubscriber(service, [svc]));
    const d = result.diagnostics.find((x) => x.code === E.UNRESOLVED_REF);
    assert.equal(
      d?.hint,
      'pass --sink Service/hello=http://127.0.0.1:9000 or add metadata.annotations["sluice.dev/address"] to the Service manifest (test.yaml:15)',
    );
    assert.equal(result.diagnostics.filter((x) => x.code === E.UNKNOWN_KIND).length, 0);
  });

  it("reports an invalid address annotation where it is", () => {
    const svc =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: hello\n  annotations:\n    sluice.dev/address: 127.0.0.1:9000\n";
    const result = load(withSubscriber("    ref: {apiVersion: v1, kind: Service, name: hello}\n", [svc]));
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.code} ${d.line}`),
      [`${E.INVALID_URI} 20`],
    );
  });

  it("resolves dead-letter sinks the same way, in the referrer's namespace", () => {
    const r = ok(
      [
        broker(
          "default",
          "spec:\n  delivery:\n    deadLetterSink:\n      ref: {apiVersion: v1, kind: Service, name: dls}\n      uri: /dead\n",
        ),
      ].join("---\n"),
      { sinks: ["dls=http://127.0.0.1:9005"] },
    );
    assert.deepEqual(r.brokers[0]?.delivery.deadLetterSink, { url: "http://127.0.0.1:9005/dead" });
  });

  it("hints the Broker's namespace when a Broker ref misses it", () => {
    const result = load(
      withSubscriber("    ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: dflt}\n"),
    );
    assert.match(result.diagnostics[0]?.hint ?? "", /Brokers in namespace "default": default/);
  });
});
