import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BrokerResource, TriggerResource } from "@sluice/core";
import { ManifestErrors } from "@sluice/manifests";
import { tickPlugin } from "./fake-plugin.js";
import { dump, INGRESS, load } from "./helpers.js";

const PIPELINE = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
  namespace: shop
  annotations:
    eventing.knative.dev/broker.class: MTChannelBasedBroker
spec:
  delivery:
    retry: 2
    deadLetterSink: {uri: "http://127.0.0.1:9999/dls"}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: orders
  namespace: shop
  labels: {app: shop}
  annotations:
    kafka.eventing.knative.dev/delivery.order: ordered
spec:
  broker: default
  filter:
    attributes: {source: /orders}
  filters:
    - any: [{exact: {type: a}}, {prefix: {type: b}}]
  subscriber: {uri: "http://127.0.0.1:9000/"}
---
apiVersion: sources.example.dev/v1
kind: TickSource
metadata: {name: tick, namespace: shop}
spec:
  interval: PT1S
  labels: [x]
  sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
`;

function assertDeepFrozen(value: unknown, path: string): void {
  if (typeof value !== "object" || value === null) return;
  assert.ok(Object.isFrozen(value), `${path} is not frozen`);
  for (const [key, item] of Object.entries(value)) assertDeepFrozen(item, `${path}.${key}`);
}

describe("resources", () => {
  const result = load(PIPELINE, { plugins: [tickPlugin] });

  it("have exactly the core shapes", () => {
    assert.ok(result.resources, dump(result));
    const delivery = {
      retry: 2,
      backoffPolicy: "exponential",
      backoffDelayMs: 200,
      timeoutMs: 30_000,
      retryAfterMaxMs: 60_000,
      deadLetterSink: { url: "http://127.0.0.1:9999/dls" },
    } as const;
    const broker: BrokerResource = {
      namespace: "shop",
      name: "default",
      id: "shop/default",
      brokerClass: "MTChannelBasedBroker",
      delivery,
      config: undefined,
      annotations: { "eventing.knative.dev/broker.class": "MTChannelBasedBroker" },
      location: { file: "test.yaml", line: 1, column: 1 },
    };
    const trigger: TriggerResource = {
      namespace: "shop",
      name: "orders",
      id: "shop/orders",
      broker: "default",
      filterAttributes: { source: "/orders" },
      filters: [{ any: [{ exact: { type: "a" } }, { prefix: { type: "b" } }] }],
      subscriber: { url: "http://127.0.0.1:9000/" },
      delivery,
      deliveryOrigin: "broker",
      ordered: true,
      annotations: { "kafka.eventing.knative.dev/delivery.order": "ordered" },
      location: { file: "test.yaml", line: 13, column: 1 },
    };
    assert.deepEqual(result.resources.brokers, [broker]);
    assert.deepEqual(result.resources.triggers, [trigger]);
    assert.equal(result.resources.sources[0]?.sink.url, `${INGRESS}/shop/default`);
  });

  it("are deeply frozen, plugin specs included, and so are the result and diagnostics", () => {
    assertDeepFrozen(result.resources, "resources");
    assert.ok(Object.isFrozen(result));
    assert.ok(Object.isFrozen(result.diagnostics));
    const withWarning = load(`${PIPELINE}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n`, {
      plugins: [tickPlugin],
    });
    assert.deepEqual(
      withWarning.diagnostics.map((d) => `${d.severity} ${d.code}`),
      [`warning ${ManifestErrors.FILTER_IGNORED}`, `warning ${ManifestErrors.UNKNOWN_KIND}`],
      dump(withWarning),
    );
    assert.ok(Object.isFrozen(withWarning.diagnostics[1]));
    assert.ok(withWarning.resources, "warnings do not block resources");
  });
});
