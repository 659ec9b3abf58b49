import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeliveryResult } from "@sluice/delivery";
import { MetricsRegistry } from "../src/metrics.js";
import { RuntimeMetrics } from "../src/runtime-metrics.js";

describe("MetricsRegistry", () => {
  it("renders counters, gauges and histograms in Prometheus text format", () => {
    const r = new MetricsRegistry();
    const c = r.counter("x_total", "Things.", ["broker"]);
    c.labels('ns/"b"').inc();
    c.labels('ns/"b"').inc(2);
    r.gauge("g", "A gauge.").labels().set(7);
    const cb = r.gaugeCallback("cb", "Callback.", ["k"]);
    let value = 1;
    cb.set(["a"], () => value);
    const h = r.histogram("lat_seconds", "Latency.", ["t"], [0.1, 1]);
    h.labels("t1").observe(0.05);
    h.labels("t1").observe(0.5);
    h.labels("t1").observe(5);
    value = 42;
    const text = r.render();
    assert.match(text, /# TYPE x_total counter\nx_total\{broker="ns\/\\"b\\""\} 3/);
    assert.match(text, /\ng 7\n/);
    assert.match(text, /\ncb\{k="a"\} 42\n/);
    assert.match(text, /lat_seconds_bucket\{t="t1",le="0.1"\} 1\n/);
    assert.match(text, /lat_seconds_bucket\{t="t1",le="1"\} 2\n/);
    assert.match(text, /lat_seconds_bucket\{t="t1",le="\+Inf"\} 3\n/);
    assert.match(text, /lat_seconds_count\{t="t1"\} 3\n/);
    assert.match(text, /lat_seconds_sum\{t="t1"\} 5.55\n/);
  });

  it("removes series", () => {
    const r = new MetricsRegistry();
    const c = r.counter("y_total", "Y.", ["a"]);
    c.labels("1").inc();
    c.remove("1");
    assert.doesNotMatch(r.render(), /y_total\{/);
  });

  it("renders a collected family from its owner's values at scrape time", () => {
    const r = new MetricsRegistry();
    const owners = [
      { name: "a", count: 1 },
      { name: 'b"', count: 2 },
    ];
    r.collected("z_total", "Z.", "counter", ["owner"], (emit) => {
      for (const o of owners) emit([o.name], o.count);
    });
    (owners[0] as { count: number }).count = 5;
    const text = r.render();
    assert.match(text, /# TYPE z_total counter\nz_total\{owner="a"\} 5\nz_total\{owner="b\\""\} 2\n/);
  });
});

describe("RuntimeMetrics, a trigger's series", () => {
  const result = (outcome: DeliveryResult["outcome"], attempts: number) =>
    ({ outcome, attempts }) as DeliveryResult;

  it("counts outcomes and attempts, observes latency, reads its gauges from its worker, and goes when removed", () => {
    const m = new RuntimeMetrics();
    const t = m.forTrigger("ns/t");
    const worker = { waiting: 3, inFlight: 2, window: 8 };
    t.watch(worker);
    const other = m.forTrigger("ns/u");
    other.watch({ waiting: 0, inFlight: 0, window: 1 });
    t.outcome(result("delivered", 1), Date.now() - 20);
    t.outcome(result("delivered", 3), Date.now() - 20);
    t.outcome(result("dead-lettered", 6), Date.now());
    t.outcome(result("failed", 6), Date.now());
    t.outcome(result("aborted", 1), Date.now());
    worker.waiting = 7;
    const text = m.registry.render();
    const line = (series: string) => new RegExp(`^${series.replace(/[{}]/g, "\\$&")}$`, "m");
    assert.match(text, line('sluice_deliveries_total{trigger="ns/t",outcome="delivered"} 2'));
    assert.match(text, line('sluice_deliveries_total{trigger="ns/t",outcome="dead_lettered"} 1'));
    assert.match(text, line('sluice_deliveries_total{trigger="ns/t",outcome="dead_letter_store"} 1'));
    assert.match(text, line('sluice_delivery_attempts_total{trigger="ns/t"} 17'));
    assert.match(text, line('sluice_delivery_latency_seconds_count{trigger="ns/t"} 2'));
    assert.match(text, line('sluice_trigger_inflight{trigger="ns/t"} 2'));
    assert.match(text, line('sluice_trigger_pending_deliveries{trigger="ns/t"} 7'), "read when scraped");
    assert.match(text, line('sluice_trigger_window{trigger="ns/t"} 8'));
    assert.match(
      text,
      line('sluice_deliveries_total{trigger="ns/u",outcome="delivered"} 0'),
      "zero from the start",
    );
    m.removeTrigger("ns/t");
    const after = m.registry.render();
    assert.doesNotMatch(after, /trigger="ns\/t"/);
    assert.match(after, line('sluice_trigger_window{trigger="ns/u"} 1'));
  });
});
