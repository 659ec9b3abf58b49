import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MetricsRegistry } from "../src/metrics.js";

describe("MetricsRegistry", () => {
  it("renders counters, gauges and histograms in Prometheus text format", () => {
    const r = new MetricsRegistry();
    const c = r.counter("x_total", "Things.", ["broker"]);
    c.labels('ns/"b"').inc();
    c.labels('ns/"b"').inc(2);
    r.gauge("g", "A gauge.").labels().set(7);
    const cb = r.gaugeCallback("cb", "Callback.", ["k"]);
    const state = { value: 1 };
    cb.set(["a"], state, (st) => st.value);
    const h = r.histogram("lat_seconds", "Latency.", ["t"], [0.1, 1]);
    h.labels("t1").observe(0.05);
    h.labels("t1").observe(0.5);
    h.labels("t1").observe(5);
    state.value = 42;
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
});
