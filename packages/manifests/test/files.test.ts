import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadManifests, ManifestErrors } from "@sluice/manifests";
import { brief, dump, INGRESS } from "./helpers.js";

const E = ManifestErrors;
const fixtures = join(import.meta.dirname, "fixtures");
const pipeline = join(fixtures, "pipeline");
const BILLING = "Service/billing=http://127.0.0.1:9092/";

describe("loadManifests (files and folders)", () => {
  it("walks folders recursively, *.yaml and *.yml only, hidden entries skipped, sorted", async () => {
    const result = await loadManifests([pipeline], { ingressUrl: INGRESS, sinks: [BILLING] });
    assert.deepEqual(
      result.files.map((f) => f.slice(pipeline.length + 1)),
      ["10-broker.yaml", "20-services.yaml", "triggers/orders.yml"],
    );
    assert.ok(result.resources, dump(result));
    assert.deepEqual(result.diagnostics, []);
  });

  it("resolves across files: the broker's DLS by annotation, a subscriber ref with a relative uri", async () => {
    const result = await loadManifests([pipeline], {
      ingressUrl: INGRESS,
      sinks: [BILLING],
    });
    const r = result.resources;
    assert.ok(r, dump(result));
    assert.deepEqual(r.brokers[0]?.delivery.deadLetterSink, { url: "http://127.0.0.1:9090/dead" });
    assert.deepEqual(
      r.triggers.map((t) => [t.id, t.subscriber.url, t.deliveryOrigin, t.delivery.retry, t.ordered]),
      [
        ["shop/order-created", "http://127.0.0.1:9092/orders", "broker", 3, false],
        ["shop/audit", "http://127.0.0.1:9091/audit", "trigger", 1, true],
      ],
    );
    assert.equal(r.triggers[0]?.location.file, join(pipeline, "triggers/orders.yml"));
    assert.deepEqual(r.triggers[1]?.location, {
      file: join(pipeline, "triggers/orders.yml"),
      line: 17,
      column: 1,
    });
  });

  it("reads a file given twice (directly and through its folder) once", async () => {
    const broker = join(pipeline, "10-broker.yaml");
    const result = await loadManifests([broker, pipeline], { ingressUrl: INGRESS, sinks: [BILLING] });
    assert.equal(result.files.length, 3);
    assert.equal(result.files[0], broker);
    assert.ok(!result.diagnostics.some((d) => d.code === E.DUPLICATE));
  });

  it("reports errors of several files in file order", async () => {
    const result = await loadManifests([join(fixtures, "invalid")], { ingressUrl: INGRESS });
    assert.equal(result.resources, undefined);
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.file.slice(fixtures.length + 1)} ${brief(d)}`),
      [
        `invalid/a.yaml error ${E.BROKER_NOT_FOUND} 7:11 /spec/broker`,
        `invalid/b.yaml error ${E.INVALID_NAME} 4:9 /metadata/name`,
      ],
    );
  });

  it("reports a path that does not exist, and keeps loading the others", async () => {
    const missing = join(fixtures, "nope.yaml");
    const result = await loadManifests([missing, pipeline], { ingressUrl: INGRESS, sinks: [BILLING] });
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.file} ${brief(d)}`),
      [`${missing} error ${E.READ_FAILED} 1:1 `],
    );
    assert.equal(result.files.length, 3);
    assert.equal(result.resources, undefined);
  });

  it("reports a folder without manifests", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-manifests-"));
    try {
      const result = await loadManifests([dir], { ingressUrl: INGRESS });
      assert.deepEqual(
        result.diagnostics.map((d) => `${d.severity} ${d.code}`),
        [`warning ${E.NO_MANIFESTS}`, `error ${E.NO_MANIFESTS}`],
      );
      assert.equal(result.resources, undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
