import { ManifestErrors as E } from "@sluice/manifests";
import type { CodeCase } from "./code-case.js";
import { plusBroker } from "./helpers.js";

/** Diagnostics about the YAML and the shape of manifests; line numbers count from the first line of `yaml`. */
export const structureCases: CodeCase[] = [
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
];
