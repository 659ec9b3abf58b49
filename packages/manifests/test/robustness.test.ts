import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tickPlugin } from "./fake-plugin.js";
import { load } from "./helpers.js";

// Bad input of any shape gets diagnostics, never an exception (PRODUCT.md §9).
const WEIRD = [
  "~",
  "[]",
  "{}",
  "0",
  "-1",
  "1.5",
  "true",
  "''",
  "'x'",
  "[1, {a: b}]",
  "{a: [null]}",
  "!!binary aGk=",
];

const TEMPLATE = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
  annotations: {eventing.knative.dev/broker.class: "@1"}
spec:
  config: @2
  delivery: {retry: @3, backoffDelay: @4, deadLetterSink: @5}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: t, namespace: @6, labels: @7}
spec:
  broker: @8
  filter: {attributes: @9}
  filters: [@10, {all: @11}, {not: @12}, {cesql: @13}]
  subscriber: {ref: @14, uri: @15}
  delivery: @16
---
apiVersion: sources.example.dev/v1
kind: TickSource
metadata: {name: tick}
spec: {interval: @17, token: @18, sink: @19, ceOverrides: @20, target: @21}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
data: @22
stringData: @23
---
apiVersion: v1
kind: ConfigMap
metadata: {name: config-br-defaults}
data:
  default-br-config: "clusterDefault: {brokerClass: @24, delivery: @25, brokerClasses: @26}\\nnamespaceDefaults: @27"
`;

describe("robustness", () => {
  it("never throws, whatever value each field holds", () => {
    let loads = 0;
    for (let slot = 1; slot <= 27; slot++) {
      for (const weird of WEIRD) {
        const text = TEMPLATE.replace(/@(\d+)/g, (_, n) =>
          Number(n) === slot ? weird : Number(n) === 1 ? "MTChannelBasedBroker" : "~",
        );
        const result = load(text, { plugins: [tickPlugin] });
        assert.ok(Array.isArray(result.diagnostics));
        if (result.resources !== undefined) loads += 1;
      }
    }
    // The template's defaults leave required fields empty, so nothing loads: all were diagnosed.
    assert.equal(loads, 0);
  });

  it("handles top-level scalars, aliases loops and huge alias expansions", () => {
    for (const text of ["42", "'just text'", "&a [*a]", "a: &x [1]\nb: *x\n", "- &x {a: 1}\n- *x\n"]) {
      assert.doesNotThrow(() => load(text));
    }
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]"]
      .concat(["c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]"])
      .join("\n");
    const result = load(bomb);
    assert.ok(result.diagnostics.some((d) => d.severity === "error"));
  });
});
