import { ManifestErrors as E } from "@sluice/manifests";
import type { CodeCase } from "./code-case.js";
import { tickPlugin } from "./fake-plugin.js";
import { plusBroker } from "./helpers.js";

const plugins = [tickPlugin];

/** Diagnostics about meaning: references, filters, delivery, config, secrets, flags, plugins. */
export const semanticCases: CodeCase[] = [
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
    expect: `error ${E.INVALID_CESQL} 9:30 /spec/filters/0/cesql`,
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
  {
    code: E.PATH_CONFLICT,
    name: "two webhook sources on one path",
    yaml: plusBroker(`
apiVersion: sources.example.dev/v1
kind: TickSource
metadata:
  name: a
spec:
  interval: PT1S
  path: /hook
  sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
---
apiVersion: sources.example.dev/v1
kind: TickSource
metadata:
  name: b
spec:
  interval: PT1S
  path: /hook
  sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
`),
    options: { plugins },
    expect: `error ${E.PATH_CONFLICT} 14:1 /spec`,
  },
  {
    code: E.PATH_CONFLICT,
    name: "a webhook path that is a broker address",
    yaml: plusBroker(`
apiVersion: sources.example.dev/v1
kind: TickSource
metadata:
  name: a
spec:
  interval: PT1S
  path: /default/default
  sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}}
`),
    options: { plugins },
    expect: `error ${E.PATH_CONFLICT} 5:1 /spec`,
  },
];
