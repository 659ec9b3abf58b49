import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileFilter } from "@sluice/filters";
import { dump, load, plusBroker } from "./helpers.js";

// What `sluice validate` accepts, `sluice run` must run: every trigger the loader accepts must
// compile in @sluice/filters, and what @sluice/filters refuses the loader must refuse first.
const trigger = (filters: string) =>
  plusBroker(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: t}
spec:
  broker: default
  subscriber: {uri: "http://127.0.0.1:9000/"}
${filters}`);

const ACCEPTED = [
  "  filter: {attributes: {type: a, source: ''}}\n",
  "  filter: {attributes: {}}\n",
  "  filters:\n    - exact: {type: a, source: /b, myext1: 'ü'}\n",
  "  filters:\n    - prefix: {type: com.}\n    - suffix: {subject: .json}\n",
  '  filters:\n    - any: [{exact: {type: a}}, {not: {all: [{prefix: {type: b}}, {cesql: "EXISTS x"}]}}]\n',
  "  filters:\n    - cesql: \"type LIKE 'com.%' AND (UPPER(source) = 'X' OR INT(myint) > 3)\"\n",
  '  filters:\n    - cesql: "BOOL(myflag)"\n',
  "  filter: {attributes: {type: a}}\n  filters:\n    - exact: {type: b}\n",
];

const REJECTED = [
  "  filters:\n    - cesql: myflag\n",
  '  filters:\n    - cesql: "1 + 2"\n',
  '  filters:\n    - cesql: "type = "\n',
  '  filters:\n    - cesql: "NOPE(type)"\n',
  "  filters:\n    - exact: {type: ''}\n",
  "  filters:\n    - exact: {Type: a}\n",
  "  filters:\n    - {exact: {type: a}, prefix: {type: b}}\n",
  "  filters:\n    - any: []\n",
  "  filter: {attributes: {TYPE: a}}\n",
];

describe("the loader and @sluice/filters agree", () => {
  for (const filters of ACCEPTED) {
    it(`accepted and compiled: ${JSON.stringify(filters.trim())}`, () => {
      const result = load(trigger(filters));
      const t = result.resources?.triggers[0];
      assert.ok(t, dump(result));
      assert.doesNotThrow(() => compileFilter(t));
    });
  }
  for (const filters of REJECTED) {
    it(`rejected at load: ${JSON.stringify(filters.trim())}`, () => {
      const result = load(trigger(filters));
      assert.equal(result.resources, undefined);
      assert.ok(result.diagnostics.some((d) => d.severity === "error"));
    });
  }
});
